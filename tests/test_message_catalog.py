"""Every clerk-facing code exists in all three languages, with the same placeholders in each.

The codes are found in the source itself: every string literal shaped like a code
(`namespace.name`) whose namespace is one the catalog uses, wherever it stands (text(...),
Problem.make(...), raise MailError(...), a variable chosen before the raise), and the first
argument of every call to text() or of a LedgerError.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest

import ledger
from ledger.core.errors import LedgerError
from ledger.core.i18n import LANGUAGES, register, registered, text

SRC = Path(ledger.__file__).resolve().parent
CODE = re.compile(r"^[a-z][a-z_]*\.[a-z0-9_]+$")
NOT_CODES = {"ledger.invalid", "ledger.web"}  # a Message-ID's reserved mail domain; the page's logger name
FILE_LIKE = re.compile(r"\.(xml|rels|xlsx|xlsm|xlam|bin|json|py|eml|png|vml|txt|md|ini|conf|bas|html)$")


def _import_everything() -> None:
    for info in pkgutil.walk_packages(ledger.__path__, "ledger."):
        importlib.import_module(info.name)


def _error_classes() -> set[str]:
    found, todo = set(), [LedgerError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def codes_in_source(root: Path, namespaces: set[str], raisers: set[str]) -> dict[str, list[str]]:
    """code -> where it is used ("path:line"), for literal codes in the source under `root`."""
    used: dict[str, list[str]] = {}

    def note(node: ast.AST, where: str) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.setdefault(node.value, []).append(where)
        elif isinstance(node, ast.IfExp):
            note(node.body, where)
            note(node.orelse, where)

    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(root.parent)
        in_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call) and node.args:
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in raisers | {"text", "make"}:
                    note(node.args[0], where)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstrings:
                value = node.value
                if CODE.match(value) and value.split(".")[0] in namespaces and not FILE_LIKE.search(value):
                    if value in NOT_CODES:
                        continue
                    note(node, where)
    return used


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict[str, str]]:
    _import_everything()
    return registered()


def test_every_code_used_in_the_source_is_registered(catalog):
    namespaces = {code.split(".")[0] for code in catalog}
    used = codes_in_source(SRC, namespaces, _error_classes())
    assert len(used) > 100  # the scan sees the codes (a broken scan would find none and pass)
    missing = {code: where for code, where in used.items() if code not in catalog}
    assert missing == {}


def test_every_code_has_all_three_languages_with_the_same_placeholders(catalog):
    def fields(template: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f}

    wrong = {}
    for code, texts in catalog.items():
        langs = {lang: texts.get(lang) for lang in LANGUAGES}
        if any(not isinstance(t, str) or not t.strip() for t in langs.values()):
            wrong[code] = "a language is missing or empty"
        elif len({frozenset(fields(t)) for t in langs.values()}) != 1:
            wrong[code] = {lang: sorted(fields(t)) for lang, t in langs.items()}
    assert wrong == {}


def test_the_scan_finds_an_unregistered_code(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        "def f(x):\n"
        "    which = 'mail.not_there' if x else 'mail.refused'\n"
        "    raise MailError(which)\n"
        "def g(lang):\n"
        "    return text('cli.nowhere', lang), 'styles.xml', 'ledger.cli'\n",
        encoding="utf-8",
    )
    used = codes_in_source(tmp_path / "pkg", {"mail", "cli", "styles"}, {"MailError"})
    assert sorted(used) == ["cli.nowhere", "mail.not_there", "mail.refused"]


def test_a_code_lacking_a_language_is_refused_when_registered():
    with pytest.raises(ValueError, match="lacks"):
        register({"test.half": {"zh-Hans": "一半", "en": "half"}})


def test_ledger_error_speaks_each_language_and_english_as_its_str():
    error = LedgerError("cli.bad_month", value="2026-13")
    assert error.message("zh-Hans") == text("cli.bad_month", "zh-Hans", value="2026-13")
    assert "月份" in error.message("zh-Hant") and "2026-13" in error.message("zh-Hant")
    assert str(error) == "“2026-13” is not a month; use YYYY-MM."
    assert error.code == "cli.bad_month" and error.params == {"value": "2026-13"}
