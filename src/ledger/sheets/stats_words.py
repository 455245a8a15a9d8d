"""The words of the monthly statistics sheet (月度统计) in three languages, registered as `stats.*`."""

from __future__ import annotations

from typing import Any

from ledger.core.i18n import register, text

WORDS: dict[str, tuple[str, str, str]] = {
    "title": (
        "{office} 月度回访统计表({month})",
        "{office} 月度回訪統計表({month})",
        "{office} monthly callback statistics, {month}",
    ),
    "subtitle": (
        "统计期间 {first} 至 {last};回访记录截至 {as_of}。表中均为数值,可按台账用 COUNTIFS 复核。",
        "統計期間 {first} 至 {last};回訪記錄截至 {as_of}。表中均為數值,可按台賬用 COUNTIFS 複核。",
        "Period {first} to {last}; callbacks recorded up to {as_of}. All cells are values that COUNTIFS over the ledger re-derives.",
    ),
    "s1": (
        "一、案件受理、完成与未完成情况(按类别)",
        "一、案件受理、完成與未完成情況(按類別)",
        "1. Cases received, completed and still open, by category",
    ),
    "s2": (
        "二、顾客投诉分类统计(本月受理的投诉)",
        "二、顧客投訴分類統計(本月受理的投訴)",
        "2. Complaints received this month, by responsibility class and severity",
    ),
    "s2b": ("投诉按服务项目", "投訴按服務項目", "Complaints by aspect"),
    "s3": (
        "三、回访完成情况(按回访期限所在月份判定)",
        "三、回訪完成情況(按回訪期限所在月份判定)",
        "3. Callback compliance (judged in the month the window closes)",
    ),
    "s4": (
        "四、回访满意度(本月所做回访)",
        "四、回訪滿意度(本月所做回訪)",
        "4. Satisfaction of the callbacks made this month",
    ),
    "s4b": ("满意度按服务项目", "滿意度按服務項目", "Satisfaction by aspect"),
    "s5": ("五、处理及时性", "五、處理及時性", "5. Timeliness"),
    "s6": ("六、预警", "六、預警", "6. Alerts"),
    "s7": ("七、近12个月趋势", "七、近12個月趨勢", "7. 12-month trend"),
    "category": ("类别", "類別", "Category"),
    "received": ("本月受理", "本月受理", "Received"),
    "completed": ("本月完成", "本月完成", "Completed"),
    "open": ("月末未完成", "月末未完成", "Open at month end"),
    "total": ("合计", "合計", "Total"),
    "overall": ("总体", "總體", "Overall"),
    "class": ("责任类别", "責任類別", "Responsibility"),
    "aspect": ("服务项目", "服務項目", "Aspect"),
    "complaints": ("投诉件数", "投訴件數", "Complaints"),
    "unclassified": (
        "另有 {n} 件本月投诉未填写责任类别或严重程度,未计入上表。",
        "另有 {n} 件本月投訴未填寫責任類別或嚴重程度,未計入上表。",
        "{n} complaint(s) of this month lack a class or severity and are not in the table above.",
    ),
    "population": ("应回访总数", "應回訪總數", "Population"),
    "sampled": ("抽中", "抽中", "Drawn"),
    "on_time": ("按时回访", "按時回訪", "On time"),
    "late": ("逾期回访", "逾期回訪", "Late"),
    "too_early": ("过早回访", "過早回訪", "Too early"),
    "overdue": ("逾期未回访", "逾期未回訪", "Overdue"),
    "exempt": ("免回访", "免回訪", "Exempt"),
    "unreachable": ("无法联系", "無法聯繫", "Unreachable"),
    "required": ("规定回访件数", "規定回訪件數", "Required"),
    "callback_rate": ("实际回访率", "實際回訪率", "Callback rate"),
    "required_rate": ("规定回访率", "規定回訪率", "Required rate"),
    "result": ("结果", "結果", "Result"),
    "result_cb": ("结果(按时 ≥ 规定为合格)", "結果(按時 ≥ 規定為合格)", "Result (pass: on time ≥ required)"),
    "result_sat": ("结果(满意率 ≥ 目标为合格)", "結果(滿意率 ≥ 目標為合格)", "Result (pass: rate ≥ target)"),
    "pass": ("合格", "合格", "Pass"),
    "fail": ("不合格", "不合格", "Fail"),
    "why_cb_pass": (
        "合格:按时 {on_time} ≥ 规定 {required}",
        "合格:按時 {on_time} ≥ 規定 {required}",
        "Pass: on time {on_time} ≥ required {required}",
    ),
    "why_cb_fail": (
        "不合格:按时 {on_time} < 规定 {required}",
        "不合格:按時 {on_time} < 規定 {required}",
        "Fail: on time {on_time} < required {required}",
    ),
    "why_all_pass": ("合格:各类别均合格", "合格:各類別均合格", "Pass: every category passes"),
    "why_all_fail": ("不合格:{n} 类未达标", "不合格:{n} 類未達標", "Fail: {n} categories short"),
    "why_sat_pass": ("合格:{rate} ≥ {target}", "合格:{rate} ≥ {target}", "Pass: {rate} ≥ {target}"),
    "why_sat_fail": ("不合格:{rate} < {target}", "不合格:{rate} < {target}", "Fail: {rate} < {target}"),
    "footer": (
        "{office}  月度回访统计表 {month}",
        "{office}  月度回訪統計表 {month}",
        "{office}  callback statistics {month}",
    ),
    "page": ("第 &P 页 共 &N 页", "第 &P 頁 共 &N 頁", "Page &P of &N"),
    "x_month": ("月份", "月份", "Month"),
    "none": ("—", "—", "—"),
    "s3_note": (
        "按时回访件数 ≥ 规定回访件数为合格。免回访不计入应回访总数;未抽中且未回访的案件计入总数,但不计入任何结果。",
        "按時回訪件數 ≥ 規定回訪件數為合格。免回訪不計入應回訪總數;未抽中且未回訪的案件計入總數,但不計入任何結果。",
        "Pass: on-time callbacks ≥ required. Exempt cases are outside the population; cases not drawn and not called are in the population but in no outcome column.",
    ),
    "satisfied": ("满意", "滿意", "Satisfied"),
    "fairly_satisfied": ("一般满意", "一般滿意", "Fairly satisfied"),
    "unsatisfied": ("不满意", "不滿意", "Unsatisfied"),
    "graded": ("回访件数", "回訪件數", "Callbacks"),
    "sat_rate": ("满意率", "滿意率", "Satisfaction rate"),
    "target": ("目标", "目標", "Target"),
    "s4_note": (
        "满意率 =(满意 + 一般满意)÷ 回访件数 × 100%(003 篇3 3.1.3);总体目标 ≥ {target}。",
        "滿意率 =(滿意 + 一般滿意)÷ 回訪件數 × 100%(003 篇3 3.1.3);總體目標 ≥ {target}。",
        "Rate = (satisfied + fairly satisfied) ÷ callbacks graded; overall target ≥ {target}.",
    ),
    "item": ("项目", "項目", "Item"),
    "count": ("达标件数", "達標件數", "Met"),
    "of": ("投诉总数", "投訴總數", "Complaints"),
    "ratio": ("比率", "比率", "Rate"),
    "responded_24h": ("投诉24小时内首次回复", "投訴24小時內首次回覆", "Complaints answered within 24 hours"),
    "resolved_3wd": ("投诉3个工作日内解决", "投訴3個工作日內解決", "Complaints resolved within 3 working days"),
    "median": ("中位天数", "中位天數", "Median days"),
    "alert_kind": ("预警类型", "預警類型", "Alert"),
    "unit": ("房号", "房號", "Unit"),
    "cases": ("件数", "件數", "Cases"),
    "case_ids": ("案件编号", "案件編號", "Case IDs"),
    "detail": ("说明", "說明", "Detail"),
    "a_unsatisfied": ("回访不满意", "回訪不滿意", "Unsatisfied"),
    "a_repeat_complaints": ("重复投诉", "重複投訴", "Repeat complaint"),
    "a_repeat_repairs": ("重复维修", "重複維修", "Repeat repair"),
    "a_severity_raised": ("等级建议上调", "等級建議上調", "Raise severity"),
    "lookback": (
        "同房号同事项 {days}天内 ≥{n} 次",
        "同房號同事項 {days}天內 ≥{n} 次",
        "same unit and matter, ≥ {n} in {days} days",
    ),
    "raised": (
        "登记 {clerk} → 建议 {suggested}",
        "登記 {clerk} → 建議 {suggested}",
        "recorded {clerk} → suggested {suggested}",
    ),
    "blank": ("(未填)", "(未填)", "(blank)"),
    "no_alerts": ("本月无预警", "本月無預警", "No alerts this month"),
    "alerts_total": ("共 {n} 项", "共 {n} 項", "{n} alert(s)"),
    "month": ("月份", "月份", "Month"),
    "content": ("满意+一般满意", "滿意+一般滿意", "Satisfied + fairly satisfied"),
    "called": ("已回访", "已回訪", "Called back"),
    "chart_sat": ("满意率趋势", "滿意率趨勢", "Satisfaction rate"),
    "chart_cb": ("回访率趋势", "回訪率趨勢", "Callback rate"),
    "signature": (
        "制表人:__________    服务中心主管(签字):__________    管理处经理:__________    日期:__________",
        "製表人:__________    服務中心主管(簽字):__________    管理處經理:__________    日期:__________",
        "Prepared by: __________    Supervisor (signature): __________    Office manager: __________    Date: __________",
    ),
    "text_head": (
        "{office} {month} 月度统计(回访截至 {as_of})",
        "{office} {month} 月度統計(回訪截至 {as_of})",
        "{office} statistics for {month} (callbacks up to {as_of})",
    ),
    "text_cases": (
        "受理 {received} 件,完成 {completed} 件,月末未完成 {open} 件。",
        "受理 {received} 件,完成 {completed} 件,月末未完成 {open} 件。",
        "Received {received}, completed {completed}, open at month end {open}.",
    ),
    "text_compliance": (
        "{category}:应回访 {population},规定 {required},按时 {on_time},逾期回访 {late},过早 {too_early},逾期未回访 {overdue},免回访 {exempt},无法联系 {unreachable},回访率 {rate},{result}",
        "{category}:應回訪 {population},規定 {required},按時 {on_time},逾期回訪 {late},過早 {too_early},逾期未回訪 {overdue},免回訪 {exempt},無法聯繫 {unreachable},回訪率 {rate},{result}",
        "{category}: population {population}, required {required}, on time {on_time}, late {late}, too early {too_early}, overdue {overdue}, exempt {exempt}, unreachable {unreachable}, rate {rate}, {result}",
    ),
    "text_satisfaction": (
        "满意度:回访 {graded} 件,满意率 {rate}(目标 {target})。",
        "滿意度:回訪 {graded} 件,滿意率 {rate}(目標 {target})。",
        "Satisfaction: {graded} callbacks graded, rate {rate} (target {target}).",
    ),
    "text_timeliness": (
        "投诉 {of} 件:24小时内回复 {r24},3个工作日内解决 {r3}。",
        "投訴 {of} 件:24小時內回覆 {r24},3個工作日內解決 {r3}。",
        "{of} complaints: {r24} answered within 24 h, {r3} resolved within 3 working days.",
    ),
    "partial_title": (
        "(截至 {as_of},未满月)",
        "(截至 {as_of},未滿月)",
        " (up to {as_of}, month not over)",
    ),
    "excluded": (
        "{n} 件未能计入统计:第 {rows} 行,见“问题”列。",
        "{n} 件未能計入統計:第 {rows} 行,見「問題」欄。",
        "{n} case(s) could not be counted: rows {rows}; see the Problems column.",
    ),
    "no_data": ("无数据", "無數據", "No data"),
    "no_data_why": (
        "无数据:台账没有{columns}列。",
        "無數據:台賬沒有{columns}欄。",
        "No data: the ledger has no {columns} column.",
    ),
    "no_windows": (
        "回访率无数据:本月没有回访期限到期的案件。",
        "回訪率無數據:本月沒有回訪期限到期的案件。",
        "Callback rate: no data, no callback window closed this month.",
    ),
    "no_callbacks": (
        "满意率无数据:本月没有评了满意度的回访。",
        "滿意率無數據:本月沒有評了滿意度的回訪。",
        "Satisfaction rate: no data, no graded callback this month.",
    ),
    "no_complaints": (
        "比率无数据:本月没有受理投诉。",
        "比率無數據:本月沒有受理投訴。",
        "Rates: no data, no complaint was received this month.",
    ),
    "text_excluded": (
        "⚠ {n} 件未能计入统计:第 {rows} 行,见“问题”列。",
        "⚠ {n} 件未能計入統計:第 {rows} 行,見「問題」欄。",
        "⚠ {n} case(s) could not be counted: rows {rows}; see the Problems column.",
    ),
    "text_alerts": (
        "预警:不满意 {u},重复投诉 {rc} 组,重复维修 {rr} 组,等级建议上调 {sr}。",
        "預警:不滿意 {u},重複投訴 {rc} 組,重複維修 {rr} 組,等級建議上調 {sr}。",
        "Alerts: {u} unsatisfied, {rc} repeat-complaint groups, {rr} repeat-repair groups, {sr} severities to raise.",
    ),
}
register({f"stats.{k}": {"zh-Hans": v[0], "zh-Hant": v[1], "en": v[2]} for k, v in WORDS.items()})


def say(key: str, lang: str, **params: Any) -> str:
    """The sheet's word for `key` in `lang`."""
    return text(f"stats.{key}", lang, **params)


FOLLOW_UPS = {
    "zh-Hans": ("跟进事项(不满意、重复投诉、重复维修;须再回访关闭)", "本月新增", "本月再回访关闭", "月末仍未关闭"),
    "zh-Hant": ("跟進事項(不滿意、重複投訴、重複維修;須再回訪關閉)", "本月新增", "本月再回訪關閉", "月末仍未關閉"),
    "en": ("Follow-ups (unsatisfied, repeat complaints and repairs; closed by a second callback)",
           "Opened this month", "Closed this month", "Still open at month end"),
}  # fmt: skip


SUSPICIONS = {
    "zh-Hans": ("回访疑点(请主管核实;核实后在案件台账【疑点说明】列写明,不再提示)", "本月未发现回访疑点", "疑点"),
    "zh-Hant": ("回訪疑點(請主管核實;核實後在案件台賬【疑點說明】欄寫明,不再提示)", "本月未發現回訪疑點", "疑點"),
    "en": ("Callback suspicions (for the supervisor to check; explain one in the case sheet's “Suspicion explained” "
           "column and it is not raised again)", "No suspicions this month", "Suspicion"),
}  # fmt: skip
