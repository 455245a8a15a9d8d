"""Head office consolidation (issue 18): real offices' ledgers → stats --export / send --via eml → consolidate.

Every number is checked against what `ledger stats --format json` printed for
that office and month. The month is the current one, so the 25th-of-next-month
deadline lies ahead whatever day the tests run; lateness is tested with mail
Dates set explicitly.
"""

from __future__ import annotations

import datetime as dt
import json
import mailbox
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from ledger import api
from ledger.cli import app
from ledger.demo.cases import demo_settings, generate_cases
from ledger.demo.workbook import write_ledger
from ledger.schema import ConsolidateDoc

TODAY = dt.date.today()
MONTH = f"{TODAY.year:04d}-{TODAY.month:02d}"
_prev = TODAY.replace(day=1) - dt.timedelta(days=1)
LAST_MONTH = f"{_prev.year:04d}-{_prev.month:02d}"
OFFICES = [("东区管理处", "zh-Hans", 11), ("西區管理處", "zh-Hant", 12), ("North Park Office", "en", 13)]


def run(*args, code=(0,)):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code in code, result.output
    return result


def run_json(*args, code=(0,)):
    return json.loads(run(*args, "--format", "json", code=code).stdout)


@pytest.fixture(scope="module")
def offices(tmp_path_factory):
    """Three offices' ledgers (three header languages, different seeds), each exported and mailed."""
    root = tmp_path_factory.mktemp("offices")
    out = {"root": root, "exports": root / "exports", "stats": {}, "eml": {}, "ledgers": {}}
    for i, (name, lang, seed) in enumerate(OFFICES):
        settings = demo_settings(lang).model_copy(
            update={"office": name, "head_office": ["hq@group.example"], "sender": f"office{i}@group.example"}
        )
        path = write_ledger(root / f"ledger{i}.xlsx", generate_cases(240, seed=seed, end=TODAY, months=4, lang=lang), lang=lang, settings=settings)  # fmt: skip
        out["ledgers"][name] = path
        out["stats"][name] = run_json("stats", path, "--month", MONTH, "--export", out["exports"])
        mail_dir = root / f"mail{i}"
        run(
            "send", path, "--month", MONTH, "--via", "eml", "--out-dir", mail_dir, "--partial"
        )  # this month: not over yet
        out["eml"][name] = next(mail_dir.glob("*.eml"))
    box = mailbox.mbox(root / "inbox.mbox")
    for eml in out["eml"].values():
        box.add(mailbox.mboxMessage(eml.read_bytes()))
    box.flush()
    out["mbox"] = root / "inbox.mbox"
    return out


def consolidate(tmp_path, *sources, extra=(), code=(0,)):
    return run_json(
        "consolidate", *sources, "--month", MONTH, "--out", tmp_path / "hq" / "汇总.xlsx", *extra, code=code
    )


def entry(doc, office):
    return next(o for o in doc["offices"] if o["office"] == office)


def test_each_office_carries_its_stats_json_key_for_key_from_exports_and_mails(offices, tmp_path):
    emls = list(offices["eml"].values())
    doc = consolidate(tmp_path, offices["exports"], *emls, offices["mbox"])
    ConsolidateDoc.model_validate(doc)
    assert sorted(o["office"] for o in doc["offices"]) == sorted(offices["stats"])
    for name, stats in offices["stats"].items():
        office = entry(doc, name)
        assert {k: office[k] for k in stats if k != "month"} == {k: v for k, v in stats.items() if k != "month"}
        assert office["file"].endswith(".xlsx") and "#" in office["file"]  # the mailed copy: it carries the Date
        assert office["late"] is False
    assert doc["missing"] == [] and doc["duplicates"] == [] and doc["rejected"] == []


def test_group_totals_are_computed_from_counts_never_averaged(offices, tmp_path):
    doc = consolidate(tmp_path, offices["exports"])
    totals, stats = doc["totals"], list(offices["stats"].values())
    for cat in stats[0]["received"]:
        assert totals["received"][cat] == sum(s["received"][cat] for s in stats)
        comp = totals["compliance"][cat]
        for key in ("population", "required", "on_time", "late", "too_early", "overdue"):
            assert comp[key] == sum(s["compliance"][cat][key] for s in stats)
        called = comp["on_time"] + comp["late"] + comp["too_early"]
        assert comp["callback_rate"] == (called / comp["population"] if comp["population"] else None)
        assert comp["pass"] == (comp["on_time"] >= comp["required"])
    overall = [s["satisfaction"]["overall"] for s in stats]
    content = sum(o["satisfied"] + o["fairly_satisfied"] for o in overall)
    graded = content + sum(o["unsatisfied"] for o in overall)
    assert totals["satisfaction"]["overall"]["rate"] == pytest.approx(content / graded)
    assert totals["league"]["callbacks"] == graded
    assert totals["alerts"]["unsatisfied"] == sum(len(s["alerts"]["unsatisfied"]) for s in stats)
    assert totals["timeliness"]["responded_24h"]["of"] == sum(s["timeliness"]["responded_24h"]["of"] for s in stats)


def _league(book, month=MONTH):
    ws = book[f"汇总 {month}"]
    header = [c.value for c in ws[2]]
    rows = {r[1]: dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True) if r[1]}
    return ws, rows


def test_workbook_league_table_ranks_offices_with_their_numbers(offices, tmp_path):
    consolidate(tmp_path, offices["exports"])
    book = openpyxl.load_workbook(tmp_path / "hq" / "汇总.xlsx")
    ws, rows = _league(book)
    for name, s in offices["stats"].items():
        row = rows[name]
        overall = s["satisfaction"]["overall"]
        graded = overall["satisfied"] + overall["fairly_satisfied"] + overall["unsatisfied"]
        population = sum(c["population"] for c in s["compliance"].values())
        called = sum(c["on_time"] + c["late"] + c["too_early"] for c in s["compliance"].values())
        assert row["受理"] == sum(s["received"].values())
        assert row["完成"] == sum(s["completed"].values())
        assert row["回访次数"] == graded
        assert row["满意率"] == pytest.approx((overall["satisfied"] + overall["fairly_satisfied"]) / graded)
        assert row["回访率"] == pytest.approx(called / population)
        assert row["逾期未回访"] == sum(c["overdue"] for c in s["compliance"].values())
        assert row["重复投诉"] == len(s["alerts"]["repeat_complaints"])
        assert row["结论"] in ("合格", "不合格")
    ranks = [rows[n]["排名"] for n in offices["stats"]]
    assert sorted(ranks) == [1, 2, 3]
    group = rows["集团合计"]
    assert group["回访次数"] == sum(rows[n]["回访次数"] for n in offices["stats"])
    assert group["受理"] == sum(rows[n]["受理"] for n in offices["stats"])
    ranges = {str(cf.sqref) for cf in ws.conditional_formatting}
    assert any(r.startswith("H3:H") for r in ranges)  # satisfaction rate colour scale
    trends = book["趋势"]
    assert len(trends._charts) == 3  # group, satisfaction by office, callback rate by office
    months = [trends.cell(row=r, column=1).value for r in range(3, 15)]
    assert months[-1] == MONTH and len(months) == 12


def test_missing_offices_are_named_and_households_give_complaints_per_thousand(offices, tmp_path):
    listing = tmp_path / "offices.txt"
    listing.write_text("管理处,户数\n东区管理处,2000\nNorth Park Office,1500\n南区管理处,800\n", "utf-8")
    doc = consolidate(tmp_path, offices["exports"], extra=["--offices", listing], code=(1,))
    assert doc["missing"] == ["南区管理处"] and doc["unexpected"] == ["西區管理處"]
    east = offices["stats"]["东区管理处"]["received"]["complaint"]
    north = offices["stats"]["North Park Office"]["received"]["complaint"]
    assert doc["totals"]["league"]["complaints_per_1000"] == pytest.approx((east + north) * 1000 / 3500)
    assert entry(doc, "东区管理处")["households"] == 2000
    book = openpyxl.load_workbook(tmp_path / "hq" / "汇总.xlsx")
    assert _league(book)[1]["东区管理处"]["每千户投诉"] == pytest.approx(east * 1000 / 2000)
    subs = list(book["报送情况"].iter_rows(min_row=2, values_only=True))
    assert ("南区管理处", None, None, "缺报", None) in subs


def test_office_list_from_a_sheet(offices, tmp_path):
    listing = tmp_path / "offices.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["各管理处名单"])
    wb.active.append(["序号", "管理處", "戶數", "面積"])
    for i, (name, _, _) in enumerate(OFFICES):
        wb.active.append([i + 1, name, 1000 + i, 50000.0])
    wb.save(listing)
    doc = consolidate(tmp_path, offices["exports"], extra=["--offices", listing])
    assert doc["missing"] == []
    assert [entry(doc, n)["households"] for n, _, _ in OFFICES] == [1000, 1001, 1002]


def _redate(eml: Path, target: Path, when: str) -> Path:
    data = re.sub(rb"(?m)^Date: [^\r\n]*", b"Date: " + when.encode(), eml.read_bytes(), count=1)
    target.write_bytes(data)
    return target


def test_a_mail_sent_after_the_25th_of_next_month_is_late(offices, tmp_path):
    year, month = divmod(TODAY.year * 12 + TODAY.month, 12)
    deadline = dt.date(year, month + 1, 25)
    east, west = offices["eml"]["东区管理处"], offices["eml"]["西區管理處"]
    late = _redate(east, tmp_path / "east.eml", f"{deadline + dt.timedelta(days=1):%a, %d %b %Y} 09:00:00 +0800")
    on_time = _redate(west, tmp_path / "west.eml", f"{deadline:%a, %d %b %Y} 23:30:00 +0800")
    doc = consolidate(tmp_path, late, on_time)
    assert entry(doc, "东区管理处")["late"] is True
    assert entry(doc, "东区管理处")["sent_at"].startswith(str(deadline + dt.timedelta(days=1)))
    assert entry(doc, "西區管理處")["late"] is False
    book = openpyxl.load_workbook(tmp_path / "hq" / "汇总.xlsx")
    status = {r[0]: r[3] for r in book["报送情况"].iter_rows(min_row=2, values_only=True)}
    assert status["东区管理处"].startswith("逾期") and status["西區管理處"] == "按时"


def _edit_data_sheet(path: Path, target: Path, change) -> Path:
    book = openpyxl.load_workbook(path)
    change(book["ledger_data"])
    book.save(target)
    return target


def test_two_different_exports_of_one_office_keep_the_newer(offices, tmp_path):
    name, ledger = "东区管理处", offices["ledgers"]["东区管理处"]
    older_dir = tmp_path / "older"
    run("stats", ledger, "--month", MONTH, "--export", older_dir, "--as-of", f"{MONTH}-01")
    older = next(older_dir.glob("*.xlsx"))

    def last_week(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "meta" and row[1].value == "exported_at":
                row[2].value = (dt.datetime.now().astimezone() - dt.timedelta(days=7)).isoformat(timespec="seconds")

    _edit_data_sheet(older, older, last_week)
    doc = consolidate(tmp_path, offices["exports"], older_dir)
    kept = f"exports/回访统计_{name}_{MONTH}.xlsx"
    assert doc["duplicates"] == [{"office": name, "kept": kept, "files": [f"older/{older.name}"]}]
    assert entry(doc, name)["as_of"] == offices["stats"][name]["as_of"]


def test_tampered_figures_are_rejected_for_their_hash(offices, tmp_path):
    source = next(offices["exports"].glob("*东区*"))

    def more_on_time(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "stats_json":
                row[2].value = row[2].value.replace('"on_time":', '"on_time":1', 1)

    def figure_row(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "figure" and row[1].value == "compliance/complaint/on_time":
                row[2].value = (row[2].value or 0) + 5

    folder = tmp_path / "in"
    folder.mkdir()
    _edit_data_sheet(source, folder / "edited_json.xlsx", more_on_time)
    _edit_data_sheet(source, folder / "edited_row.xlsx", figure_row)
    doc = consolidate(tmp_path, folder, code=(1,))
    assert doc["offices"] == []
    assert sorted((r["file"], r["reason"]) for r in doc["rejected"]) == [
        ("in/edited_json.xlsx", "hash_mismatch"),
        ("in/edited_row.xlsx", "hash_mismatch"),
    ]


def test_foreign_and_damaged_files_are_rejected_with_their_reason(offices, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(offices["ledgers"]["东区管理处"], folder / "a_ledger_not_an_export.xlsx")
    (folder / "notes.xlsx").write_text("not a workbook", "utf-8")
    good = next(offices["exports"].glob("*西區*")).read_bytes()
    (folder / "truncated.xlsx").write_bytes(good[: len(good) // 2])
    bare = tmp_path / "bare.eml"
    bare.write_bytes(
        b"From: a@b.example\r\nSubject: hi\r\nDate: Mon, 2 Nov 2026 10:00:00 +0800\r\n\r\nno attachment\r\n"
    )
    doc = consolidate(tmp_path, folder, bare, code=(1,))
    ConsolidateDoc.model_validate(doc)
    reasons = {r["file"]: r["reason"] for r in doc["rejected"]}
    assert reasons == {
        "in/a_ledger_not_an_export.xlsx": "not_ours",
        "in/notes.xlsx": "not_ours",
        "in/truncated.xlsx": "damaged",
        "bare.eml": "no_attachment",
    }
    text_out = run("consolidate", folder, "--month", MONTH, "--out", tmp_path / "t.xlsx", code=(1,)).stdout
    assert "truncated.xlsx" in text_out and "损坏" in text_out


def test_another_months_export_is_set_aside_not_rejected(offices, tmp_path):
    other = tmp_path / "other"
    run("stats", offices["ledgers"]["东区管理处"], "--month", LAST_MONTH, "--export", other)
    doc = consolidate(tmp_path, offices["exports"], other)
    assert doc["rejected"] == [] and len(doc["offices"]) == 3
    assert doc["other_months"] == [{"file": f"other/回访统计_东区管理处_{LAST_MONTH}.xlsx", "month": LAST_MONTH}]


def test_a_maildir_mailbox_is_read(offices, tmp_path):
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    for eml in offices["eml"].values():
        box.add(eml.read_bytes())
    doc = consolidate(tmp_path, tmp_path / "Maildir")
    assert sorted(o["office"] for o in doc["offices"]) == sorted(offices["stats"])
    assert all("#" in o["file"] for o in doc["offices"])


def test_history_keeps_each_month_for_trends_and_the_api(offices, tmp_path):
    other = tmp_path / "last"
    for path in offices["ledgers"].values():
        run("stats", path, "--month", LAST_MONTH, "--export", other)
    db = tmp_path / "hq" / "history.duckdb"
    run_json("consolidate", other, "--month", LAST_MONTH, "--out", tmp_path / "hq" / "a.xlsx", "--db", db)
    run_json("consolidate", offices["exports"], "--month", MONTH, "--out", tmp_path / "hq" / "b.xlsx", "--db", db)
    frame = api.history(db)
    assert sorted(set(frame["month"])) == [LAST_MONTH, MONTH] and len(frame) == 6
    east = frame[(frame["office"] == "东区管理处") & (frame["month"] == MONTH)].iloc[0]
    overall = offices["stats"]["东区管理处"]["satisfaction"]["overall"]
    assert east["graded"] == overall["satisfied"] + overall["fairly_satisfied"] + overall["unsatisfied"]
    group = api.group_history(db).set_index("month")
    assert group.loc[MONTH, "graded"] == frame[frame["month"] == MONTH]["graded"].sum()
    # the trend sheet of month M shows last month from the database, for the group and per office
    trends = openpyxl.load_workbook(tmp_path / "hq" / "b.xlsx")["趋势"]
    row = next(r for r in trends.iter_rows(min_row=3, max_row=14, values_only=True) if r[0] == LAST_MONTH)
    assert row[1] == group.loc[LAST_MONTH, "graded"]


def test_cases_as_a_dataframe(offices):
    frame = api.cases(offices["ledgers"]["North Park Office"])
    assert len(frame) == 240 and {"case_id", "category", "received_at"} <= set(frame.columns)


def test_json_output_is_one_document_and_text_names_the_workbook(offices, tmp_path):
    result = run("consolidate", offices["exports"], "--month", MONTH, "--out", tmp_path / "x.xlsx", "--format", "json")
    json.loads(result.stdout)
    text_out = run("consolidate", offices["exports"], "--month", MONTH, "--out", tmp_path / "x.xlsx").stdout
    assert "x.xlsx" in text_out and "1. " in text_out


def test_a_missing_source_is_unusable_input(tmp_path):
    result = CliRunner().invoke(app, ["consolidate", str(tmp_path / "nowhere"), "--month", MONTH])
    assert result.exit_code == 2 and "nowhere" in result.output


# --------------------------------------------------------------------------- the 汇总各处报表 button


def test_the_consolidate_button_reads_the_folder_named_in_settings(offices, tmp_path, monkeypatch):
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings

    import ledger.xl as lx

    if "remote" not in [e.name for e in xlwings.engines]:
        from xlwings.pro import _xlremote

        xlwings.engines.add(xlwings.Engine(impl=_xlremote.engine))
    folder = tmp_path / "报表"
    shutil.copytree(offices["exports"], folder)
    grid = [["项目", "值"], ["管理处名称", "总部品质部"], ["报表文件夹", str(folder)]]
    book = xlwings.Book(
        json={
            "client": "Microsoft Office Scripts",
            "version": xlwings.__version__,
            "book": {"name": "总部.xlsx", "active_sheet_index": 0, "selection": "A1"},
            "names": [],
            "sheets": [{"name": "设置", "values": grid, "pictures": [], "tables": []}],
        }
    )
    year, month = divmod(TODAY.year * 12 + TODAY.month, 12)
    message = lx.consolidate_reports(book, today=dt.date(year, month + 1, 3))  # "last month" is MONTH
    out = folder / f"回访汇总_{MONTH}.xlsx"
    assert out.is_file() and str(out) in message and "收到 3 个管理处" in message
    assert set(_league(openpyxl.load_workbook(out))[1]) == {*offices["stats"], "集团合计"}
    again = lx.consolidate_reports(book, today=dt.date(year, month + 1, 3))  # its own workbook is not a report
    assert "退回 0 个" in again and "收到 3 个管理处" in again
    assert lx.consolidate_reports(book, folder=tmp_path / "nowhere").startswith("找不到报表文件夹")


def test_a_terminal_gets_a_progress_bar_on_stderr_and_json_stays_clean(offices, tmp_path, monkeypatch):
    import rich.progress

    import ledger.cli_support

    updates = []
    real_update = rich.progress.Progress.update

    def spy(self, task, **kw):
        updates.append((kw.get("completed"), kw.get("total")))
        return real_update(self, task, **kw)

    monkeypatch.setattr(ledger.cli_support, "stderr_is_terminal", lambda: True)
    monkeypatch.setattr(rich.progress.Progress, "update", spy)
    result = run("consolidate", offices["exports"], "--month", MONTH, "--out", tmp_path / "p.xlsx", "--format", "json")
    assert len(json.loads(result.stdout)["offices"]) == 3
    assert updates == [(1, 3), (2, 3), (3, 3)]


def test_a_long_stats_document_is_cut_into_cells_and_read_back_whole(offices):
    import hashlib

    from ledger.io.export_data import data_rows, parse_rows

    doc = dict(offices["stats"]["东区管理处"])
    doc["alerts"] = {**doc["alerts"], "unsatisfied": [f"TS-{i:06d}" for i in range(9000)]}
    rows = data_rows(doc)
    pieces = [r for r in rows if r[0] == "stats_json"]
    assert len(pieces) > 2 and all(len(r[2]) <= 32767 for r in pieces)
    meta = {r[1]: r[2] for r in rows if r[0] == "meta"}
    canonical = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert meta["sha256"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert parse_rows(rows).stats == doc


def test_head_office_in_english_gets_english_sheets_and_text(offices, tmp_path):
    result = CliRunner().invoke(
        app,
        ["consolidate", str(offices["exports"]), "--month", MONTH, "--out", str(tmp_path / "en.xlsx")],
        env={"LEDGER_LANG": "en"},
    )
    assert result.exit_code == 0, result.output
    assert "reports from 3 offices" in result.stdout and "satisfaction" in result.stdout
    book = openpyxl.load_workbook(tmp_path / "en.xlsx")
    assert book.sheetnames == [f"League {MONTH}", "Trends", "Submissions"]
    header = [c.value for c in book[f"League {MONTH}"][2]]
    assert header[:3] == ["Rank", "Office", "Received"] and "Satisfaction rate" in header


def test_the_button_shows_reading_progress_in_excels_status_bar(offices, tmp_path):
    from types import SimpleNamespace

    from ledger.xl.buttons import consolidate_reports

    class App:
        engine = SimpleNamespace(name="excel")

        def __init__(self):
            self.shown = []

        def __setattr__(self, name, value):
            if name == "status_bar":
                self.shown.append(value)
            object.__setattr__(self, name, value)

    app = App()
    book = SimpleNamespace(app=app, sheets=[], fullname=str(tmp_path / "总部.xlsx"), name="总部.xlsx")
    folder = tmp_path / "reports"
    shutil.copytree(offices["exports"], folder)
    year, month = divmod(TODAY.year * 12 + TODAY.month, 12)
    consolidate_reports(book, folder=folder, today=dt.date(year, month + 1, 3))
    assert app.shown == ["正在读取 3/3 …", False]  # the last count, then the bar handed back to Excel


def test_an_office_list_without_an_office_column_is_unusable_input(offices, tmp_path):
    listing = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["编号", "户数"])
    wb.save(listing)
    result = CliRunner().invoke(
        app, ["consolidate", str(offices["exports"]), "--month", MONTH, "--offices", str(listing)]
    )
    assert result.exit_code == 2 and "管理处" in result.output and "名单.xlsx" in result.output


def test_a_history_file_that_is_not_a_database_is_unusable_input(offices, tmp_path):
    db = tmp_path / "history.duckdb"
    db.write_text("not a database", "utf-8")
    result = CliRunner().invoke(
        app,
        ["consolidate", str(offices["exports"]), "--month", MONTH, "--out", str(tmp_path / "o.xlsx"), "--db", str(db)],
    )
    assert result.exit_code == 2 and "历史数据库" in result.output and "--db" in result.output


def test_totals_carry_keys_stats_adds_later_and_leave_null_figures_out(offices):
    from ledger.headoffice.figures import group_totals, league_row

    east, north = (json.loads(json.dumps(offices["stats"][n])) for n in ("东区管理处", "North Park Office"))
    east["excluded"] = [{"row": 7, "case_id": "X1", "column": "received_on", "code": "date"}]
    east["partial"], north["partial"] = True, False
    north["timeliness"]["responded_24h"] = {"count": None, "of": None}  # the ledger has no reply-time column
    totals = group_totals([east, north])
    assert totals["excluded"] == 1 and totals["partial"] is True
    assert totals["timeliness"]["responded_24h"] == east["timeliness"]["responded_24h"]
    north["satisfaction"]["overall"] = {"satisfied": None, "fairly_satisfied": None, "unsatisfied": None, "rate": None}
    row = league_row(north, None, 0.95)
    assert row["satisfaction_rate"] is None and row["satisfaction_pass"] is None and row["callbacks"] is None
