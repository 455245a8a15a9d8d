"""What the clerk reads when a delivery cannot go ahead or fails (mail.* codes), in three languages;
mail.delivery registers them."""

from __future__ import annotations

CATALOG: dict[str, dict[str, str]] = {
    "mail.no_host": {
        "zh-Hans": "未设置邮件服务器。请在“设置”表填写 SMTP 服务器地址，或改用“生成 .eml 文件”手动发送。",
        "zh-Hant": "未設定郵件伺服器。請在「設定」表填寫 SMTP 伺服器位址，或改用「產生 .eml 檔案」手動傳送。",
        "en": "No mail server is set. Enter the SMTP server in the Settings sheet, or write an .eml file and send it by hand.",
    },
    "mail.no_sender": {
        "zh-Hans": "未设置发件人地址。请在“设置”表填写本处的发件邮箱。",
        "zh-Hant": "未設定寄件人位址。請在「設定」表填寫本處的寄件信箱。",
        "en": "No sender address is set. Enter this office's sending address in the Settings sheet.",
    },
    "mail.no_recipients": {
        "zh-Hans": "没有收件人。请在“设置”表填写总部收件邮箱，或在命令中用 --to 指定。",
        "zh-Hant": "沒有收件人。請在「設定」表填寫總部收件信箱，或在命令中用 --to 指定。",
        "en": "There are no recipients. Enter head office's address in the Settings sheet, or give --to.",
    },
    "mail.connection_refused": {
        "zh-Hans": "无法连接邮件服务器 {host}:{port}（连接被拒绝）。请核对服务器地址和端口，或稍后再试；急用时可生成 .eml 文件手动发送。",
        "zh-Hant": "無法連線郵件伺服器 {host}:{port}（連線被拒絕）。請核對伺服器位址和連接埠，或稍後再試；急用時可產生 .eml 檔案手動傳送。",
        "en": "Could not connect to the mail server {host}:{port} (connection refused). Check the server and port, or try later; if urgent, write an .eml file and send it by hand.",
    },
    "mail.connection_failed": {
        "zh-Hans": "无法连接邮件服务器 {host}:{port}（{detail}）。请检查网络和服务器地址，或生成 .eml 文件手动发送。",
        "zh-Hant": "無法連線郵件伺服器 {host}:{port}（{detail}）。請檢查網路和伺服器位址，或產生 .eml 檔案手動傳送。",
        "en": "Could not reach the mail server {host}:{port} ({detail}). Check the network and the server address, or write an .eml file and send it by hand.",
    },
    "mail.disconnected": {
        "zh-Hans": "邮件服务器 {host} 中途断开了连接，邮件未发出。请稍后重试。",
        "zh-Hant": "郵件伺服器 {host} 中途中斷了連線，郵件未寄出。請稍後重試。",
        "en": "The mail server {host} closed the connection; the mail was not sent. Try again later.",
    },
    "mail.timeout": {
        "zh-Hans": "邮件服务器 {host}:{port} 在 {seconds} 秒内没有响应，邮件未发出。请检查网络后重试，或生成 .eml 文件手动发送。",
        "zh-Hant": "郵件伺服器 {host}:{port} 在 {seconds} 秒內沒有回應，郵件未寄出。請檢查網路後重試，或產生 .eml 檔案手動傳送。",
        "en": "The mail server {host}:{port} did not answer within {seconds} s; the mail was not sent. Check the network and retry, or write an .eml file.",
    },
    "mail.ca_file_missing": {
        "zh-Hans": "“设置”表中的 SMTP 证书文件 {path} 无法读取({detail})。请核对路径,或请信息部门提供公司的根证书(PEM 格式)。",
        "zh-Hant": "「設定」表中的 SMTP 憑證檔案 {path} 無法讀取({detail})。請核對路徑,或請資訊部門提供公司的根憑證(PEM 格式)。",
        "en": "The SMTP CA certificate file {path} in the Settings sheet cannot be read ({detail}). Check the path, or ask IT for the company's root certificate (PEM).",
    },
    "mail.tls_failed": {
        "zh-Hans": "与邮件服务器 {host} 建立加密连接失败（{detail}）。请核对服务器地址和加密方式（SSL/STARTTLS），或请信息部门检查证书。",
        "zh-Hant": "與郵件伺服器 {host} 建立加密連線失敗（{detail}）。請核對伺服器位址和加密方式（SSL/STARTTLS），或請資訊部門檢查憑證。",
        "en": "Could not set up an encrypted connection to {host} ({detail}). Check the server and the security setting (SSL/STARTTLS), or ask IT to check the certificate.",
    },
    "mail.starttls_unavailable": {
        "zh-Hans": "邮件服务器 {host}:{port} 不支持 STARTTLS 加密，为保护密码未发送。请改用 SSL（通常端口 465）或核对端口。",
        "zh-Hant": "郵件伺服器 {host}:{port} 不支援 STARTTLS 加密，為保護密碼未傳送。請改用 SSL（通常連接埠 465）或核對連接埠。",
        "en": "The mail server {host}:{port} does not offer STARTTLS, so nothing was sent (to protect the password). Use SSL (usually port 465) or check the port.",
    },
    "mail.insecure_host": {
        "zh-Hans": "加密方式“none”（不加密）只允许用于本机服务器，{host} 不是本机。请在“设置”表改为 SSL 或 STARTTLS。",
        "zh-Hant": "加密方式「none」（不加密）只允許用於本機伺服器，{host} 不是本機。請在「設定」表改為 SSL 或 STARTTLS。",
        "en": 'Security "none" is only allowed for a server on this computer; {host} is not. Set SSL or STARTTLS in the Settings sheet.',
    },
    "mail.auth_failed": {
        "zh-Hans": "邮件服务器拒绝了用户 {user} 的登录（{reply}）。请核对用户名和密码（密码保存在系统钥匙串或环境变量 LEDGER_SMTP_PASSWORD 中，不在工作簿里）。",
        "zh-Hant": "郵件伺服器拒絕了使用者 {user} 的登入（{reply}）。請核對使用者名稱和密碼（密碼存於系統鑰匙圈或環境變數 LEDGER_SMTP_PASSWORD，不在活頁簿中）。",
        "en": "The mail server refused the login for {user} ({reply}). Check the user name and password (kept in the system keyring or LEDGER_SMTP_PASSWORD, never in the workbook).",
    },
    "mail.auth_unsupported": {
        "zh-Hans": "邮件服务器 {host} 不接受登录（未提供 AUTH）。请核对服务器地址、端口和加密方式。",
        "zh-Hant": "郵件伺服器 {host} 不接受登入（未提供 AUTH）。請核對伺服器位址、連接埠和加密方式。",
        "en": "The mail server {host} does not accept a login (no AUTH offered). Check the server, port and security setting.",
    },
    "mail.auth_required": {
        "zh-Hans": "邮件服务器要求登录（{reply}）。请在“设置”表填写用户名，并把密码存入系统钥匙串或环境变量 LEDGER_SMTP_PASSWORD。",
        "zh-Hant": "郵件伺服器要求登入（{reply}）。請在「設定」表填寫使用者名稱，並把密碼存入系統鑰匙圈或環境變數 LEDGER_SMTP_PASSWORD。",
        "en": "The mail server requires a login ({reply}). Enter the user name in the Settings sheet and store the password in the system keyring or LEDGER_SMTP_PASSWORD.",
    },
    "mail.sender_refused": {
        "zh-Hans": "邮件服务器拒绝了发件人 {sender}（{reply}），邮件未发出。请核对“设置”表中的发件地址是否与登录账号一致。",
        "zh-Hant": "郵件伺服器拒絕了寄件人 {sender}（{reply}），郵件未寄出。請核對「設定」表中的寄件位址是否與登入帳號一致。",
        "en": "The mail server refused the sender {sender} ({reply}); nothing was sent. Check that the sender in the Settings sheet matches the login account.",
    },
    "mail.all_recipients_refused": {
        "zh-Hans": "邮件服务器拒绝了全部收件人：{refused}。邮件未发出，请核对收件地址。",
        "zh-Hant": "郵件伺服器拒絕了全部收件人：{refused}。郵件未寄出，請核對收件位址。",
        "en": "The mail server refused every recipient: {refused}. Nothing was sent; check the addresses.",
    },
    "mail.some_recipients_refused": {
        "zh-Hans": "邮件服务器拒绝了部分收件人：{refused}。为免漏发，邮件没有发给任何人；请改正地址后重发。",
        "zh-Hant": "郵件伺服器拒絕了部分收件人：{refused}。為免漏寄，郵件沒有寄給任何人；請改正位址後重寄。",
        "en": "The mail server refused some recipients: {refused}. To avoid a partial send, nobody was sent the mail; correct the addresses and send again.",
    },
    "mail.data_refused": {
        "zh-Hans": "邮件服务器拒收了邮件内容（{reply}），邮件未发出。附件可能过大，或被判为垃圾邮件；请联系信息部门或生成 .eml 手动发送。",
        "zh-Hant": "郵件伺服器拒收了郵件內容（{reply}），郵件未寄出。附件可能過大，或被判為垃圾郵件；請聯絡資訊部門或產生 .eml 手動傳送。",
        "en": "The mail server rejected the message ({reply}); nothing was sent. The attachment may be too large or flagged as spam; ask IT, or write an .eml and send it by hand.",
    },
    "mail.server_error": {
        "zh-Hans": "邮件服务器返回错误（{reply}），邮件未发出。请稍后重试。",
        "zh-Hant": "郵件伺服器回傳錯誤（{reply}），郵件未寄出。請稍後重試。",
        "en": "The mail server answered with an error ({reply}); nothing was sent. Try again later.",
    },
    "mail.address_unsupported": {
        "zh-Hans": "地址 {address} 含非英文字符，而邮件服务器不支持这种地址。请改用纯英文地址。",
        "zh-Hant": "位址 {address} 含非英文字元，而郵件伺服器不支援這種位址。請改用純英文位址。",
        "en": "The address {address} has non-ASCII characters, which this mail server does not accept. Use a plain ASCII address.",
    },
    "mail.outlook_unavailable": {
        "zh-Hans": "无法使用 Outlook 生成草稿（需要 Windows 上安装的桌面版 Outlook）。请改用 SMTP 发送或生成 .eml 文件。",
        "zh-Hant": "無法使用 Outlook 產生草稿（需要 Windows 上安裝的桌面版 Outlook）。請改用 SMTP 傳送或產生 .eml 檔案。",
        "en": "Cannot create an Outlook draft (needs desktop Outlook on Windows). Send by SMTP or write an .eml file instead.",
    },
    "mail.outlook_failed": {
        "zh-Hans": "Outlook 生成草稿失败（{detail}）。请确认 Outlook 已打开且可以正常使用，或生成 .eml 文件。",
        "zh-Hant": "Outlook 產生草稿失敗（{detail}）。請確認 Outlook 已開啟且可正常使用，或產生 .eml 檔案。",
        "en": "Outlook could not create the draft ({detail}). Make sure Outlook is open and working, or write an .eml file.",
    },
}
