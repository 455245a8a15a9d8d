"""The rules live in the repository (docs/), in Chinese and English, and the CLI help points there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ledger.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = {lang: ROOT / "docs" / f"rules.{lang}.md" for lang in ("zh-Hans", "en")}
COMMANDS = ["init", "demo", "validate", "callbacks", "sample", "stats", "send", "archive"]


def _headings(path: Path) -> list[str]:
    return re.findall(r"^(#{1,3}) ", path.read_text(encoding="utf-8"), flags=re.M)


def test_the_chinese_and_english_rules_have_the_same_sections():
    assert _headings(DOCS["zh-Hans"]) == _headings(DOCS["en"])
    assert len(_headings(DOCS["en"])) >= 8


@pytest.mark.parametrize(
    ("lang", "terms"),
    [
        ("zh-Hans", ["回访起始", "回访期限", "无法联系", "向上取整", "满意率", "25 日", "【口径】"]),
        ("en", ["window", "unreachable", "rounded up", "satisfied + fairly satisfied", "25th", "Decision"]),
    ],
)
def test_the_rules_name_windows_statuses_statistics_and_decisions(lang, terms):
    body = DOCS[lang].read_text(encoding="utf-8")
    assert [t for t in terms if t not in body] == []


def test_the_readme_points_to_the_rules():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/rules.zh-Hans.md" in readme and "docs/rules.en.md" in readme
    assert "SPEC.md" not in readme


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_cli_help_cites_no_spec(command):
    result = CliRunner().invoke(app, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output and "SPEC" not in result.output
