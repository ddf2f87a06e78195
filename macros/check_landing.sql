{% macro check_landing() %}
    {#- on-run-start (DuckDB): a landing folder without a file stops the run
        with one line that says what to do, before a source fails on it. -#}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set landing = landing_path() -%}
        {%- set files = run_query(
            "select count(*) from glob('"
            ~ (landing | replace("'", "''")) ~ "/**')"
        ).columns[0].values()[0] -%}
        {%- if files == 0 -%}
            {{ exceptions.raise_compiler_error(
                "no landing files in " ~ landing ~ ": run `make run` (generates a "
                ~ "demo dataset and builds it), or `cxw generate` to write one there "
                ~ "(CXW_LANDING names another folder)"
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
