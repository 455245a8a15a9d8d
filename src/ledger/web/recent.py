"""The ledgers opened lately, kept in a small JSON file in the user's configuration folder."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

KEEP = 8
FILE_NAME = "recent_ledgers.json"


def config_dir() -> Path:
    """%APPDATA%\\ledger on Windows, ~/Library/Application Support/ledger on macOS, else XDG (~/.config/ledger).

    LEDGER_CONFIG_DIR overrides it (tests, portable installs)."""
    override = os.environ.get("LEDGER_CONFIG_DIR")
    if override:
        return Path(override)
    if sys.platform.startswith("win"):
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "ledger"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "ledger"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "ledger"


def recent_ledgers() -> list[Path]:
    """Recent ledgers that still exist, most recent first; an unreadable file is an empty list."""
    try:
        data = json.loads((config_dir() / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    paths = [Path(p) for p in data if isinstance(p, str)] if isinstance(data, list) else []
    return [p for p in paths if p.is_file()]


def remember(path: Path) -> None:
    """Put `path` first in the list; a configuration folder that cannot be written is not an error."""
    path = path.resolve()
    paths = [path, *(p for p in recent_ledgers() if p.resolve() != path)][:KEEP]
    folder = config_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (FILE_NAME + ".tmp")
        tmp.write_text(json.dumps([str(p) for p in paths], ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, folder / FILE_NAME)
    except OSError:
        pass
