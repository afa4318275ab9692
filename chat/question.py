"""What a question asks: its content words (jieba) and what kind of answer it wants."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import jieba

from kb.numbers import ARTICLE_NUMERALS

_ready = False
_lock = threading.Lock()


def tokenizer() -> jieba.Tokenizer:
    """jieba's shared tokenizer (the knowledge base's lexical index uses it too), loaded on first use."""
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba.dt


# Words that carry no topic: function words, question words and words every legal text has.
_STOPWORD_TEXT = """
    的 了 是 在 把 到 和 与 及 或 或者 吗 呢 啊 吧 么 嘛 呀 哦 啥 什么 怎么 怎样 怎么样 如何 为何 为什么 哪 哪个 哪些 哪里
    哪儿 哪一条 一条 第几条 几条 几 多少 多久 多长 多长时间 能 能不能 能否 可以 可不可以 可否 要 要不要 需要 需不需要 有没有
    没有 有 没 我们 我 你 您 他 她 它 他们 她们 它们 这 那 这个 那个 这种 那种 这些 那些 一个 一种 还 也 就 都 又 再
    被 给 对 从 跟 让 向 以 于 为 由 时候 时 里 中 上 下 前 后 规定 规定的 条 款 项 法 说 讲 讲的是 该 按 按照 依据 根据
    依照 处理 怎么办 办 主要 内容 关于 问 请问 一下 是不是 是否 到底 应该 应当 应 得 会 会不会 不会 能够 这样 那样
    如果 要是 假如 那么 还有 另外 此外 说的是 指 意思 出自 出处 一句 这句 话 句 具体 情况 一般 通常 现在 新 旧 呢
    自己 咱们 咱 人 事 那要 还要 不能 只有 就是 还是 而且 已经 现在 今天 之后 以后 以前 东西 该怎么 怎么处理 如何处理 怎么罚 罚多少 不 也 但 但是 而 并 且 之 其 此 所 即
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_PUNCT = re.compile(r"^[\W_]+$")
_LAW_TITLE = re.compile(r"《[^》]{2,60}》")
_LAW_NAME = re.compile(r"[\u4e00-\u9fff]{2,30}?(?:法|条例)(?![律规典人院官学理定则制治务庭警医])")
_NOT_LAW = (
    "违法",
    "执法",
    "依法",
    "合法",
    "非法",
    "方法",
    "办法",
    "做法",
    "说法",
    "立法",
    "司法",
    "守法",
    "犯法",
    "想法",
    "看法",
    "用法",
)
ARTICLE_REF = re.compile(rf"第\s*[0-9０-９{ARTICLE_NUMERALS}]+\s*条")

_AMOUNT_Q = re.compile(
    r"多少|几天|几日|几个|几年|几小时|几次|几倍|多长|多久|期限|时限|时效|最多|最高|最长|最少|最低|上限|下限|数额|金额|罚款|百分之|比例|多大|多重|吨"
)
_PENALTY_Q = re.compile(
    r"怎么处理|如何处理|怎样处理|怎么罚|怎么处罚|如何处罚|怎样处罚|罚多少|能罚|可以罚|处罚|罚款|吊销|追责|追究|法律责任|"
    r"按哪条|依据哪|哪些条款|扣车|扣押|没收|暂扣|能不能扣|责令"
)
_PROCEDURE_Q = re.compile(
    r"程序|怎么办|流程|步骤|手续|如何办理|怎么办理|要求|要不要|需不需要|报告|申请|听证|告知|送达|签字|签名|怎么做|"
    r"谁来|由谁|哪个部门|期限|多长时间|时限|移送|委托|公布|记录|笔录"
)
_LOOKUP_Q = re.compile(
    r"哪一条|第几条|哪条|出自|规定在|是什么意思|讲的是|说的是|规定了什么|是关于什么|什么内容|讲的啥|讲的是啥"
)


@dataclass(frozen=True)
class Intent:
    """The kind of answer a question wants; several may hold at once."""

    amount: bool = False
    penalty: bool = False
    procedure: bool = False
    lookup: bool = False

    @property
    def any(self) -> bool:
        return self.amount or self.penalty or self.procedure or self.lookup


def detect_intent(question: str) -> Intent:
    return Intent(
        amount=bool(_AMOUNT_Q.search(question)),
        penalty=bool(_PENALTY_Q.search(question)),
        procedure=bool(_PROCEDURE_Q.search(question)),
        lookup=bool(_LOOKUP_Q.search(question)),
    )


def law_mentions(text: str, known: Sequence[str] = ()) -> list[str]:
    """Law titles a text names: 《…》 titles and, longest first, any of the ``known`` titles or short titles."""
    found = [m.group(0)[1:-1] for m in _LAW_TITLE.finditer(text)]
    rest = _LAW_TITLE.sub("，", text)
    for name in sorted({n for n in known if len(n) >= 2}, key=len, reverse=True):
        if name in rest:
            found.append(name)
            rest = rest.replace(name, "，")
    return found


def names_a_law(text: str, known: Sequence[str] = ()) -> bool:
    """Whether a text names a law, known to the knowledge base or not (行政处罚法, 某某条例, 《…》)."""
    if law_mentions(text, known):
        return True
    return any(not m.group(0).endswith(_NOT_LAW) for m in _LAW_NAME.finditer(text))


def content_tokens(text: str, known_laws: Sequence[str] = ()) -> list[str]:
    """Distinct topic words of a text, in order (jieba search mode; stopwords, punctuation, law titles out)."""
    text = ARTICLE_REF.sub("，", text)
    for name in law_mentions(text, known_laws):
        text = text.replace(f"《{name}》", "，").replace(name, "，")
    seen: dict[str, None] = {}
    for token in tokenizer().lcut_for_search(text):
        token = token.strip()
        if not token or token in STOPWORDS or _PUNCT.match(token):
            continue
        if len(token) == 1 and not token.isdigit():
            continue
        seen.setdefault(token, None)
    return list(seen)


@dataclass(frozen=True)
class PreparedQuestion:
    """A question after clean-up: the text as asked (cut to length) and whether it was cut."""

    text: str
    truncated: bool
    original_length: int


def prepare(question: str, max_chars: int) -> PreparedQuestion:
    """Normalise whitespace and cut an over-long question to ``max_chars``; the text stays plain text."""
    text = re.sub(r"\s+", " ", question.replace("\x00", " ")).strip()
    length = len(text)
    if length > max_chars:
        return PreparedQuestion(text[:max_chars].rstrip(), True, length)
    return PreparedQuestion(text, False, length)
