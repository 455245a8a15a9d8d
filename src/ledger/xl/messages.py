"""What the clerk is told when a click cannot reach its button: Unicode message boxes, never a traceback.

The add-in's VBA checks what it can before starting Python (no Python, ledger
or xlwings missing); everything after that is reported from here. On Windows
the box is user32's MessageBoxW, called by Python itself, so it shows Chinese
whatever the system locale (VBA's MsgBox is ANSI) and works even when no
workbook could be found. This module imports nothing heavy: it runs before
xlwings is loaded.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from ledger.core.i18n import register

TITLE = "回访台账 Callback ledger"
MB_ICONINFORMATION = 0x40
MB_ICONWARNING = 0x30
MB_SETFOREGROUND = 0x10000

register(
    {
        "xl.unknown_button": {
            "zh-Hans": "未知的按钮“{button}”。请让 IT 同事重新安装加载项(install.ps1)。",
            "zh-Hant": "未知的按鈕「{button}」。請讓 IT 同事重新安裝增益集(install.ps1)。",
            "en": "Unknown button “{button}”. Ask IT to reinstall the add-in (install.ps1).",
        },
        "xl.internal": {
            "zh-Hans": "处理时出错:{error}。请把此信息发给技术支持;如工作簿有误改,可关闭且不保存。",
            "zh-Hant": "處理時出錯:{error}。請把此資訊發給技術支援;如活頁簿有誤改,可關閉且不儲存。",
            "en": "Something went wrong: {error}. Please send this message to support; "
            "to undo, close the workbook without saving.",
        },
        "xl.no_caller": {
            "zh-Hans": "找不到按下按钮的 Excel 工作簿,没有做任何修改。请关闭其他 Excel 窗口,在台账工作簿中再按一次按钮。",
            "zh-Hant": "找不到按下按鈕的 Excel 活頁簿,沒有做任何修改。請關閉其他 Excel 視窗,在台帳活頁簿中再按一次按鈕。",
            "en": "Could not find the Excel workbook whose button was pressed; nothing was changed. "
            "Close other Excel windows and press the button again in the ledger workbook.",
        },
        "xl.no_workbook": {
            "zh-Hans": "找不到工作簿“{name}”,没有做任何修改。请先打开台账工作簿并点一下其中的单元格,再按按钮。",
            "zh-Hant": "找不到活頁簿「{name}」,沒有做任何修改。請先開啟台帳活頁簿並點一下其中的儲存格,再按按鈕。",
            "en": "Workbook “{name}” was not found; nothing was changed. "
            "Open the ledger workbook, click a cell in it, then press the button.",
        },
        "xl.xlwings_mismatch": {
            "zh-Hans": "加载项需要 xlwings {expected},但电脑上装的是 {found},没有做任何修改。"
            "请让 IT 同事重新运行 install.ps1(会装上正确的版本)。",
            "zh-Hant": "增益集需要 xlwings {expected},但電腦上裝的是 {found},沒有做任何修改。"
            "請讓 IT 同事重新執行 install.ps1(會裝上正確的版本)。",
            "en": "The add-in needs xlwings {expected} but {found} is installed; nothing was changed. "
            "Ask IT to run install.ps1 again (it installs the right version).",
        },
    }
)


def excel_hwnd(argv: list[str] | None = None) -> int:
    """Excel's window handle as RunPython passes it (--hwnd="123"); 0 when unknown."""
    for arg in sys.argv if argv is None else argv:
        if arg.startswith("--hwnd="):
            try:
                return int(arg.split("=", 1)[1].strip().strip('"'))
            except ValueError:
                return 0
    return 0


def message_box_w(message: str, title: str = TITLE, warning: bool = False, hwnd: int | None = None) -> int:
    """user32.MessageBoxW, owned by Excel's window so it shows in front of it (Windows only)."""
    icon = MB_ICONWARNING if warning else MB_ICONINFORMATION
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]  # Windows only
    owner = excel_hwnd() if hwnd is None else hwnd
    return user32.MessageBoxW(owner, message, title, icon | MB_SETFOREGROUND)


def show(message: str, app: Any = None, warning: bool = False) -> None:
    """Show the clerk one message: MessageBoxW on Windows, Excel's alert on macOS.

    The remote engine (Office.js, xlwings Server) has no box: the caller returns
    the text. Without any Excel to talk to, the text goes to stderr, which
    xlwings shows after the click.
    """
    if app is not None and app.engine.name == "remote":
        return
    if sys.platform.startswith("win"):
        hwnd = getattr(app, "hwnd", None) if app is not None else None  # the COM-server route has no --hwnd
        message_box_w(message, warning=warning, hwnd=hwnd or None)
    elif app is not None:
        app.alert(message, title=TITLE, mode="critical" if warning else "info")
    else:
        print(message, file=sys.stderr)
