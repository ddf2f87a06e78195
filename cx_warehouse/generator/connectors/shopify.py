"""Shopify as Fivetran loads it: ``customer``, ``order``, ``order_line``,
``fulfillment_event``, ``refund``.

The same web shop as the landing files (``landing.customers``, ``landing.orders``):
one Shopify customer per account (id ``shop_customer_id``, the number the web events
and erasure requests quote in this shape), one order per order, its ``name`` the
shop's order number ``#A-<order_no + 1>`` (the number customers, agents and surveys
quote: the warehouse's order_id, DECISIONS.md "Shopify order keys"), its numeric id
``ORDER_BASE + order_no + 1``. Paid orders are ``financial_status`` paid, shipped ones
``fulfilled`` with an ``in_transit`` fulfillment event, delivered ones a ``delivered``
event (its ``estimated_delivery_at`` the promised day), returned ones a refund after
delivery. Beside the business, the connector's quirks, each a known number of rows
(``quirk_rows``): an edited order re-synced (its older version), a customer's older
version (history mode), test orders, soft-deleted orders and customers, a cancelled
order's refund before delivery (every cancelled paid order's).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .. import vocab
from ..formats import SHOPIFY_CUSTOMER_BASE as CUSTOMER_BASE
from ..world import World

SCHEMA = "shopify"
ORDER_BASE = 5_000_000_000_000
LINE_BASE = 14_000_000_000_000
FULFILLMENT_BASE = 4_000_000_000_000
EVENT_BASE = 3_000_000_000_000
REFUND_BASE = 9_000_000_000_000
QUIRK_BASE = 900_000_000
SYNC_LAG_SECONDS = 6 * 3_600
TABLES = ("customer", "order", "order_line", "fulfillment_event", "refund")

ORDERS = """
create or replace temp table _sh_orders as
with currencies as (
    select unnest([0, 1, 2]) as code, unnest(['PLN', 'CZK', 'EUR']) as currency,
        unnest([1.0, $czk, $eur]) as pln_per_unit
),
lines as (
    select oi.order_no, oi.line_no, oi.quantity,
        'SKU-' || lpad((oi.sku_idx + 1)::varchar, 5, '0') as sku,
        round(k.price_pln / c.pln_per_unit, 2) as price
    from order_items as oi
    inner join orders as o on o.order_no = oi.order_no
    inner join currencies as c on c.code = o.currency
    inner join catalog as k on k.sku_idx = oi.sku_idx
)
select
    {order_base} + o.order_no + 1 as id,
    o.order_no,
    o.pid,
    case when o.is_guest then null else a.customer_id end as customer_id,
    case
        when o.is_guest and o.guest_uses_work_email then p.work_email else p.email
    end as email,
    '#A-' || (o.order_no + 1) as name,
    case when o.channel_app then 'iphone' else 'web' end as source_name,
    case
        when o.cancelled_ts is not null then 'refunded'
        when o.paid_ts is not null then 'paid'
        else 'pending'
    end as financial_status,
    case when o.shipped_ts is not null then 'fulfilled' end as fulfillment_status,
    c.currency,
    t.total as total_price,
    p.city,
    p.country_code,
    o.placed_ts,
    greatest(o.placed_ts, coalesce(o.paid_ts, 0), coalesce(o.shipped_ts, 0),
        coalesce(o.delivered_ts, 0), coalesce(o.returned_ts, 0),
        coalesce(o.cancelled_ts, 0)) as updated_ts,
    o.paid_ts, o.cancelled_ts, o.shipped_ts, o.delivered_ts, o.returned_ts,
    o.promised_date_ts
from orders as o
inner join people as p on p.pid = o.pid
inner join currencies as c on c.code = o.currency
inner join (
    select order_no, round(sum(quantity * price), 2) as total
    from lines group by order_no
) as t on t.order_no = o.order_no
left join (
    select pid, shop_customer_id(customer_no)::bigint as customer_id
    from customer_versions where version = 0
) as a on a.pid = o.pid
"""

LINES = """
create or replace temp table _sh_lines as
select
    {line_base} + oi.order_no * 10 + oi.line_no as id,
    {order_base} + oi.order_no + 1 as order_id,
    oi.line_no + 1 as line_index,
    'SKU-' || lpad((oi.sku_idx + 1)::varchar, 5, '0') as sku,
    oi.quantity,
    round(k.price_pln / c.pln_per_unit, 2) as price,
    o.updated_ts
from order_items as oi
inner join _sh_orders as o on o.order_no = oi.order_no
inner join orders as b on b.order_no = oi.order_no
inner join (
    select unnest([0, 1, 2]) as code, unnest([1.0, $czk, $eur]) as pln_per_unit
) as c on c.code = b.currency
inner join catalog as k on k.sku_idx = oi.sku_idx
"""

SYNCED = "to_timestamp({at} + " + str(SYNC_LAG_SECONDS) + ")::timestamp"
TS = "to_timestamp({at})::timestamp"


def _ts(at: str) -> str:
    return f"case when {at} is not null then {TS.format(at=at)} end"


def write(world: World, raw: Path) -> dict[str, int]:
    """Write the Shopify tables into ``raw``; log each business customer and order as
    landed (``shop/customers`` by the Shopify customer id, ``shop/orders`` by the
    order's name in the warehouse's form) for the truth; return rows per table."""
    con = world.con
    n_orders = con.execute("select count(*) from orders").fetchall()[0][0]
    quirks = quirk_rows(n_orders)
    rates = {"czk": vocab.PLN_PER_UNIT["CZK"], "eur": vocab.PLN_PER_UNIT["EUR"]}
    con.execute(
        ORDERS.format(order_base=ORDER_BASE, line_base=LINE_BASE, customer_base=CUSTOMER_BASE),
        rates,
    )
    con.execute(LINES.format(order_base=ORDER_BASE, line_base=LINE_BASE), rates)
    con.execute(f"attach '{raw}' as shopify_raw")
    try:
        con.execute(f"create schema shopify_raw.{SCHEMA}")
        _write_tables(con, quirks, world.start_ts)
        rows = {
            f"{SCHEMA}/{table}": con.execute(
                f'select count(*) from shopify_raw.{SCHEMA}."{table}"'
            ).fetchall()[0][0]
            for table in TABLES
        }
    finally:
        con.execute("detach shopify_raw")
    con.execute(
        """
        insert into landed
        select 'shop', 'customers', shop_customer_id(cv.customer_no),
            case when p.is_test then -1 else p.pid end
        from customer_versions as cv inner join people as p on p.pid = cv.pid
        where cv.version = 0 order by cv.customer_no;
        insert into landed
        select 'shop', 'orders', shop_order_id(o.order_no),
            case when p.is_test then -1 else p.pid end
        from _sh_orders as o inner join people as p on p.pid = o.pid order by o.order_no
        """
    )
    return rows


def quirk_rows(n_orders: int) -> int:
    """How many rows of each quirk the Shopify tables carry for ``n_orders`` orders."""
    return max(1, n_orders // 300)


def _write_tables(con: duckdb.DuckDBPyConnection, quirks: int, start_ts: int) -> None:
    target = f"shopify_raw.{SCHEMA}"
    con.execute(
        f"""
        create table {target}.customer as
        with versions as (
            select
                shop_customer_id(cv.customer_no)::bigint as id,
                p.email,
                '+' || (case when cv.uses_mobile2 then p.mobile2
                    else p.contact_phone end)::varchar as phone,
                p.first_name, p.last_name,
                cv.opt_in as accepts_marketing,
                cv.created_ts, cv.updated_ts
            from customer_versions as cv
            inner join people as p on p.pid = cv.pid
        )
        select id::bigint as id, email, phone, first_name, last_name, accepts_marketing,
            {TS.format(at="created_ts")} as created_at,
            {TS.format(at="updated_ts")} as updated_at,
            {SYNCED.format(at="updated_ts")} as _fivetran_synced,
            false as _fivetran_deleted
        from versions
        union all
        -- quirk: customers deleted in Shopify, kept by the connector and flagged
        select {CUSTOMER_BASE} + {QUIRK_BASE} + range, 'deleted' || range || '@example.com',
            null, 'Deleted', 'Customer', false, {TS.format(at="$start")},
            {TS.format(at="$start")}, {SYNCED.format(at="$start")}, true
        from range($quirks)
        order by id, updated_at;

        create table {target}."order" as
        with business as (
            select id, customer_id, email, name, source_name, financial_status,
                fulfillment_status, currency, total_price, city, country_code,
                placed_ts, updated_ts, cancelled_ts, false as test, false as deleted
            from _sh_orders
        ),
        edited as (
            -- quirk: an edited order re-synced; its earlier version (first total)
            select id, customer_id, email, name, source_name, 'pending', null, currency,
                total_price + 10, city, country_code, placed_ts, placed_ts, null::bigint,
                false, false
            from _sh_orders where order_no < $quirks
        ),
        extra as (
            -- quirks: test orders and soft-deleted orders, beside the business
            select {ORDER_BASE} + {QUIRK_BASE} + q.range * 2 + k.kind_no, null::bigint,
                'quirk' || q.range || '@example.com',
                '#A-' || ({QUIRK_BASE} + q.range * 2 + k.kind_no),
                'web', 'paid', null, 'PLN', 10.0, 'Warszawa', 'PL',
                $start + 3600 * (q.range + 9), $start + 3600 * (q.range + 9), null::bigint,
                k.kind_no = 0, k.kind_no = 1
            from range($quirks) as q, (values (0), (1)) as k(kind_no)
        ),
        every_version as (
            select * from business
            union all select * from edited
            union all select * from extra
        )
        select id::bigint as id, customer_id::bigint as customer_id, email,
            null::varchar as phone, name, source_name, null::bigint as location_id,
            financial_status, fulfillment_status, currency,
            total_price::double as total_price, test,
            city as billing_address_city, country_code as billing_address_country_code,
            {TS.format(at="placed_ts")} as created_at,
            {TS.format(at="placed_ts")} as processed_at,
            {TS.format(at="updated_ts")} as updated_at,
            {_ts("cancelled_ts")} as cancelled_at,
            {SYNCED.format(at="updated_ts")} as _fivetran_synced,
            deleted as _fivetran_deleted
        from every_version
        order by id, updated_at;

        create table {target}.order_line as
        select id::bigint as id, order_id::bigint as order_id,
            line_index::integer as "index", sku, quantity::integer as quantity,
            price::double as price, {SYNCED.format(at="updated_ts")} as _fivetran_synced
        from _sh_lines
        order by id;

        create table {target}.fulfillment_event as
        with events as (
            select {EVENT_BASE} + order_no * 2 as id, id as order_id, 'in_transit' as status,
                shipped_ts as happened_ts, promised_date_ts, updated_ts
            from _sh_orders where shipped_ts is not null
            union all
            select {EVENT_BASE} + order_no * 2 + 1, id, 'delivered', delivered_ts,
                promised_date_ts, updated_ts
            from _sh_orders where delivered_ts is not null
        )
        select id::bigint as id,
            ({FULFILLMENT_BASE} + order_id - {ORDER_BASE})::bigint as fulfillment_id,
            order_id::bigint as order_id, status,
            {TS.format(at="happened_ts")} as happened_at,
            {TS.format(at="promised_date_ts")} as estimated_delivery_at,
            {SYNCED.format(at="updated_ts")} as _fivetran_synced,
            false as _fivetran_deleted
        from events
        order by id;

        create table {target}.refund as
        with refunds as (
            -- returns: a refund after delivery
            select {REFUND_BASE} + order_no * 2 as id, id as order_id, returned_ts as ts
            from _sh_orders where returned_ts is not null
            union all
            -- quirk: a cancelled order paid back before any delivery (no return)
            select {REFUND_BASE} + order_no * 2 + 1, id, cancelled_ts
            from _sh_orders where cancelled_ts is not null
        )
        select id::bigint as id, order_id::bigint as order_id,
            {TS.format(at="ts")} as created_at, {TS.format(at="ts")} as processed_at,
            {SYNCED.format(at="ts")} as _fivetran_synced
        from refunds
        order by id;
        """.replace("$start", str(int(start_ts))).replace("$quirks", str(quirks))
    )
