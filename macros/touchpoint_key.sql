{% macro touchpoint_key(kind, record_id) %}
    {#- A touchpoint's id: the hash of its kind and its record's key. A
        touchpoint that points to another one (an anchor, a trigger) builds
        the other's id with the same macro. -#}
    {{- return(surrogate_key([kind, record_id])) -}}
{% endmacro %}
