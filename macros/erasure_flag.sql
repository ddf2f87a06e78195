{% macro erasure_flag(identifiers) %}
    {#- Boolean expression: true when any of the record's identifiers is
        erased. identifiers maps an identifier type (email, phone,
        customer_id, loyalty_card) to a list of column expressions holding
        it (normalised). Needs an import CTE erased_identifiers as
        ({{ erased_identifiers() }}). -#}
    (
    {%- for identifier_type, columns in identifiers.items() %}
        {%- for column in columns %}
        coalesce({{ column }} in (
            select erased_identifiers.identifier
            from erased_identifiers
            where erased_identifiers.identifier_type = '{{ identifier_type }}'
        ), false)
        {%- if not loop.last %} or {% endif %}
        {%- endfor %}
        {%- if not loop.last %} or {% endif %}
    {%- endfor %}
    )
{%- endmacro %}
