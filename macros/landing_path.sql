{% macro landing_path() %}
    {#-
        The landing folder, as an absolute path without a trailing slash.
        CXW_LANDING wins when set (the cxw CLI always sets it, absolute);
        otherwise <project dir>/data/landing. invocation_args_dict holds the
        absolute project dir even when dbt runs elsewhere with --project-dir
        (flags.PROJECT_DIR is empty there), so nothing depends on the cwd.
    -#}
    {%- set landing = env_var('CXW_LANDING', '') | trim -%}
    {%- if landing == '' -%}
        {%- set landing = invocation_args_dict.get('project_dir') ~ '/data/landing' -%}
    {%- endif -%}
    {%- if landing | length > 1 and landing.endswith('/') -%}
        {%- set landing = landing[:-1] -%}
    {%- endif -%}
    {{- return(landing) -}}
{% endmacro %}
