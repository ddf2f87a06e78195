{#-
    (language, keyword) is the key of the topic_lexicon seed: a keyword
    points to one topic in its language, so a comment's topics do not
    depend on which duplicate row a join happens to meet.
-#}

with

lexicon as (

    select
        language,
        keyword

    from {{ ref('topic_lexicon') }}

),

duplicated as (

    select
        language,
        keyword,
        count(*) as keyword_rows

    from lexicon

    group by language, keyword

    having count(*) > 1

)

select * from duplicated
