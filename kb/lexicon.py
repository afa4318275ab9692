"""Officers' words → the words the law uses, and what kind of article a question asks for.

``TERMS_OF_ART`` are set phrases of enforcement practice (首违不罚, 罚缴分离, 黑车 …) that statutes never use
verbatim: their legal wording joins the question for both the dense and the lexical search.
``COLLOQUIAL`` maps everyday wording (几天 → 日, 签字 → 签名) into the lexical query only (the dense model
sees the question as asked). Keys are matched as substrings of the question. The answer engine weighs
sentences by the same terms (``expand``).
"""

from __future__ import annotations

import re

from kb.models import Unit

TERMS_OF_ART: dict[str, tuple[str, ...]] = {
    "首违不罚": ("初次违法", "危害后果轻微", "及时改正", "不予行政处罚"),
    "一事不二罚": ("同一个违法行为", "两次以上罚款"),
    "以罚代刑": ("代替刑事处罚", "移送司法机关"),
    "黑车": ("未取得道路运输经营许可", "擅自从事"),
    "黑驾校": ("未经备案", "驾驶员培训"),
    "两客一危": ("客运", "危险货物运输", "承运人责任险"),
    "罚缴分离": ("作出罚款决定的行政机关应当与收缴罚款的机构分离",),
    "非诉执行": ("申请人民法院强制执行",),
    "三同时": ("同时设计", "同时施工", "同时投入生产和使用"),
    "抢方向盘": ("抢夺方向盘", "干扰驾驶"),
}

COLLOQUIAL: dict[str, tuple[str, ...]] = {
    # penalties and measures
    "罚单": ("当场", "行政处罚决定书"),
    "扣车": ("扣押", "车辆", "暂扣"),
    "拉超": ("超限", "超载"),
    "营运证": ("道路运输证", "经营许可证"),
    "扣押车": ("扣押", "车辆"),
    "扣了": ("扣押",),
    "能扣": ("扣押",),
    "扣留": ("扣押", "扣留"),
    "吊证": ("吊销",),
    "吊销": ("吊销",),
    "从业资格证": ("从业资格证",),
    "追责": ("责任", "处分"),
    # road administration and overloading
    "超载": ("超限", "超载"),
    "超员": ("超载", "超过核定"),
    "倒货": ("卸载", "分装", "驳载"),
    "躲检测": ("逃避", "超限检测"),
    "过磅": ("检测", "称重"),
    "卡子": ("设卡", "收费站"),
    "设卡": ("设卡",),
    "开口子": ("平面交叉道口", "道口"),
    "平交道口": ("平面交叉道口",),
    "护栏": ("公路附属设施", "损坏"),
    "桥下": ("桥梁下", "桥下空间"),
    "搭棚": ("搭建", "设施"),
    "堆放": ("堆放物品",),
    "占道": ("占用", "挖掘公路"),
    "遗洒": ("遗洒", "飘散", "障碍物"),
    "代为清除": ("代履行",),
    # transport operations
    "承运人责任险": ("承运人责任险", "投保"),
    "网约车": ("网络预约出租汽车",),
    "出租车": ("出租汽车",),
    "巡游车": ("巡游出租汽车",),
    "汽修": ("机动车维修",),
    "修车": ("机动车维修",),
    "报废": ("报废", "拼装"),
    "驾校": ("驾驶员培训",),
    "公交": ("城市公共交通", "公共汽电车"),
    "危化品": ("危险化学品", "危险货物"),
    "危货": ("危险货物",),
    "客车": ("客运", "车辆"),
    "货车": ("货运", "车辆"),
    "班车": ("班线", "客运"),
    "甩站": ("站点", "停靠"),
    "上下客": ("上下旅客", "站点"),
    "开船": ("船舶", "驾驶"),
    "船长": ("船长", "船员"),
    "适任证书": ("适任证书",),
    # procedure
    "签字": ("签名", "盖章", "见证人"),
    "不在场": ("不到场", "见证人"),
    "联系不上": ("不到场", "见证人"),
    "回避": ("回避",),
    "吊它": ("吊销",),
    "晚上": ("夜间",),
    "节假日": ("法定节假日",),
    "更重": ("加重",),
    "多少小时": ("小时",),
    "交到哪": ("缴纳", "指定的银行"),
    "换人": ("回避",),
    "过节": ("利害关系", "回避"),
    "亲戚": ("近亲属", "利害关系", "回避"),
    "一个人": ("执法人员不得少于两人", "两名"),
    "多长时间": ("日内", "期限"),
    "多少天": ("日",),
    "几天": ("日",),
    "告到法院": ("提起诉讼", "人民法院"),
    "去法院": ("人民法院", "提起诉讼"),
    "起诉": ("提起诉讼", "人民法院"),
    "复议": ("行政复议",),
    "被告": ("被告",),
    "委托": ("委托", "受委托组织"),
    "听证": ("听证",),
    "未成年": ("未成年人", "周岁"),
    "精神病": ("精神病人", "智力残疾人"),
    "交罚款": ("缴纳罚款",),
    "不交": ("逾期不缴纳", "加处罚款"),
    "生活用品": ("生活必需品",),
    "被褥": ("生活必需品",),
    "锁门": ("拒绝", "阻碍", "检查"),
    "不让": ("拒绝", "阻碍"),
    "锁了": ("拒绝", "阻碍"),
}

_PENALTY_QUESTION = re.compile(
    r"怎么罚|怎么处罚|如何处罚|罚多少|罚款多少|怎么处理|如何处理|怎么追责|追责|按哪条处罚|能罚|处罚标准|"
    r"罚款|吊销|法律责任|怎么办理.*罚|能不能罚|会被怎么样"
)
PENALTY_WORDS = ("罚款", "吊销", "责令", "没收", "处分", "追究", "暂扣", "警告")


def _lookup(table: dict[str, tuple[str, ...]], query: str) -> list[str]:
    """The terms of the table's keys in the query (longest keys first), each once."""
    out: list[str] = []
    for key in sorted(table, key=lambda k: (-len(k), k)):
        if key in query:
            out.extend(t for t in table[key] if t not in out)
    return out


def terms_of_art(query: str) -> list[str]:
    """The legal wording of the set phrases in the query (for the dense and the lexical search)."""
    return _lookup(TERMS_OF_ART, query)


def expand(query: str) -> list[str]:
    """Legal terms for the set phrases and the colloquial words in the query."""
    return list(dict.fromkeys(terms_of_art(query) + _lookup(COLLOQUIAL, query)))


def asks_for_penalty(query: str) -> bool:
    return bool(_PENALTY_QUESTION.search(query))


def sets_penalty(unit: Unit) -> bool:
    return is_penalty_article(unit.heading_path, unit.text)


def is_penalty_article(heading_path: tuple[str, ...], text: str) -> bool:
    return any("法律责任" in h or "罚则" in h for h in heading_path) or (
        "罚款" in text and ("处" in text or "并处" in text)
    )
