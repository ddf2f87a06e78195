{% macro union_touchpoints(relations) %}
    {#- union all of the touchpoint models: every column of
        touchpoint_columns() in its order and type, null where a model
        does not have it. A model with a column not declared there, or
        whose relation has no columns when it runs, stops the build. -#}
    {%- set declared = touchpoint_columns() | map(attribute=0) | list -%}
    {%- for relation in relations %}
        {%- set present = [] -%}
        {%- if execute -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}
                {%- do present.append(column.name | lower) -%}
            {%- endfor -%}
            {%- if not present and flags.WHICH in ('run', 'build') -%}
                {{ exceptions.raise_compiler_error(
                    'union_touchpoints: no columns found for ' ~ relation
                ) }}
            {%- endif -%}
            {%- for name in present if name not in declared -%}
                {{ exceptions.raise_compiler_error(
                    relation ~ ' has column ' ~ name
                    ~ ', which touchpoint_columns() does not declare'
                ) }}
            {%- endfor -%}
        {%- endif %}
    select
        {%- for name, type in touchpoint_columns() %}
        cast(
            {{ name if name in present else 'null' }} as {{ type }}
        ) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    {%- if not loop.last %}

    union all
    {% endif -%}
    {%- endfor %}
{% endmacro %}
