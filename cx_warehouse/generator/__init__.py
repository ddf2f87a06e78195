"""The synthetic landing-data generator: realistic raw exports of every source system.

``generate(config)`` writes the landing contract (``shared/landing-contract.md``) for
``config.customers`` persons over ``config.days`` days, with the contract's twelve
fault kinds at ``config.faults`` rates, and the ground truth beside it. Same
arguments, byte-identical files. ``config.shape`` fivetran writes the systems whose
connector is built as that connector's tables into ``config.raw`` instead
(``connectors/``), and with ``config.ga4_export`` the web events as the GA4 export's
daily Parquet files; the truth keyed by the connectors' record ids.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import pyarrow as pa
from tqdm import tqdm

from cx_warehouse import cost_log

from . import (
    behaviour,
    callcenter,
    events,
    landing,
    marketing,
    population,
    privacy,
    shop,
    stores,
    surveys,
    vocab,
)
from .config import DEFAULT_FAULT_RATES, ConfigError, GenerateConfig, parse_faults
from .connectors import CONNECTOR_SYSTEMS, klaviyo, qualtrics, shopify, zendesk
from .connectors.ga4 import Ga4Export
from .folders import check_folders, landing_is_empty
from .formats import install_macros
from .truth import write_truth
from .world import World
from .writer import LandingWriter

__all__ = [
    "DEFAULT_FAULT_RATES",
    "ConfigError",
    "GenerateConfig",
    "generate",
    "landing_is_empty",
    "parse_faults",
]

log = logging.getLogger(__name__)

SIMULATION = (
    ("persons", population.build_population),
    ("catalog", shop.build_catalog),
    ("accounts", shop.build_customer_versions),
    ("campaigns", marketing.build_campaign_sends),
    ("email events", lambda w: marketing.build_email_events(w, post_purchase=False)),
    ("visits", shop.build_sessions),
    ("orders", shop.build_orders),
    ("post-purchase emails", marketing.add_post_purchase_sends),
    ("post-purchase events", lambda w: marketing.build_email_events(w, post_purchase=True)),
    ("stores", stores.build_stores),
    ("loyalty", stores.build_loyalty),
    ("receipts", stores.build_transactions),
    ("agents", callcenter.build_agents),
    ("calls", callcenter.build_calls),
    ("invitations", surveys.build_invitations),
    ("responses", surveys.build_responses),
    ("later purchases", behaviour.add_later_purchases),
    ("trigger refs", surveys.resolve_trigger_refs),
    ("erasure requests", privacy.build_erasures),
)


def _lookups(world: World) -> None:
    world.add(
        "regions", pa.table({"city": list(vocab.REGIONS), "region": list(vocab.REGIONS.values())})
    )
    phrases = vocab.phrase_table()
    per_language = len(phrases) // len(vocab.LANGUAGES)
    world.add(
        "v_phrases",
        pa.table(
            {
                "language_i": [i // per_language for i in range(len(phrases))],
                "i": [i % per_language for i in range(len(phrases))],
                "name": phrases,
            }
        ),
    )


def generate(config: GenerateConfig, progress: bool = True) -> dict[str, int]:
    """Write the landing files and the truth; return the records written per
    ``system/entity``, duplicates and malformed lines included: the warehouse's landed rows."""
    check_folders(config)
    with (
        cost_log.timed("generate", customers=config.customers, days=config.days),
        tempfile.TemporaryDirectory(prefix="cxw-generate-") as spill,
    ):
        return _generate(config, World(config, spill=Path(spill)), progress)


def _generate(config: GenerateConfig, world: World, progress: bool) -> dict[str, int]:
    install_macros(world)
    _lookups(world)
    # the systems a connector carries (--shape fivetran) land no file
    carried = CONNECTOR_SYSTEMS if config.shape == "fivetran" else {}
    entities = [spec for spec in landing.text_entities() if spec.system not in carried]
    total_steps = len(SIMULATION) + len(entities) + events.event_chunks(world) + 1
    with tqdm(total=total_steps, desc="generate", unit="step", disable=not progress) as bar:
        for name, step in SIMULATION:
            bar.set_postfix_str(name)
            started = time.perf_counter()
            step(world)
            log.debug("%s: %.1f s", name, time.perf_counter() - started)
            bar.update(1)
        writer = LandingWriter(world)
        params = {
            "start": world.start_ts,
            "ts_rate": config.faults["timestamps"],
            "messy_rate": config.faults["messy_identifiers"],
            "cdc_rate": config.faults["cdc_versions"],
            "currency_rate": config.faults["currencies"],
            "n_orders": world.con.execute("select count(*) from orders").fetchall()[0][0],
        }
        for spec in entities:
            bar.set_postfix_str(f"{spec.system}/{spec.entity}")
            used = {k: v for k, v in params.items() if f"${k}" in spec.sql}
            started = time.perf_counter()
            writer.write_text(spec, used)
            log.debug("%s/%s: %.1f s", spec.system, spec.entity, time.perf_counter() - started)
            bar.update(1)
        bar.set_postfix_str("shop/events")
        started = time.perf_counter()
        export = None if config.ga4_export is None else Ga4Export(world, config.ga4_export)
        events.write_events(world, writer, bar, None if export is None else export.write_day)
        log.debug("shop/events: %.1f s", time.perf_counter() - started)
        writer.finish()
        connector_rows = {} if export is None else export.finish()
        if config.raw is not None:
            bar.set_postfix_str("zendesk")
            connector_rows |= zendesk.write(world, config.raw)
            bar.set_postfix_str("qualtrics")
            connector_rows |= qualtrics.write(world, config.raw)
            bar.set_postfix_str("klaviyo")
            connector_rows |= klaviyo.write(world, config.raw)
            bar.set_postfix_str("shopify")
            connector_rows |= shopify.write(world, config.raw)
        bar.set_postfix_str("truth")
        started = time.perf_counter()
        truth = write_truth(world)
        log.debug("truth: %.1f s", time.perf_counter() - started)
        bar.update(1)
    log.info("truth: %s", truth)
    world.con.close()
    return dict(sorted((writer.rows | connector_rows).items()))
