{% macro erased_identifiers() %}
    {#- A select of (identifier_type, identifier) naming every identifier of
        every person who asked to be erased, normalised the way staging
        normalises it (emails trimmed and lower-cased, phones E.164, card
        numbers and customer ids trimmed). Reads sources only: the erasure
        layer (models/erasure/erased_identifiers) is this select, and every
        staging model reads it from there.
        The chain: 1. the identifier named in the request; 2. every version
        of a shop customer whose customer_id, email or phone is a requested
        one, and every loyalty card whose number, email or phone is a
        requested one, give their customer_id, emails, phones and cards;
        3. loyalty cards and customers sharing an email or a card (not a
        phone: phones can be shared by a household or a switchboard) with
        step 2 give theirs; 4. invitations sent to any of those emails or
        phones are named by invitation_id (identifier_type invitation_id),
        so that the answers to them lose their free text. -#}
    {{- return(adapter.dispatch('erased_identifiers', 'cx_warehouse')()) -}}
{% endmacro %}

{% macro spark__erased_identifiers() %}
    {#- Spark inlines a CTE at every reference, so the chain below would be
        recomputed for each erasure_flag column of each model: in a build
        (not in unit tests, compile or lint) it is read instead from the
        table register_landing() makes from the same SQL before the run. -#}
    {%- if is_real_build() -%}
    select
        identifier_type,
        identifier
    from {{ landing_schema() }}.erased_identifiers
    {%- else -%}
    {{ default__erased_identifiers() }}
    {%- endif -%}
{% endmacro %}

{% macro default__erased_identifiers() %}
    {%- set requests = landing_entity('privacy', 'erasure_requests') -%}
    {%- set cards = landing_entity('stores', 'loyalty_members') -%}
    {%- set request_type = 'lower(trim(' ~ landing_field(
        'privacy', 'erasure_requests', 'identifier_type', 'erasure_lines.line'
    ) ~ '))' -%}
    {%- set request_value = landing_field(
        'privacy', 'erasure_requests', 'identifier', 'erasure_lines.line'
    ) -%}
    with

    erasure_lines as (

        select line

        from {{ source('privacy', 'erasure_requests') }}

        where {{ field_count('line', requests.delimiter) }}
            = {{ requests.columns | length }}

    ),

    requested as (

        select
            {{ request_type }} as identifier_type,
            case {{ request_type }}
                when 'email' then lower(trim({{ request_value }}))
                when 'phone' then {{ phone_to_e164(request_value) }}
                else trim({{ request_value }})
            end as identifier

        from erasure_lines

        where {{ request_type }} in ('email', 'phone', 'customer_id', 'loyalty_card')

    ),

    {#- Quarantined lines count too: a line cut short still links what can
        be read from it (json_field_salvaged; the fields a short CSV row
        has), or an erasure would miss a person whose only record broke. -#}
    customer_versions as (
        {#- the shop customers of the shop's shape (staging_source): every
            row of Shopify's customer table, deleted or superseded too -#}
        {%- set shop_source = staging_source('shop') %}
        {%- if shop_source == 'shopify' %}

        select
            cast(id as {{ dbt.type_string() }}) as customer_id,
            nullif(lower(trim(email)), '') as email,
            {{ phone_to_e164('phone') }} as phone

        from {{ source('shopify', 'customer') }}
        {%- elif shop_source == 'none' %}

        select
            cast(null as {{ dbt.type_string() }}) as customer_id,
            cast(null as {{ dbt.type_string() }}) as email,
            cast(null as {{ dbt.type_string() }}) as phone

        where false
        {%- else %}

        select
            {{ json_field_salvaged('line', 'customer_id') }} as customer_id,
            nullif(lower(trim(
                {{ json_field_salvaged('line', 'email') }}
            )), '') as email,
            {{ phone_to_e164(json_field_salvaged('line', 'phone')) }}
                as phone

        from {{ source('shop', 'customers') }}

        where line is not null
        {%- endif %}

    ),

    cards as (
        {#- the loyalty cards, none when the company has no stores -#}
        {%- if not is_on_landing('stores', 'loyalty_members') %}

        select
            cast(null as {{ dbt.type_string() }}) as loyalty_card,
            cast(null as {{ dbt.type_string() }}) as email,
            cast(null as {{ dbt.type_string() }}) as phone

        where false
        {%- else %}

        select
            nullif(trim(
                {{ landing_field('stores', 'loyalty_members', 'card_number') }}
            ), '') as loyalty_card,
            nullif(lower(trim(
                {{ landing_field('stores', 'loyalty_members', 'email') }}
            )), '') as email,
            {{ phone_to_e164(
                landing_field('stores', 'loyalty_members', 'phone')
            ) }} as phone

        from {{ source('stores', 'loyalty_members') }}

        where
            {{ field_count('line', cards.delimiter) }}
                between 2 and {{ cards.columns | length }}
            and trim(
                {{ landing_field('stores', 'loyalty_members', 'card_number') }}
            ) != '{{ cards.columns | first }}'
        {%- endif %}

    ),

    {#- One relation for both kinds of record. -#}
    records as (

        select
            customer_id,
            email,
            phone,
            cast(null as {{ dbt.type_string() }}) as loyalty_card

        from customer_versions

        union all

        select
            cast(null as {{ dbt.type_string() }}) as customer_id,
            email,
            phone,
            loyalty_card

        from cards

    ),

    identifier_types as (

        select 'customer_id' as identifier_type
        union all
        select 'email' as identifier_type
        union all
        select 'phone' as identifier_type
        union all
        select 'loyalty_card' as identifier_type

    ),

    {%- for step, previous, types in [
        ('first', 'requested', ['email', 'phone', 'customer_id', 'loyalty_card']),
        ('second', 'first_hop', ['email', 'customer_id', 'loyalty_card']),
    ] %}

    {{ step }}_people as (

        {#- One equality join per identifier type: a join on an `or` of
            them is a nested loop over every record and every identifier
            (docs/performance.md). A record appears once per identifier it matches, as
            under that `or`. A shop customer has no card and a card no
            customer_id: a null never matches. -#}
        {%- for type in types %}
        select
            records.customer_id,
            records.email,
            records.phone,
            records.loyalty_card

        from records

        inner join {{ previous }}
            on {{ previous }}.identifier = records.{{ type }}

        where {{ previous }}.identifier_type = '{{ type }}'
        {%- if not loop.last %}

        union all
        {% endif %}
        {%- endfor %}

    ),

    {{ step }}_hop as (

        select
            identifier_type,
            identifier
        from {{ previous }}

        union all

        select
            identifier_types.identifier_type,
            case identifier_types.identifier_type
                when 'customer_id' then {{ step }}_people.customer_id
                when 'email' then {{ step }}_people.email
                when 'phone' then {{ step }}_people.phone
                else {{ step }}_people.loyalty_card
            end as identifier

        from {{ step }}_people

        cross join identifier_types

    ),
    {%- endfor %}

    invitations as (
        {#- the invitations of the survey platform's shape (staging_source):
            Qualtrics names one by distribution_id:contact_id -#}
        {%- set surveys_source = staging_source('surveys') %}
        {%- if surveys_source == 'qualtrics' %}

        select
            cast(invited.distribution_id as {{ dbt.type_string() }})
            || ':'
            || cast(invited.contact_id as {{ dbt.type_string() }})
                as invitation_id,
            nullif(lower(trim(contacts.email)), '') as email,
            {{ phone_to_e164('contacts.phone') }} as phone

        from {{ source('qualtrics', 'distribution_contact') }} as invited

        inner join {{ source('qualtrics', 'directory_contact') }} as contacts
            on invited.contact_id = contacts.id
        {%- elif surveys_source == 'none' %}

        select
            cast(null as {{ dbt.type_string() }}) as invitation_id,
            cast(null as {{ dbt.type_string() }}) as email,
            cast(null as {{ dbt.type_string() }}) as phone

        where false
        {%- else %}

        select
            {{ json_field_salvaged('line', 'invitation_id') }}
                as invitation_id,
            nullif(lower(trim(
                {{ json_field_salvaged('line', 'recipient_email') }}
            )), '') as email,
            {{ phone_to_e164(
                json_field_salvaged('line', 'recipient_phone')
            ) }} as phone

        from {{ source('surveys', 'invitations') }}

        where line is not null
        {%- endif %}

    ),

    erased_invitations as (

        {#- one equality join per type, as in the steps above -#}
        {%- for type in ['email', 'phone'] %}
        select
            'invitation_id' as identifier_type,
            invitations.invitation_id as identifier

        from invitations

        inner join second_hop
            on second_hop.identifier = invitations.{{ type }}

        where second_hop.identifier_type = '{{ type }}'
        {%- if not loop.last %}

        union all
        {% endif %}
        {%- endfor %}

    ),

    collected as (

        select distinct
            identifier_type,
            identifier

        from (
            select identifier_type, identifier from second_hop
            union all
            select identifier_type, identifier from erased_invitations
        ) as identifiers

        where identifier is not null

    )

    select * from collected
{%- endmacro %}
