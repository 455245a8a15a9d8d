"""`ledger app [LEDGER] [--no-browser] [--port N]`: the command that starts the page, and its recent-ledger list."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
from typer.testing import CliRunner

from ledger.cli import app as cli
from ledger.web.recent import KEEP, recent_ledgers, remember
from test_safety_write import excel_owner_file  # the owner file Excel writes
from web_support import demo_ledger, running_page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_app_without_browser_prints_the_address_with_its_token_and_serves_the_ledger(tmp_path):
    ledger = demo_ledger(tmp_path / "office", lang="en", rows=40)
    port = free_port()
    env = {**os.environ, "LEDGER_CONFIG_DIR": str(tmp_path / "config"), "LEDGER_LANG": "en", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ledger.cli", "app", str(ledger), "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        found: list[str] = []

        def read() -> None:
            for line in proc.stdout:
                hit = re.search(r"http://127\.0\.0\.1:(\d+)/([\w-]+)/", line)
                if hit:
                    found.append(hit.group(0))
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(60)
        assert found, "no address printed"
        url = found[0]
        assert url.startswith(f"http://127.0.0.1:{port}/") and len(url.rsplit("/", 2)[1]) >= 32
        page = httpx.get(url)
        assert page.status_code == 200
        assert str(ledger.resolve()) in page.text and "Validate" in page.text
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 403
        assert recent_ledgers_in(tmp_path / "config") == [str(ledger.resolve())]
    finally:
        proc.terminate()
        proc.wait(10)


def test_app_on_a_port_already_taken_says_so_without_traceback(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["app", "--no-browser", "--port", str(port)], env={"LEDGER_LANG": "en"})
    assert result.exit_code == 2
    assert f"port {port}" in result.stderr and "Traceback" not in result.output


def recent_ledgers_in(config) -> list[str]:
    return json.loads((config / "recent_ledgers.json").read_text(encoding="utf-8"))


def test_app_refuses_a_ledger_that_does_not_exist(tmp_path):
    result = CliRunner().invoke(cli, ["app", str(tmp_path / "nope.xlsx"), "--no-browser"], env={"LEDGER_LANG": "en"})
    assert result.exit_code == 2
    assert "nope.xlsx" in result.stderr and "Traceback" not in result.output


def test_recent_ledgers_keep_the_latest_first_and_forget_missing_files(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDGER_CONFIG_DIR", str(tmp_path / "config"))
    files = []
    for n in range(KEEP + 2):
        f = tmp_path / f"ledger{n}.xlsx"
        f.write_bytes(b"x")
        files.append(f)
        remember(f)
    remember(files[3])  # opened again: moves to the front, not listed twice
    listed = recent_ledgers()
    assert listed[0] == files[3].resolve()
    assert len(listed) == KEEP and len(set(listed)) == KEEP
    files[-1].unlink()
    assert files[-1].resolve() not in recent_ledgers()
    (tmp_path / "config" / "recent_ledgers.json").write_text("{not json", encoding="utf-8")
    assert recent_ledgers() == []
    remember(files[0])
    saved = json.loads((tmp_path / "config" / "recent_ledgers.json").read_text(encoding="utf-8"))
    assert saved == [str(files[0].resolve())]


def test_install_script_can_put_a_desktop_shortcut_to_the_page_and_removes_it_on_uninstall():
    script = (Path(__file__).resolve().parents[1] / "addin" / "install.ps1").read_text(encoding="utf-8-sig")
    assert re.search(r"\[switch\]\$Shortcut\b", script)
    block = script[script.index("if ($Shortcut) {") :]
    assert "CreateShortcut($PageShortcut)" in block
    assert (
        re.search(r"\$link\.TargetPath = \$LedgerExe", block)
        and '$LedgerExe = Join-Path $Venv "Scripts\\ledger.exe"' in block
    )
    assert re.search(r'\$link\.Arguments = "app"', block)
    start = script.index("if ($Uninstall) {")
    uninstall = script[start : script.index("exit 0", start)]
    assert re.search(r"foreach \(\$path in @\([^)]*\$PageShortcut[^)]*\)\)", uninstall)
    assert "Remove-Item -LiteralPath $path" in uninstall


def test_a_file_that_is_no_ledger_gets_the_clerks_message_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDGER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LEDGER_LANG", "en")
    not_a_ledger = tmp_path / "cases.csv"
    not_a_ledger.write_text("case,unit\nA1,3-101\n", encoding="utf-8")
    with running_page(not_a_ledger) as server:
        page = httpx.get(server.url).text
        answer = httpx.post(
            server.url + "run/validate",
            data={"csrf": server.keys.csrf},
            headers={"Origin": f"http://127.0.0.1:{server.port}", "HX-Request": "true"},
        )
    for html in (page, answer.text):
        assert "not an Excel workbook" in html and "Save As" in html and "Traceback" not in html
    assert "outcome err" in answer.text
    assert not (tmp_path / ".ledger_backups").exists()
    assert not_a_ledger.read_text(encoding="utf-8") == "case,unit\nA1,3-101\n"


def test_a_ledger_open_in_excel_is_not_written_and_the_page_says_who_has_it(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDGER_CONFIG_DIR", str(tmp_path / "config"))
    ledger = demo_ledger(tmp_path / "office", rows=40)
    (ledger.parent / f"~${ledger.name}").write_bytes(excel_owner_file("张三"))
    before = ledger.read_bytes()
    with running_page(ledger) as server:
        headers = {"Origin": f"http://127.0.0.1:{server.port}", "HX-Request": "true"}
        for key in ("validate", "callbacks", "sample", "stats"):
            answer = httpx.post(server.url + "run/" + key, data={"csrf": server.keys.csrf}, headers=headers)
            assert "outcome err" in answer.text and "张三" in answer.text and "正被" in answer.text, key
    assert ledger.read_bytes() == before
    assert sorted(p.name for p in ledger.parent.iterdir()) == sorted([ledger.name, f"~${ledger.name}"])
