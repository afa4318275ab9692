"""Officers' words → the words the law uses.

``TERMS_OF_ART`` are set phrases of enforcement practice (首违不罚, 罚缴分离, 黑车 …) that statutes never
use verbatim: their legal wording is added to the search text and to the sentence scorer's words.
``COLLOQUIAL`` maps everyday wording (几天 → 日, 签字 → 签名) for the sentence scorer only, where it
cannot pull retrieval off course. Keys are matched as substrings of the question.
"""

from __future__ import annotations

TERMS_OF_ART: dict[str, tuple[str, ...]] = {
    "首违不罚": ("初次违法", "危害后果轻微", "及时改正", "不予行政处罚"),
    "一事不二罚": ("同一个违法行为", "两次以上罚款"),
    "罚缴分离": ("作出罚款决定的行政机关应当与收缴罚款的机构分离",),
    "以罚代刑": ("以行政处罚代替刑事处罚", "不移交"),
    "非诉执行": ("申请人民法院强制执行",),
    "三同时": ("同时设计", "同时施工", "同时投入生产和使用"),
    "两客一危": ("旅客", "危险货物", "承运人责任险"),
    "扣车": ("扣押", "车辆"),
    "黑车": ("未取得道路运输经营许可", "擅自从事"),
    "黑驾校": ("未经备案", "驾驶员培训"),
    "拉超": ("超限", "超载"),
    "营运证": ("道路运输证", "经营许可证"),
    "罚单": ("行政处罚决定",),
    "抢方向盘": ("抢夺方向盘", "干扰驾驶"),
}

COLLOQUIAL: dict[str, tuple[str, ...]] = {
    "扣了": ("扣押",),
    "能扣": ("扣押",),
    "扣留": ("扣押", "暂扣"),
    "超载": ("超限", "超载"),
    "超员": ("超载", "超员"),
    "吊它": ("吊销",),
    "吊证": ("吊销",),
    "倒货": ("驳载",),
    "躲检测": ("逃避", "检测"),
    "晚上": ("夜间",),
    "节假日": ("法定节假日",),
    "未成年": ("周岁", "未成年人"),
    "换人": ("回避",),
    "签字": ("签名", "盖章", "见证人"),
    "不在场": ("不到场", "见证人", "不在场"),
    "更重": ("加重",),
    "多少天": ("日",),
    "几天": ("日",),
    "多长时间": ("日", "期限"),
    "多少小时": ("小时",),
    "交到哪": ("缴纳", "指定的银行"),
    "交罚款": ("缴纳", "罚款"),
    "不交": ("逾期不缴纳", "不履行"),
    "告到法院": ("提起诉讼",),
    "去法院": ("人民法院", "提起诉讼"),
    "起诉": ("提起诉讼", "人民法院"),
    "复议": ("行政复议",),
    "公交": ("城市公共交通",),
    "汽修": ("维修",),
}


def _lookup(table: dict[str, tuple[str, ...]], text: str) -> list[str]:
    out: dict[str, None] = {}
    for key, terms in table.items():
        if key in text:
            for term in terms:
                if term not in text:
                    out.setdefault(term, None)
    return list(out)


def search_terms(question: str) -> list[str]:
    """Legal wording of the terms of art in a question, to add to the search text."""
    return _lookup(TERMS_OF_ART, question)


def expand(question: str) -> list[str]:
    """Legal terms the question's terms of art and colloquial words stand for (for sentence scoring)."""
    return list(dict.fromkeys(_lookup(TERMS_OF_ART, question) + _lookup(COLLOQUIAL, question)))
