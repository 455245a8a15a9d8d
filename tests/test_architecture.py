"""The layers of src/ledger, checked from the source: no import cycles, and nothing points upward.

Dependencies point one way: core → sheets → io, mail → jobs → xl, cli, demo. Every import
statement counts, wherever it is (inside a function, under `if TYPE_CHECKING:`), because a
cycle hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "ledger"

UPWARD = {
    "ledger.core": (
        "ledger.sheets",
        "ledger.io",
        "ledger.mail",
        "ledger.jobs",
        "ledger.xl",
        "ledger.demo",
        "ledger.cli",
    )
    + ("openpyxl", "xlwings", "python_calamine"),
    "ledger.sheets": ("ledger.io", "ledger.mail", "ledger.jobs", "ledger.xl", "ledger.demo", "ledger.cli")
    + ("xlwings",),
    "ledger.io": ("ledger.mail", "ledger.jobs", "ledger.xl", "ledger.demo", "ledger.cli", "xlwings"),
    "ledger.mail": ("ledger.jobs", "ledger.xl", "ledger.demo", "ledger.cli", "xlwings"),
    "ledger.jobs": ("ledger.xl", "ledger.demo", "ledger.cli", "xlwings"),
}


def modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py under a package directory."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([root.name, *parts])] = path
    return found


def imported_names(name: str, path: Path) -> set[str]:
    """Every module name an import statement of the file names, anywhere in the file, made absolute."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)
    return out


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (a submodule import counts for the submodule)."""
    mods = modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        targets = set()
        for target in imported_names(name, path):
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != name and not target.startswith(name + "."):
                targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def upward_imports(root: Path) -> list[str]:
    """ "module imports target" for every import that breaks the layering in UPWARD."""
    bad = []
    for name, path in modules(root).items():
        layer = next((lay for lay in UPWARD if name == lay or name.startswith(lay + ".")), None)
        if layer is None:
            continue
        for target in sorted(imported_names(name, path)):
            if any(target == f or target.startswith(f + ".") for f in UPWARD[layer]):
                bad.append(f"{name} imports {target}")
    return sorted(set(bad))


# ---------------------------------------------------------------------------------- the checker itself


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "ledger"
    for rel, source in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


def test_checker_finds_a_cycle_hidden_in_a_function(tmp_path):
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "io/__init__.py": "",
            "io/package.py": "from ledger.io.sheet_writer import write_layout\n",
            "io/sheet_writer.py": "def write_layout():\n    from ledger.io import package\n",
            "io/cells.py": "from . import package\n",
        },
    )
    assert cycles(import_graph(root)) == [{"ledger.io.package", "ledger.io.sheet_writer"}]


def test_checker_finds_a_three_module_cycle_through_relative_imports(tmp_path):
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from .b import x\n",
            "b.py": "from ledger import c\n",
            "c.py": "import ledger.a\n",
            "d.py": "import ledger.a\n",
        },
    )
    assert cycles(import_graph(root)) == [{"ledger.a", "ledger.b", "ledger.c"}]


def test_checker_sees_no_cycle_in_a_layered_package(tmp_path):
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "core/__init__.py": "",
            "core/models.py": "import datetime\n",
            "io/__init__.py": "from ledger.io.files import save\n",
            "io/files.py": "from ledger.core.models import x\n",
        },
    )
    assert cycles(import_graph(root)) == []


def test_checker_finds_upward_imports_in_functions_and_type_checking_blocks(tmp_path):
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "core/__init__.py": "",
            "core/models.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ledger.sheets.layout import L\n",
            "core/reading.py": "def read():\n    import openpyxl\n",
            "sheets/__init__.py": "",
            "sheets/layout.py": "from ..io import files\n",
            "io/__init__.py": "",
            "io/files.py": "import openpyxl\n",
        },
    )
    assert upward_imports(root) == [
        "ledger.core.models imports ledger.sheets.layout",
        "ledger.core.models imports ledger.sheets.layout.L",
        "ledger.core.reading imports openpyxl",
        "ledger.sheets.layout imports ledger.io",
        "ledger.sheets.layout imports ledger.io.files",
    ]


# ---------------------------------------------------------------------------------- the real tree


def test_src_ledger_has_no_import_cycles():
    found = cycles(import_graph(SRC))
    assert found == []


@pytest.mark.parametrize("layer", sorted(UPWARD))
def test_layer_imports_nothing_above_it(layer):
    assert [b for b in upward_imports(SRC) if b.startswith(layer + ".") or b.startswith(layer + " ")] == []


def test_the_tree_has_the_layers_the_readme_names():
    assert {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()} >= {
        "core",
        "sheets",
        "io",
        "mail",
        "jobs",
        "xl",
        "demo",
    }


def test_the_readme_developer_map_names_every_module():
    readme = (SRC.parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## For a developer", 1)[1].split("```")[1]
    sections = re.split(r"^  (\w+)/ ", block, flags=re.M)  # [before, pkg, text, pkg, text, ...]
    words = {pkg: set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)) for pkg, text in zip(sections[1::2], sections[2::2])}
    unnamed = [
        f"{path.parent.name}/{path.stem}"
        for path in sorted(SRC.glob("*/*.py"))
        if path.stem != "__init__" and path.stem not in words.get(path.parent.name, set())
    ]
    assert unnamed == []  # each module named in its own package's lines
