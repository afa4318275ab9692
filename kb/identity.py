"""The identity of laws, articles and units, in one place.

- a law is known across versions and spellings by its key (``law_key``: 中华人民共和国行政处罚法, 《行政处罚法》 →
  行政处罚法);
- an article of a law by an ``ArticleRef`` (the law's key and the article's label, 第五十一条 / 第十条之一),
  written ``行政处罚法|第五十一条`` where it has to be one string;
- a stored unit by its unit id ``<doc_id>-<nnnnn>``, whose document is ``doc_id_of(unit_id)``.

This module imports nothing of kb, so every other module (kb.models too) may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.numbers import article_label, cn_to_int

LAW_PREFIX = "中华人民共和国"
REF_SEPARATOR = "|"


def law_key(title: str) -> str:
    """The identity of a law across versions and spellings: no 《》, spaces or 中华人民共和国 prefix."""
    key = re.sub(r"[\s《》〈〉]", "", title)
    if key.startswith(LAW_PREFIX) and len(key) > len(LAW_PREFIX) + 1:
        key = key[len(LAW_PREFIX) :]
    return key


def doc_id_of(unit_id: str) -> str:
    """The document id of a unit id ``<doc_id>-<nnnnn>``."""
    return unit_id.split("-", 1)[0]


def parse_article_label(label: str) -> tuple[int | None, str]:
    """第五十一条 → (51, ""); 第十条之一 → (10, "之一"); 51 → (51, ""); not an article → (None, "")."""
    text = label.strip()
    if text.startswith("第") and "条" in text:
        num, suffix = text[1:].split("条", 1)
        return cn_to_int(num), suffix
    value = cn_to_int(text)
    return value, ""


def article_suffix(label: str) -> str:
    """The 之一 of 第十条之一 ("" for 第十条 or a label without 条)."""
    return label.split("条", 1)[1] if "条" in label else ""


@dataclass(frozen=True, order=True)
class ArticleRef:
    """An article of a law, whatever the version: the law's key and the article's label (第五十一条)."""

    law: str
    label: str

    @classmethod
    def of(cls, law: str, label: str) -> ArticleRef:
        """From a law's title as written (full, short or in 《》) and the article's label."""
        return cls(law_key(law), label.strip())

    @classmethod
    def of_number(cls, law: str, number: int, suffix: str = "") -> ArticleRef:
        return cls.of(law, article_label(number, suffix))

    @classmethod
    def parse(cls, text: str) -> ArticleRef:
        """``行政处罚法|第五十一条`` → ArticleRef; ValueError when the text is not one."""
        law, sep, label = text.partition(REF_SEPARATOR)
        if not sep or not law.strip() or not label.strip():
            raise ValueError(f"not an article reference (law{REF_SEPARATOR}第N条): {text!r}")
        return cls.of(law, label)

    @property
    def number(self) -> int | None:
        return parse_article_label(self.label)[0]

    @property
    def suffix(self) -> str:
        return parse_article_label(self.label)[1]

    def format(self) -> str:
        """``行政处罚法|第五十一条``: the one-string form (how a question stores the article it was built on)."""
        return f"{self.law}{REF_SEPARATOR}{self.label}"

    def __str__(self) -> str:
        return self.format()
