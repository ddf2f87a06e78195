{% macro landing_entity(system, entity) %}
    {#- The declaration of a landing entity in var landing_entities
        (dbt_project.yml): format, dated, delimiter, key, columns. An entity
        the contract does not declare is a compile error. -#}
    {%- for spec in var('landing_entities') -%}
        {%- if spec.system == system and spec.entity == entity -%}
            {{- return(spec) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- exceptions.raise_compiler_error(
        'landing entity ' ~ system ~ '/' ~ entity
        ~ ' is not declared in var landing_entities (dbt_project.yml)'
    ) -}}
{% endmacro %}

{% macro landing_header(spec) %}
    {#- A CSV entity's header line: its declared columns joined by its
        delimiter. -#}
    {{- return(spec.columns | join(spec.delimiter)) -}}
{% endmacro %}

{% macro landing_field(system, entity, column, line='line') %}
    {#- The field of a CSV entity's raw line that the contract names column
        (split_field at its declared position), null when empty. -#}
    {%- set spec = landing_entity(system, entity) -%}
    {%- if column not in spec.columns -%}
        {{- exceptions.raise_compiler_error(
            system ~ '/' ~ entity ~ ' declares no column ' ~ column
        ) -}}
    {%- endif -%}
    {{- split_field(line, spec.columns.index(column) + 1, spec.delimiter) -}}
{%- endmacro %}

{% macro landing_columns(system, entity, line='line', aliases={}) %}
    {#- Every field of a CSV entity's raw line as a column named as the
        contract names it (or as aliases maps the name), in the declared
        order, each followed by a comma: the select list of a staging
        model's split CTE. -#}
    {%- set spec = landing_entity(system, entity) -%}
    {%- for column in spec.columns %}
        {{ split_field(line, loop.index, spec.delimiter) }}
            as {{ aliases.get(column, column) }},
    {%- endfor %}
{%- endmacro %}

{% macro is_landing_record(system, entity, line='line') %}
    {#- True when a CSV entity's raw line is a record staging can split: not
        blank, not the header, exactly as many fields as the declared
        columns (the others are quarantined by stg_landing__records). -#}
    {%- set spec = landing_entity(system, entity) -%}
    (
        trim({{ line }}) != ''
        and {{ line }} != '{{ landing_header(spec) }}'
        and {{ field_count(line, spec.delimiter) }}
            = {{ spec.columns | length }}
    )
{%- endmacro %}

{% macro landing_record_line(spec, line='line') %}
    {#- A CSV entity's raw line with the declared delimiter: a line of an
        entity with an alternative_delimiter that has the declared number of
        fields by that delimiter is read with it instead. -#}
    {%- if spec.alternative_delimiter is defined -%}
    case
        when {{ field_count(line, spec.alternative_delimiter) }}
            = {{ spec.columns | length }}
            then {{ dbt.replace(
                line,
                "'" ~ spec.alternative_delimiter ~ "'",
                "'" ~ spec.delimiter ~ "'",
            ) }}
        else {{ line }}
    end
    {%- else -%}
    {{ line }}
    {%- endif -%}
{%- endmacro %}
