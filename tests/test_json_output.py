"""§9: `--format json` prints one JSON document; long lists are one item per line (json_stream)."""

from __future__ import annotations

import datetime as dt
import io
import json

from ledger.io.json_stream import write_json


def _printed(doc) -> str:
    out = io.StringIO()
    write_json(doc, out)
    return out.getvalue()


def test_document_reads_back_equal_with_dates_as_text() -> None:
    doc = {
        "as_of": "2026-11-25",
        "cases": [
            {"case_id": "WX-1", "window_due": dt.date(2026, 12, 1), "sampled": True},
            {"case_id": '引号"与\\', "window_due": None, "sampled": False},
        ],
        "counts": {"due": 1, "overdue": 0},
        "problems": [],
        "seed": 202611,
        "note": None,
    }
    text = _printed(doc)
    assert json.loads(text) == {**doc, "cases": [{**doc["cases"][0], "window_due": "2026-12-01"}, doc["cases"][1]]}
    assert text.endswith("}\n")


def test_each_case_is_one_line_and_chinese_is_not_escaped() -> None:
    cases = [{"case_id": f"TS-{i}", "category": "投诉", "note": "多行\n说明"} for i in range(2500)]
    lines = _printed({"cases": cases, "counts": {"due": 3}}).splitlines()
    case_lines = [line for line in lines if line.lstrip().startswith('{"case_id"')]
    assert len(case_lines) == 2500
    assert '"category": "投诉"' in case_lines[0] and "\\u" not in case_lines[0]
    assert lines[-5:] == ["  ],", '  "counts": {', '    "due": 3', "  }", "}"]


def test_non_object_documents_are_printed_whole() -> None:
    assert json.loads(_printed([1, 2, {"a": "乙"}])) == [1, 2, {"a": "乙"}]
    assert json.loads(_printed({})) == {}
