{% macro erasure_flag(identifiers) %}
    {#- Boolean expression: true when any of the record's identifiers is
        erased. identifiers maps an identifier type (email, phone,
        customer_id, loyalty_card) to a list of column expressions holding
        it (normalised; phones compare by their last nine digits, as the
        search of raw lines does). Needs an import CTE erased_identifiers as
        ({{ erased_identifiers() }}). -#}
    (
    {%- for identifier_type, columns in identifiers.items() %}
        {%- for column in columns %}
        {%- if identifier_type == 'phone' %}
        {#- a phone by its last nine digits, the rule the raw-line search
            applies: '703 118 919' typed in a Czech store parses as
            +48703118919 and is still the erased +420703118919 -#}
        coalesce({{ dbt.right(column, 9) }} in (
            select {{ dbt.right('erased_identifiers.identifier', 9) }}
            from erased_identifiers
            where erased_identifiers.identifier_type = 'phone'
        ), false)
        {%- else %}
        coalesce({{ column }} in (
            select erased_identifiers.identifier
            from erased_identifiers
            where erased_identifiers.identifier_type = '{{ identifier_type }}'
        ), false)
        {%- endif %}
        {%- if not loop.last %} or {% endif %}
        {%- endfor %}
        {%- if not loop.last %} or {% endif %}
    {%- endfor %}
    )
{%- endmacro %}
