{#-
    One row per identifier node with the customer it resolves to. The
    customer_id of a component is its smallest shop customer_id; a
    component without a shop account gets 'K' and the keyed hash of its
    anchor (anchor_key):
    its smallest loyalty card, else email, else phone, else anonymous_id
    (the most durable identifier first, so that a new cookie does not
    change the key). Both depend only on the component's members, so the
    key stays the same across rebuilds while the component is unchanged,
    and when components merge the smaller shop customer_id survives. A component
    holding no person identifier that links (only record ids, or a single
    shared phone, email or device) resolves to nobody: customer_id null.
-#}

with

clustered as (

    select
        node_id,
        component_id,
        identifier_type,
        identifier

    from {{ ref('int_identifiers_clustered') }}

),

decisions as (

    select
        node_id,
        is_shared

    from {{ ref('int_identifier_decisions') }}

),

flagged as (

    select
        clustered.node_id,
        clustered.component_id,
        clustered.identifier_type,
        clustered.identifier,
        coalesce(decisions.is_shared, false) as is_shared,
        clustered.identifier_type in (
            'customer_id', 'email', 'phone', 'loyalty_card', 'anonymous_id'
        )
        and not coalesce(decisions.is_shared, false) as is_person_identifier

    from clustered

    left join decisions
        on clustered.node_id = decisions.node_id

),

components as (

    select
        component_id,
        min(
            case
                when identifier_type = 'customer_id' then identifier
            end
        ) as shop_customer_id,
        coalesce(
            {%- for identifier_type in [
                'loyalty_card', 'email', 'phone', 'anonymous_id'
            ] %}
            min(
                case
                    when
                        is_person_identifier
                        and identifier_type = '{{ identifier_type }}'
                        then node_id
                end
            ){% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as anchor_node_id

    from flagged

    group by component_id

),

final as (

    select
        flagged.node_id,
        case
            when components.shop_customer_id is not null
                then components.shop_customer_id
            when components.anchor_node_id is not null
                then {{ anchor_key('components.anchor_node_id') }}
        end as customer_id,
        flagged.component_id,
        flagged.identifier_type,
        flagged.identifier,
        flagged.is_shared

    from flagged

    inner join components
        on flagged.component_id = components.component_id

)

select * from final
