"""Great Expectations' Data Docs, made to open offline.

GE's pages load bootstrap, jQuery, bootstrap-table, Font Awesome and their logo from
CDNs, so offline they open unstyled and the index's tables (drawn by bootstrap-table)
stay empty. ``make_offline(docs_dir)`` copies the same files, at the versions the
pages name, from ``data_docs_assets/`` into ``<docs_dir>/static/offline/`` and points
every page at them; vega's scripts, which no page written here calls, are removed.
A page that still names a remote asset is logged as a warning.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

ASSETS_DIR = Path(__file__).resolve().parent / "data_docs_assets"
OFFLINE_DIR = Path("static") / "offline"
LOGO = Path("static") / "images" / "logo-long.png"

# A CDN address the pages name -> the copied file, under OFFLINE_DIR.
ASSETS = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap/bootstrap.min.css"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap/bootstrap.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js/popper.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table/bootstrap-table-filter-control.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table/bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": "bootstrap-table/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "bootstrap-dark/bootstrap-prefers-dark.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome/css/all.min.css"
    ),
}
VEGA_SCRIPT = re.compile(r'<script src="https://cdn\.jsdelivr\.net/npm/vega[^"]*"></script>\s*')
# A page read from file:// has no origin: a crossorigin script would be refused.
CROSS_ORIGIN = re.compile(r'\s+integrity="[^"]*"\s+crossorigin="anonymous"')
GE_LOGO = re.compile(r"https://great-expectations-web-assets\.s3\.[^\"']+\.png(?:\?[^\"']*)?")
# What a browser fetches by itself: a stylesheet, a script or an image.
REMOTE_ASSET = re.compile(r"""(?:<script[^>]+src|<link[^>]+href|<img[^>]+src)=["']https?://""")


def make_offline(docs_dir: Path) -> None:
    """Copy the assets into ``docs_dir`` and point every page under it at them."""
    shutil.copytree(ASSETS_DIR, docs_dir / OFFLINE_DIR, dirs_exist_ok=True)
    for page in sorted(docs_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        root = Path(os.path.relpath(docs_dir, page.parent))
        for url, asset in ASSETS.items():
            text = text.replace(url, (root / OFFLINE_DIR / asset).as_posix())
        text = CROSS_ORIGIN.sub("", VEGA_SCRIPT.sub("", text))
        text = GE_LOGO.sub((root / LOGO).as_posix(), text)
        page.write_text(text, encoding="utf-8")
        if REMOTE_ASSET.search(text):
            log.warning("%s still loads a remote asset: it needs a network", page)
