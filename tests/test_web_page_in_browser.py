"""Issue 19: a clerk without Excel runs the whole monthly job from the page, in a real (headless) Chromium.

One page server and one browser for the module; the tests run in the order a clerk works:
open the ledger by pasting its path, then 校验台账 → 抽样 → 生成回访清单 (and print it) →
登记回访结果 (refused, then posted) → 撤销上次登记 → 月度统计 → 发送总部 → 汇总各处报表, then read the Log. After each click the workbook on disk is read back
with openpyxl. Without chromium and chromium-driver (Debian packages) the module is skipped,
unless LEDGER_REQUIRE_BROWSER=1 (set by .ci/run), where that is a failure.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait
from typer.testing import CliRunner

from ledger.cli import app as cli
from ledger.core.log import parse_log
from web_support import demo_ledger, running_page

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1400,1000",
)


def _need_browser() -> None:
    needed = (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER), ("pdftotext", shutil.which("pdftotext")))
    missing = [name for name, found in needed if not found]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (Debian: apt-get install chromium chromium-driver poppler-utils)"
    if os.environ.get("LEDGER_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + "; LEDGER_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """The clerk's folder with a fresh demo ledger, and a configuration folder of its own (recent ledgers)."""
    folder = tmp_path_factory.mktemp("office")
    config = tmp_path_factory.mktemp("config")
    old = os.environ.get("LEDGER_CONFIG_DIR")
    os.environ["LEDGER_CONFIG_DIR"] = str(config)
    yield demo_ledger(folder, rows=400), config
    if old is None:
        os.environ.pop("LEDGER_CONFIG_DIR", None)
    else:
        os.environ["LEDGER_CONFIG_DIR"] = old


@pytest.fixture(scope="module")
def page(office):
    _need_browser()
    with running_page(None) as server:
        yield server


@pytest.fixture(scope="module")
def browser(page):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="ledger-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, css: str, timeout: float = 30):
    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def press(driver, key: str):
    """A real click on a button; returns the outcome box that htmx swaps in."""
    driver.execute_script("var r = document.getElementById('result'); if (r) r.innerHTML = '';")
    driver.find_element(By.ID, f"btn-{key}").click()
    return wait_for(driver, "#result #outcome")


def texts(driver, css: str) -> list[str]:
    """The text of every element matching `css`, in one round trip to the browser."""
    script = "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent.trim())"
    return driver.execute_script(script, css)


def table_texts(driver, css: str) -> list[list[str]]:
    """The cell texts of every table row matching `css`, in one round trip."""
    script = (
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(tr => Array.from(tr.cells).map(td => td.textContent.trim()))"
    )
    return driver.execute_script(script, css)


def last_month() -> str:
    first = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def log_actions(path: Path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    return [e["action"] for e in parse_log(list(wb["日志"].iter_rows(values_only=True)))]  # the machine columns


def test_clerk_opens_the_ledger_by_pasting_its_path(browser, page, office):
    ledger, config = office
    browser.get(page.url)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    field = browser.find_element(By.ID, "path")
    field.send_keys(str(ledger))
    browser.find_element(By.ID, "open").click()
    current = wait_for(browser, "#current")
    assert str(ledger.resolve()) in current.text
    labels = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "table.buttons button")]
    assert labels == [
        "校验台账",
        "生成回访清单",
        "抽样",
        "月度统计",
        "发送总部",
        "登记回访结果",
        "撤销上次登记",
        "汇总各处报表",
    ]
    assert json.loads((config / "recent_ledgers.json").read_text(encoding="utf-8")) == [str(ledger.resolve())]


def test_validate_lists_the_same_problems_as_the_command_each_linked_to_its_cell(browser, page, office, tmp_path):
    ledger, _ = office
    copy = shutil.copy(ledger, tmp_path / "copy.xlsx")
    expected = json.loads(CliRunner().invoke(cli, ["validate", str(copy), "--format", "json"]).stdout)["problems"]
    outcome = press(browser, "validate")
    assert "错误" in outcome.text
    rows = browser.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
    assert len(rows) == len(expected) > 0
    wb = load_workbook(ledger)
    sheet = wb["案件台账"]
    header = [c.value for c in sheet[1]]
    problems_col = header.index("问题") + 1
    links = browser.find_elements(By.CSS_SELECTOR, "#problems td.ref a")
    refs = texts(browser, "#problems td.ref a")
    assert {int(re.fullmatch(r"案件台账!([A-Z]+)(\d+)", r).group(2)) for r in refs} == {
        p["row"] for p in expected if p["row"]
    }
    for ref in refs:
        letters, row = re.fullmatch(r"案件台账!([A-Z]+)(\d+)", ref).groups()
        assert sheet.cell(row=int(row), column=problems_col).value, f"{ref}: problem not written into the sheet"
        assert header[sheet[f"{letters}1"].column - 1] in {p["column"] for p in expected if p["row"] == int(row)}
    assert log_actions(ledger)[-1] == "validate"
    links[0].click()  # the link leads to that row, its column marked
    marked = wait_for(browser, "#row tr.marked")
    assert marked.text.startswith(refs[0].split("!")[1])
    browser.back()


def test_sample_button_marks_last_months_draw_in_the_workbook(browser, page, office):
    ledger, _ = office
    browser.get(page.url)
    outcome = press(browser, "sample")
    assert last_month() in outcome.text
    shown = set(texts(browser, "#sample tbody td:last-child span"))
    wb = load_workbook(ledger)
    sheet = wb["案件台账"]
    header = [c.value for c in sheet[1]]
    ids, marks = header.index("案件编号"), header.index("抽样")
    marked = {row[ids] for row in sheet.iter_rows(min_row=2, values_only=True) if row[marks]}
    assert shown and shown <= marked
    assert log_actions(ledger)[-1] == "sample"


def test_callback_list_is_written_and_prints_on_a4_landscape_with_header_and_page_numbers(
    browser, page, office, tmp_path
):
    ledger, _ = office
    browser.get(page.url)
    outcome = press(browser, "callbacks")
    assert "回访清单" in outcome.text
    wb = load_workbook(ledger)
    sheet = wb["回访清单"]
    written = [r[1] for r in sheet.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    page_ids = [r[1] for r in table_texts(browser, "table.callbacks tr") if r and re.fullmatch(r"\d+", r[0])]
    assert page_ids == written and len(written) > 0
    href = browser.find_element(By.ID, "print-link").get_attribute("href")
    browser.get(href)
    wait_for(browser, "#callback-list thead th")
    printed = texts(browser, "#callback-list tbody td:nth-child(2)")
    assert printed == written
    pdf = tmp_path / "list.pdf"
    data = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"]
    pdf.write_bytes(base64.b64decode(data))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points
    for n in range(1, pages + 1):
        page_text = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"], capture_output=True, text=True
        ).stdout
        assert "案件编号" in page_text and "满意度" in page_text, f"page {n} lacks the header row"
        assert re.search(rf"(?<!\d){n}\s*/\s*{pages}(?!\d)", page_text), f"page {n} lacks its number"
    browser.back()


ENTRY_HEADERS = ("回访日期", "回访方式", "满意度", "回访意见")


def type_into_list(path: Path, values: tuple) -> tuple[str, int]:
    """The clerk types one result into the first row of 回访清单's main table and saves: (its case id, its list row)."""
    wb = load_workbook(path)
    ws = wb["回访清单"]
    rows = list(ws.iter_rows())
    at = next(i for i, r in enumerate(rows) if {"案件编号", *ENTRY_HEADERS} <= {c.value for c in r})  # the main table
    header = [c.value for c in rows[at]]
    first = rows[at + 1]
    for name, value in zip(ENTRY_HEADERS, values):
        first[header.index(name)].value = value
    wb.save(path)
    return first[header.index("案件编号")].value, first[0].row


def case_row(path: Path, case_id: str) -> dict:
    ws = load_workbook(path)["案件台账"]
    header = [c.value for c in ws[1]]
    ids = header.index("案件编号")
    return next(dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True) if r[ids] == case_id)


def test_record_refuses_a_wrong_entry_naming_its_list_row_and_column_and_changes_nothing(browser, page, office):
    ledger, _ = office
    today = dt.date.today()
    case_id, list_row = type_into_list(ledger, (today, "电话", "很好", "已处理"))
    before = ledger.read_bytes()
    browser.get(page.url)
    outcome = press(browser, "record")
    assert "未登记任何结果" in outcome.text
    refused = table_texts(browser, "#refused tbody tr")
    assert [r[:2] for r in refused] == [[f"回访清单 行 {list_row}", "满意度"]]
    assert ledger.read_bytes() == before
    assert case_row(ledger, case_id)["满意度"] is None


def test_record_posts_the_typed_result_into_the_case_sheet_and_undo_puts_it_back(browser, page, office):
    ledger, _ = office
    today = dt.date.today()
    case_id, _ = type_into_list(ledger, (today, "电话", "满意", "已处理"))
    browser.get(page.url)
    outcome = press(browser, "record")
    assert "登记到“案件台账”" in outcome.text
    shown = {r[2]: r[3:] for r in table_texts(browser, "#posted tbody tr") if r[0] == case_id}
    assert shown["满意度"] == ["", "满意"] and shown["回访方式"] == ["", "电话"]
    row = case_row(ledger, case_id)
    assert row["回访日期"] == dt.datetime(today.year, today.month, today.day)
    assert (row["回访方式"], row["满意度"], row["回访意见"]) == ("电话", "满意", "已处理")
    assert log_actions(ledger)[-2:] == ["record", "callbacks"]  # the posting, then the list made afresh

    outcome = press(browser, "undo_record")
    assert "已撤销上次登记" in outcome.text
    shown = {r[2]: r[3:] for r in table_texts(browser, "#posted tbody tr") if r[0] == case_id}
    assert shown["满意度"] == ["满意", ""]
    row = case_row(ledger, case_id)
    assert [row[h] for h in ENTRY_HEADERS] == [None] * 4
    assert log_actions(ledger)[-2:] == ["record_undo", "callbacks"]


def test_monthly_statistics_show_the_sheets_figures_and_two_charts(browser, page, office):
    ledger, _ = office
    browser.get(page.url)
    outcome = press(browser, "stats")
    month = last_month()
    assert f"月度统计 {month}" in outcome.text
    wb = load_workbook(ledger)
    sheet = wb[f"月度统计 {month}"]
    on_disk = [  # the counts: whole numbers not formatted as a percentage
        c.value
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, int) and not isinstance(c.value, bool) and "%" not in c.number_format
    ]
    rates = [
        f"{c.value:.1%}"
        for row in sheet.iter_rows()
        for c in row
        if "%" in c.number_format and isinstance(c.value, (int, float))  # "无数据" where a rate has no denominator
    ]
    cells = texts(browser, "table.stats td")
    on_page = [int(c) for c in cells if re.fullmatch(r"\d+", c)]
    assert on_page == on_disk and sum(on_disk) > 0
    assert [c for c in cells if re.fullmatch(r"\d+(\.\d+)?%", c)] == rates  # verdicts quote rates in words
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 2
    assert all(len(c.find_elements(By.TAG_NAME, "circle")) > 0 for c in charts)
    assert log_actions(ledger)[-1] == "stats"


def test_send_button_makes_the_export_and_eml_next_to_the_ledger_and_logs_it(browser, page, office):
    ledger, _ = office
    browser.get(page.url)
    Select(browser.find_element(By.NAME, "via")).select_by_value("eml")
    outcome = press(browser, "send")
    assert ".eml" in outcome.text
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ul.files a")}
    emls = sorted(ledger.parent.glob("*.eml"))
    assert [p.name for p in emls] == [n for n in links if n.endswith(".eml")]
    export = next(n for n in links if n.endswith(".xlsx"))
    assert (ledger.parent / export).is_file()
    got = httpx.get(links[export])
    assert got.status_code == 200 and got.content == (ledger.parent / export).read_bytes()
    assert log_actions(ledger)[-1] == "send"


def test_consolidate_button_makes_the_head_office_workbook_in_a_subfolder_with_the_league_table(browser, page, office):
    ledger, _ = office
    month = last_month()
    reports = ledger.parent / "各处报表"
    reports.mkdir()
    export = next(ledger.parent.glob(f"回访统计_*_{month}.xlsx"))
    shutil.copy(export, reports / export.name)
    office_name = export.name.removeprefix("回访统计_").removesuffix(f"_{month}.xlsx")
    browser.get(page.url)
    browser.find_element(By.ID, "folder").send_keys("各处报表")
    outcome = press(browser, "consolidate")
    assert "收到 1 个管理处的报表" in outcome.text
    league = table_texts(browser, "#league tbody tr")
    assert [r[:2] for r in league] == [["1", office_name]]
    book = reports / f"回访汇总_{month}.xlsx"
    ws = load_workbook(book)[f"汇总 {month}"]
    header = [c.value for c in ws[2]]
    on_disk = {r[1]: dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True) if r[1]}
    assert set(on_disk) == {office_name, "集团合计"}
    page_header = texts(browser, "#league thead th")
    shown = dict(zip(page_header, league[0]))
    assert int(shown["受理"]) == on_disk[office_name]["受理"] > 0
    assert int(shown["回访次数"]) == on_disk[office_name]["回访次数"]
    link = browser.find_element(By.CSS_SELECTOR, "ul.files a")
    assert link.text == f"各处报表/回访汇总_{month}.xlsx"
    got = httpx.get(link.get_attribute("href"))
    assert got.status_code == 200 and got.content == book.read_bytes()


def test_log_page_lists_every_job_the_buttons_ran_newest_first(browser, page, office):
    browser.get(page.url)
    browser.find_element(By.ID, "nav-log").click()
    wait_for(browser, "#log tbody tr")
    actions = texts(browser, "#log tbody td:nth-child(2)")
    assert actions[0] == "send"
    assert {"validate", "sample", "callbacks", "stats", "send"} <= set(actions)
