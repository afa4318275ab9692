"""The law browser's questions to the knowledge base: laws, their chapters and articles, permalinks.

Thin, read-only helpers over ``KnowledgeBase``; the UI renders what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from kb.base import KnowledgeBase
from kb.identity import parse_article_label
from kb.models import DocStatus, Hit, Level, StoredDocument, StoredUnit

ALL_CHAPTERS = ""


@dataclass(frozen=True)
class Located:
    """An article found for the browser, with its neighbours in the document."""

    hit: Hit
    previous: str | None
    next: str | None


def laws(kb: KnowledgeBase) -> list[StoredDocument]:
    """The active documents, by level (法律 before 行政法规 …) then title."""
    order = {level: i for i, level in enumerate(Level)}
    return sorted(kb.documents(), key=lambda d: (order.get(d.meta.level, len(order)), d.meta.title))


def chapter_of(unit: StoredUnit) -> str:
    """The top heading (编 or 章) an article sits under; empty for articles outside any."""
    return unit.unit.heading_path[0] if unit.unit.heading_path else ""


def chapters(kb: KnowledgeBase, doc_id: str) -> list[str]:
    """The document's top headings in order (an empty string first if some articles sit outside any)."""
    return list(dict.fromkeys(chapter_of(u) for u in kb.units(doc_id)))


def articles(kb: KnowledgeBase, doc_id: str, chapter: str | None = None) -> list[StoredUnit]:
    """The document's units in order, only those under ``chapter`` when one is given."""
    units = kb.units(doc_id)
    if chapter:
        units = [u for u in units if chapter_of(u) == chapter]
    return units


def unit_hit(kb: KnowledgeBase, unit_id: str) -> Hit | None:
    hits = kb.hits_for([(unit_id, 1.0)], via="direct")
    return hits[0] if hits else None


def locate(kb: KnowledgeBase, unit_id: str) -> Located | None:
    """The article with the ids of the articles before and after it in its document."""
    hit = unit_hit(kb, unit_id)
    if hit is None:
        return None
    ids = [u.unit_id for u in kb.units(hit.document.doc_id)]
    i = ids.index(unit_id) if unit_id in ids else -1
    return Located(
        hit=hit,
        previous=ids[i - 1] if i > 0 else None,
        next=ids[i + 1] if 0 <= i < len(ids) - 1 else None,
    )


def find_document(kb: KnowledgeBase, law: str) -> StoredDocument | None:
    """A document by id, else the active version of a law by title (full, short or 《》)."""
    doc = kb.document(law)
    if doc is not None:
        return doc
    key = kb.resolve_law(law)
    return kb.active_document(key) if key else None


def find_article(kb: KnowledgeBase, law: str, article: str) -> Hit | None:
    """The unit a permalink names: ``law`` a doc id or title, ``article`` a label (第二十五条), key or number."""
    doc = find_document(kb, law.strip())
    if doc is None:
        return None
    wanted = article.strip()
    is_number = wanted.isdigit() or (wanted.startswith("第") and wanted.endswith("条"))
    number = parse_article_label(wanted)[0] if is_number else None
    for stored in kb.units(doc.doc_id):
        unit = stored.unit
        if wanted in (unit.label, unit.key) or (
            number is not None and unit.kind == "article" and unit.number == number and unit.label.endswith("条")
        ):
            return Hit(unit_id=stored.unit_id, unit=unit, document=doc, score=1.0, via="direct")
    return None


def permalink(hit: Hit) -> str:
    """``?law=<doc_id>&article=<label>``: a link (relative to the app) that opens this article."""
    return "?" + urlencode({"law": hit.document.doc_id, "article": hit.unit.key})


def is_superseded(doc: StoredDocument) -> bool:
    return doc.status is not DocStatus.ACTIVE
