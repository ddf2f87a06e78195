{% macro connector_tables() %}
    {#- The connector tables this build reads, one dict each: connector,
        table (as the connector names it), model (its staging model, one
        row per source row with record_status: modelled, deduplicated,
        excluded or quarantined, and record_rule), key (the model's primary
        key) and system (the landing system it stands in for). The quality
        models give each a reconciliation row and quarantine its rejected
        rows. -#}
    {%- set tables = [] -%}
    {%- if staging_source('callcenter') == 'zendesk' -%}
        {%- for table, model, key in [
            ('user', 'stg_zendesk__users', 'user_id'),
            ('ticket', 'stg_zendesk__tickets', 'ticket_id'),
            ('ticket_field_history', 'stg_zendesk__ticket_field_history',
                'field_value_id'),
        ] -%}
            {%- do tables.append({
                'connector': 'zendesk', 'table': table, 'model': model,
                'key': key, 'system': 'callcenter',
            }) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if zendesk_satisfaction_ratings() -%}
        {%- do tables.append({
            'connector': 'zendesk', 'table': 'satisfaction_rating',
            'model': 'stg_zendesk__satisfaction_ratings',
            'key': 'satisfaction_rating_id', 'system': 'surveys',
        }) -%}
    {%- endif -%}
    {%- if staging_source('surveys') == 'qualtrics' -%}
        {%- for table, model, key in [
            ('survey', 'stg_qualtrics__surveys', 'survey_id'),
            ('distribution_contact', 'stg_qualtrics__distribution_contacts',
                'invitation_id'),
            ('survey_response', 'stg_qualtrics__survey_responses',
                'response_id'),
        ] -%}
            {%- do tables.append({
                'connector': 'qualtrics', 'table': table, 'model': model,
                'key': key, 'system': 'surveys',
            }) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if staging_source('marketing') == 'klaviyo' -%}
        {%- for table, model, key in [
            ('person', 'stg_klaviyo__persons', 'person_id'),
            ('event', 'stg_klaviyo__events', 'event_record_id'),
        ] -%}
            {%- do tables.append({
                'connector': 'klaviyo', 'table': table, 'model': model,
                'key': key, 'system': 'marketing',
            }) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if staging_source('web') == 'ga4' -%}
        {%- do tables.append({
            'connector': 'ga4', 'table': 'events', 'model': 'stg_ga4__events',
            'key': 'ga4_row_id', 'system': 'web', 'file': 'file_name',
        }) -%}
    {%- endif -%}
    {%- if staging_source('shop') == 'shopify' -%}
        {%- for table, model, key in [
            ('customer', 'stg_shopify__customers', 'customer_id'),
            ('order', 'stg_shopify__orders', 'source_record_id'),
            ('order_line', 'stg_shopify__order_lines', 'order_item_id'),
            ('fulfillment_event', 'stg_shopify__fulfillment_events',
                'fulfillment_event_id'),
            ('refund', 'stg_shopify__refunds', 'refund_id'),
        ] -%}
            {%- do tables.append({
                'connector': 'shopify', 'table': table, 'model': model,
                'key': key, 'system': 'shop',
            }) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if staging_source('stores') == 'shopify' -%}
        {#- the order table's POS rows stay stg_shopify__orders' -#}
        {%- do tables.append({
            'connector': 'shopify', 'table': 'location',
            'model': 'stg_shopify__locations', 'key': 'location_version_id',
            'system': 'stores',
        }) -%}
    {%- endif -%}
    {{- return(tables) -}}
{% endmacro %}
