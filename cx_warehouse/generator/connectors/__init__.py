"""Connector-shaped output: the simulated business as the tables connectors load.

``cxw generate --shape fivetran --raw FILE.duckdb`` writes, for each system whose
connector is built, that connector's tables into the DuckDB file (one schema per
connector, named as Fivetran names it) instead of the system's landing files.
"""

from __future__ import annotations

# landing system -> connector, for the connectors that are built
CONNECTOR_SYSTEMS = {
    "callcenter": "zendesk",
    "surveys": "qualtrics",
    "marketing": "klaviyo",
    "shop": "shopify",
}
