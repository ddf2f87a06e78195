"""Point of sale: stores, loyalty enrolments, receipts and returns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import vocab
from .population import permute
from .world import STORE_HOURS, World


def build_stores(world: World) -> None:
    n = int(np.clip(world.config.customers // 2_000, 6, 300))
    rng = world.rng(40)
    country = np.where(np.arange(n) % 4 == 3, 1, 0)  # a quarter in Czechia
    cities = {c: vocab.CITIES[c] for c in ("PL", "CZ")}
    city = []
    for i, c in enumerate(country):
        names = cities["PL" if c == 0 else "CZ"]
        city.append(names[(i // 4 * 3 + i) % len(names)][0])
    fmt = rng.choice(3, size=n, p=vocab.STORE_FORMAT_WEIGHTS)
    mall = rng.integers(0, len(vocab.MALLS), n)
    opened = world.start_ts - rng.integers(200, 4_000, n) * 86_400
    world.add(
        "stores",
        pa.table(
            {
                "store_no": np.arange(n),
                "country": country.astype(np.int8),
                "city": city,
                "format": fmt.astype(np.int8),
                "mall": mall,
                "opened_ts": opened,
            }
        ),
    )


def build_loyalty(world: World) -> None:
    """Loyalty cards: one per member, a second one for members who re-enrol."""
    world.con.execute(
        """
        create or replace table home_store as
        with per_country as (
            select country, list(store_no order by store_no) as stores from stores group by 1
        )
        select
            p.pid,
            coalesce(pc.stores, pl.stores)[
                1 + (hash(p.pid, $seed) % len(coalesce(pc.stores, pl.stores)))::int
            ] as store_no
        from people as p
        left join per_country as pc
            on pc.country = case when p.country = 2 then 1 else p.country end
        cross join (select stores from per_country where country = 0) as pl
        """,
        {"seed": world.config.seed},
    )
    members = world.table(
        """
        select p.pid, p.enrol_ts, p.reenrol_ts, p.has_second_card, h.store_no
        from people as p inner join home_store as h on h.pid = p.pid
        where p.is_member order by p.pid
        """
    )
    n = members.num_rows
    rng = world.rng(41)
    second = members["has_second_card"].to_numpy()
    owner = np.concatenate([np.arange(n), np.flatnonzero(second)])
    is_second = np.arange(len(owner)) >= n
    enrolled = np.where(
        is_second, members["reenrol_ts"].to_numpy()[owner], members["enrol_ts"].to_numpy()[owner]
    )
    card_key = members["pid"].to_numpy()[owner] * 2 + is_second
    world.add(
        "cards",
        pa.table(
            {
                "card_number_int": 1_000_000_000 + permute(card_key, 8_999_999_999, 23),
                "pid": members["pid"].to_numpy()[owner],
                "is_second": is_second,
                "enrolled_ts": enrolled,
                "store_no": members["store_no"].to_numpy()[owner],
                "gives_email": rng.random(len(owner)) < 0.9,
                "gives_phone": rng.random(len(owner)) < 0.85,
                "email_messy": rng.random(len(owner)) < world.rate("messy_identifiers"),
                "phone_style": rng.integers(0, 5, len(owner)),
                "phone_messy": rng.random(len(owner)) < world.rate("messy_identifiers"),
            }
        ),
    )


def build_transactions(world: World) -> None:
    """Receipts by shoppers (with or without their card), walk-ins, and returns."""
    shoppers = world.table(
        """
        select p.pid, p.store_rate, h.store_no
        from people as p inner join home_store as h on h.pid = p.pid
        where p.store_rate > 0 and p.country < 3 order by p.pid
        """
    )
    n_stores = world.con.execute("select count(*) from stores").fetchall()[0][0]
    rng = world.rng(42)
    counts = rng.poisson(shoppers["store_rate"].to_numpy() * world.config.days / 365.0)
    pid = np.repeat(shoppers["pid"].to_numpy(), counts)
    home = np.repeat(shoppers["store_no"].to_numpy(), counts)
    n_walk_in = int(0.4 * len(pid))
    pid = np.concatenate([pid, np.full(n_walk_in, -1)])
    total = len(pid)
    store = np.where(
        (pid >= 0) & (rng.random(total) < 0.8),
        np.concatenate([home, np.zeros(n_walk_in, np.int64)]),
        rng.integers(0, n_stores, total),
    )
    ts = world.sample_times(43, total, STORE_HOURS)
    items = rng.choice([1, 2, 3, 4, 5, 6], size=total, p=[0.35, 0.25, 0.15, 0.1, 0.1, 0.05])
    amount_pln = np.round(items * rng.lognormal(np.log(45.0), 0.6, total), 2)
    sale = pa.table(
        {
            "pid": pid,
            "store_no": store,
            "ts": ts,
            "items_count": items,
            "amount_pln": amount_pln,
            "shows_card": rng.random(total) < 0.9,
            "payment": rng.choice(4, size=total, p=[0.55, 0.2, 0.2, 0.05]).astype(np.int8),
            "is_return": np.zeros(total, bool),
            "original_no": np.full(total, -1, np.int64),
        }
    )
    order = np.lexsort((store, ts))
    sale = sale.take(pa.array(order))
    ret = rng.random(total) < 0.04
    ret_idx = np.flatnonzero(ret)
    ret_ts = sale["ts"].to_numpy()[ret_idx] + rng.integers(86_400, 20 * 86_400, len(ret_idx))
    keep = ret_ts < world.end_ts
    ret_idx, ret_ts = ret_idx[keep], ret_ts[keep]
    returns = sale.take(pa.array(ret_idx))
    replaced = {
        "ts": ret_ts,
        "amount_pln": -returns["amount_pln"].to_numpy(),
        "is_return": np.ones(len(ret_idx), bool),
        "original_no": ret_idx,
    }
    for name, values in replaced.items():
        returns = returns.set_column(returns.schema.get_field_index(name), name, pa.array(values))
    receipts = pa.concat_tables([sale, returns])
    receipts = receipts.append_column(
        "receipt_no", pa.array(np.arange(receipts.num_rows, dtype=np.int64))
    )
    world.add("transactions", receipts)
