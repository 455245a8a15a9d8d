"""Issue 19 item 3: nobody but this PC's browser, holding this start's token, gets in — tested with plain HTTP.

The page server runs for real (uvicorn on a free loopback port); requests are made with httpx.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from openpyxl import load_workbook

from ledger.demo.cases import demo_settings
from web_support import demo_ledger, running_page


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A Traditional-Chinese office: its ledger in a folder, a secret file beside that folder."""
    root = tmp_path_factory.mktemp("security")
    ledger = demo_ledger(root / "office", lang="zh-Hant", rows=80)
    (root / "secret.txt").write_text("top secret salary list", encoding="utf-8")
    (root / "office" / "notes.txt").write_text("private notes", encoding="utf-8")
    return ledger


@pytest.fixture(scope="module")
def page(office, tmp_path_factory):
    config = tmp_path_factory.mktemp("config")
    old = os.environ.get("LEDGER_CONFIG_DIR")
    os.environ["LEDGER_CONFIG_DIR"] = str(config)
    with running_page(office) as server:
        yield server
    if old is None:
        os.environ.pop("LEDGER_CONFIG_DIR", None)
    else:
        os.environ["LEDGER_CONFIG_DIR"] = old


def origin(page) -> dict[str, str]:
    return {"Origin": f"http://127.0.0.1:{page.port}"}


def root(page) -> str:
    return f"http://127.0.0.1:{page.port}"


def test_the_server_listens_on_loopback_only(page):
    assert page.sock.getsockname()[0] == "127.0.0.1"
    assert page.url.startswith(f"http://127.0.0.1:{page.port}/")


def test_every_request_without_this_starts_token_gets_403(page):
    token = page.keys.token
    other = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in ("/", "/log", "/static/htmx.min.js", f"/{other}/", f"/{other}/static/htmx.min.js", f"/x{token}/"):
        answer = httpx.get(root(page) + path)
        assert answer.status_code == 403, path
        assert "拒絕存取" in answer.text  # in the ledger's language (zh-Hant)
    assert httpx.get(page.url).status_code == 200
    assert httpx.get(page.url + "static/htmx.min.js").status_code == 200


def test_a_request_naming_another_host_is_refused(page):
    """A web site whose name was rebound to 127.0.0.1 sends its own Host: refused even with the token."""
    answer = httpx.get(page.url, headers={"Host": f"evil.example:{page.port}"})
    assert answer.status_code == 403


def test_pages_forbid_framing_and_foreign_scripts(page):
    headers = httpx.get(page.url).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_a_post_without_the_pages_csrf_token_changes_nothing(page, office):
    before, files = digest(office), sorted(p.name for p in office.parent.iterdir())
    url = page.url + "run/validate"
    for data in ({}, {"csrf": "guessed"}, {"csrf": page.keys.csrf[:-1]}):
        answer = httpx.post(url, data=data, headers=origin(page))
        assert answer.status_code == 403
        assert "請求被拒絕" in answer.text
    assert digest(office) == before
    assert sorted(p.name for p in office.parent.iterdir()) == files


def test_a_post_from_another_origin_is_refused_even_with_both_tokens(page, office):
    before = digest(office)
    url = page.url + "run/validate"
    form = {"csrf": page.keys.csrf}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {}, {"Referer": "http://evil.example/x"}):
        assert httpx.post(url, data=form, headers=headers).status_code == 403, headers
    assert digest(office) == before
    answer = httpx.post(url, data=form, headers=origin(page))  # the page's own request
    assert answer.status_code == 200 and "outcome ok" in answer.text
    assert digest(office) != before
    assert any((office.parent / ".ledger_backups").iterdir())


def test_a_button_cannot_be_run_by_a_get(page, office):
    before = digest(office)
    assert httpx.get(page.url + "run/validate").status_code == 405
    assert digest(office) == before


@pytest.mark.parametrize(
    "name",
    ["..%2Fsecret.txt", "%2E%2E/secret.txt", "..%5Csecret.txt", "%2Fetc%2Fpasswd", "link.txt", "notes.txt", "%2E"],
)
def test_no_file_outside_the_ledgers_folder_can_be_read(page, office, name):
    link = office.parent / "link.txt"
    if not link.exists():
        link.symlink_to(office.parent.parent / "secret.txt")
    answer = httpx.get(page.url + "files/" + name)
    assert answer.status_code == 403
    assert "secret" not in answer.text and "root:" not in answer.text and "private" not in answer.text


def test_the_ledger_folders_own_workbook_can_be_downloaded(page, office):
    answer = httpx.get(page.url + "files/" + office.name)
    assert answer.status_code == 200 and answer.content == office.read_bytes()


def test_opening_a_path_that_is_no_file_says_so_and_keeps_the_ledger(page, office):
    answer = httpx.post(
        page.url + "open",
        data={"csrf": page.keys.csrf, "path": str(office.parent / "missing.xlsx")},
        headers=origin(page),
    )
    assert answer.status_code == 400 and "找不到檔案" in answer.text
    assert page.app.state.ledger.path == office.resolve()


def consolidate(page, folder: str) -> httpx.Response:
    form = {"csrf": page.keys.csrf, "month": "2026-10", "folder": folder}
    return httpx.post(page.url + "run/consolidate", data=form, headers=origin(page))


def outside_folder(office: Path) -> Path:
    """A folder beside the ledger's folder holding an office's export (a copy of the ledger will do as bait)."""
    outside = office.parent.parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    (outside / "回訪統計_外處_2026-10.xlsx").write_bytes(office.read_bytes())
    return outside


@pytest.mark.parametrize("typed", ["..", "../elsewhere", "{outside}", "/etc", "子資料夾/../../elsewhere"])
def test_consolidating_a_folder_outside_the_ledgers_folder_is_refused(page, office, typed):
    outside = outside_folder(office)
    before = sorted(p.name for p in outside.iterdir()), sorted(p.name for p in office.parent.iterdir())
    answer = consolidate(page, typed.format(outside=outside))
    assert answer.status_code == 200 and "outcome err" in answer.text
    assert "不在台賬所在資料夾" in answer.text
    assert (sorted(p.name for p in outside.iterdir()), sorted(p.name for p in office.parent.iterdir())) == before


def test_consolidating_through_a_link_leading_out_of_the_ledgers_folder_is_refused(page, office):
    outside = outside_folder(office)
    linked_folder = office.parent / "連結報表"
    if not linked_folder.exists():
        linked_folder.symlink_to(outside, target_is_directory=True)
    assert "不在台賬所在資料夾" in consolidate(page, "連結報表").text  # the folder itself is a link out
    reports = office.parent / "報表"
    reports.mkdir(exist_ok=True)
    link = reports / "回訪統計_外處_2026-10.xlsx"
    if not link.exists():
        link.symlink_to(outside / link.name)
    answer = consolidate(page, "報表")  # a file in the folder is a link out
    assert "outcome err" in answer.text and "指向台賬所在資料夾之外的連結" in answer.text
    assert sorted(p.name for p in reports.iterdir()) == [link.name]  # no head-office workbook, no database
    assert sorted(p.name for p in outside.iterdir()) == [link.name]


def test_a_reports_folder_in_settings_outside_the_ledgers_folder_is_refused_too(tmp_path):
    ledger = demo_ledger(tmp_path / "office", lang="zh-Hant", rows=40)
    outside = outside_folder(ledger)
    book = load_workbook(ledger)
    book["設置"].append(["報表資料夾", str(outside)])
    book.save(ledger)
    with running_page(ledger) as server:
        answer = consolidate(server, "")
    assert "outcome err" in answer.text and "不在台賬所在資料夾" in answer.text and str(outside) in answer.text
    assert sorted(p.name for p in outside.iterdir()) == ["回訪統計_外處_2026-10.xlsx"]


def test_the_page_speaks_the_ledgers_language(tmp_path):
    english = demo_ledger(tmp_path / "en", lang="en", rows=40)
    with running_page(english) as server:
        html = httpx.get(server.url).text
    assert '<html lang="en">' in html
    assert re.findall(r'id="btn-\w+"[^>]*>([^<]+)<', html) == [
        "Validate",
        "Callback list",
        "Draw samples",
        "Monthly statistics",
        "Send to head office",
        "Record callback results",
        "Undo last recording",
        "Consolidate office reports",
    ]


class Recorder:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued"


@pytest.mark.parametrize("accepted", [True, False])
def test_the_smtp_password_is_used_but_never_reaches_the_page(tmp_path, monkeypatch, accepted):
    password = "Pw-7f3c1e-never-in-html"
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", password)
    monkeypatch.setenv("LEDGER_CONFIG_DIR", str(tmp_path / "config"))
    seen: list[bytes] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append(auth_data.password)
        return AuthResult(success=accepted, handled=False)

    handler = Recorder()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        settings = demo_settings("zh-Hans")
        settings.smtp_host, settings.smtp_port = "127.0.0.1", port
        settings.smtp_security, settings.smtp_username = "none", "clerk01"
        ledger = demo_ledger(tmp_path / "office", rows=60, settings=settings)
        bodies = []
        with running_page(ledger) as server:
            form = {"csrf": server.keys.csrf, "via": "smtp"}
            headers = {"Origin": f"http://127.0.0.1:{server.port}"}
            for key in ("validate", "callbacks", "sample", "stats", "send"):
                bodies.append(httpx.post(server.url + "run/" + key, data=form, headers=headers).text)
            for path in ("", "log", "callbacks/print", "row/2"):
                answer = httpx.get(server.url + path)
                assert answer.status_code == 200, path
                bodies.append(answer.text)
    finally:
        controller.stop()
    assert seen and set(seen) == {password.encode()}  # the password did go to the mail server (each try)
    assert bool(handler.envelopes) == accepted
    assert ("已发送给" in bodies[4]) == accepted
    assert ("outcome err" in bodies[4] and "clerk01" in bodies[4]) != accepted  # a refused login says whose
    for body in bodies:
        assert password not in body
