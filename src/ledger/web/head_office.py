"""The page's 汇总各处报表 button: jobs.consolidate on a folder, as `ledger consolidate FOLDER --month M`.

The folder is the one typed above the buttons, else the Settings sheet's 报表文件夹
row (as the ribbon's button reads it), else the ledger's own folder. The page's rule
holds: nothing outside the chosen ledger's folder is read or written through it, so
the folder must be that folder or one inside it, with no link under it leading out
(web.security). The head-office workbook and its history database go into the folder.
"""

from __future__ import annotations

from pathlib import Path

from ledger.core.i18n import register, text
from ledger.core.models import Ledger
from ledger.core.settings import SETTINGS_SHEET, reports_folder_row
from ledger.core.vocab import fold
from ledger.io.workbook import read_sheets
from ledger.jobs.consolidate import consolidate_job, default_out, summary_lines
from ledger.web.outcome import Outcome, Params
from ledger.web.security import folder_inside, link_out

LEAGUE_SHOWN = ("received", "completed", "callbacks", "callback_rate", "satisfaction_rate", "overdue", "pass")

register(
    {
        "web.btn.consolidate": {
            "zh-Hans": "汇总各处报表",
            "zh-Hant": "彙總各處報表",
            "en": "Consolidate office reports",
        },
        "web.folder": {"zh-Hans": "报表文件夹", "zh-Hant": "報表資料夾", "en": "Reports folder"},
        "web.folder_hint": {
            "zh-Hans": "留空:用“设置”表的“报表文件夹”,或台账所在文件夹",
            "zh-Hant": "留空:用「設置」表的「報表資料夾」,或台賬所在資料夾",
            "en": "blank: the Settings sheet's Reports folder, or the ledger's folder",
        },
        "web.folder_outside": {
            "zh-Hant": "報表資料夾「{folder}」不在台賬所在資料夾 {base} 之內。本頁只能讀寫台賬所在資料夾(及其子資料夾)中的檔案:請把各處報表放進其中的一個子資料夾,並填寫該子資料夾。",
            "zh-Hans": "报表文件夹“{folder}”不在台账所在文件夹 {base} 之内。本页只能读写台账所在文件夹(及其子文件夹)中的文件:请把各处报表放进其中的一个子文件夹,并填写该子文件夹。",
            "en": "The reports folder “{folder}” is not inside the ledger's folder {base}. This page reads and writes "
            "only files in the ledger's folder and its subfolders: put the offices' reports in a subfolder of it "
            "and name that subfolder.",
        },
        "web.folder_missing": {
            "zh-Hans": "找不到报表文件夹“{folder}”。请填写台账所在文件夹中存放各处报表的子文件夹名称。",
            "zh-Hant": "找不到報表資料夾「{folder}」。請填寫台賬所在資料夾中存放各處報表的子資料夾名稱。",
            "en": "There is no reports folder “{folder}”. Name the subfolder of the ledger's folder holding the reports.",
        },
        "web.folder_link_out": {
            "zh-Hans": "报表文件夹中的“{link}”是指向台账所在文件夹之外的链接,本页不会跟随它。请删除该链接,或把文件本身复制进来。",
            "zh-Hant": "報表資料夾中的「{link}」是指向台賬所在資料夾之外的連結,本頁不會跟隨它。請刪除該連結,或把檔案本身複製進來。",
            "en": "“{link}” in the reports folder is a link leading outside the ledger's folder, which this page "
            "does not follow. Remove the link or copy the file itself in.",
        },
    }
)


def settings_folder(path: Path) -> str:
    """The Settings sheet's 报表文件夹 row, or "" (read only when the field above the buttons is left blank)."""
    sheets = {fold(n) for n in SETTINGS_SHEET.values()}
    grid = next((g for name, g in read_sheets(path).items() if fold(name) in sheets), None)
    return reports_folder_row(grid)


def reports_folder(path: Path, typed: str, lang: str) -> tuple[Path | None, str | None]:
    """The folder to consolidate, or the message refusing it (outside the ledger's folder, missing, a link out)."""
    base = path.resolve().parent
    typed = typed.strip().strip('"').strip("'") or settings_folder(path)
    folder = folder_inside(base, typed)
    if folder is None:
        return None, text("web.folder_outside", lang, folder=typed, base=base)
    if not folder.is_dir():
        return None, text("web.folder_missing", lang, folder=typed)
    link = link_out(folder, base)
    if link is not None:
        return None, text("web.folder_link_out", lang, link=link.relative_to(folder))
    return folder, None


def run_consolidate(path: Path, ledger: Ledger, params: Params) -> Outcome:
    """Consolidate the month's exports and mails in the folder into 回访汇总_<month>.xlsx beside them."""
    lang = ledger.lang
    folder, refusal = reports_folder(path, params.form.get("folder", ""), lang)
    if folder is None:
        return Outcome([refusal or ""], ok=False)
    try:
        result = consolidate_job([folder], params.month, out=folder / default_out(params.month), lang=lang)
    except Exception as exc:  # the workbook open in Excel, an unreadable list: the message the command prints
        message = getattr(exc, "message", None)
        if not callable(message):
            raise
        return Outcome([message(lang)], ok=False)
    base = path.resolve().parent
    workbook = result.workbook.resolve().relative_to(base).as_posix()
    context = {"league": result.ranked, "group": result.doc["totals"]["league"], "columns": LEAGUE_SHOWN}
    return Outcome(summary_lines(result, lang), "result_consolidate.html", {**context, "files": [workbook]})
