"""Data-protection requests: a few persons ask to be forgotten."""

from __future__ import annotations

from .world import World

ERASURE_RATE = 0.002


def build_erasures(world: World) -> None:
    """Each request names one identifier; the person behind it is to be erased everywhere."""
    world.con.execute(
        """
        create or replace table erasures as
        with chosen as (
            select p.*, u01(p.pid, 71) as draw
            from people as p
            where not p.is_test
            order by u01(p.pid, 70), p.pid
            limit greatest(1, ($n * $rate)::int)
        ),
        named as (
            select
                c.pid,
                case
                    when c.has_account and c.draw < 0.4 then 'email'
                    when c.has_account and c.draw < 0.6 then 'customer_id'
                    when c.is_member and c.draw < 0.8 then 'loyalty_card'
                    else 'phone'
                end as identifier_type,
                c.email,
                c.contact_phone,
                (select shop_customer_id(cv.customer_no)
                    from customer_versions as cv where cv.pid = c.pid and cv.version = 0)
                    as customer_id,
                (select min('LC' || k.card_number_int) from cards as k where k.pid = c.pid)
                    as card
            from chosen as c
        )
        select
            row_number() over (order by pid) - 1 as request_no,
            pid,
            identifier_type,
            case identifier_type
                when 'email' then email
                when 'customer_id' then customer_id
                when 'loyalty_card' then card
                else '+' || contact_phone::varchar
            end as identifier,
            $start + (u01(pid, 72) * ($end - $start))::bigint as requested_ts
        from named
        """,
        {
            "n": world.config.customers,
            "rate": ERASURE_RATE,
            "start": world.start_ts,
            "end": world.end_ts,
        },
    )
