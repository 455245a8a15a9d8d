#!/usr/bin/env python3
"""Run the project from a fresh clone with nothing but Python 3.11+.

    python3 dev.py ledger demo      # any `ledger` command
    python3 dev.py test             # the full test suite (what CI runs)
    python3 dev.py lint             # ruff: formatting checked, then the lint rules (CI runs it first)

The first run makes a virtual environment in .venv and installs the package
with its test dependencies; later runs reuse it, and reinstall only when
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".ledger-installed"


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed (this is %s)." % sys.version.split()[0])
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PYTHON.exists():
        print("Creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing ledger and its test dependencies into .venv ...", file=sys.stderr)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f"{ROOT}[test]"],
        check=True,
    )
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("ledger", "test", "lint"):
        print(__doc__, file=sys.stderr)
        return 2
    ensure_environment()
    if argv[0] == "ledger":
        command = [str(PYTHON), "-m", "ledger.cli", *argv[1:]]
    elif argv[0] == "lint":
        ruff = str(BIN / ("ruff.exe" if os.name == "nt" else "ruff"))
        checked = subprocess.run([ruff, "format", "--check", "."], cwd=ROOT).returncode
        return checked or subprocess.run([ruff, "check", "."], cwd=ROOT).returncode
    else:
        command = [str(PYTHON), "-m", "pytest", "-q", *argv[1:]]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
