{% macro erasure_flag(identifiers) %}
    {#- Boolean expression: true when any of the record's identifiers is
        erased. identifiers maps an identifier type (email, phone,
        customer_id, loyalty_card) to a list of column expressions holding
        it (normalised; phones compare by their last nine digits, as the
        search of raw lines does). Needs an import CTE erased_identifiers
        selecting from ref('erased_identifiers'), the erasure layer. -#}
    (
    {%- for identifier_type, columns in identifiers.items() %}
        {%- for column in columns %}
        {%- if identifier_type == 'phone' %}
        {#- a phone by its last nine digits, the rule the raw-line search
            applies: '704 229 020' typed in a Czech store parses as
            +48704229020 and is still the erased +420704229020 -#}
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

{% macro customer_id_unless_erased(column) %}
    {#- A shop customer_id as the models key the customer by: itself, or
        erased_key() of it when it is an erased person's (the request named
        it, or an erased email, phone or card links it), so that no model
        holds an erased customer_id. Needs erased_identifiers, as
        erasure_flag does. -#}
    case
        when {{ erasure_flag({'customer_id': [column]}) }}
            then {{ erased_key(column) }}
        else {{ column }}
    end
{%- endmacro %}

{% macro delete_erased_customer_ids(columns) %}
    {#- Pre-hook of the append-only key registers (int_customer_keys_issued,
        int_customer_merges): on an incremental run, deletes the held rows
        that name an erased shop customer_id in any of columns. The person
        is keyed by erased_key() from this run on, and a register must not
        keep the id they asked to erase. -#}
    {%- if is_incremental() %}
    delete from {{ this }}
    where
        {%- for column in columns %}
        {{ column }} in (
            select erased.identifier
            from ({{ erased_identifiers() }}) as erased
            where erased.identifier_type = 'customer_id'
        ){% if not loop.last %} or{% endif %}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}
