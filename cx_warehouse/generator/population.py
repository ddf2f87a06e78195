"""Persons and the identifiers they carry.

A person may hold a shop account, one or two emails, one or two mobiles, a household
landline shared with relatives, a desk behind a company switchboard, loyalty cards
and several web cookies. Test accounts (``@test.internal``) are persons too, flagged
``is_test``, so that their traffic flows through every system like the real thing.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from . import vocab
from .world import World


def _pick_by_country(world: World, country: np.ndarray, table: dict[str, list], salt: int):
    """Index into the flattened per-country list ``table`` for each person's country."""
    sizes = np.array([len(table[c]) for c in vocab.COUNTRIES])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    u = world.rng(salt).random(len(country))
    return offsets[country] + (u * sizes[country]).astype(np.int64)


def permute(values: np.ndarray, modulus: int, salt: int) -> np.ndarray:
    """A bijection on [0, modulus): distinct inputs give distinct outputs (unique numbers)."""
    multiplier = 2_654_435_761 % modulus
    while math.gcd(multiplier, modulus) != 1:
        multiplier += 1
    return (values.astype(np.int64) * multiplier + salt * 7_919) % modulus


def build_population(world: World) -> None:
    cfg = world.config
    n_real = cfg.customers
    test_rate = cfg.faults["test_traffic"]
    n_test = math.ceil(test_rate * n_real) if test_rate > 0 else 0
    n = n_real + n_test
    pid = np.arange(n, dtype=np.int64)
    is_test = pid >= n_real
    rng = world.rng(1)

    country = rng.choice(len(vocab.COUNTRIES), size=n, p=vocab.COUNTRY_WEIGHTS)
    country[is_test] = 0
    is_female = rng.random(n) < 0.52
    first_male = _pick_by_country(world, country, vocab.FIRST_NAMES_MALE, 2)
    first_female = _pick_by_country(world, country, vocab.FIRST_NAMES_FEMALE, 3)
    surname = _pick_by_country(world, country, vocab.SURNAMES, 4)
    city_u = world.rng(5).random(n)
    city = np.zeros(n, dtype=np.int64)
    offset = 0
    for c, code in enumerate(vocab.COUNTRIES):
        weights = np.array([w for _, w in vocab.CITIES[code]])
        cum = np.cumsum(weights / weights.sum())
        mask = country == c
        city[mask] = offset + np.searchsorted(cum, city_u[mask], side="right").clip(
            0, len(weights) - 1
        )
        offset += len(weights)
    domain = _pick_by_country(world, country, vocab.EMAIL_DOMAINS, 6)

    rng = world.rng(7)
    has_account = (rng.random(n) < 0.70) | is_test
    has_work_email = rng.random(n) < 0.15
    has_second_mobile = rng.random(n) < 0.15
    marketing_opt_in = has_account & (rng.random(n) < 0.55)
    # Existing customers signed up before the period; the rest during it.
    before = rng.random(n) < 0.6
    period_seconds = cfg.days * 86_400
    signup_ts = np.where(
        before,
        world.start_ts - rng.integers(1, 3 * 365 * 86_400, n),
        world.start_ts + (rng.random(n) ** 1.3 * period_seconds).astype(np.int64),
    )
    web_rate = rng.lognormal(mean=math.log(14.0), sigma=0.8, size=n)  # sessions per year
    store_rate = np.where(rng.random(n) < 0.5, rng.lognormal(math.log(3.0), 0.6, n), 0.0)
    store_rate[is_test] = 0.0
    mood = rng.normal(0.0, 1.2, n)  # how generous a person's scores are
    devices = rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15])

    # Loyalty program: members can re-enrol with a new card.
    is_member = (rng.random(n) < 0.45) & ~is_test
    has_second_card = is_member & (rng.random(n) < 0.10)
    member_before = rng.random(n) < 0.6
    enrol_ts = np.where(
        member_before,
        world.start_ts - rng.integers(1, 2 * 365 * 86_400, n),
        world.start_ts + (rng.random(n) * period_seconds).astype(np.int64),
    )
    reenrol_ts = enrol_ts.clip(min=world.start_ts) + (
        rng.random(n) * max(period_seconds - 86_400, 1)
    ).astype(np.int64)
    reenrol_ts = np.minimum(reenrol_ts, world.end_ts - 3_600)

    # Shared identifiers: households share a landline, employees call from a switchboard.
    shared_rate = cfg.faults["shared_identifiers"]
    household = np.full(n, -1, dtype=np.int64)
    in_household = (rng.random(n) < shared_rate * 2) & ~is_test
    members = np.flatnonzero(in_household)
    members = members[np.lexsort((members, city[members]))]
    sizes = rng.choice([2, 3, 4], size=len(members) // 2 + 1, p=[0.6, 0.3, 0.1])
    starts = np.cumsum(sizes)
    group = np.searchsorted(starts, np.arange(len(members)), side="right")
    group_sizes = np.bincount(group)
    keep = group_sizes[group] >= 2  # a household of one is just a person
    household[members[keep]] = group[keep]
    n_companies = max(1, n_real // 3_000)
    company = np.where(
        (rng.random(n) < shared_rate) & ~is_test, rng.integers(0, n_companies, n), -1
    )

    # E.164 numbers without '+': country code then the national number.
    country_code = np.array([48, 420, 421, 49])[country]
    national_base = np.array([500_000_000, 600_000_000, 900_000_000, 15_000_000_000])[country]
    national_span = np.array([400_000_000, 200_000_000, 99_999_999, 9_999_999_999])[country]
    mobile1 = national_base + permute(pid, 10**8 * 97, 11) % national_span
    mobile2 = national_base + permute(pid + n, 10**8 * 97, 11) % national_span
    digits = np.array([9, 9, 9, 11])[country]
    mobile1_e164 = country_code * 10 ** digits.astype(np.int64) + mobile1
    mobile2_e164 = country_code * 10 ** digits.astype(np.int64) + mobile2
    household_phone = np.where(
        household >= 0, 48 * 10**9 + 100_000_000 + permute(household, 200_000_000, 13), 0
    )
    switchboard = 48 * 10**9 + 300_000_000 + permute(np.arange(n_companies), 200_000_000, 17)
    company_phone = np.where(company >= 0, switchboard[company.clip(0)], 0)
    # Persons in a household give the shared landline on most forms.
    uses_landline = (household >= 0) & (rng.random(n) < 0.7)
    contact_phone = np.where(uses_landline, household_phone, mobile1_e164)

    world.n_companies = n_companies
    world.add(
        "persons",
        pa.table(
            {
                "pid": pid,
                "is_test": is_test,
                "country": country.astype(np.int8),
                "is_female": is_female,
                "first_idx": np.where(is_female, first_female, first_male),
                "surname_idx": surname,
                "city_idx": city,
                "domain_idx": domain,
                "has_account": has_account,
                "has_work_email": has_work_email,
                "marketing_opt_in": marketing_opt_in,
                "signup_ts": signup_ts,
                "web_rate": web_rate,
                "store_rate": store_rate,
                "mood": mood,
                "devices": devices.astype(np.int8),
                "is_member": is_member,
                "has_second_card": has_second_card,
                "enrol_ts": enrol_ts,
                "reenrol_ts": reenrol_ts,
                "household": household,
                "company": company,
                "mobile1": mobile1_e164,
                "mobile2": np.where(has_second_mobile, mobile2_e164, 0),
                "household_phone": household_phone,
                "company_phone": company_phone,
                "contact_phone": contact_phone,
            }
        ),
    )
    _name_views(world)


def _name_views(world: World) -> None:
    """Indexed lookups for names and places, and the ``people`` table with their strings."""
    world.lookup(
        "v_first_male", "name", [n for c in vocab.COUNTRIES for n in vocab.FIRST_NAMES_MALE[c]]
    )
    world.lookup(
        "v_first_female", "name", [n for c in vocab.COUNTRIES for n in vocab.FIRST_NAMES_FEMALE[c]]
    )
    surnames = [s for c in vocab.COUNTRIES for s in vocab.SURNAMES[c]]
    world.lookup("v_surname_male", "name", [m for m, _ in surnames])
    world.lookup("v_surname_female", "name", [f for _, f in surnames])
    world.lookup("v_city", "name", [name for c in vocab.COUNTRIES for name, _ in vocab.CITIES[c]])
    world.lookup("v_domain", "name", [d for c in vocab.COUNTRIES for d in vocab.EMAIL_DOMAINS[c]])
    world.lookup("v_work_domain", "name", vocab.WORK_DOMAINS)
    world.lookup("v_country", "code", list(vocab.COUNTRIES))
    n_work = len(vocab.WORK_DOMAINS)
    world.con.execute(
        f"""
        create or replace table people as
        with named as (
            select
                p.*,
                'P' || lpad((p.pid + 1)::varchar, 7, '0') as person_id,
                case when p.is_female then ff.name else fm.name end as first_name,
                case when p.is_female then sf.name else sm.name end as last_name,
                c.name as city,
                k.code as country_code,
                d.name as email_domain,
                w.name as work_domain
            from persons as p
            left join v_first_male as fm on fm.i = p.first_idx
            left join v_first_female as ff on ff.i = p.first_idx
            left join v_surname_male as sm on sm.i = p.surname_idx
            left join v_surname_female as sf on sf.i = p.surname_idx
            left join v_city as c on c.i = p.city_idx
            left join v_country as k on k.i = p.country
            left join v_domain as d on d.i = p.domain_idx
            left join v_work_domain as w on w.i = p.pid % {n_work}
        )
        select
            * exclude (email_domain, work_domain),
            case
                when is_test then 'qa+' || (pid + 1)::varchar || '@test.internal'
                else ascii_fold(first_name) || '.' || ascii_fold(last_name)
                    || (pid + 1)::varchar || '@' || email_domain
            end as email,
            case
                when has_work_email then left(ascii_fold(first_name), 1)
                    || ascii_fold(last_name) || (pid + 1)::varchar || '@' || work_domain
            end as work_email
        from named
        order by pid
        """
    )
