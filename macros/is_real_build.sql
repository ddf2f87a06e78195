{% macro is_real_build() -%}
    {#- Whether the calling model is being built (dbt run or build), not
        parsed, compiled, linted or unit tested: only then may a macro make
        work tables or read tables made before the run. -#}
    {{ return(execute
        and model.resource_type == 'model'
        and flags.WHICH in ['run', 'build']) }}
{%- endmacro %}
