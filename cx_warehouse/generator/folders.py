"""Checks on the landing and truth folders before anything is written."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .config import ConfigError, GenerateConfig


class FolderError(ConfigError):
    """A landing or truth folder that cannot be used; ``role`` says which."""

    def __init__(self, role: str, message: str) -> None:
        super().__init__(message)
        self.role = role


def check_folders(config: GenerateConfig) -> None:
    """Fail early, in one line, unless both folders can be written and landing has no files,
    the connectors' raw file (``--shape fivetran``) is a new file, and the GA4 export's
    folder (``--ga4-export``) is new or empty."""
    if config.raw is not None:
        if config.raw.exists():
            raise FolderError(
                "raw", f"{config.raw} exists: the raw file is written whole, name a new one"
            )
        config.raw.parent.mkdir(parents=True, exist_ok=True)
    if config.ga4_export is not None:
        if config.ga4_export.exists() and not config.ga4_export.is_dir():
            raise FolderError("ga4_export", f"{config.ga4_export} exists and is not a folder")
        if not landing_is_empty(config.ga4_export):
            raise FolderError(
                "ga4_export", f"{config.ga4_export} has files; give an empty or new folder"
            )
        config.ga4_export.mkdir(parents=True, exist_ok=True)
    for role, folder in (("landing", config.landing), ("truth", config.truth)):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".cxw-write-check-"):
                pass
        except FileExistsError:
            raise FolderError(role, f"{folder} exists and is not a folder") from None
        except NotADirectoryError:
            raise FolderError(
                role, f"{folder} is not a folder (part of the path is a file)"
            ) from None
        except PermissionError:
            raise FolderError(role, f"{folder} is not writable") from None
        except OSError as error:
            raise FolderError(role, f"{folder} cannot be written: {error.strerror}") from None
    if not landing_is_empty(config.landing):
        raise FolderError("landing", f"{config.landing} has files; give an empty or new folder")


def landing_is_empty(landing: Path) -> bool:
    """True when the folder is missing or holds no file at any depth."""
    return not landing.exists() or not any(p.is_file() for p in landing.rglob("*"))
