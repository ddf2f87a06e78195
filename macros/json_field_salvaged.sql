{% macro json_field_salvaged(line, key) -%}
    {#- A string field of a JSON line, also from a line cut short: parsed
        when the line is valid JSON, else read as "key": "value" from what
        is left (null when the value was cut off). So that a quarantined
        line still names whose it is, for erasure. -#}
    case
        when {{ is_valid_json(line) }}
            then {{ json_extract_string(line, '$.' ~ key) }}
        else {{ regex_extract(line, '"' ~ key ~ '" *: *"([^"]+)"') }}
    end
{%- endmacro %}
