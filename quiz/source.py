"""Articles as the quiz reads them from the knowledge base: body text, 款/项 structure, citation, hash.

The quiz needs only ``documents()`` and ``units(doc_id)`` of a store (the KnowledgeBase facade has
both); ``StaticSource`` offers the same over parsed documents held in memory (tests, benchmarks).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from kb.citations import ABBREVIATIONS, law_key
from kb.citations import citation_label as citation_label
from kb.identity import ArticleRef, article_suffix
from kb.models import (
    Citation,
    Clause,
    DocStatus,
    Item,
    Level,
    ParsedDocument,
    StoredDocument,
    StoredUnit,
    Unit,
)
from kb.numbers import SMALL_NUMERALS, article_label, cn_to_int
from quiz.text import ITEM_MARKER_RE, normalize

_ITEM_LINE_RE = re.compile(rf"^[（(]([{SMALL_NUMERALS}]+)[)）]")
_SUBITEM_LINE_RE = re.compile(r"^(?:\d+[.．、]|[（(]\d+[)）])")


class UnitSource(Protocol):
    """What the quiz reads from the knowledge base."""

    def documents(self) -> list[StoredDocument]: ...

    def units(self, doc_id: str) -> list[StoredUnit]: ...


class UnknownLaw(ValueError):
    """A law name that matches no document, or more than one."""


@dataclass(frozen=True)
class Article:
    """One article (第X条) of a stored document, with what the generators need of it."""

    document: StoredDocument
    stored: StoredUnit

    @property
    def unit(self) -> Unit:
        return self.stored.unit

    @property
    def law(self) -> str:
        return self.document.meta.title

    @property
    def short_law(self) -> str:
        return short_title(self.law)

    @property
    def label(self) -> str:
        return self.unit.label

    @property
    def chapter(self) -> str:
        return self.unit.heading_path[0] if self.unit.heading_path else ""

    @cached_property
    def clauses(self) -> tuple[Clause, ...]:
        return self.unit.clauses or split_clauses(self.body)

    @cached_property
    def body(self) -> str:
        """The article text without its 第X条 label."""
        if self.unit.clauses:
            return "\n".join(c.full_text for c in self.unit.clauses)
        text = self.unit.text.strip()
        if text.startswith(self.label):
            text = text[len(self.label) :]
        return text.strip()

    @cached_property
    def normalized(self) -> str:
        return normalize(self.body)

    @cached_property
    def text_hash(self) -> str:
        return article_hash(self.body)

    @property
    def key(self) -> str:
        return source_key(self.law, self.label)

    def citation(self) -> Citation:
        suffix = article_suffix(self.label)
        return Citation(
            law=self.law,
            article=self.unit.number,
            article_suffix=suffix,
            unit_id=self.stored.unit_id,
            version_date=self.document.meta.version_date,
        )


def short_title(title: str) -> str:
    """中华人民共和国行政处罚法 → 行政处罚法 (the form exam stems use)."""
    return law_key(title)


def source_key(law: str, label: str) -> str:
    """``行政处罚法|第五十一条``: how a question remembers the article it was built on (``ArticleRef``)."""
    return ArticleRef(law_key(law), label).format()


def article_hash(body: str) -> str:
    return hashlib.sha256(normalize(body).encode()).hexdigest()[:16]


def split_clauses(body: str) -> tuple[Clause, ...]:
    """款/项 of an article whose unit carries no parsed clauses: one 款 per line, （一）… lines as 项."""
    clauses: list[tuple[str, list[list[str]]]] = []
    for raw in body.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if _ITEM_LINE_RE.match(line):
            if not clauses:
                clauses.append(("", []))
            clauses[-1][1].append([line])
        elif _SUBITEM_LINE_RE.match(line) and clauses and clauses[-1][1]:
            clauses[-1][1][-1].append(line)
        else:
            clauses.append((line, []))
    out = []
    for n, (lead, items) in enumerate(clauses, start=1):
        parsed = []
        for lines in items:
            m = _ITEM_LINE_RE.match(lines[0])
            parsed.append(Item(number=(cn_to_int(m.group(1)) if m else 0) or 0, text=lines[0], subitems=tuple(lines[1:])))
        out.append(Clause(number=n, text=lead, items=tuple(parsed)))
    return tuple(out)


def item_text(item: Item) -> str:
    """The 项 without its （一） marker."""
    return ITEM_MARKER_RE.sub("", item.text, count=1).strip()


@dataclass
class ArticleIndex:
    """Every article of the chosen documents, by law and by citation."""

    articles: list[Article]
    memo: dict[str, object] = field(default_factory=dict, repr=False)  # derived data cached by users
    _by_key: dict[tuple[str, str], Article] = field(init=False, repr=False)
    _by_law: dict[str, list[Article]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {}
        self._by_law = {}
        for art in self.articles:
            self._by_key.setdefault((law_key(art.law), art.label), art)
            self._by_law.setdefault(art.law, []).append(art)

    @classmethod
    def from_source(cls, source: UnitSource, include_checklists: bool = False) -> ArticleIndex:
        arts: list[Article] = []
        for doc in source.documents():
            if doc.meta.level is Level.CHECKLIST and not include_checklists:
                continue
            for stored in source.units(doc.doc_id):
                if stored.unit.kind == "article":
                    arts.append(Article(doc, stored))
        return cls(arts)

    def laws(self) -> list[str]:
        return list(self._by_law)

    def of_law(self, law: str) -> list[Article]:
        return list(self._by_law.get(law, ()))

    def resolve(self, citation: Citation) -> Article | None:
        """The article a citation names (full, short or abbreviated title), or None."""
        if citation.article is None:
            return None
        label = article_label(citation.article, citation.article_suffix)
        key = law_key(citation.law)
        hit = self._by_key.get((key, label))
        if hit is None and key in ABBREVIATIONS:
            hit = self._by_key.get((ABBREVIATIONS[key], label))
        return hit

    def resolve_laws(self, names: Sequence[str]) -> list[str]:
        """Stored titles for names as written; UnknownLaw if a name matches none or is ambiguous."""
        if not names:
            return self.laws()
        out: list[str] = []
        keys = {law_key(t): t for t in self.laws()}
        for name in names:
            key = law_key(name)
            key = ABBREVIATIONS.get(key, key)
            if key in keys:
                out.append(keys[key])
                continue
            matches = [t for k, t in keys.items() if key in k]
            if len(matches) != 1:
                found = "、".join(matches) if matches else "none"
                raise UnknownLaw(f"law {name!r} matches {found}")
            out.append(matches[0])
        return list(dict.fromkeys(out))


class StaticSource:
    """Parsed documents held in memory, read like the knowledge base (tests, benchmarks, previews)."""

    def __init__(self, docs: Iterable[ParsedDocument]) -> None:
        self._docs: list[StoredDocument] = []
        self._units: dict[str, list[StoredUnit]] = {}
        for n, doc in enumerate(docs, start=1):
            doc_id = f"doc{n:04d}"
            stored = StoredDocument(
                doc_id=doc_id,
                law_key=law_key(doc.meta.title),
                meta=doc.meta,
                content_hash=doc.content_hash,
                status=DocStatus.ACTIVE,
                unit_count=len(doc.units),
            )
            self._docs.append(stored)
            self._units[doc_id] = [
                StoredUnit(unit_id=f"{doc_id}-{u.ordinal or i:05d}", doc_id=doc_id, unit=u)
                for i, u in enumerate(doc.units, start=1)
            ]

    def documents(self) -> list[StoredDocument]:
        return list(self._docs)

    def units(self, doc_id: str) -> list[StoredUnit]:
        return list(self._units.get(doc_id, ()))
