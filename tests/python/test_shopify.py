"""Connectors (issue 28, docs/sources.md): the web shop from Shopify.

A hand-made raw file (tests/fixtures/connectors/shopify.sql) holds one case of each
Shopify quirk (an edited order re-synced, soft deletes, test and POS orders, a guest
order synced late, cancellation, deliveries from fulfillment events, refunds after
delivery, an unknown currency, a line without its order, an erased customer), built
with every other connector fixture; each case has its expected outcome. The
stores are Shopify POS's (stores_source: shopify): locations as stores, POS orders
as receipts, the loyalty cards still landing files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import Build
from test_connectors import _rows, assert_nothing_names_the_erased_person
from test_identity import measure

from cx_warehouse.dbt import run_dbt

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def shopify_build(connector_build: Build) -> Path:
    assert connector_build.result.ok, connector_build.result.reason()
    return connector_build.warehouse


def _outcomes(warehouse: Path, model: str, key: str) -> list[tuple]:
    return _rows(warehouse, f"select {key}, record_status, record_rule from {model} order by all")


def test_each_shopify_order_quirk_has_its_outcome(shopify_build: Path) -> None:
    assert _outcomes(shopify_build, "stg_shopify__orders", "order_id") == [
        ("A-0001001", "deduplicated", "superseded_version"),
        ("A-0001001", "modelled", None),
        ("A-0001002", "modelled", None),
        ("A-0001003", "modelled", None),
        ("A-0001004", "excluded", "test_order"),
        ("A-0001005", "excluded", "deleted_in_source"),
        ("A-0001006", "excluded", "store_purchase"),
        ("A-0001007", "modelled", None),
        ("A-0001008", "modelled", None),
        ("A-0001009", "quarantined", "unknown_currency"),
        ("A-0001010", "modelled", None),
        ("A-0001011", "excluded", "store_purchase"),
        ("A-0001012", "excluded", "test_store"),
        ("A-0001013", "quarantined", "unknown_currency"),
    ]


def test_shopify_orders_reach_the_canonical_model(shopify_build: Path) -> None:
    rows = _rows(
        shopify_build,
        """
        select order_id, customer_id, guest_email, channel, status, currency,
            total_amount::double, strftime(placed_at, '%Y-%m-%d %H:%M'),
            strftime(delivered_at, '%Y-%m-%d %H:%M'), promised_delivery_date::varchar,
            file_name, partition_date::varchar
        from stg_shop__orders where order_id != 'A-0001008' order by order_id
        """,
    )
    assert rows == [
        # the edited total (250, not 200); delivered by its delivered event,
        # not the in-transit one
        ("A-0001001", "7001", None, "web", "delivered", "PLN", 250.0, "2024-03-01 10:00",
         "2024-03-05 12:00", "2024-03-06", "shopify.order", "2024-04-01"),
        ("A-0001002", "7001", None, "web", "cancelled", "PLN", 80.0, "2024-03-02 10:00",
         None, None, "shopify.order", "2024-04-01"),
        # refunded after delivery: returned; delivered at the last part
        ("A-0001003", "7001", None, "web", "returned", "EUR", 40.0, "2024-03-03 10:00",
         "2024-03-06 09:00", "2024-03-07", "shopify.order", "2024-04-01"),
        # a guest's app order: placed when processed, not when synced a week later
        ("A-0001007", None, "guest.buyer@example.pl", "app", "placed", "CZK", 500.0,
         "2024-03-07 10:00", None, None, "shopify.order", "2024-03-14"),
        ("A-0001010", "7004", None, "web", "paid", "PLN", 10.0, "2024-03-10 10:00",
         None, None, "shopify.order", "2024-04-01"),
    ]  # fmt: skip
    assert _rows(
        shopify_build,
        "select total_amount_pln::double from stg_shop__orders where order_id = 'A-0001001'",
    ) == [(250.0,)]


def test_deliveries_and_refunds_have_their_outcomes(shopify_build: Path) -> None:
    assert _outcomes(shopify_build, "stg_shopify__fulfillment_events", "fulfillment_event_id") == [
        ("501", "excluded", "not_a_delivery"),
        ("502", "modelled", None),
        ("503", "modelled", None),
        ("504", "deduplicated", "earlier_delivery"),
        ("505", "excluded", "deleted_in_source"),
    ]
    assert _outcomes(shopify_build, "stg_shopify__refunds", "refund_id") == [
        ("601", "excluded", "not_a_return"),
        ("602", "modelled", None),
        ("603", "deduplicated", "further_refund"),
    ]


def test_shopify_lines_and_customers_have_their_outcomes(shopify_build: Path) -> None:
    assert _outcomes(shopify_build, "stg_shopify__order_lines", "order_item_id") == [
        ("1901", "modelled", None),
        ("1902", "modelled", None),
        ("1903", "excluded", "test_order"),
        ("1904", "modelled", None),
        ("1905", "quarantined", "order_missing"),
        ("1906", "excluded", "store_purchase"),
        ("1907", "excluded", "store_purchase"),
    ]
    assert _rows(
        shopify_build,
        "select order_id, sku, item_number, quantity, unit_price::double"
        " from stg_shop__order_items where order_id = 'A-0001001' order by item_number",
    ) == [("A-0001001", "SKU-RED", 1, 2, 100.0), ("A-0001001", "SKU-BLUE", 2, 1, 50.0)]
    assert _rows(
        shopify_build,
        "select customer_id, email, phone, city, country, is_marketing_opt_in"
        " from stg_shop__customers where customer_id in ('7001', '7002', '7004')"
        " order by 1",
    ) == [
        ("7001", "ewa.kowalczyk@example.pl", "+48601222333", "Kraków", "PL", True),
        ("7004", "shop.qa@test.internal", None, "Warszawa", "PL", False),
    ]
    assert [row[1:] for row in _outcomes(shopify_build, "stg_shopify__customers", "synced_at")] == [
        ("deduplicated", "superseded_version"),
        ("excluded", "deleted_in_source"),
        ("modelled", None),
        ("modelled", None),
        ("modelled", None),
    ]


def test_test_accounts_and_cancellations_are_treated_as_on_landing(
    shopify_build: Path,
) -> None:
    # the test account's order is test traffic; the cancelled and returned orders
    # take their revenue back as landing orders do
    assert _rows(
        shopify_build,
        "select record_id from int_test_traffic_identified"
        " where source_system = 'shop' and entity = 'orders'",
    ) == [("A-0001010",)]
    assert _rows(
        shopify_build,
        "select record_key, touchpoint_type from int_touchpoints_from_orders"
        " where touchpoint_type in ('order_cancelled', 'order_returned') order by 1",
    ) == [("A-0001002", "order_cancelled"), ("A-0001003", "order_returned")]


def test_shopify_erasure_leaves_nothing_findable(shopify_build: Path) -> None:
    assert _rows(
        shopify_build,
        "select email, phone, first_name, last_name, is_erased, customer_id = '7003'"
        " from stg_shopify__customers where is_erased",
    ) == [(None, None, None, None, True, False)]
    # the order keeps its row and figures, keyed to the erased customer key
    assert _rows(
        shopify_build,
        "select status, total_amount::double, is_erased, customer_id = '7003'"
        " from stg_shop__orders where order_id = 'A-0001008'",
    ) == [("paid", 300.0, True, False)]
    # nor his Shopify customer id
    assert_nothing_names_the_erased_person(shopify_build, "%: 7003,%", "%: 7003}%")


def test_shopify_tables_reconcile_and_quarantine(shopify_build: Path) -> None:
    rows = _rows(
        shopify_build,
        """
        select reconciliation_id, landed_rows, modelled_rows, deduplicated_rows,
            excluded_rows, quarantined_rows, is_balanced
        from quality_reconciliation
        where source_system = 'shopify'
            or reconciliation_id in ('shop.customers', 'shop.orders')
        order by 1
        """,
    )
    assert rows == [
        ("shop.customers", 0, 0, 0, 0, 0, True),
        ("shop.orders", 0, 0, 0, 0, 0, True),
        ("shopify.customer", 5, 3, 1, 1, 0, True),
        ("shopify.fulfillment_event", 5, 2, 1, 2, 0, True),
        ("shopify.location", 5, 2, 1, 2, 0, True),
        # the POS orders (9006, 9011, 9012) and 9006's lines: excluded from the web
        # shop, 9006 and 9011 modelled as receipts (not a second count of the rows)
        ("shopify.order", 14, 6, 1, 5, 2, True),
        ("shopify.order_line", 7, 3, 0, 3, 1, True),
        ("shopify.refund", 3, 1, 1, 1, 0, True),
    ]
    assert sorted(
        _rows(
            shopify_build,
            "select source_record_id, rule, file_name from quality_quarantine"
            " where source_system = 'shopify'",
        )
    ) == [
        ("1905", "order_missing", "shopify.order_line"),
        ("9009", "unknown_currency", "shopify.order"),
        ("9013", "unknown_currency", "shopify.order"),
    ]


def test_shop_none_builds_without_a_web_shop(connectors_none_build: Build) -> None:
    assert connectors_none_build.result.ok, connectors_none_build.result.reason()
    warehouse = connectors_none_build.warehouse
    for model in ("stg_shop__orders", "stg_shop__order_items", "stg_shop__customers"):
        assert _rows(warehouse, f"select count(*) from {model}") == [(0,)]
    assert _rows(
        warehouse,
        "select count(*) from fct_customer_journey where source_system = 'shop'"
        " and touchpoint_type like 'order_%'",
    ) == [(0,)]
    assert _rows(
        warehouse,
        "select reconciliation_id, landed_rows, is_balanced from quality_reconciliation"
        " where reconciliation_id in ('shop.customers', 'shop.orders') order by 1",
    ) == [("shop.customers", 0, True), ("shop.orders", 0, True)]


def test_stores_none_builds_without_stores(connectors_none_build: Build) -> None:
    # loyalty members included: they are landing files only while there are stores
    assert connectors_none_build.result.ok, connectors_none_build.result.reason()
    warehouse = connectors_none_build.warehouse
    for model in ("stg_stores__stores", "stg_stores__transactions", "stg_stores__loyalty_members"):
        assert _rows(warehouse, f"select count(*) from {model}") == [(0,)]
    assert _rows(
        warehouse,
        "select count(*) from fct_customer_journey where source_system = 'stores'",
    ) == [(0,)]


def test_an_unknown_shop_source_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_dbt(
        ["parse", "--vars", "{shop_source: woocommerce}"],
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
    )
    assert not result.ok
    assert (
        "shop_source must be landing, shopify or none, got 'woocommerce'"
        in (tmp_path / "logs" / "dbt.log").read_text()
    )


def test_an_order_is_keyed_by_its_name_and_keeps_its_shopify_id(shopify_build: Path) -> None:
    # '#A-1001' and '#1002' (a prefix the shop configures, or none) both key the order
    # as agents and surveys quote it; the numeric Shopify id is its source_record_id
    assert _rows(
        shopify_build,
        "select order_id, source_record_id from stg_shopify__orders"
        " where record_status = 'modelled' and source_record_id in ('9001', '9002')"
        " order by 1",
    ) == [("A-0001001", "9001"), ("A-0001002", "9002")]


# --- Shopify POS: locations as stores, POS orders as receipts (stores_source: shopify)


def test_each_shopify_location_quirk_has_its_outcome(shopify_build: Path) -> None:
    assert _outcomes(shopify_build, "stg_shopify__locations", "store_name") == [
        ("Gdańsk Outlet", "excluded", "deleted_in_source"),
        ("Krakow Galeria", "deduplicated", "superseded_version"),
        ("Kraków Galeria Krakowska", "modelled", None),
        ("POS Demo Store", "excluded", "test_store"),
        ("Praha Centrum", "modelled", None),
    ]


def test_shopify_locations_are_the_stores(shopify_build: Path) -> None:
    assert _rows(
        shopify_build,
        "select store_id, store_name, city, country, region, store_format, time_zone,"
        " file_name, opened_on from stg_stores__stores order by 1",
    ) == [
        ("55", "Kraków Galeria Krakowska", "Kraków", "PL", "Małopolskie", None,
         "Europe/Warsaw", "shopify.location", None),
        ("56", "Praha Centrum", "Praha", "CZ", "Praha", None, "Europe/Prague",
         "shopify.location", None),
    ]  # fmt: skip


def test_pos_orders_are_the_receipts(shopify_build: Path) -> None:
    # the test store's sale (9012) is no receipt; times stay UTC (Shopify's), the
    # items are the lines' quantities, Shopify knows no loyalty card
    assert _rows(
        shopify_build,
        """
        select receipt_id, store_id, loyalty_card, original_receipt_id, currency,
            payment_method, file_name, total_amount::double, total_amount_pln::double,
            items_count, is_return, is_erased, partition_date::varchar,
            strftime(occurred_at, '%Y-%m-%d %H:%M')
        from stg_stores__transactions order by 1
        """,
    ) == [
        ("A-0001006", "55", None, None, "PLN", None, "shopify.order", 99.0, 99.0, 3, False,
         False, "2024-04-01", "2024-03-06 10:00"),
        ("A-0001011", "56", None, None, "CZK", None, "shopify.order", 450.0, 79.81, 0,
         False, False, "2024-04-01", "2024-03-11 13:00"),
    ]  # fmt: skip
    assert _rows(
        shopify_build,
        "select record_key, touchpoint_type, store_id from int_touchpoints_from_receipts"
        " order by 1",
    ) == [("A-0001006", "store_purchase", "55"), ("A-0001011", "store_purchase", "56")]


def test_loyalty_members_stay_on_landing_with_shopify_stores(shopify_build: Path) -> None:
    # enrolled in Shopify locations: the landing file, localised with the location's
    # country: a national phone at the Prague location (56) is Czech; Anna's cards
    # erased (LC-100002 by request, LC-100001 through the same email)
    assert _rows(
        shopify_build,
        "select card_number, phone, enrolled_store_id,"
        " strftime(enrolled_at, '%Y-%m-%d %H:%M'), file_name"
        " from stg_stores__loyalty_members order by 3, 4",
    ) == [
        (None, None, "55", "2024-03-30 11:05",
         "stores/loyalty_members/dt=2024-03-31/part-00000.csv"),
        (None, None, "56", "2024-03-31 11:25",
         "stores/loyalty_members/dt=2024-03-31/part-00000.csv"),
        ("LC-100003", "+420602345678", "56", "2024-03-31 13:00",
         "stores/loyalty_members/dt=2024-03-31/part-00000.csv"),
    ]  # fmt: skip
    assert _rows(
        shopify_build,
        "select reconciliation_id, landed_rows, modelled_rows, is_balanced"
        " from quality_reconciliation where source_system = 'stores' order by 1",
    ) == [
        ("stores.loyalty_members", 3, 3, True),
        ("stores.stores", 0, 0, True),
        ("stores.transactions", 0, 0, True),
    ]


# --- the generator in Shopify shape: one seed built from landing files and from Shopify


def _both(both_shapes: dict, sql: str) -> tuple[list[tuple], list[tuple]]:
    (_, landing), (_, fivetran) = both_shapes["landing"], both_shapes["fivetran"]
    assert landing.result.ok, landing.result.reason()
    assert fivetran.result.ok, fivetran.result.reason()
    return _rows(landing.warehouse, sql), _rows(fivetran.warehouse, sql)


def test_the_fivetran_shape_reads_the_shop_from_shopify(both_shapes: dict) -> None:
    generated, build = both_shapes["fivetran"]
    assert not (generated.landing / "shop" / "orders").exists()
    assert not (generated.landing / "shop" / "customers").exists()
    assert generated.rows["shopify/order"] > 0
    counts = _rows(
        build.warehouse,
        "select record_rule, count(*) from stg_shopify__orders group by 1 order by 1",
    )
    n_orders = generated.rows["shopify/order"]
    rules = dict(counts)
    quirks = rules["test_order"]
    assert quirks >= 1
    assert rules["deleted_in_source"] == quirks
    assert rules["superseded_version"] == quirks
    assert rules[None] == n_orders - 3 * quirks


# Facts the web shop carries, asked of both shapes: each answer must be non-empty and
# the same (the second column of the first row, where named, more than 0).
SHOP_FACTS = {
    "orders at staging grain": """
        select order_id, customer_id is null, guest_email, channel, status, currency,
            total_amount::double, total_amount_pln::double,
            strftime(placed_at, '%Y-%m-%d %H:%M:%S'),
            strftime(delivered_at, '%Y-%m-%d %H:%M:%S')
        from stg_shop__orders order by order_id
    """,
    "order items": """
        select order_id, item_number, sku, quantity, unit_price::double
        from stg_shop__order_items order by all
    """,
    "order touchpoints": """
        select touchpoint_type, count(*) from int_touchpoints_from_orders
        group by 1 order by 1
    """,
    "late deliveries": """
        select 'late', count(*) from stg_shop__orders
        where cast(delivered_at as date) > promised_delivery_date
    """,
    "returns": "select 'returned', count(*) from stg_shop__orders where status = 'returned'",
    "orders and revenue per month": """
        select date_trunc('month', occurred_at) as month, touchpoint_type, count(*),
            round(sum(coalesce(revenue_pln, 0)), 2)
        from fct_customer_journey
        where touchpoint_type like 'order%'
        group by all order by all
    """,
    "calls with an order": "select count(*), count(order_id) from int_calls_linked",
    # answered: Qualtrics names an invitation's order only in its response
    "order-triggered invitations": """
        select count(*), count(order_id) from int_survey_invitations_linked
        where trigger_type = 'order_delivered'
            and invitation_id in (select invitation_id from stg_surveys__responses)
    """,
    "order-triggered responses": """
        select count(*), round(avg(score), 4) from int_survey_responses_counted
        where trigger_type = 'order_delivered'
    """,
}
POSITIVE = {"late deliveries", "returns", "calls with an order", "order-triggered invitations"}


@pytest.mark.parametrize("question", sorted(SHOP_FACTS))
def test_shop_facts_agree_across_shapes(both_shapes: dict, question: str) -> None:
    landing, fivetran = _both(both_shapes, SHOP_FACTS[question])
    assert landing, question
    if question in POSITIVE:
        assert landing[0][1] > 0, question
    assert fivetran == landing, question


def test_identity_is_unchanged_under_shopify(both_shapes: dict) -> None:
    """Records, pairwise precision and recall (test_identity.measure) of the shop's
    customers and orders, and overall, against each shape's truth. A landing line
    the malformed fault broke is quarantined there; Shopify's typed rows have no such
    fault, so that record counts under Shopify only: the records may differ by those,
    precision and recall by no more than 0.001."""
    scores = {}
    for shape, (generated, build) in both_shapes.items():
        assert build.result.ok, f"{shape}: {build.result.reason()}"
        overall, per_entity = measure(build.warehouse, generated.truth)
        scores[shape] = {"ALL": overall} | {row[0]: row[1:] for row in per_entity}
    with duckdb.connect() as connection:
        malformed = connection.execute(
            "select count(distinct source_record_id) from read_parquet(?)"
            " where source_system = 'shop' and entity in ('customers', 'orders')"
            " and fault_kind = 'malformed'",
            [str(both_shapes["landing"][0].truth / "faults.parquet")],
        ).fetchall()[0][0]
    for entity in ("customers", "orders", "ALL"):
        (records, precision, recall) = scores["landing"][entity]
        (shopify_records, shopify_precision, shopify_recall) = scores["fivetran"][entity]
        assert records > 0, entity
        assert 0 <= shopify_records - records <= malformed, (entity, scores)
        assert abs(shopify_precision - precision) <= 0.001, (entity, scores)
        assert abs(shopify_recall - recall) <= 0.001, (entity, scores)


def test_the_truth_keys_shop_records_as_the_warehouse_sees_them(both_shapes: dict) -> None:
    generated, build = both_shapes["fivetran"]
    owners = generated.truth / "record_owners.parquet"
    with duckdb.connect() as connection:
        truth = connection.execute(
            f"select entity, source_record_id from read_parquet('{owners}')"
            " where source_system = 'shop' and entity in ('customers', 'orders')"
        ).fetchall()
    seen = set(
        _rows(build.warehouse, "select 'orders', order_id from stg_shop__orders")
        + _rows(build.warehouse, "select 'customers', customer_id from stg_shop__customers")
    )
    assert truth
    assert {row for row in truth if row[0] == "orders"} <= seen
    erasable = {row for row in truth if row[0] == "customers"} - seen
    # every truth customer is a warehouse customer, erased ones under an erased key
    erased = _rows(build.warehouse, "select count(*) from stg_shop__customers where is_erased")
    assert len(erasable) <= erased[0][0]
