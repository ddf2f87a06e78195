{% macro iso_timestamp_to_utc(timestamp_text) %}
    {#- ISO-8601 text with an offset ('2024-03-31T10:20:00+02:00') to a naive
        UTC timestamp; text without an offset is taken as UTC. Null when the
        text is not a timestamp. A plain cast is not enough: DuckDB's
        cast(... as timestamp) silently drops the offset. -#}
    {{- return(adapter.dispatch('iso_timestamp_to_utc', 'cx_warehouse')(timestamp_text)) -}}
{% endmacro %}

{% macro default__iso_timestamp_to_utc(timestamp_text) -%}
    cast(
        cast({{ timestamp_text }} as timestamp with time zone)
        at time zone 'UTC' as {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{% macro duckdb__iso_timestamp_to_utc(timestamp_text) -%}
    timezone('UTC', try_cast({{ timestamp_text }} as timestamptz))
{%- endmacro %}

{% macro spark__iso_timestamp_to_utc(timestamp_text) -%}
    to_utc_timestamp(
        {{ dbt.safe_cast(timestamp_text, 'timestamp') }}, current_timezone()
    )
{%- endmacro %}
