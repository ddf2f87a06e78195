{% macro pseudonym_key_fingerprint() %}
    {#- The keyed hash of a fixed text: equal for two builds exactly when
        their keys are. -#}
    {{- keyed_hash("'cx-warehouse pseudonym key'") -}}
{% endmacro %}

{% macro check_pseudonym_key() %}
    {#- on-run-start: stops an incremental run (DuckDB) whose key is not the
        one the held warehouse was built with (quality_pseudonym_key):
        every K key, loyalty member and erased key would change, and the
        incremental models would mix keys of two secrets. Rotating the key
        is a full refresh. Renders no SQL. -#}
    {%- if execute and target.type == 'duckdb' and not flags.FULL_REFRESH -%}
        {%- set node = graph.nodes['model.cx_warehouse.quality_pseudonym_key'] -%}
        {%- set held = adapter.get_relation(
            database=node.database,
            schema=node.schema,
            identifier=node.alias,
        ) -%}
        {%- if held is not none -%}
            {%- set same = run_query(
                'select count(*) from ' ~ held
                ~ ' where key_fingerprint = ' ~ pseudonym_key_fingerprint()
            ).columns[0].values()[0] -%}
            {%- if same == 0 -%}
                {{ exceptions.raise_compiler_error(
                    "CXW_ERASURE_KEY is not the key this warehouse was built with: "
                    ~ "rotating it changes every pseudonymous key, so run a full "
                    ~ "refresh (cxw run --full-refresh, or dbt build --full-refresh)"
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
