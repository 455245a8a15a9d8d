"""Three ledgers written the way clerks write them (issue 13), with openpyxl.

- messy Simplified: a merged title row, reordered and extra columns, dates typed as text
  in several shapes, the clerk's own words, three rows that cannot be counted;
- Hong Kong: Traditional headers and words, day-first dates, +852/+853/Taiwan phones,
  a 設置 sheet giving the office and the date order;
- minimal: only the three required columns, no Settings, named after the office.

Each builder returns the path and the number of rows the clerk meant for October 2026.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

MONTH = "2026-10"
AS_OF = "2026-11-20"

MESSY_HEADERS = [
    "序号",
    "接报日期",
    "工单编号",
    "类型",
    "房号",
    "业主",
    "联系电话",
    "事由",
    "备注",
    "完成时间",
    "回访时间",
    "回访方式",
    "满意程度",
    "客户反应强烈",
    "责任类型",
    "投诉等级",
    "投诉项目",
]
# (received, id, category, unit, customer, phone, description, note, completed, callback, method, grade,
#  strong reaction, class, severity, aspect)
MESSY_ROWS = [
    (
        "2026/9/28",
        "S-000",
        "维修",
        "1栋101",
        "王芳",
        "13812345670",
        "灯不亮",
        None,
        "2026/9/30",
        "2026/10/31",
        "电话回访",
        "很满意",
        None,
        None,
        None,
        None,
    ),
    (
        "2026/10/3",
        "S-001",
        "维修",
        "1栋102",
        "李强",
        "13812345671",
        "水管漏水",
        "已催",
        "2026-10-05",
        "2026/11/10",
        "电话回访",
        "非常满意",
        None,
        None,
        None,
        None,
    ),
    (
        "2026年10月5日",
        "S-002",
        "投诉",
        "2栋201",
        "赵敏",
        "13812345672",
        "楼道脏",
        None,
        "2026年10月6日",
        "2026年10月8日",
        "上门回访",
        "基本满意",
        None,
        "一类",
        "一般",
        "清洁卫生",
    ),
    (
        "2026.10.8",
        "S-003",
        "报修",
        "2栋202",
        "钱进",
        "13812345673",
        "门锁坏",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "2026-10-3l",
        "S-004",
        "维修",
        "3栋301",
        "孙丽",
        "13812345674",
        "窗户",
        "日期打错",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "10.5",
        "S-005",
        "投诉",
        "3栋302",
        "周杰",
        "13812345675",
        "噪音",
        "忘了写年",
        None,
        None,
        None,
        None,
        None,
        "一类",
        "一般",
        "安全保卫",
    ),
    (
        "2026/10/12",
        "S-006",
        "咨询",
        "4栋401",
        "吴刚",
        "13812345676",
        "问停车费",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ),
    (
        dt.datetime(2026, 10, 20),
        "S-007",
        "投诉",
        "4栋402",
        "郑洁",
        "13812345677",
        "电梯困人",
        None,
        "2026/10/21",
        "2026/10/23",
        "微信回访",
        "较满意",
        "是",
        "一类",
        "重要",
        "设备管理",
    ),
    (
        "2026/10/25",
        "S-008",
        "维修",
        "5栋501",
        "冯涛",
        "13812345678",
        "墙面渗水",
        None,
        "2026/10/26",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ),
]
MESSY_OCTOBER_ROWS = 8  # S-001 .. S-008: the clerk meant all of them for October
MESSY_UNCOUNTABLE = {"S-004": 7, "S-005": 8, "S-006": 9}  # case id -> Excel row


def messy_simplified(folder: Path, name: str = "阳光花园台账.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "回访台账"
    ws.append(["阳光花园管理处 2026年10月 回访台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(MESSY_HEADERS))
    ws.append(MESSY_HEADERS)
    for n, (received, case_id, *rest) in enumerate(MESSY_ROWS, start=1):
        ws.append([n, received, case_id, *rest])
    ws.column_dimensions["B"].width = 14
    path = folder / name
    wb.save(path)
    return path


HK_HEADERS = [
    "個案編號",
    "接報日期",
    "類別",
    "單位",
    "業主",
    "聯絡電話",
    "內容",
    "完工日期",
    "跟進日期",
    "跟進方式",
    "滿意程度",
    "負責同事",
]
HK_ROWS = [
    [
        "H-001",
        "8/10/2026",
        "報修",
        "A座12樓C室",
        "陳大文",
        "9123 4567",
        "水喉漏水",
        "10/10/2026",
        None,
        None,
        None,
        "黃師傅",
    ],
    [
        "H-002",
        "12/10/2026",
        "投訴",
        "B座3樓A室",
        "李小姐",
        "+852 6123 4567",
        "大堂冷氣不凍",
        "13/10/2026",
        "15/10/2026",
        "電話",
        "滿意",
        "陳經理",
    ],
    [
        "H-003",
        "20/10/2026",
        "維修",
        "C座8樓D室",
        "何先生",
        "+853 6612 3456",
        "窗戶關唔埋",
        None,
        None,
        None,
        None,
        "黃師傅",
    ],
    [
        "H-004",
        "25/10/2026",
        "投訴",
        "A座5樓B室",
        "林太",
        "0912-345-678",
        "停車場收費",
        "27/10/2026",
        "28/10/2026",
        "上門",
        "一般滿意",
        "陳經理",
    ],
    ["H-005", "3/10/2026", "求助", "B座9樓C室", "張伯", "2345 6789", "送院", "3/10/2026", None, None, None, "保安"],
]
HK_OCTOBER_ROWS = 5
HK_SETTINGS = [["項目", "值"], ["管理處名稱", "海景花園管理處"], ["日期順序", "日月年"]]


def hong_kong(folder: Path, name: str = "海景花園個案紀錄.xlsx", settings: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "個案紀錄"
    ws.append(HK_HEADERS)
    for row in HK_ROWS:
        ws.append(row)
    if settings:
        s = wb.create_sheet("設置")
        for row in HK_SETTINGS:
            s.append(row)
    path = folder / name
    wb.save(path)
    return path


MINIMAL_ROWS = [
    ["M-001", dt.date(2026, 9, 30), "维修"],
    ["M-002", dt.date(2026, 10, 2), "投诉"],
    ["M-003", dt.date(2026, 10, 9), "维修"],
    ["M-004", dt.date(2026, 10, 15), "维修"],
    ["M-005", dt.date(2026, 10, 28), "投诉"],
]
MINIMAL_OCTOBER_ROWS = 4


def minimal(folder: Path, name: str = "翠苑管理处台账.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["案件编号", "受理日期", "类别"])
    for row in MINIMAL_ROWS:
        ws.append(row)
    path = folder / name
    wb.save(path)
    return path


def highlighted_rows(ws) -> set[int]:
    """Rows with a cell coloured by the tool's own conditional-formatting block (io.package HIGHLIGHT_MARK)."""
    from openpyxl.utils.cell import range_boundaries

    rows: set[int] = set()
    for cf in ws.conditional_formatting:
        if not any(rule.formula == ["ISNUMBER(424242)"] for rule in cf.rules):
            continue
        for rng in cf.sqref.ranges:
            _, r1, _, r2 = range_boundaries(rng.coord)
            rows.update(range(r1, r2 + 1))
    return rows


def problem_rows(ws, header_row: int) -> set[int]:
    """Rows whose 问题/問題/Problems cell lists a problem."""
    header = [c.value for c in ws[header_row]]
    col = next(i for i, v in enumerate(header, start=1) if v in ("问题", "問題", "Problems"))
    return {r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(row=r, column=col).value}
