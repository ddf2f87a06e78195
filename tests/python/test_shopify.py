"""Connectors (issue 28, docs/sources.md): the web shop from Shopify.

A hand-made raw file (tests/fixtures/connectors/shopify.sql) holds one case of each
Shopify quirk (an edited order re-synced, soft deletes, test and POS orders, a guest
order synced late, cancellation, deliveries from fulfillment events, refunds after
delivery, an unknown currency, a line without its order, an erased customer), built
with every other connector fixture; each case has its expected outcome.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Build
from test_connectors import _rows, assert_nothing_names_the_erased_person

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
        ("9001", "deduplicated", "superseded_version"),
        ("9001", "modelled", None),
        ("9002", "modelled", None),
        ("9003", "modelled", None),
        ("9004", "excluded", "test_order"),
        ("9005", "excluded", "deleted_in_source"),
        ("9006", "excluded", "store_purchase"),
        ("9007", "modelled", None),
        ("9008", "modelled", None),
        ("9009", "quarantined", "unknown_currency"),
        ("9010", "modelled", None),
    ]


def test_shopify_orders_reach_the_canonical_model(shopify_build: Path) -> None:
    rows = _rows(
        shopify_build,
        """
        select order_id, customer_id, guest_email, channel, status, currency,
            total_amount::double, strftime(placed_at, '%Y-%m-%d %H:%M'),
            strftime(delivered_at, '%Y-%m-%d %H:%M'), promised_delivery_date::varchar,
            file_name, partition_date::varchar
        from stg_shop__orders where order_id != '9008' order by order_id
        """,
    )
    assert rows == [
        # the edited total (250, not 200); delivered by its delivered event,
        # not the in-transit one
        ("9001", "7001", None, "web", "delivered", "PLN", 250.0, "2024-03-01 10:00",
         "2024-03-05 12:00", "2024-03-06", "shopify.order", "2024-04-01"),
        ("9002", "7001", None, "web", "cancelled", "PLN", 80.0, "2024-03-02 10:00",
         None, None, "shopify.order", "2024-04-01"),
        # refunded after delivery: returned; delivered at the last part
        ("9003", "7001", None, "web", "returned", "EUR", 40.0, "2024-03-03 10:00",
         "2024-03-06 09:00", "2024-03-07", "shopify.order", "2024-04-01"),
        # a guest's app order: placed when processed, not when synced a week later
        ("9007", None, "guest.buyer@example.pl", "app", "placed", "CZK", 500.0,
         "2024-03-07 10:00", None, None, "shopify.order", "2024-03-14"),
        ("9010", "7004", None, "web", "paid", "PLN", 10.0, "2024-03-10 10:00",
         None, None, "shopify.order", "2024-04-01"),
    ]  # fmt: skip
    assert _rows(
        shopify_build,
        "select total_amount_pln::double from stg_shop__orders where order_id = '9001'",
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
    ]
    assert _rows(
        shopify_build,
        "select order_id, sku, item_number, quantity, unit_price::double"
        " from stg_shop__order_items where order_id = '9001' order by item_number",
    ) == [("9001", "SKU-RED", 1, 2, 100.0), ("9001", "SKU-BLUE", 2, 1, 50.0)]
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
    ) == [("9010",)]
    assert _rows(
        shopify_build,
        "select record_key, touchpoint_type from int_touchpoints_from_orders"
        " where touchpoint_type in ('order_cancelled', 'order_returned') order by 1",
    ) == [("9002", "order_cancelled"), ("9003", "order_returned")]


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
        " from stg_shop__orders where order_id = '9008'",
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
        ("shopify.order", 11, 6, 1, 3, 1, True),
        ("shopify.order_line", 5, 3, 0, 1, 1, True),
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
