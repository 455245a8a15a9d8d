"""Issue 7: a ledger open in Excel (its `~$` owner file beside it) is never written; the CLI says who has it."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_safety_write import excel_owner_file  # noqa: E402  (the 165-byte file Excel writes)

D = dt.date
runner = CliRunner()
AS_OF = ["--as-of", "2026-11-25"]
WRITES = [
    ["validate", "--write", *AS_OF],
    ["callbacks", "--write", *AS_OF],
    ["stats", "--month", "2026-10", "--write", *AS_OF],
    ["sample", "--month", "2026-10", "--write", *AS_OF],
    ["archive", "--before", "2024-11-01"],
]


def open_in_excel(tmp_path: Path, user: str, **kw) -> Path:
    path = write_ledger(
        tmp_path / "台账.xlsx",
        [case("OLD1", completed=D(2024, 1, 5), received=D(2024, 1, 2)), case("R1", completed=D(2026, 10, 5))],
        **kw,
    )
    (tmp_path / f"~${path.name}").write_bytes(excel_owner_file(user))
    return path


@pytest.mark.parametrize("args", WRITES, ids=lambda a: a[0])
def test_excel_lock_refusal_reaches_the_cli_as_exit_2_naming_the_user(tmp_path, args):
    path = open_in_excel(tmp_path, "张三")
    before = path.read_bytes()
    result = runner.invoke(app, [args[0], str(path), *args[1:]])
    assert result.exit_code == 2, result.output
    assert "张三" in result.stderr and "正被" in result.stderr
    assert "Traceback" not in result.output
    assert path.read_bytes() == before
    # nothing was added beside the ledger, not even the writer lock: a refused command takes none
    assert sorted(p.name for p in tmp_path.iterdir()) == ["~$台账.xlsx", "台账.xlsx"]


def test_lock_refusal_in_english_ledger_names_the_user(tmp_path):
    path = open_in_excel(tmp_path, "Li Si", lang="en", settings=[["Language", "en"]])
    result = runner.invoke(app, ["validate", str(path), "--write", "--as-of", "2026-11-25"])
    assert result.exit_code == 2
    assert "open by Li Si" in result.stderr
