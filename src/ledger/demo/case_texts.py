"""The words the demo ledger is typed with: residents' names and mobile number blocks, departments and
their handlers, case descriptions by category and aspect, and callback notes (zh-Hans with English)."""

from __future__ import annotations

# (zh-Hans, pinyin)
SURNAMES = [
    tuple(p.split(":"))
    for p in (
        "王:Wang 李:Li 张:Zhang 刘:Liu 陈:Chen 杨:Yang 黄:Huang 赵:Zhao 吴:Wu 周:Zhou 徐:Xu 孙:Sun 马:Ma 朱:Zhu "
        "胡:Hu 郭:Guo 何:He 高:Gao 林:Lin 罗:Luo 郑:Zheng 梁:Liang 谢:Xie 宋:Song 唐:Tang 许:Xu 韩:Han 冯:Feng "
        "邓:Deng 曹:Cao 彭:Peng 曾:Zeng 肖:Xiao 田:Tian 董:Dong 袁:Yuan 潘:Pan 蒋:Jiang 蔡:Cai 余:Yu 杜:Du 叶:Ye "
        "程:Cheng 苏:Su 魏:Wei 吕:Lyu 丁:Ding 沈:Shen 姚:Yao 卢:Lu 钟:Zhong 谭:Tan 陆:Lu 范:Fan 金:Jin 廖:Liao "
        "夏:Xia 方:Fang 邹:Zou 熊:Xiong 秦:Qin 江:Jiang 薛:Xue 欧阳:Ouyang"
    ).split()
]
# (zh-Hans, pinyin); weights favour the common surnames at the front
SURNAME_WEIGHTS = [max(1.0, 12.0 - i * 0.4) for i in range(len(SURNAMES))]
GIVEN = [
    tuple(p.split(":"))
    for p in (
        "伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 艳:yan 杰:jie 娟:juan "
        "涛:tao 明:ming 超:chao 秀:xiu 霞:xia 平:ping 刚:gang 英:ying 华:hua 建:jian 国:guo 文:wen 玲:ling 红:hong "
        "辉:hui 鹏:peng 宇:yu 浩:hao 欣:xin 婷:ting 慧:hui 俊:jun 佳:jia 晨:chen 梅:mei 兰:lan 志:zhi 海:hai "
        "春:chun 子:zi 思:si 雨:yu 琳:lin 桂:gui 德:de 荣:rong"
    ).split()
]

# Mainland mobile number blocks in use (a validator may check them); 13x/18x are the most common.
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)] * 2
    + [f"18{d}" for d in range(10)] * 2
    + [
        "150",
        "151",
        "152",
        "153",
        "155",
        "156",
        "157",
        "158",
        "159",
        "147",
        "166",
        "173",
        "176",
        "177",
        "191",
        "198",
        "199",
    ]
)

DEPARTMENTS = {  # key -> (zh-Hans, en, handlers as (zh-Hans, en))
    "engineering": (
        "工程部",
        "Engineering",
        [
            ("赵师傅", "Master Zhao"),
            ("钱志刚", "Qian Zhigang"),
            ("孙建华", "Sun Jianhua"),
            ("周海涛", "Zhou Haitao"),
            ("吴德明", "Wu Deming"),
        ],
    ),
    "service": ("客服中心", "Customer service", [("陈静", "Chen Jing"), ("刘洋", "Liu Yang"), ("张敏", "Zhang Min")]),
    "security": ("秩序维护部", "Security", [("郑勇", "Zheng Yong"), ("冯军", "Feng Jun"), ("韩磊", "Han Lei")]),
    "environment": ("环境部", "Environment", [("何秀英", "He Xiuying"), ("罗桂兰", "Luo Guilan")]),
    "clubhouse": ("会所", "Clubhouse", [("林佳", "Lin Jia")]),
}
ASPECT_DEPARTMENT = {
    "房屋维修": "engineering",
    "设备管理": "engineering",
    "消防防灾": "engineering",
    "安全保卫": "security",
    "停车场": "security",
    "清洁卫生": "environment",
    "绿化环保": "environment",
    "会所及经营设施": "clubhouse",
}

# category -> [(aspect, weight, [(zh-Hans, en), ...])]
CASE_TEXTS: dict[str, list[tuple[str, int, list[tuple[str, str]]]]] = {
    "complaint": [
        (
            "房屋维修",
            18,
            [
                (
                    "楼上漏水至我家卫生间天花板，多次反映未解决",
                    "Water leaks from the flat above into my bathroom ceiling; reported several times",
                ),
                ("外墙渗水，卧室墙面发霉", "Damp comes through the outer wall; the bedroom wall is mouldy"),
                ("维修后窗户仍然关不严", "The window still does not close after the repair"),
            ],
        ),
        (
            "设备管理",
            16,
            [
                ("电梯故障频繁，今天又困人", "The lift keeps breaking down; people were trapped again today"),
                ("电梯停运两天无人告知", "The lift was out of service for two days without notice"),
                ("地下室水泵噪音大，影响休息", "The basement water pump is loud at night"),
                ("楼道灯坏了一周没人修", "The stairwell light has been broken for a week"),
            ],
        ),
        (
            "安全保卫",
            12,
            [
                ("深夜噪音扰民，保安未及时处理", "Late-night noise from neighbours; security did not come"),
                ("外来人员随意进出小区", "Strangers walk in and out of the estate freely"),
                ("电动车在楼道充电，存在安全隐患", "E-bikes are charged in the stairwell, a fire risk"),
            ],
        ),
        (
            "清洁卫生",
            12,
            [
                ("垃圾未及时清运，气味难闻", "Rubbish is not collected on time and smells"),
                ("楼道长期无人打扫", "Nobody has cleaned the stairwell for weeks"),
                ("宠物粪便无人清理", "Dog mess is left on the paths"),
            ],
        ),
        (
            "绿化环保",
            6,
            [
                ("树木遮挡阳光，要求修剪", "Trees block the sunlight; please prune them"),
                ("草坪喷洒农药未提前通知", "The lawn was sprayed with pesticide without notice"),
            ],
        ),
        (
            "停车场",
            14,
            [
                ("车位被他人占用", "Someone else parks in my space"),
                ("停车收费标准不合理", "The parking charges are unreasonable"),
                ("地库车辆被刮，要求查看监控", "My car was scratched in the car park; I want the CCTV footage"),
            ],
        ),
        (
            "服务与投诉处理",
            8,
            [
                ("报修后无人上门，前台推诿", "Nobody came after I reported a repair; the front desk passed the buck"),
                ("对上次投诉的处理结果不满意", "Not satisfied with how my last complaint was handled"),
            ],
        ),
        (
            "员工态度",
            6,
            [("保安态度恶劣", "The security guard was rude"), ("客服电话无人接听", "Nobody answers the service phone")],
        ),
        ("员工效率", 4, [("维修拖延三天才处理", "The repair was delayed for three days")]),
        ("会所及经营设施", 2, [("会所泳池水质差", "The clubhouse pool water is dirty")]),
        ("其他", 2, [("邻居装修噪音扰民，周末也施工", "Neighbour renovating noisily, even at weekends")]),
    ],
    "repair": [
        (
            "房屋维修",
            55,
            [
                ("卫生间漏水", "Bathroom leak"),
                ("厨房下水道堵塞", "Kitchen drain blocked"),
                ("墙面开裂", "Crack in the wall"),
                ("入户门锁损坏", "Front door lock broken"),
                ("窗户密封条脱落", "Window seal came off"),
                ("阳台地漏返水", "Balcony floor drain backs up"),
                ("天花板渗水", "Ceiling is damp"),
                ("水龙头漏水", "Tap is dripping"),
            ],
        ),
        (
            "设备管理",
            35,
            [
                ("电梯按钮失灵", "Lift button not working"),
                ("楼道灯不亮", "Stairwell light out"),
                ("对讲门禁故障", "Door intercom faulty"),
                ("水表井漏水", "Water meter box leaking"),
                ("单元门闭门器损坏", "Entrance door closer broken"),
                ("户内跳闸无电", "Circuit breaker trips, no power"),
            ],
        ),
        (
            "消防防灾",
            5,
            [("消防栓箱门损坏", "Fire hydrant cabinet door broken"), ("烟感报警器误报", "Smoke detector false alarm")],
        ),
        ("停车场", 3, [("地库道闸故障", "Car park barrier faulty")]),
        ("其他", 2, [("信报箱损坏", "Letterbox broken")]),
    ],
    "special_service": [
        (
            "房屋维修",
            50,
            [
                ("有偿疏通马桶", "Paid toilet unblocking"),
                ("更换灯具", "Replace a light fitting"),
                ("安装晾衣架", "Install a clothes rack"),
                ("空调清洗", "Air-conditioner cleaning"),
            ],
        ),
        (
            "清洁卫生",
            35,
            [("家政保洁", "Home cleaning"), ("开荒保洁", "Post-renovation cleaning"), ("地毯清洗", "Carpet cleaning")],
        ),
        ("其他", 15, [("代订桶装水", "Order bottled water"), ("搬家协助", "Help with moving house")]),
    ],
    "help": [
        (
            "服务与投诉处理",
            40,
            [
                ("代收快递", "Hold a parcel"),
                ("借用工具", "Borrow tools"),
                ("咨询装修手续", "Ask about renovation permits"),
            ],
        ),
        (
            "安全保卫",
            35,
            [
                ("钥匙锁在屋内，请求开门", "Locked out, asks for the door to be opened"),
                ("孩子走失，请求协助寻找", "Child missing, asks for help searching"),
                ("车辆被堵，请求联系车主", "Car blocked in, asks to contact the owner"),
            ],
        ),
        ("其他", 25, [("老人行动不便，协助搬运物品", "Elderly resident needs help carrying things")]),
    ],
    "emergency": [
        (
            "安全保卫",
            60,
            [
                ("老人在家摔倒，协助送医", "Elderly resident fell at home; helped to hospital"),
                ("住户突发疾病，拨打120并协助送医", "Resident suddenly ill; called 120 and helped to hospital"),
            ],
        ),
        ("其他", 40, [("儿童手指被门夹伤，紧急处理后送医", "Child's finger caught in a door; first aid and hospital")]),
    ],
    "event": [
        (
            "会所及经营设施",
            40,
            [
                ("中秋游园会", "Mid-Autumn garden party"),
                ("亲子运动会", "Family sports day"),
                ("夏日纳凉晚会", "Summer evening party"),
            ],
        ),
        ("综合评议", 30, [("社区刊物《阳光家园》发放", "Community newsletter handed out")]),
        ("其他", 30, [("消防演练", "Fire drill"), ("业主座谈会", "Owners' meeting")]),
    ],
    "other": [
        (
            "其他",
            60,
            [
                ("咨询物业费缴纳", "Asks how to pay the management fee"),
                ("反映小区WiFi信号差", "Reports poor Wi-Fi in the estate"),
                ("建议增加健身器材", "Suggests more fitness equipment"),
            ],
        ),
        ("综合评议", 40, [("对物业服务提出建议", "Suggestions about the management service")]),
    ],
}
CALLBACK_NOTES = {  # satisfaction -> callback notes (zh-Hans, en)
    "satisfied": [
        ("处理及时，很满意", "Handled quickly, very satisfied"),
        ("态度好，问题已解决", "Friendly staff, problem solved"),
        ("感谢物业", "Thanks to the management office"),
    ],
    "fairly_satisfied": [
        ("问题已解决，但处理时间较长", "Solved, but it took a long time"),
        ("基本满意，希望加强沟通", "Mostly satisfied; keep me informed next time"),
    ],
    "unsatisfied": [
        ("问题仍未彻底解决，要求重新处理", "Still not fixed; wants it redone"),
        ("对处理结果不满意", "Unhappy with the outcome"),
    ],
}
REPAIR_NOTES = {  # added for repairs and paid services, where the work itself is judged
    "satisfied": [
        ("维修质量好，未再出现问题", "Good repair, no recurrence"),
        ("师傅技术好，现场清理干净", "Skilled and tidy work"),
    ],
    "fairly_satisfied": [("修好了，但上门时间推迟", "Fixed, but the visit was late")],
    "unsatisfied": [("维修后再次出现问题", "The problem came back after the repair")],
}
