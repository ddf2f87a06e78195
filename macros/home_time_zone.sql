{% macro home_time_zone() %}
    {#- The company's home clock as a SQL string literal: the reporting day of
        every mart, the call centre's clock, and a store's clock when its
        country (or the store) is unknown. Declared once, var home_time_zone. -#}
    {{- return("'" ~ var('home_time_zone') ~ "'") -}}
{% endmacro %}
