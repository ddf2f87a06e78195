{% macro touchpoint_columns() %}
    {#- The columns of the union of the touchpoint models, in order, with
        their types: the one declaration union_touchpoints pads from. -#}
    {{- return([
        ('touchpoint_id', dbt.type_string()),
        ('source_system', dbt.type_string()),
        ('entity', dbt.type_string()),
        ('record_key', dbt.type_string()),
        ('resolution_key', dbt.type_string()),
        ('source_record_id', dbt.type_string()),
        ('touchpoint_type', dbt.type_string()),
        ('channel', dbt.type_string()),
        ('store_id', dbt.type_string()),
        ('agent_id', dbt.type_string()),
        ('survey_type', dbt.type_string()),
        ('trigger_touchpoint_id', dbt.type_string()),
        ('anchor_touchpoint_id', dbt.type_string()),
        ('session_party_id', dbt.type_string()),
        ('revenue_pln', dbt.type_numeric()),
        ('score', dbt.type_int()),
        ('is_erased', dbt.type_boolean()),
        ('occurred_at', dbt.type_timestamp()),
    ]) -}}
{% endmacro %}
