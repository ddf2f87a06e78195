"""The e-commerce platform: accounts (CDC), web and app visits, clickstream, orders."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import behaviour, vocab
from .world import WEB_HOURS, World

EVENT_TYPES = (
    "page_view", "login", "search", "product_view", "add_to_cart",
    "help_center_view", "checkout_start", "purchase",
)  # fmt: skip
DEVICES = ("desktop", "mobile", "app")
N_SKUS = 400


def splitmix64(values: np.ndarray) -> np.ndarray:
    """A well-mixed 64-bit hash, vectorised: stable ids from stable keys."""
    z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def build_catalog(world: World) -> None:
    rng = world.rng(30)
    category = np.arange(N_SKUS) % len(vocab.CATEGORIES)
    price = np.round(rng.lognormal(np.log(80.0), 0.8, N_SKUS), 0) - 0.01
    world.add(
        "catalog",
        pa.table({"sku_idx": np.arange(N_SKUS), "category": category, "price_pln": price}),
    )
    world.lookup("v_category", "name", list(vocab.CATEGORIES))


def build_customer_versions(world: World) -> None:
    """Account versions as the platform's change-data-capture emits them."""
    accounts = world.table(
        """
        select pid, signup_ts, mobile2, country, city_idx, marketing_opt_in
        from people where has_account order by signup_ts, pid
        """
    )
    n = accounts.num_rows
    rng = world.rng(31)
    pid = accounts["pid"].to_numpy()
    signup = accounts["signup_ts"].to_numpy()
    changes = np.where(rng.random(n) < world.rate("cdc_versions"), rng.integers(1, 4, n), 0)
    owner = np.concatenate([np.arange(n), np.repeat(np.arange(n), changes)])
    version = np.concatenate(
        [np.zeros(n, np.int64), np.concatenate([np.arange(1, c + 1) for c in changes]) if n else []]
    ).astype(np.int64)
    first_change = np.maximum(signup[owner], world.start_ts)
    change_ts = first_change + (rng.random(len(owner)) * (world.end_ts - first_change)).astype(
        np.int64
    )
    updated = np.where(version == 0, signup[owner], change_ts)
    order = np.lexsort((version, updated, owner))
    owner, version, updated = owner[order], version[order], updated[order]
    has_mobile2 = accounts["mobile2"].to_numpy()[owner] > 0
    uses_mobile2 = (version > 0) & has_mobile2 & (rng.random(len(owner)) < 0.5)
    flips_opt_in = (version > 0) & (rng.random(len(owner)) < 0.2)
    moves = (version > 0) & (rng.random(len(owner)) < 0.1)
    world.add(
        "customer_versions",
        pa.table(
            {
                "pid": pid[owner],
                "customer_no": owner,
                "version": version,
                "updated_ts": updated,
                "created_ts": signup[owner],
                "uses_mobile2": uses_mobile2,
                "opt_in": accounts["marketing_opt_in"].to_numpy()[owner] ^ flips_opt_in,
                "moved": moves,
                "email_messy": rng.random(len(owner)) < world.rate("messy_identifiers"),
                "phone_style": rng.integers(0, 5, len(owner)),
                "phone_messy": rng.random(len(owner)) < world.rate("messy_identifiers"),
            }
        ),
    )


def build_sessions(world: World) -> None:
    """Visits: organic, paid and direct ones, email-click ones, and anonymous visitors."""
    people = world.table("select pid, web_rate, devices, has_account from people order by pid")
    rng = world.rng(32)
    pid = people["pid"].to_numpy()
    devices = people["devices"].to_numpy().astype(np.int64)
    n_own = rng.poisson(people["web_rate"].to_numpy() * world.config.days / 365.0)
    own_pid = np.repeat(pid, n_own)
    n_anon = int(0.3 * len(own_pid))
    clicks = world.table(
        "select pid, ts, campaign_id from email_events where event = 2 order by ts, pid"
    )
    click_pid = clicks["pid"].to_numpy()
    n_people = len(pid)
    session_pid = np.concatenate([own_pid, np.full(n_anon, -1), click_pid])
    total = len(session_pid)
    device_no = np.where(
        session_pid >= 0, rng.integers(0, 3, total) % devices[session_pid.clip(0)], 0
    )
    anon_cookie = rng.integers(0, max(1, int(n_anon / 1.6)), total)
    device_key = np.where(session_pid >= 0, session_pid * 4 + device_no, n_people * 4 + anon_cookie)
    device_hash = splitmix64(device_key + world.config.seed * 10_000_019)
    device_type = _device_type(device_hash)
    start_ts = np.concatenate(
        [world.sample_times(33, len(own_pid) + n_anon, WEB_HOURS), clicks["ts"].to_numpy() + 5]
    )
    # Traffic source: 0 direct, 1 organic search, 2 paid, 3 email.
    source = np.concatenate(
        [rng.choice(3, size=len(own_pid) + n_anon, p=[0.45, 0.35, 0.2]), np.full(len(click_pid), 3)]
    ).astype(np.int8)
    paid_kind = rng.integers(0, len(vocab.UTM_PAID), total).astype(np.int8)
    campaign = pa.concat_arrays(
        [pa.nulls(len(own_pid) + n_anon, pa.string()), clicks["campaign_id"].combine_chunks()]
    )
    known = session_pid >= 0
    has_account = np.where(known, people["has_account"].to_numpy()[session_pid.clip(0)], False)
    product = rng.random(total) < 0.75
    search = rng.random(total) < 0.30
    cart = product & (rng.random(total) < 0.22)
    checkout = cart & (rng.random(total) < 0.55)
    purchase = checkout & known & (rng.random(total) < 0.75)
    login = has_account & ((cart & (rng.random(total) < 0.85)) | (rng.random(total) < 0.1))
    login |= purchase & has_account & (rng.random(total) < 0.9)
    help_view = rng.random(total) < 0.04
    order = np.lexsort((session_pid, start_ts))
    sessions = pa.table(
        {
            "pid": session_pid,
            "device_key": device_key,
            "device_hash": device_hash,
            "device_type": device_type,
            "start_ts": start_ts,
            "source": source,
            "paid_kind": paid_kind,
            "campaign_id": campaign,
            "n_page_view": rng.geometric(0.55, total),
            "n_login": login.astype(np.int64),
            "n_search": search * rng.integers(1, 3, total),
            "n_product_view": product * rng.geometric(0.45, total),
            "n_add_to_cart": cart * rng.integers(1, 3, total),
            "n_help_center_view": help_view.astype(np.int64),
            "n_checkout_start": checkout.astype(np.int64),
            "n_purchase": purchase.astype(np.int64),
        }
    ).take(pa.array(order))
    sessions = sessions.append_column("session_no", pa.array(np.arange(total, dtype=np.int64)))
    world.add("sessions", sessions)


def add_purchase_sessions(world: World, kept: pa.Table, first_session: int, salt: int) -> None:
    """Append one logged-in (when the person has an account) purchase visit per row of
    ``kept`` (pid, start_ts), numbered from ``first_session``."""
    people = world.table("select pid, devices, has_account from people order by pid")
    rng = world.rng(salt)
    pid = kept["pid"].to_numpy()
    total = len(pid)
    devices = people["devices"].to_numpy().astype(np.int64)[pid]
    device_key = pid * 4 + rng.integers(0, 3, total) % devices
    device_hash = splitmix64(device_key + world.config.seed * 10_000_019)
    has_account = people["has_account"].to_numpy()[pid]
    sessions = pa.table(
        {
            "pid": pid,
            "device_key": device_key,
            "device_hash": device_hash,
            "device_type": _device_type(device_hash),
            "start_ts": kept["start_ts"].to_numpy(),
            "source": rng.choice(3, size=total, p=[0.45, 0.35, 0.2]).astype(np.int8),
            "paid_kind": rng.integers(0, len(vocab.UTM_PAID), total).astype(np.int8),
            "campaign_id": pa.nulls(total, pa.string()),
            "n_page_view": rng.geometric(0.55, total),
            "n_login": (has_account & (rng.random(total) < 0.9)).astype(np.int64),
            "n_search": (rng.random(total) < 0.30) * rng.integers(1, 3, total),
            "n_product_view": rng.geometric(0.45, total),
            "n_add_to_cart": rng.integers(1, 3, total),
            "n_help_center_view": np.zeros(total, np.int64),
            "n_checkout_start": np.ones(total, np.int64),
            "n_purchase": np.ones(total, np.int64),
            "session_no": np.arange(first_session, first_session + total, dtype=np.int64),
        }
    )
    world.con.register("_incoming", sessions)
    world.con.execute("insert into sessions by name select * from _incoming")
    world.con.unregister("_incoming")


def _device_type(device_hash: np.ndarray) -> np.ndarray:
    """desktop (0) half the devices, mobile (1) three in ten, the app (2) the rest."""
    return np.select(
        [device_hash % np.uint64(10) < np.uint64(5), device_hash % np.uint64(10) < np.uint64(8)],
        [0, 1],
        2,
    ).astype(np.int8)


def build_orders(world: World) -> None:
    """One order per purchase visit, then its life: paid, shipped, delivered, returned."""
    add_orders(world, "true", first_order=0, salt=34, quiet=False)


def add_orders(world: World, sessions_where: str, first_order: int, salt: int, quiet: bool) -> None:
    """Orders for the purchase visits matching ``sessions_where`` (SQL on ``s``),
    numbered from ``first_order`` (0 creates the tables, else they are appended to).
    ``quiet`` orders are never cancelled, late or returned (behaviour.add_later_purchases)."""
    purchases = world.table(
        f"""
        select
            s.session_no, s.pid, s.device_type, s.n_login > 0 as logged_in,
            s.start_ts + 60 * (s.n_page_view + s.n_login + s.n_search + s.n_product_view
                + s.n_add_to_cart + s.n_help_center_view + 2) as placed_ts,
            p.country, p.has_work_email
        from sessions as s
        inner join people as p on p.pid = s.pid
        where s.n_purchase > 0 and {sessions_where}
        order by placed_ts, s.session_no
        """
    )
    n = purchases.num_rows
    rng = world.rng(salt)
    trouble = 0.0 if quiet else 1.0
    placed = np.minimum(purchases["placed_ts"].to_numpy(), world.end_ts - 60)
    country = purchases["country"].to_numpy()
    local_currency = (country > 0) & (rng.random(n) < world.rate("currencies"))
    currency = np.where(local_currency, np.array([0, 1, 2, 2])[country], 0).astype(np.int8)
    shipping = rng.choice(3, size=n, p=[0.5, 0.4, 0.1]).astype(np.int8)
    cancelled = rng.random(n) < 0.04 * trouble
    paid_ts = placed + rng.integers(60, 1_800, n)
    cancelled_ts = placed + rng.integers(1_800, 86_400, n)
    shipped_ts = paid_ts + rng.integers(12 * 3_600, 48 * 3_600, n)
    placed_day = (placed - world.start_ts) // 86_400
    promised_day = placed_day + np.array([2, 2, 3])[shipping]
    late_days = np.where(rng.random(n) < 0.15 * trouble, rng.integers(1, 6, n), 0)
    early = (late_days == 0) & (rng.random(n) < 0.3)
    delivered_day = promised_day + late_days - early
    delivered_ts = np.maximum(
        world.start_ts + delivered_day * 86_400 + rng.integers(8 * 3_600, 19 * 3_600, n),
        shipped_ts + 3_600,
    )
    returned = ~cancelled & (rng.random(n) < 0.08 * trouble)
    returned_ts = delivered_ts + rng.integers(2 * 86_400, 14 * 86_400, n)
    end = world.end_ts

    def within(ts: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.where(mask & (ts < end), ts, -1)

    orders = pa.table(
        {
            "order_no": np.arange(first_order, first_order + n, dtype=np.int64),
            "session_no": purchases["session_no"],
            "pid": purchases["pid"],
            "is_guest": ~purchases["logged_in"].to_numpy(),
            "guest_uses_work_email": purchases["has_work_email"].to_numpy() & (rng.random(n) < 0.3),
            "channel_app": purchases["device_type"].to_numpy() == 2,
            "currency": currency,
            "shipping": shipping,
            "placed_ts": placed,
            "paid_ts": within(paid_ts, ~cancelled),
            "cancelled_ts": within(cancelled_ts, cancelled),
            "shipped_ts": within(shipped_ts, ~cancelled),
            "promised_date_ts": world.start_ts + promised_day * 86_400,
            "delivered_ts": within(delivered_ts, ~cancelled),
            "returned_ts": within(returned_ts, returned),
            "late_days": np.where(delivered_ts < end, late_days, 0),
        }
    )
    n_items = rng.choice([1, 2, 3, 4], size=n, p=[0.5, 0.3, 0.15, 0.05])
    item_order = first_order + np.repeat(np.arange(n), n_items)
    items = pa.table(
        {
            "order_no": item_order,
            "line_no": np.concatenate([np.arange(k) for k in n_items]) if n else np.zeros(0, int),
            "sku_idx": rng.integers(0, N_SKUS, len(item_order)),
            "quantity": rng.choice([1, 2, 3], size=len(item_order), p=[0.8, 0.15, 0.05]),
        }
    )
    if not quiet:
        orders, items = _keep_base_orders(
            world, orders, items, cancelled | (late_days > 0) | returned, first_order
        )
    for name, table in (("orders", orders), ("order_items", items)):
        if first_order:
            world.con.register("_incoming", table)
            world.con.execute(f"insert into {name} by name select * from _incoming")
            world.con.unregister("_incoming")
        else:
            world.add(name, table)
    world.con.execute(
        "update orders set delivered_ts = null where delivered_ts < 0;"
        "update orders set paid_ts = null where paid_ts < 0;"
        "update orders set cancelled_ts = null where cancelled_ts < 0;"
        "update orders set shipped_ts = null where shipped_ts < 0;"
        "update orders set returned_ts = null where returned_ts < 0;"
    )


def _keep_base_orders(
    world: World, orders: pa.Table, items: pa.Table, trouble: np.ndarray, first_order: int
) -> tuple[pa.Table, pa.Table]:
    """With CX effects on, the visits' orders are the part of a person's purchases made
    whatever happens (behaviour.base_orders_kept): the others are dropped, renumbered
    away, and their visits end at checkout (the purchases behaviour.add_later_purchases
    draws take their place)."""
    keep = behaviour.base_orders_kept(world, trouble)
    if keep.all():
        return orders, items
    new_no = first_order + np.cumsum(keep) - 1
    dropped = orders["session_no"].to_numpy()[~keep]
    item_index = items["order_no"].to_numpy() - first_order
    orders = orders.filter(pa.array(keep))
    orders = orders.set_column(0, "order_no", pa.array(new_no[keep]))
    items = items.filter(pa.array(keep[item_index]))
    items = items.set_column(0, "order_no", pa.array(new_no[item_index[keep[item_index]]]))
    world.con.register("_dropped", pa.table({"session_no": dropped}))
    world.con.execute(
        "update sessions set n_purchase = 0 where session_no in (select session_no from _dropped)"
    )
    world.con.unregister("_dropped")
    return orders, items
