{% macro duckdb__collect_freshness(source, loaded_at_field, filter) %}
    {#- `dbt source freshness` builds the source relation without source():
        resolve the landing folder (or the GA4 export's), then run dbt's
        default query. -#}
    {{- return(dbt.default__collect_freshness(
        resolve_ga4_export(resolve_landing(source)), loaded_at_field, filter)) -}}
{% endmacro %}
