{% macro erasure_fingerprint(identifiers) %}
    {#- A select of one value, fingerprint: a hash of every row of
        identifiers (a CTE of identifier_type, identifier), in a fixed
        order. stg_landing__records stores it on the rows a run writes and
        searches its held lines again when it changes, so that an erasure
        (or a new link to an erased person) reaches the rows already held. -#}
    select
        {{ dbt.hash(
            "coalesce(" ~ dbt.listagg(
                "identifier_type || ':' || identifier",
                "'|'",
                "order by identifier_type, identifier",
            ) ~ ", '')"
        ) }} as fingerprint

    from {{ identifiers }}
{%- endmacro %}
