{% macro score_category(score, scales) -%}
    {#- The category of a score on its scale: the survey_scales row joined
        as `scales` holds the thresholds and labels. -#}
    case
        when {{ score }} >= {{ scales }}.positive_min_score
            then {{ scales }}.positive_label
        when {{ score }} >= {{ scales }}.neutral_min_score
            then {{ scales }}.neutral_label
        else {{ scales }}.negative_label
    end
{%- endmacro %}
