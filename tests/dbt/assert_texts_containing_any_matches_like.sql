{#-
    texts_containing_any() finds exactly the texts that a like '%pattern%'
    against every pattern finds: a pattern at the start, in the middle and
    at the end of a text, at each of the three slice alignments, a pattern
    shorter than the slices (the fallback), a text shorter than a slice, a
    null text and a near miss. Returns the ids on which the two disagree.
-#}

with

texts as (

    select * from (
        values
        (1, 'c0000123xyz'),
        (2, 'ab+48600200300'),
        (3, 'xyzanna.nowak@x.plq'),
        (4, 'qanna.nowak@x.pl'),
        (5, 'qqanna.nowak@x.pl'),
        (6, 'anna.nowak@x.p'),
        (7, 'short'),
        (8, cast(null as {{ dbt.type_string() }})),
        (9, 'zzzabc1zzz'),
        (10, 'no identifier here at all')
    ) as t (text_id, searched)

),

patterns as (

    select * from (
        values
        ('c0000123'),
        ('600200300'),
        ('anna.nowak@x.pl'),
        ('abc1')
    ) as p (pattern)

),

expected as (

    select distinct texts.text_id

    from texts

    inner join patterns
        on texts.searched like '%' || patterns.pattern || '%'

),

found as (

    {{ texts_containing_any('texts', 'text_id', 'searched', 'patterns', 'pattern') }}

),

disagreements as (

    select coalesce(expected.text_id, found.text_id) as text_id

    from expected

    full outer join found
        on expected.text_id = found.text_id

    where expected.text_id is null or found.text_id is null

)

select * from disagreements
