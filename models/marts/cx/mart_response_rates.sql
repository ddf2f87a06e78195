{#-
    Invitations sent and the counted responses they got, by the month the
    invitation was sent (Europe/Warsaw) x survey type x invitation channel.
    A response counts towards its invitation's month, however late it came
    (a cohort rate, so a month's rate only grows while answers arrive).
    Walk-up answers have no invitation and are not part of any rate.
-#}

with

invitations as (

    select
        invitation_id,
        survey_type,
        channel,
        sent_at

    from {{ ref('int_survey_invitations_linked') }}

    where sent_at is not null

),

responses as (

    select invitation_id

    from {{ ref('fct_survey_responses') }}

    where invitation_id is not null

),

monthly as (

    select
        cast(
            {{ dbt.date_trunc(
                'month', utc_to_local_date('invitations.sent_at')
            ) }} as date
        ) as month,  -- noqa: RF04
        invitations.survey_type,
        invitations.channel as invitation_channel,
        count(*) as invitations,
        count(responses.invitation_id) as responses

    from invitations

    left join responses
        on invitations.invitation_id = responses.invitation_id

    group by 1, 2, 3

),

final as (

    select
        {{ surrogate_key(['month', 'survey_type', 'invitation_channel']) }}
            as response_rate_id,
        month,  -- noqa: RF04
        survey_type,
        invitation_channel,
        cast(invitations as {{ dbt.type_bigint() }}) as invitations,
        cast(responses as {{ dbt.type_bigint() }}) as responses,
        cast(responses as double) / nullif(invitations, 0) as response_rate

    from monthly

)

select * from final
