"""addin/install.ps1 and addin/acceptance.ps1, checked without Windows.

No PowerShell runs here (none is packaged for Debian, npm's `pwsh` downloads a
binary at install time), so the scripts are parsed with tree-sitter's
PowerShell grammar (PyPI: tree-sitter-powershell): no syntax errors, no
variable used that is never set. Their Python snippets are run for real, and
what they hand to the add-in (settings keys, the COM server's class id, the
macro acceptance.ps1 calls, the sheet names it checks) is matched against the
built add-in and the ledger code.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_powershell
from oletools.olevba import VBA_Parser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin import build as addin_build  # noqa: E402
from ledger.core.log import LOG_SHEET  # noqa: E402
from ledger.core.settings import SETTINGS_SHEET  # noqa: E402
from ledger.sheets.callback_list import LIST_SHEET  # noqa: E402
from ledger.sheets.stats_sheet import SHEET_NAME  # noqa: E402
from ledger.xl import HANDLERS  # noqa: E402

SCRIPTS = {name: ROOT / "addin" / name for name in ("install.ps1", "acceptance.ps1")}
PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
AUTOMATIC = {"_", "true", "false", "null", "psscriptroot", "lastexitcode", "erroractionpreference", "outputencoding"}
PATH_CMDLETS = ("Test-Path", "Remove-Item", "Copy-Item", "Resolve-Path", "Unblock-File", "Get-Content", "Set-Content")


def _text(name: str) -> str:
    return SCRIPTS[name].read_text(encoding="utf-8-sig")


def _tree(source: str) -> tree_sitter.Tree:
    return PARSER.parse(source.encode("utf-8"))


def _nodes(node: tree_sitter.Node, kind: str):
    if node.type == kind:
        yield node
    for child in node.children:
        yield from _nodes(child, kind)


def _errors(source: str) -> list[str]:
    root = _tree(source).root_node
    bad = [n for n in _nodes(root, "ERROR")]
    bad += [n for n in _walk(root) if n.is_missing]
    return [f"line {n.start_point[0] + 1}: {n.text[:60]!r}" for n in bad]


def _walk(node: tree_sitter.Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _var(node: tree_sitter.Node) -> str:
    name = node.text.decode("utf-8").lstrip("$@").lower()
    return name.split(":", 1)[1] if name.startswith("script:") else name


def _undefined_variables(source: str) -> set[str]:
    root = _tree(source).root_node
    defined = set(AUTOMATIC)
    for node in _nodes(root, "left_assignment_expression"):
        defined.update(_var(v) for v in _nodes(node, "variable"))
    for node in _nodes(root, "script_parameter"):
        defined.update(_var(c) for c in node.children if c.type == "variable")
    for loop in _nodes(root, "foreach_statement"):
        defined.add(_var(next(_nodes(loop, "variable"))))
    used = {_var(v) for v in _nodes(root, "variable")}
    return {v for v in used - defined if not v.startswith("env:")}


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_parses_as_powershell_without_errors(name):
    assert _errors(_text(name)) == []


def test_the_parser_does_report_a_broken_script():
    broken = _text("install.ps1").replace("if (-not $Package) {", "if (-not $Package {", 1)
    assert _errors(broken)


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_uses_no_variable_it_never_sets(name):
    assert _undefined_variables(_text(name)) == set()
    assert _undefined_variables("$a = 1\nWrite-Host $a $b") == {"b"}  # the check itself works


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_is_utf8_with_bom_and_sets_utf8_output(name):
    # Windows PowerShell 5.1 reads a script without BOM as ANSI and garbles its Chinese text.
    assert SCRIPTS[name].read_bytes().startswith(b"\xef\xbb\xbf")
    text = _text(name)
    assert "[Console]::OutputEncoding = [System.Text.Encoding]::UTF8" in text
    assert '$env:PYTHONUTF8 = "1"' in text


@pytest.mark.parametrize("name", SCRIPTS)
def test_paths_go_to_cmdlets_literally(name):
    # -LiteralPath: a clerk's folder may hold [ ] or spaces; wildcards must not apply
    for line in _text(name).splitlines():
        for cmdlet in PATH_CMDLETS:
            for match in re.finditer(rf"\b{cmdlet}\b(.*)", line):
                assert match.group(1).lstrip().startswith("-LiteralPath"), line


def test_every_install_parameter_is_documented():
    text = _text("install.ps1")
    (block,) = _nodes(_tree(text).root_node, "param_block")
    params = {_var(c) for p in _nodes(block, "script_parameter") for c in p.children if c.type == "variable"}
    documented = {p.lower() for p in re.findall(r"^\.PARAMETER (\w+)", text, flags=re.M)}
    assert params == documented
    assert {"indexurl", "comserver", "wheelhouse", "status", "uninstall"} <= params


def test_an_upgrade_force_reinstalls_the_package_code():
    text = _text("install.ps1")
    assert "-m pip install --force-reinstall --no-deps @source $PackagePath" in text
    assert '$source = @("--index-url", $IndexUrl)' in text
    assert '$source += @("--trusted-host", ([Uri]$IndexUrl).Host)' in text


def _python_string(text: str, variable: str) -> str:
    """The Python code a PowerShell `$variable = "..." + "..."` builds (no $ expansions inside)."""
    match = re.search(rf"\${variable} = ((?:\"[^\"]*\"(?: \+\s*)?)+)", text)
    assert match, variable
    parts = re.findall(r'"([^"]*)"', match.group(1))
    assert not any("$" in p for p in parts)
    return "".join(parts)


def _wheel(path: Path, files: dict[str, bytes]) -> Path:
    record = io.StringIO()
    writer = csv.writer(record)
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([name, f"sha256={digest}", len(data)])
    writer.writerow(["ledger-0.1.0.dist-info/RECORD", "", ""])
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr("ledger-0.1.0.dist-info/RECORD", record.getvalue())
    return path


def test_the_upgrade_check_passes_the_installed_code_and_catches_old_code(tmp_path):
    code = _python_string(_text("install.ps1"), "check")
    src = ROOT / "src" / "ledger"
    files = {f"ledger/{p}": (src / p).read_bytes() for p in ("__init__.py", "xl/__init__.py", "xl/messages.py")}
    same = _wheel(tmp_path / "新 版本.whl", files)
    done = subprocess.run([sys.executable, "-c", code, str(same)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    changed = _wheel(tmp_path / "other.whl", {**files, "ledger/xl/messages.py": b"# newer code\n"})
    done = subprocess.run([sys.executable, "-c", code, str(changed)], capture_output=True, text=True)
    assert done.returncode == 1 and "1 files differ from the wheel: ['ledger/xl/messages.py']" in done.stdout


def test_the_store_python_stub_is_recognised():
    text = _text("install.ps1")
    (pattern,) = re.findall(r"return \$Path -match '([^']+)'", text)
    assert re.search(pattern, r"C:\Users\张 三\AppData\Local\Microsoft\WindowsApps\python.exe", flags=re.I)
    assert re.search(pattern, r"C:\Program Files\WindowsApps\PythonSoftwareFoundation.Python.3.12\python.exe")
    assert not re.search(pattern, r"C:\Users\张 三\AppData\Local\Programs\Python\Python312\python.exe")
    assert "App execution aliases" in text and "python.org" in text


@pytest.fixture(scope="module")
def vba(tmp_path_factory) -> dict[str, str]:
    path = addin_build.build(tmp_path_factory.mktemp("addin") / "ledger.xlam")
    parser = VBA_Parser(str(path))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_the_com_server_settings_are_the_ones_the_addin_reads(vba):
    text = _text("install.ps1")
    xlwings = vba["xlwings.bas"]
    assert '\'"USE UDF SERVER","True"\', \'"DEBUG UDFS","True"\'' in text
    assert 'GetConfig("USE UDF SERVER", False)' in xlwings and 'GetConfig("DEBUG UDFS", False)' in xlwings
    # xlwings' user settings file for PROJECT_NAME "ledger" is what install.ps1 writes
    assert 'Environ("USERPROFILE") & "\\." & PROJECT_NAME & "\\" & PROJECT_NAME & ".conf"' in xlwings
    assert '$UserConf = Join-Path $env:USERPROFILE ".ledger\\ledger.conf"' in text
    # the server started at logon registers the class id the add-in asks for in that mode
    (clsid,) = re.findall(r'XLPyCommand = "(\{[0-9a-f-]+\})"', xlwings)
    com_server = (Path(addin_build.importlib.util.find_spec("xlwings").origin).parent / "com_server.py").read_text()
    assert f'def serve(clsid="{clsid}")' in com_server
    assert "$ServerArguments = '-B -c \"import xlwings; xlwings.serve()\"'" in text
    assert "LIKE '%xlwings.serve%'" in vba["LedgerRibbon.bas"]


def test_acceptance_presses_exactly_the_ribbon_buttons_through_the_addins_macro(vba):
    text = _text("acceptance.ps1")
    block = re.search(r"\$Buttons = \[ordered\]@\{(.*?)\n\}", text, flags=re.S).group(1)
    buttons = dict(re.findall(r'"(\w+)"\s*=\s*"(\w*)"', block))
    assert set(buttons) == set(HANDLERS)
    assert "$excel.Run(\"'ledger.xlam'!LedgerRibbon.RunButton\", $button, $Messages) | Out-Null" in text
    assert (
        'Public Sub RunButton(ByVal buttonId As String, Optional ByVal reportFile As String = "")'
        in vba["LedgerRibbon.bas"]
    )
    jobs = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "ledger" / "jobs").glob("*.py"))
    for action in filter(None, buttons.values()):
        assert re.search(rf'log_row\(\s*"{action}"', jobs), action


def test_acceptance_looks_for_the_sheets_the_buttons_write():
    text = _text("acceptance.ps1")
    for names in (LIST_SHEET, SETTINGS_SHEET, LOG_SHEET):
        assert "@(" + ", ".join(f'"{names[lang]}"' for lang in ("zh-Hans", "zh-Hant", "en")) + ")" in text
    prefixes = [SHEET_NAME[lang].split(" {")[0] for lang in ("zh-Hans", "zh-Hant", "en")]
    assert "@(" + ", ".join(f'"{p}"' for p in prefixes) + ") -Prefix" in text


def test_acceptance_checks_the_highlight_rules_by_the_names_and_colours_the_addin_uses():
    from ledger.core.changes import ERROR_FILL, HIGHLIGHT_NUMBER
    from ledger.xl.highlights import KINDS, MARKS_SHEET, XL_SHEET_VERY_HIDDEN, bgr, row_marks

    text = _text("acceptance.ps1")
    assert f'Find-Sheet $Book @("{MARKS_SHEET}")' in text
    assert f"$marks.Visible -ne {XL_SHEET_VERY_HIDDEN}" in text
    assert f'-like "*{HIGHLIGHT_NUMBER}*"' in text
    assert f"DisplayFormat.Interior.Color -eq {bgr(ERROR_FILL)}" in text
    pattern = re.search(r"\[regex\]'([^']+)'", text).group(1)  # PowerShell's regex is .NET's: same syntax here
    mark = row_marks({(9, 12): ERROR_FILL, (9, 3): "FFEB9C"})[9]
    assert KINDS[ERROR_FILL] == "e" and re.search(pattern, mark).group(1) == "12"
