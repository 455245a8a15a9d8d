"""The page's own words, in the ledger's language (the buttons' result messages live in web.buttons)."""

from __future__ import annotations

from ledger.core.i18n import register

register(
    {
        "web.title": {"zh-Hans": "回访台账", "zh-Hant": "回訪台賬", "en": "Callback ledger"},
        "web.choose": {"zh-Hans": "选择台账", "zh-Hant": "選擇台賬", "en": "Choose a ledger"},
        "web.path_label": {
            "zh-Hans": "台账文件的完整路径(可从资源管理器地址栏复制后粘贴):",
            "zh-Hant": "台賬檔案的完整路徑(可從檔案總管網址列複製後貼上):",
            "en": "Full path of the ledger file (copy it from the file manager and paste it here):",
        },
        "web.open": {"zh-Hans": "打开", "zh-Hant": "開啟", "en": "Open"},
        "web.recent": {"zh-Hans": "最近使用的台账", "zh-Hant": "最近使用的台賬", "en": "Recent ledgers"},
        "web.no_ledger": {
            "zh-Hans": "还没有选择台账。请在上面粘贴台账文件的路径,或从最近使用的台账中选择。",
            "zh-Hant": "還沒有選擇台賬。請在上面貼上台賬檔案的路徑,或從最近使用的台賬中選擇。",
            "en": "No ledger chosen yet. Paste the path of the ledger file above, or pick a recent one.",
        },
        "web.not_found": {
            "zh-Hans": "找不到文件“{path}”。请检查路径是否完整(包括 .xlsx 扩展名)。",
            "zh-Hant": "找不到檔案「{path}」。請檢查路徑是否完整(包括 .xlsx 副檔名)。",
            "en": "There is no file “{path}”. Check the full path, including the .xlsx extension.",
        },
        "web.current": {
            "zh-Hans": "当前台账:{path}({office},{rows} 行案件)",
            "zh-Hant": "目前台賬:{path}({office},{rows} 行案件)",
            "en": "Ledger: {path} ({office}, {rows} case rows)",
        },
        "web.as_of": {"zh-Hans": "截至日期", "zh-Hant": "截至日期", "en": "As of"},
        "web.month": {"zh-Hans": "统计月份", "zh-Hant": "統計月份", "en": "Month"},
        "web.via": {"zh-Hans": "发送方式", "zh-Hant": "發送方式", "en": "Send by"},
        "web.via.smtp": {"zh-Hans": "SMTP 邮件", "zh-Hant": "SMTP 郵件", "en": "SMTP e-mail"},
        "web.via.eml": {"zh-Hans": "邮件文件(.eml)", "zh-Hant": "郵件檔案(.eml)", "en": "E-mail file (.eml)"},
        "web.via.outlook": {"zh-Hans": "Outlook 草稿", "zh-Hant": "Outlook 草稿", "en": "Outlook draft"},
        "web.again": {
            "zh-Hans": "再次发送(本月已发送过时)",
            "zh-Hant": "再次傳送(本月已傳送過時)",
            "en": "Send again (month already sent)",
        },
        "web.working": {"zh-Hans": "正在处理,请稍候……", "zh-Hant": "正在處理,請稍候……", "en": "Working, please wait…"},
        "web.home": {"zh-Hans": "按钮", "zh-Hant": "按鈕", "en": "Buttons"},
        "web.log": {"zh-Hans": "日志", "zh-Hant": "日誌", "en": "Log"},
        "web.log_empty": {"zh-Hans": "日志中还没有记录。", "zh-Hant": "日誌中還沒有記錄。", "en": "The Log is empty."},
        "web.print": {"zh-Hans": "打印回访清单", "zh-Hant": "列印回訪清單", "en": "Print the callback list"},
        "web.print_now": {"zh-Hans": "打印", "zh-Hant": "列印", "en": "Print"},
        "web.print_hint": {
            "zh-Hans": "A4 横向打印;每页重复表头并有页码,右侧留空供填写回访结果。",
            "zh-Hant": "A4 橫向列印;每頁重複表頭並有頁碼,右側留空供填寫回訪結果。",
            "en": "Prints on A4 landscape with the header on every page, page numbers, and space to write the results.",
        },
        "web.page_of": {"zh-Hans": "第 {page} 页", "zh-Hant": "第 {page} 頁", "en": "Page {page}"},
        "web.no_problems": {"zh-Hans": "没有发现问题。", "zh-Hant": "沒有發現問題。", "en": "No problems found."},
        "web.where": {"zh-Hans": "位置", "zh-Hant": "位置", "en": "Cell"},
        "web.column": {"zh-Hans": "列", "zh-Hant": "欄", "en": "Column"},
        "web.severity": {"zh-Hans": "类型", "zh-Hant": "類型", "en": "Type"},
        "web.message": {"zh-Hans": "问题及处理", "zh-Hant": "問題及處理", "en": "Problem and what to do"},
        "web.error": {"zh-Hans": "错误", "zh-Hant": "錯誤", "en": "Error"},
        "web.warning": {"zh-Hans": "提醒", "zh-Hant": "提醒", "en": "Warning"},
        "web.files": {"zh-Hans": "生成的文件", "zh-Hant": "產生的檔案", "en": "Files made"},
        "web.category": {"zh-Hans": "类别", "zh-Hant": "類別", "en": "Category"},
        "web.drawn": {"zh-Hans": "抽中", "zh-Hant": "抽中", "en": "Drawn"},
        "web.population": {"zh-Hans": "已完成", "zh-Hant": "已完成", "en": "Completed"},
        "web.required": {"zh-Hans": "至少", "zh-Hant": "至少", "en": "At least"},
        "web.case_ids": {"zh-Hans": "案件编号", "zh-Hant": "案件編號", "en": "Case IDs"},
        "web.row_title": {
            "zh-Hans": "{sheet} 第 {row} 行",
            "zh-Hant": "{sheet} 第 {row} 行",
            "en": "{sheet} row {row}",
        },
        "web.row_missing": {
            "zh-Hans": "“{sheet}”表中没有第 {row} 行案件。",
            "zh-Hant": "「{sheet}」表中沒有第 {row} 行案件。",
            "en": "Sheet “{sheet}” has no case on row {row}.",
        },
        "web.field": {"zh-Hans": "表头", "zh-Hant": "表頭", "en": "Header"},
        "web.value": {"zh-Hans": "内容", "zh-Hant": "內容", "en": "Value"},
        "web.bad_date": {
            "zh-Hans": "日期“{value}”格式不对,应为 YYYY-MM-DD。",
            "zh-Hant": "日期「{value}」格式不對,應為 YYYY-MM-DD。",
            "en": "“{value}” is not a date; use YYYY-MM-DD.",
        },
        "web.bad_month": {
            "zh-Hans": "月份“{value}”格式不对,应为 YYYY-MM。",
            "zh-Hant": "月份「{value}」格式不對,應為 YYYY-MM。",
            "en": "“{value}” is not a month; use YYYY-MM.",
        },
        "web.unknown_button": {
            "zh-Hans": "没有“{button}”这个按钮。请刷新页面。",
            "zh-Hant": "沒有「{button}」這個按鈕。請重新整理頁面。",
            "en": "There is no button “{button}”. Reload the page.",
        },
        "web.file_refused": {
            "zh-Hans": "只能打开当前台账所在文件夹中的文件。",
            "zh-Hant": "只能開啟目前台賬所在資料夾中的檔案。",
            "en": "Only files in the current ledger's folder can be opened here.",
        },
        "web.internal": {
            "zh-Hans": "处理时出错:{error}。台账未被修改。请把此信息发给技术支持。",
            "zh-Hant": "處理時出錯:{error}。台賬未被修改。請把此資訊發給技術支援。",
            "en": "Something went wrong: {error}. The ledger was not changed. Please send this message to support.",
        },
        "web.port_taken": {
            "zh-Hans": "无法在 127.0.0.1 的端口 {port} 上启动({error})。请换一个端口(--port),或不写 --port 让系统自动选择。",
            "zh-Hant": "無法在 127.0.0.1 的連接埠 {port} 上啟動({error})。請換一個連接埠(--port),或不寫 --port 讓系統自動選擇。",
            "en": "Cannot start on 127.0.0.1 port {port} ({error}). Choose another --port, or leave it out to get a free one.",
        },
        "web.started": {
            "zh-Hans": "回访台账页面已启动:{url}\n请在浏览器中打开此地址(地址中含本次的令牌,请勿分享)。关闭此窗口或按 Ctrl+C 即停止。",
            "zh-Hant": "回訪台賬頁面已啟動:{url}\n請在瀏覽器中開啟此網址(網址中含本次的權杖,請勿分享)。關閉此視窗或按 Ctrl+C 即停止。",
            "en": "The callback ledger page is running at {url}\nOpen this address in a browser (it holds this start's "
            "token: do not share it). Close this window or press Ctrl+C to stop.",
        },
    }
)
