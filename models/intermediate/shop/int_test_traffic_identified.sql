{#-
    One row per record that is test traffic: test accounts (an
    @test.internal email) and everything they touch - their orders (also
    guest orders from such an address), their clickstream (also the
    anonymous events of a cookie that logged in as a test account), email
    events sent to them, survey invitations sent to them or triggered by
    their orders, and the responses to those invitations or from such an
    address. Business models leave these records out; the quality models
    count them as excluded.
-#}

{%- set test_address = "'%@test.internal'" -%}

with

customers as (

    select
        customer_id,
        email

    from {{ ref('stg_shop__customers') }}

),

orders as (

    select
        order_id,
        customer_id,
        guest_email

    from {{ ref('stg_shop__orders') }}

),

events as {{ not_materialized() }} (

    select
        event_id,
        anonymous_id,
        customer_id

    from {{ ref('stg_shop__events') }}

),

email_events as (

    select
        email_event_id,
        email

    from {{ ref('stg_marketing__email_events') }}

),

invitations as (

    select
        invitation_id,
        trigger_ref,
        recipient_email

    from {{ ref('stg_surveys__invitations') }}

),

responses as (

    select
        response_id,
        invitation_id,
        respondent_email

    from {{ ref('stg_surveys__responses') }}

),

test_customers as (

    select customer_id

    from customers

    where email like {{ test_address }}

),

test_orders as (

    select orders.order_id

    from orders

    left join test_customers
        on orders.customer_id = test_customers.customer_id

    where
        orders.guest_email like {{ test_address }}
        or test_customers.customer_id is not null

),

test_cookies as (

    select distinct events.anonymous_id

    from events

    inner join test_customers
        on events.customer_id = test_customers.customer_id

    where events.anonymous_id is not null

),

test_events as (

    select events.event_id

    from events

    left join test_customers
        on events.customer_id = test_customers.customer_id

    left join test_cookies
        on events.anonymous_id = test_cookies.anonymous_id

    where
        test_customers.customer_id is not null
        or test_cookies.anonymous_id is not null

),

test_invitations as (

    select invitations.invitation_id

    from invitations

    left join test_orders
        on invitations.trigger_ref = test_orders.order_id

    where
        invitations.recipient_email like {{ test_address }}
        or test_orders.order_id is not null

),

test_responses as (

    select responses.response_id

    from responses

    left join test_invitations
        on responses.invitation_id = test_invitations.invitation_id

    where
        responses.respondent_email like {{ test_address }}
        or test_invitations.invitation_id is not null

),

unioned as (

    select
        'shop' as source_system,
        'customers' as entity,
        customer_id as record_id

    from test_customers

    union all

    select
        'shop' as source_system,
        'orders' as entity,
        order_id as record_id

    from test_orders

    union all

    select
        'shop' as source_system,
        'events' as entity,
        event_id as record_id

    from test_events

    union all

    select
        'marketing' as source_system,
        'email_events' as entity,
        email_event_id as record_id

    from email_events

    where email like {{ test_address }}

    union all

    select
        'surveys' as source_system,
        'invitations' as entity,
        invitation_id as record_id

    from test_invitations

    union all

    select
        'surveys' as source_system,
        'responses' as entity,
        response_id as record_id

    from test_responses

),

final as (

    select
        {{ surrogate_key(['source_system', 'entity', 'record_id']) }}
            as test_record_id,
        source_system,
        entity,
        record_id

    from unioned

)

select * from final
