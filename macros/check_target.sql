{% macro check_target() %}
    {#- on-run-start: the prod target is the published warehouse, built only
        by cxw (write-audit-publish: build a copy, validate it, swap it in),
        whose dbt runner sets CXW_RUNNER; a hand-run `dbt --target prod`
        stops here with one line. -#}
    {%- if execute and target.name == 'prod' and env_var('CXW_RUNNER', '') != 'cxw' -%}
        {{ exceptions.raise_compiler_error(
            "the prod target is the published warehouse, which `cxw run` builds, "
            ~ "validates and publishes; develop on the dev target (the default, "
            ~ "data/dev.duckdb): dbt build -s my_model+"
        ) }}
    {%- endif -%}
{% endmacro %}

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
