{#- Survey statistics as SQL expressions over additive counts and sums, so
    that a mart can add counts up at any grain (day, store, channel) and
    derive the statistic last. Every argument is a SQL expression: a column
    or arithmetic on columns; each is parenthesised where it is used.
    Only ANSI arithmetic, nullif, case, abs and sqrt: the same SQL runs on
    DuckDB and Spark, so nothing here is adapter-dispatched. Results are
    double; `double` is spelled out because dbt.type_float() renders
    `float`, a 4-byte real on both adapters. Never `^`: in Spark it is a
    bitwise xor, not a power. -#}

{% macro nps_score(promoters, detractors, responses) -%}
    {#- 100 x (promoters - detractors) / responses, -100..100; null when
        responses is 0 or null. The difference is taken on the counts, so
        that whole results stay exact (50 - 20 of 100 gives 30, not
        30.000000000000004 as 100 x (0.5 - 0.2) would). -#}
    (
        100 * cast(({{ promoters }}) - ({{ detractors }}) as double)
        / nullif(cast(({{ responses }}) as double), 0)
    )
{%- endmacro %}

{% macro nps_margin_of_error(promoters, detractors, responses) -%}
    {#- 95 % margin of error of the NPS in points, the contract's
        1.96 x 100 x sqrt((p + d - (p - d)^2) / n) with p = P / n and
        d = D / n, multiplied out over n^3:
        1.96 x 100 x sqrt(((P + D) n - (P - D)^2) / n^3). With whole counts
        the numerator is a whole number, exact in double up to 2^53 (n below
        9 x 10^7), so it is never below 0.
        Null when responses is 0 or null. A sample of one kind only (all
        promoters, all detractors or all passives) gives 0, even for n = 1:
        the normal approximation says nothing about small samples, so marts
        should also show n. -#}
    {%- set p = "cast((" ~ promoters ~ ") as double)" -%}
    {%- set d = "cast((" ~ detractors ~ ") as double)" -%}
    {%- set n = "cast((" ~ responses ~ ") as double)" -%}
    (
        1.96 * 100 * sqrt(
            (
                ({{ p }} + {{ d }}) * {{ n }}
                - ({{ p }} - {{ d }}) * ({{ p }} - {{ d }})
            )
            / nullif({{ n }} * {{ n }} * {{ n }}, 0)
        )
    )
{%- endmacro %}

{% macro proportion_margin_of_error(successes, responses) -%}
    {#- 95 % margin of error of a share in percentage points (CSAT
        top-2-box, CES low-effort share): 1.96 x 100 x sqrt(p (1 - p) / n)
        with p = S / n, multiplied out: 1.96 x 100 x sqrt(S (n - S) / n^3).
        Null when responses is 0 or null; 0 when every or no response is
        a success. -#}
    {%- set s = "cast((" ~ successes ~ ") as double)" -%}
    {%- set n = "cast((" ~ responses ~ ") as double)" -%}
    (
        1.96 * 100 * sqrt(
            {{ s }} * ({{ n }} - {{ s }})
            / nullif({{ n }} * {{ n }} * {{ n }}, 0)
        )
    )
{%- endmacro %}

{% macro mean_margin_of_error(score_sum, score_sq_sum, responses) -%}
    {#- 95 % margin of error of a mean score, in score units: 1.96 x s /
        sqrt(n), s^2 the sample variance (n - 1) from the additive sums,
        s^2 / n = (n sum(x^2) - sum(x)^2) / (n^2 (n - 1)). With whole scores
        the numerator is a whole number, exact in double up to 2^53, so
        equal scores give exactly 0; a negative rounding residue (fractional
        scores) is taken as 0. Null when responses is below 2 or null, or a
        sum is null. -#}
    {%- set n = "cast((" ~ responses ~ ") as double)" -%}
    {%- set sum_x = "cast((" ~ score_sum ~ ") as double)" -%}
    {%- set sum_x2 = "cast((" ~ score_sq_sum ~ ") as double)" -%}
    {%- set spread =
        "(" ~ n ~ " * " ~ sum_x2 ~ " - " ~ sum_x ~ " * " ~ sum_x ~ ")" -%}
    (
        case
            when ({{ responses }}) >= 2
                then 1.96 * sqrt(
                    case when {{ spread }} < 0 then 0 else {{ spread }} end
                    / ({{ n }} * {{ n }} * ({{ n }} - 1))
                )
        end
    )
{%- endmacro %}

{% macro difference_margin_of_error(moe_a, moe_b) -%}
    {#- 95 % margin of error of the difference of two independent
        estimates, sqrt(moe_a^2 + moe_b^2); null when either is null. -#}
    sqrt(({{ moe_a }}) * ({{ moe_a }}) + ({{ moe_b }}) * ({{ moe_b }}))
{%- endmacro %}

{% macro significance_min_responses() -%}
    {#- The fewest answers on each side for a difference to be significant
        (var significance_min_responses, default 30): below it the normal
        approximation behind the margins fails. The CX report shows a
        figure from fewer answers as "too few answers". -#}
    {{ var('significance_min_responses') }}
{%- endmacro %}

{% macro is_significant_difference(
    estimate_a, moe_a, estimate_b, moe_b,
    responses_a=none, responses_b=none, min_responses=none
) -%}
    {#- True when two independent estimates differ at the 95 % level:
        |a - b| > sqrt(moe_a^2 + moe_b^2), the margins being 1.96 x SE
        already. A difference exactly at the margin is not significant.
        Null when any argument is null (comparison with null).
        With responses_a and responses_b, both samples must also hold at
        least min_responses answers (default var
        significance_min_responses, 30), else false (still null when the
        comparison is): the normal
        approximation behind the margins fails on small samples (three
        detractors have a margin of 0). -#}
    {%- set minimum = min_responses if min_responses is not none
        else significance_min_responses() -%}
    {%- set differs -%}
        abs(({{ estimate_a }}) - ({{ estimate_b }}))
        > {{ difference_margin_of_error(moe_a, moe_b) }}
    {%- endset -%}
    {%- if responses_a is not none and responses_b is not none %}
    (
        case
            when ({{ differs }}) is null then null
            else
                ({{ differs }})
                and ({{ responses_a }}) >= {{ minimum }}
                and ({{ responses_b }}) >= {{ minimum }}
        end
    )
    {%- else %}
    ({{ differs }})
    {%- endif %}
{%- endmacro %}

{% macro proportion_variance(successes, responses) -%}
    {#- The sampling variance of a share (as a fraction, not percent),
        p (1 - p) / n with p = S / n, multiplied out: S (n - S) / n^3; the
        variance behind proportion_margin_of_error, for sums of variances
        (a stratified difference). Null when responses is 0 or null. -#}
    {%- set s = "cast((" ~ successes ~ ") as double)" -%}
    {%- set n = "cast((" ~ responses ~ ") as double)" -%}
    (
        {{ s }} * ({{ n }} - {{ s }})
        / nullif({{ n }} * {{ n }} * {{ n }}, 0)
    )
{%- endmacro %}
