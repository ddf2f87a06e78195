{% macro erasure_fingerprint(identifiers) %}
    {#- A select of one value, fingerprint: a hash of every row of
        identifiers (a CTE of identifier_type, identifier), in a fixed
        order. Incremental models store it on their rows and rebuild every
        row when it changes, so that an erasure (or a new link to an erased
        person) reaches the rows already held. -#}
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
