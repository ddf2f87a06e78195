{#-
    One row per counted survey response and topic its comment speaks of:
    the comment, lower-cased, holds a keyword of the topic_lexicon seed in
    the comment's language (or any language when the language is unknown).
    Erased comments are null already, so they carry no topic.
-#}

with

responses as (

    select
        response_id,
        language,
        lower(comment) as comment_text

    from {{ ref('int_survey_responses_counted') }}

    where comment is not null

),

lexicon as (

    select
        topic,
        language,
        lower(keyword) as keyword

    from {{ ref('topic_lexicon') }}

),

matched as (

    select distinct
        responses.response_id,
        lexicon.topic

    from responses

    inner join lexicon
        on
            (
                responses.language = lexicon.language
                or responses.language is null
            )
            and {{ dbt.position(
                'lexicon.keyword', 'responses.comment_text'
            ) }} > 0

),

final as (

    select
        {{ surrogate_key(['response_id', 'topic']) }} as comment_topic_id,
        response_id,
        topic

    from matched

)

select * from final
