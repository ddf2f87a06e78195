{% macro delete_journey_steps_to_rebuild() %}
    {#- Pre-hook of int_journey_steps: on an incremental run, deletes the
        rows of every party on either side of a difference between a held
        row and the touchpoint now (new, changed, vanished, or moved to
        another party); the run then rebuilds the parties left without
        rows. -#}
    {%- if is_incremental() %}
    delete from {{ this }}
    where party_key in (
        with changed as (
            select
                held.party_key as held_party_key,
                coalesce(
                    touchpoints.party_id, touchpoints.touchpoint_id
                ) as party_key
            from {{ this }} as held
            full outer join {{ ref('int_touchpoints_unioned') }} as touchpoints
                on held.touchpoint_id = touchpoints.touchpoint_id
            where
                held.touchpoint_id is null
                or touchpoints.touchpoint_id is null
                or held.party_key != coalesce(
                    touchpoints.party_id, touchpoints.touchpoint_id
                )
                or held.touchpoint_type
                is distinct from touchpoints.touchpoint_type
                or held.anchor_touchpoint_id
                is distinct from touchpoints.anchor_touchpoint_id
                or held.is_known_customer
                is distinct from touchpoints.is_known_customer
                or held.occurred_at is distinct from touchpoints.occurred_at
        )
        select held_party_key from changed
        union all
        select party_key from changed
    )
    {%- endif %}
{%- endmacro %}
