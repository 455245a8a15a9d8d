"""What the clerk gets on paper: the demo's callback list, record forms, statistics sheet and export,
printed to PDF through LibreOffice and read back (pages, text, font sizes, fonts, chart pixels)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer

from conftest import find_soffice
from ledger.demo.run import run_demo
from ledger.io.render import SERIES_COLORS
from ledger.io.sheet_pdf import Print, page_images, print_sheets
from ledger.sheets.callback_list import FORMS_SHEET, LIST_SHEET

TODAY = dt.date(2026, 11, 30)
MONTH = "2026-10"
STATS = f"月度统计 {MONTH}"
SECTION = re.compile(r"^[一二三四五六七]、")
METHODS = ("□电话", "□面谈", "□上门", "□书面", "□会议", "□网上")

pytestmark = pytest.mark.libreoffice


class Page:
    """One PDF page: its text lines top to bottom (with their height on the page) and character sizes."""

    def __init__(self, layout):
        self.lines: list[tuple[float, str]] = []
        self.sizes: list[float] = []
        self.fonts: set[str] = set()
        for element in layout:
            if not isinstance(element, LTTextContainer):
                continue
            for line in element:
                words = line.get_text().strip()
                if words:
                    self.lines.append((line.y0, words))
                for ch in line:
                    if isinstance(ch, LTChar) and ch.get_text().strip():
                        self.sizes.append(ch.size)
                        self.fonts.add(ch.fontname.split("+")[-1])
        self.lines.sort(key=lambda line: -line[0])
        self.text = "\n".join(words for _, words in self.lines)

    def body(self, footer_above: float = 40) -> list[str]:
        """Lines above the footer, top to bottom."""
        return [words for y, words in self.lines if y > footer_above]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, list[Page] | Path]:
    find_soffice()
    folder = tmp_path_factory.mktemp("demo")
    list(run_demo(folder, "zh-Hans", today=TODAY))
    book = folder / "演示台账.xlsx"
    export = next(folder.glob("回访统计_*.xlsx"))
    pdfs = print_sheets(
        [
            Print(book, LIST_SHEET["zh-Hans"], "list"),
            Print(book, FORMS_SHEET["zh-Hans"], "forms"),
            Print(book, STATS, "stats"),
            Print(export, STATS, "export"),
        ],
        folder / "pdf",
    )
    out: dict[str, list[Page] | Path] = {name: [Page(p) for p in extract_pages(pdf)] for name, pdf in pdfs.items()}
    out["book"], out["pdf"] = book, folder / "pdf"
    return out


def _listed_ids(book: Path) -> list[str]:
    ws = load_workbook(book, read_only=True)[LIST_SHEET["zh-Hans"]]
    return [row[1] for row in ws.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]


def _follow_up_ids(book: Path) -> list[str]:
    """The case ids of the follow-up blocks above the list (不满意 — 须报管理处经理, repeats)."""
    ws = load_workbook(book, read_only=True)[LIST_SHEET["zh-Hans"]]
    ids = []
    for row in ws.iter_rows(min_row=3, values_only=True):
        if row[0] == "序号":
            break
        ids += [v for v in row[1:2] if isinstance(v, str) and re.fullmatch(r"[A-Z]{2}-\d{6}-\d{4}", v)]
        ids += [x for v in row[6:7] if isinstance(v, str) for x in re.findall(r"[A-Z]{2}-\d{6}-\d{4}", v)]
    return ids


def test_callback_list_prints_at_9_pt_or_more_with_header_and_page_numbers_on_every_page(printed):
    pages = printed["list"]
    ids = _listed_ids(printed["book"])
    assert len(ids) > 20 and len(pages) >= 2  # a real list, on more than one page
    assert min(min(p.sizes) for p in pages) >= 9
    starts = next(n for n, page in enumerate(pages, start=1) if "序号" in page.text)  # below the follow-ups
    for n, page in enumerate(pages, start=1):
        if n >= starts:  # the list's header row repeated on every page of the list
            assert "回访日期" in page.text and "回访意见" in page.text and "序号" in page.text
        assert f"第 {n} 页 共 {len(pages)} 页" in page.text
        assert "阳光花园管理处" in page.text and TODAY.isoformat() in page.text  # office and as-of in the footer
    printed_ids = re.findall(r"[A-Z]{2}-\d{6}-\d{4}", "\n".join(p.text for p in pages))
    head, rows = printed_ids[: -len(ids)], printed_ids[-len(ids) :]
    assert rows == ids  # every row of the list printed, once, in order
    assert Counter(head) == Counter(_follow_up_ids(printed["book"]))  # the follow-ups above it, all printed


def test_callback_list_names_one_caller_per_row(printed):
    ws = load_workbook(printed["book"], read_only=True)[LIST_SHEET["zh-Hans"]]
    callers = [row[5].split("\n")[0] for row in ws.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]
    assert callers and not any("、" in c for c in callers)
    clerks = Counter(c for c in callers if c in ("张敏", "陈静", "刘洋"))
    assert clerks and max(clerks.values()) - min(clerks.values()) <= 1  # shared out evenly


def test_each_record_form_prints_whole_on_its_own_page(printed):
    pages = printed["forms"]
    ids = _listed_ids(printed["book"])
    assert len(pages) == len(ids)
    for page, case_id in zip(pages, ids):
        assert re.findall(r"回访记录表\s+(\S+)", page.text) == [case_id]
        assert "住户签名" in page.text and "主管审核" in page.text  # the form's last rows on the same page
        assert all(option in page.text for option in METHODS)
        assert min(page.sizes) >= 9


@pytest.mark.parametrize("name", ["stats", "export"])
def test_statistics_pages_never_end_on_a_section_heading(printed, name):
    pages = printed[name]
    assert 2 <= len(pages) <= 9  # seven sections, the trend charts, follow-ups and suspicions
    headings = [w for p in pages for w in p.body() if SECTION.match(w)]
    assert len(headings) == 7
    for n, page in enumerate(pages, start=1):
        body = page.body()
        assert "月度回访统计表" in body[0]  # the title row repeated on every page
        assert not SECTION.match(body[-1]), f"page {n} ends on the heading {body[-1]}"
        assert f"第 {n} 页 共 {len(pages)} 页" in page.text


@pytest.mark.parametrize("name", ["stats", "export"])
def test_statistics_print_in_one_sans_serif_typeface_at_readable_sizes(printed, name):
    pages = printed[name]
    fonts = set().union(*(p.fonts for p in pages))
    assert not [f for f in fonts if "Serif" in f], fonts
    assert min(min(p.sizes) for p in pages) >= 6  # the small print of the notes; tables larger
    sizes = Counter(round(s) for p in pages for s in p.sizes)
    assert sizes.most_common(1)[0][0] >= 7


@pytest.mark.parametrize("name", ["stats", "export"])
def test_verdicts_print_with_their_reasons(printed, name):
    text = "\n".join(p.text for p in printed[name])
    assert re.search(r"不合格:按时 \d+ < 规定 \d+", text)
    assert re.search(r"合格:\d+\.\d% ≥ 95\.0%", text)


def test_statistics_headers_are_whole_words_and_totals_hold_no_aggregate_required_rate(printed):
    ws = load_workbook(printed["book"])[STATS]
    grid = [[cell.value for cell in row] for row in ws.iter_rows()]
    headers = [row for row in grid if "规定回访率" in row]
    assert len(headers) == 2 and all("满意+一般满意" in row or "应回访总数" in row for row in headers)
    assert any("满意+一般满意" in row for row in grid)
    totals = [row for row in grid if row[0] == "合计" and len(row) > 12 and isinstance(row[10], float)]
    assert totals  # the compliance and trend totals: a callback rate, but no required rate beside it
    for row in totals:
        assert row[11] is None


def _pixels(ppm: Path) -> tuple[int, int, bytes]:
    data = ppm.read_bytes()
    magic, width, height, _, pixels = data.split(maxsplit=4)
    assert magic == b"P6"
    return int(width), int(height), pixels


def _near(pixel: bytes, rgb: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb))


@pytest.mark.parametrize("name", ["stats", "export"])
def test_both_trend_charts_draw_their_lines(printed, name):
    """The page with the trend holds both charts whole, and each draws its two series in their colours."""
    pages = printed[name]
    number = next(n for n, p in enumerate(pages, start=1) if any(w.startswith("七、") for w in p.body()))
    assert "满意率趋势" in pages[number - 1].text and "回访率趋势" in pages[number - 1].text
    prefix = printed["pdf"] / f"{name}-chart"
    (ppm,) = page_images(printed["pdf"] / f"{name}.pdf", prefix, dpi=50, fmt="ppm", first=number, last=number)
    width, height, pixels = _pixels(ppm)
    colours = [tuple(int(c[i : i + 2], 16) for i in (0, 2, 4)) for c in SERIES_COLORS[:2]]
    found = {(half, k): 0 for half in (0, 1) for k in range(2)}
    for y in range(height // 3, height):  # the charts sit below the trend table
        row = pixels[y * width * 3 : (y + 1) * width * 3]
        for x in range(width):
            pixel = row[x * 3 : x * 3 + 3]
            for k, rgb in enumerate(colours):
                if _near(pixel, rgb):
                    found[(0 if x < width // 2 else 1, k)] += 1
    assert all(n >= 30 for n in found.values()), found  # every series drawn in each chart, not an empty frame


def test_pdf_helper_prints_only_the_sheet_asked_for(printed, tmp_path):
    text = subprocess.run(
        ["pdftotext", str(printed["pdf"] / "list.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "回访记录表" not in text and "月度回访统计表" not in text
