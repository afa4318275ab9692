"""A few laws of ../shared/corpus as small strings (the tests must not need the corpus), read like the KB."""

from __future__ import annotations

import hashlib

from kb.models import DocumentMeta, Level, ParsedDocument, Unit
from kb.numbers import article_label
from quiz.source import ArticleIndex, StaticSource


def law(title: str, articles: dict[int, str]) -> ParsedDocument:
    """``articles``: number → text (款 on their own lines)."""
    units = []
    for ordinal, (number, text) in enumerate(sorted(articles.items()), start=1):
        label = article_label(number)
        units.append(Unit(kind="article", number=number, label=label, text=f"{label} {text}", ordinal=ordinal))
    digest = hashlib.sha256("".join(u.text for u in units).encode()).hexdigest()
    return ParsedDocument(DocumentMeta(title=title, level=Level.ADMIN_REGULATION), tuple(units), digest)


def index_of(*docs: ParsedDocument) -> ArticleIndex:
    return ArticleIndex.from_source(StaticSource(docs))
