{% macro utc_to_local_date(timestamp_utc, time_zone=none) %}
    {#- The calendar day a naive UTC timestamp falls on in an IANA time zone
        (default home_time_zone(), the company's reporting clock). -#}
    {{- return(adapter.dispatch('utc_to_local_date', 'cx_warehouse')(
        timestamp_utc, time_zone or home_time_zone())) -}}
{% endmacro %}

{% macro default__utc_to_local_date(timestamp_utc, time_zone) -%}
    cast(
        {{ timestamp_utc }} at time zone 'UTC' at time zone {{ time_zone }}
        as date
    )
{%- endmacro %}

{% macro duckdb__utc_to_local_date(timestamp_utc, time_zone) -%}
    cast(
        timezone({{ time_zone }}, timezone('UTC', {{ timestamp_utc }}))
        as date
    )
{%- endmacro %}

{% macro spark__utc_to_local_date(timestamp_utc, time_zone) -%}
    to_date(from_utc_timestamp({{ timestamp_utc }}, {{ time_zone }}))
{%- endmacro %}
