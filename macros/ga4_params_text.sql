{% macro ga4_params_text(column) %}
    {#- A GA4 event's event_params as one text, so that two deliveries of
        the same event compare (and hash) equal, and the same text on
        DuckDB and Spark (stg_ga4__events' event_id): JSON, nulls written,
        each param as {key, value: {string_value, int_value, float_value,
        double_value}}, float and double values as printf's %.15e (16
        significant digits), which both engines write alike where their
        own number texts differ (DuckDB 1e+20, Spark 1.0E20). The generator
        renders default__ga4_params_text with plain Jinja to key its truth
        by the same ids (cx_warehouse/generator/connectors/ga4.py). -#}
    {{- return(adapter.dispatch('ga4_params_text', 'cx_warehouse')(column)) -}}
{% endmacro %}

{% macro default__ga4_params_text(column) -%}
    to_json(list_transform({{ column }}, lambda param: {
        'key': param.key,
        'value': {
            'string_value': param.value.string_value,
            'int_value': param.value.int_value,
            'float_value': printf('%.15e', param.value.float_value),
            'double_value': printf('%.15e', param.value.double_value)
        }
    }))
{%- endmacro %}

{% macro spark__ga4_params_text(column) -%}
    {#- format_string writes a null as 'null': nvl2 keeps it null -#}
    to_json(transform({{ column }}, param -> named_struct(
        'key', param.key,
        'value', named_struct(
            'string_value', param.value.string_value,
            'int_value', param.value.int_value,
            'float_value', nvl2(
                param.value.float_value,
                format_string('%.15e', param.value.float_value),
                null
            ),
            'double_value', nvl2(
                param.value.double_value,
                format_string('%.15e', param.value.double_value),
                null
            )
        )
    )), map('ignoreNullFields', 'false'))
{%- endmacro %}
