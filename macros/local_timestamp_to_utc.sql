{% macro local_timestamp_to_utc(timestamp_text, time_zone) %}
    {#- Naive local wall-clock text ('2024-10-27 02:30:00') read in an IANA
        time zone (a literal such as "'Europe/Warsaw'" or a column) to a
        naive UTC timestamp; null when the text is not a timestamp.
        Repeated autumn hour: the first occurrence (summer time). Missing
        spring hour: read with the winter offset (shifted one hour on). -#}
    {{- return(adapter.dispatch('local_timestamp_to_utc', 'cx_warehouse')(timestamp_text, time_zone)) -}}
{% endmacro %}

{% macro default__local_timestamp_to_utc(timestamp_text, time_zone) -%}
    cast(
        cast({{ timestamp_text }} as {{ dbt.type_timestamp() }})
        at time zone {{ time_zone }} at time zone 'UTC'
        as {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{% macro duckdb__local_timestamp_to_utc(timestamp_text, time_zone) -%}
    {#- timezone(zone, naive) takes the later (winter) occurrence of a
        repeated hour: step back one hour when that is the same wall clock. -#}
    (
        case
            when timezone(
                {{ time_zone }},
                timezone(
                    'UTC',
                    timezone(
                        'UTC',
                        timezone(
                            {{ time_zone }},
                            try_cast({{ timestamp_text }} as timestamp)
                        )
                    ) - interval 1 hour
                )
            ) = try_cast({{ timestamp_text }} as timestamp)
                then timezone(
                    'UTC',
                    timezone(
                        {{ time_zone }},
                        try_cast({{ timestamp_text }} as timestamp)
                    )
                ) - interval 1 hour
            else timezone(
                'UTC',
                timezone(
                    {{ time_zone }},
                    try_cast({{ timestamp_text }} as timestamp)
                )
            )
        end
    )
{%- endmacro %}

{% macro spark__local_timestamp_to_utc(timestamp_text, time_zone) -%}
    {#- java.time resolves a repeated hour to the earlier offset (summer)
        and a missing hour forward, the same rule as the duckdb version. -#}
    to_utc_timestamp(
        {{ dbt.safe_cast(timestamp_text, 'timestamp') }}, {{ time_zone }}
    )
{%- endmacro %}
