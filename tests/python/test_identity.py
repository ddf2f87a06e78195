"""Identity resolution against the generator's truth (``record_owners.parquet``).

Every landed record that carries an identifier is mapped to its resolved customer
(``int_records_resolved``; a clickstream event as its session is, by its login's key,
else its cookie's); records with no resolved customer are singletons. Pairwise
precision and recall are computed by counting, never by enumerating pairs: a cell of
n records shares n(n-1)/2 pairs, so

* true positives = sum over (person, customer) cells of n(n-1)/2,
* predicted pairs = sum over customers, true pairs = sum over persons,

over records whose truth person_id is not null. Per entity, the pairs counted are those
with at least one record of the entity: n(n-1)/2 - m(m-1)/2 in a cell of n records of
which n - m belong to the entity.

The dataset is 10 000 customers over 365 days with every fault (about 1.1 million
records with an identifier); it is generated and built once for this module, and the
build covers only what identity resolution needs (``+int_records_resolved``, with
the tests of those models).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Build, Generated, generate_into

from cx_warehouse import layers
from cx_warehouse.dbt import run_dbt

pytestmark = pytest.mark.dbt

CUSTOMERS = 10_000
DAYS = 365
SEED = 42
MIN_PRECISION = 0.995
MIN_RECALL = 0.95


@pytest.fixture(scope="module")
def identity_dataset(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate_into(
        tmp_path_factory.mktemp("identity"), customers=CUSTOMERS, days=DAYS, seed=SEED
    )


@pytest.fixture(scope="module")
def identity_build(identity_dataset: Generated, tmp_path_factory: pytest.TempPathFactory) -> Build:
    workdir = tmp_path_factory.mktemp("identity_build")
    warehouse = workdir / "warehouse.duckdb"
    result = run_dbt(
        # cautious: leave out tests that also read models outside the selection
        ["build", "--select", "+int_records_resolved", "--indirect-selection", "cautious"],
        env={
            "CXW_LANDING": str(identity_dataset.landing),
            "CXW_WAREHOUSE": str(warehouse),
            "CXW_THREADS": "2",
        },
        target_path=workdir / "target",
        log_path=workdir / "logs",
    )
    return Build(result=result, warehouse=warehouse)


SCORED = """
create temp table scored as
select
    truth.entity,
    truth.person_id,
    coalesce(
        resolved.customer_id,
        'unresolved:' || truth.entity || ':' || truth.source_record_id
    ) as customer_id
from (
    select distinct source_system, entity, source_record_id, person_id
    from read_parquet('{truth}')
    where person_id is not null
) as truth
inner join (
    select source_system, entity, source_record_id, customer_id
    from int_records_resolved
    union all
    -- an event resolves as its session does (int_touchpoints_unioned): its login's
    -- key, else its cookie's
    select 'shop', 'events', events.event_id,
        coalesce(account_keys.customer_id, cookie_keys.customer_id)
    from stg_shop__events as events
    left join int_customer_keys as account_keys
        on account_keys.node_id = 'customer_id:' || events.customer_id
    left join int_customer_keys as cookie_keys
        on cookie_keys.node_id = 'anonymous_id:' || events.anonymous_id
    where coalesce(events.customer_id, events.anonymous_id, events.order_id) is not null
        and events.event_id not in (
            select record_id from int_test_traffic_identified where entity = 'events'
        )
) as resolved
    on truth.source_system = resolved.source_system
    and truth.entity = resolved.entity
    and truth.source_record_id = resolved.source_record_id
"""

# Pairs (with at least one record of the entity) per cell: n(n-1)/2 - m(m-1)/2,
# m the cell's records of other entities.
PAIRS = "sum(all_n * (all_n - 1) / 2 - (all_n - n) * (all_n - n - 1) / 2)"

PER_ENTITY = f"""
with
by_entity as (
    select entity, person_id, customer_id, count(*) as n
    from scored group by entity, person_id, customer_id
),
cells as (
    select person_id, customer_id, count(*) as all_n
    from scored group by person_id, customer_id
),
customers as (
    select customer_id, count(*) as all_n from scored group by customer_id
),
persons as (
    select person_id, count(*) as all_n from scored group by person_id
),
true_positive as (
    select entity, {PAIRS} as pairs
    from by_entity inner join cells using (person_id, customer_id)
    group by entity
),
predicted as (
    select entity, {PAIRS} as pairs
    from (select entity, customer_id, sum(n) as n from by_entity group by all)
    inner join customers using (customer_id)
    group by entity
),
actual as (
    select entity, {PAIRS} as pairs
    from (select entity, person_id, sum(n) as n from by_entity group by all)
    inner join persons using (person_id)
    group by entity
),
records as (
    select entity, count(*) as records from scored group by entity
)
select
    entity,
    records.records,
    true_positive.pairs / predicted.pairs as precision,
    true_positive.pairs / actual.pairs as recall
from records
inner join true_positive using (entity)
inner join predicted using (entity)
inner join actual using (entity)
order by entity
"""

OVERALL = """
select
    (select count(*) from scored) as records,
    (select sum(n * (n - 1) / 2) from (
        select count(*) as n from scored group by person_id, customer_id
    )) / (select sum(n * (n - 1) / 2) from (
        select count(*) as n from scored group by customer_id
    )) as precision,
    (select sum(n * (n - 1) / 2) from (
        select count(*) as n from scored group by person_id, customer_id
    )) / (select sum(n * (n - 1) / 2) from (
        select count(*) as n from scored group by person_id
    )) as recall
"""


def measure(warehouse: Path, truth: Path) -> tuple[tuple, list[tuple]]:
    """(records, precision, recall) overall and per entity."""
    with layers.connect(warehouse) as connection:
        connection.execute(SCORED.format(truth=(truth / "record_owners.parquet").as_posix()))
        overall = connection.execute(OVERALL).fetchall()[0]
        per_entity = connection.execute(PER_ENTITY).fetchall()
    return overall, per_entity


@pytest.fixture(scope="module")
def scores(identity_dataset: Generated, identity_build: Build) -> tuple[tuple, list[tuple]]:
    assert identity_build.result.ok, identity_build.result.reason()
    overall, per_entity = measure(identity_build.warehouse, identity_dataset.truth)
    print(f"\nidentity {CUSTOMERS} customers x {DAYS} days, seed {SEED}")
    print(f"{'entity':<16} {'records':>9} {'precision':>10} {'recall':>8}")
    for entity, records, precision, recall in [("ALL", *overall), *per_entity]:
        print(f"{entity:<16} {records:>9} {precision:>10.5f} {recall:>8.5f}")
    return overall, per_entity


def test_every_entity_is_resolved(scores: tuple[tuple, list[tuple]]) -> None:
    _, per_entity = scores
    assert {row[0] for row in per_entity} == {
        "customers",
        "orders",
        "events",
        "email_events",
        "calls",
        "transactions",
        "loyalty_members",
        "invitations",
        "responses",
    }


def test_pairwise_precision(scores: tuple[tuple, list[tuple]]) -> None:
    (_, precision, _), _ = scores
    assert precision >= MIN_PRECISION


def test_pairwise_recall(scores: tuple[tuple, list[tuple]]) -> None:
    (_, _, recall), _ = scores
    assert recall >= MIN_RECALL


def test_no_entity_merges_strangers(scores: tuple[tuple, list[tuple]]) -> None:
    """Precision holds for the pairs of every entity, not just on average."""
    _, per_entity = scores
    assert [row[0] for row in per_entity if row[2] < MIN_PRECISION] == []
