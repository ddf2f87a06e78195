{#-
    One row per survey invitation, linked to the record that triggered it:
    the order (order_delivered), the call (call_completed) or the till
    receipt (store_purchase). A trigger_ref that names no such record is
    kept, with null links and has_unmatched_trigger_ref. Test traffic
    (int_test_traffic_identified) is left out.
-#}

with

invitations as (

    select
        invitation_id,
        trigger_ref,
        survey_type,
        trigger_type,
        recipient_email,
        recipient_phone,
        channel,
        is_erased,
        sent_at

    from {{ ref('stg_surveys__invitations') }}

),

test_invitations as (

    select record_id as invitation_id

    from {{ ref('int_test_traffic_identified') }}

    where source_system = 'surveys' and entity = 'invitations'

),

orders as (

    select order_id

    from {{ ref('stg_shop__orders') }}

),

calls as (

    select call_id

    from {{ ref('stg_callcenter__calls') }}

),

receipts as (

    select receipt_id

    from {{ ref('stg_stores__transactions') }}

),

linked as (

    select
        invitations.invitation_id,
        orders.order_id,
        calls.call_id,
        receipts.receipt_id,
        invitations.trigger_ref,
        invitations.survey_type,
        invitations.trigger_type,
        invitations.recipient_email,
        invitations.recipient_phone,
        invitations.channel,
        invitations.is_erased,
        (
            invitations.trigger_ref is not null
            and orders.order_id is null
            and calls.call_id is null
            and receipts.receipt_id is null
        ) as has_unmatched_trigger_ref,
        invitations.sent_at

    from invitations

    left join orders
        on
            invitations.trigger_type = 'order_delivered'
            and invitations.trigger_ref = orders.order_id

    left join calls
        on
            invitations.trigger_type = 'call_completed'
            and invitations.trigger_ref = calls.call_id

    left join receipts
        on
            invitations.trigger_type = 'store_purchase'
            and invitations.trigger_ref = receipts.receipt_id

    left join test_invitations
        on invitations.invitation_id = test_invitations.invitation_id

    where test_invitations.invitation_id is null

)

select * from linked
