"""Self-contained statements and enumerations of an article: what questions can be built on.

A statement is an exact span of the article (a sentence, a ；-part of a long one, or a 项 that reads as a
rule on its own) that makes sense without the article around it: no 前款/本条/下列 references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.models import Item
from kb.numbers import SMALL_NUMERALS
from quiz.source import Article, item_text
from quiz.text import trim_end

MIN_LEN = 12
MAX_LEN = 110
_DANGLING = re.compile(
    r"前款|前项|前两款|前三款|前条|本条|上述|下列|以下情形|以下程序|如下|依照前|按照前|该|其他有关|施行|制定本|"
    rf"^但|^并|^或者|^同时|^其中|^对此|^此外|^除此|\d{{4}}年|[〇零]年|[（(][{SMALL_NUMERALS}]+[)）]"
)
_MODAL = re.compile(r"应当|可以|不得|必须|有权|禁止")
_RULE_LIST_LEAD = re.compile(r"程序|下列规定|以下规定|要求")
_RULE_WORDS = re.compile(r"应当|可以|不得|必须|有权|禁止|由|负责")
_NOUN_RE = re.compile(r"(?:下列|以下|如下)([^，。；：的]{1,8}?)(?:之一|$|：)")
_ENUM_LEAD = re.compile(r"(下列|以下|如下)|的种类|包括|[有是为]：$|：$")


@dataclass(frozen=True)
class Statement:
    text: str  # exact span of the article, without its closing punctuation
    clause: int
    from_item: bool = False


@dataclass(frozen=True)
class Enumeration:
    lead: str  # the 款 text before its 项, without the closing ：
    items: tuple[str, ...]  # each 项 without its （一） marker and closing punctuation
    clause: int

    @property
    def noun(self) -> str:
        """What the list enumerates: 下列情形之一 → 情形; 以下证明、凭证 → 证明、凭证."""
        m = _NOUN_RE.search(self.lead)
        return m.group(1) if m else ""

    @property
    def has_catch_all(self) -> bool:
        return any("其他" in i for i in self.items)


def _usable(text: str) -> bool:
    return MIN_LEN <= len(text) <= MAX_LEN and not _DANGLING.search(text) and not text.endswith("：")


def statements(article: Article) -> list[Statement]:
    out: list[Statement] = []
    for clause in article.clauses:
        for sentence in re.split(r"(?<=。)", clause.text):
            body = trim_end(sentence)
            if not body or body.endswith("：") or sentence.rstrip().endswith("："):
                continue
            if len(body) > MAX_LEN and "；" in body:
                first = trim_end(body.split("；")[0])  # later parts often lack their subject
                if _usable(first) and _RULE_WORDS.search(first):
                    out.append(Statement(first, clause.number))
            elif _usable(body):
                out.append(Statement(body, clause.number))
        if not _RULE_LIST_LEAD.search(clause.text):
            continue
        for item in clause.items:
            text = _item_rule(item)
            if text and _usable(text) and _MODAL.search(text) and "，" in text and not text.endswith("的"):
                out.append(Statement(text, clause.number, from_item=True))
    return out


def _item_rule(item: Item) -> str:
    if item.subitems:
        return ""
    return trim_end(item_text(item))


def enumerations(article: Article) -> list[Enumeration]:
    """款 whose 项 list a closed set (for 下列属于…的有): at least three items, none with sub-items."""
    out = []
    for clause in article.clauses:
        if len(clause.items) < 3 or any(i.subitems for i in clause.items):
            continue
        lead = trim_end(clause.text)
        if not lead or not clause.text.rstrip().endswith(("：", ":")) or not _ENUM_LEAD.search(clause.text.strip()):
            continue
        items = tuple(trim_end(item_text(i)) for i in clause.items)
        if any(not i for i in items):
            continue
        out.append(Enumeration(lead, items, clause.number))
    return out
