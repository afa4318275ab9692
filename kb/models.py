"""Plain data of the knowledge base: documents, their units (articles or sections), citations, hits.

Nothing here renders text for people: the UI and the CLI do that at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal

from kb.identity import article_suffix


class Level(StrEnum):
    """效力层级 of a document."""

    CONSTITUTION = "宪法"
    LAW = "法律"
    ADMIN_REGULATION = "行政法规"
    DEPARTMENT_RULE = "部门规章"
    LOCAL_REGULATION = "地方性法规"
    LOCAL_GOV_RULE = "地方政府规章"
    NORMATIVE = "规范性文件"
    CHECKLIST = "应知应会"
    OTHER = "其他"


class Validity(StrEnum):
    """时效性 of a document as its issuer states it."""

    CURRENT = "现行有效"
    AMENDED = "已被修改"
    REPEALED = "已废止"
    NOT_YET = "尚未生效"
    UNKNOWN = "未知"


class DocStatus(StrEnum):
    """Whether a stored version is the one default search sees."""

    ACTIVE = "active"
    SUPERSEDED = "superseded"


UnitKind = Literal["article", "section"]


@dataclass(frozen=True)
class Item:
    """项: （一）… inside a 款, with its 目 (1. 2. …) if any."""

    number: int
    text: str
    subitems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clause:
    """款: one paragraph of an article; ``text`` is the lead-in, ``items`` its 项."""

    number: int
    text: str
    items: tuple[Item, ...] = ()

    @property
    def full_text(self) -> str:
        parts = [self.text] if self.text else []
        for item in self.items:
            parts.append(item.text)
            parts.extend(item.subitems)
        return "\n".join(parts)


@dataclass(frozen=True)
class Unit:
    """One retrievable record: an article (第X条) or, in an article-less document, a section.

    ``number`` is the article number (第三十三条 → 33; 第十条之一 → 10 with ``label`` keeping 之一)
    or, for a section, its position in the document. ``heading_path`` is the 编/章/节 (or 一、（一）)
    path above the unit.
    """

    kind: UnitKind
    number: int
    label: str
    text: str
    heading_path: tuple[str, ...] = ()
    clauses: tuple[Clause, ...] = ()
    title: str = ""
    ordinal: int = 0

    @property
    def key(self) -> str:
        """Stable key of the unit inside its document (``第三十三条``, ``§12``)."""
        return self.label if self.kind == "article" else f"§{self.ordinal}"


@dataclass(frozen=True)
class DocumentMeta:
    """What is known about one version of a document."""

    title: str
    level: Level = Level.OTHER
    issuing_body: str = ""
    version_date: date | None = None
    validity: Validity = Validity.CURRENT
    short_title: str = ""
    doc_number: str = ""
    history: tuple[str, ...] = ()
    source: str = ""
    ocr: bool = False
    """The text was recognised from a scan or photo (OCR): a citation can say so."""


@dataclass(frozen=True)
class ParsedDocument:
    """A document after ingest parsed it, before it is stored."""

    meta: DocumentMeta
    units: tuple[Unit, ...]
    content_hash: str

    @property
    def kind(self) -> UnitKind:
        return "article" if any(u.kind == "article" for u in self.units) else "section"


@dataclass(frozen=True)
class StoredDocument:
    """A document version as the registry holds it."""

    doc_id: str
    law_key: str
    meta: DocumentMeta
    content_hash: str
    status: DocStatus
    unit_count: int
    ingested_at: str = ""


@dataclass(frozen=True)
class StoredUnit:
    unit_id: str
    doc_id: str
    unit: Unit


@dataclass(frozen=True)
class Citation:
    """A reference to an article (and optionally its 款/项) of a law, as data.

    ``law`` is the title as written (possibly short or with 《》) until the knowledge base resolves
    it; a resolved citation carries the stored full title, the ``unit_id`` and the ``version_date``.
    """

    law: str
    article: int | None = None
    article_suffix: str = ""
    clause: int | None = None
    item: int | None = None
    unit_id: str | None = None
    version_date: date | None = None
    quote: str = ""
    section_label: str = ""
    ocr: bool = False
    """The stored text was recognised from a scan or photo (``DocumentMeta.ocr``): check it against the original."""

    @property
    def resolved(self) -> bool:
        return self.unit_id is not None


@dataclass(frozen=True)
class SearchFilters:
    laws: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    validity: tuple[Validity, ...] = ()
    include_superseded: bool = False


@dataclass(frozen=True)
class Hit:
    """One retrieved unit with the evidence behind its rank."""

    unit_id: str
    unit: Unit
    document: StoredDocument
    score: float
    via: Literal["direct", "hybrid"] = "hybrid"
    dense_score: float | None = None
    lexical_score: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None
    memory_share: float | None = None
    """The share of the nearest answered questions' votes it got (kb.memory), if any."""
    rerank_score: float | None = None

    def citation(self) -> Citation:
        return Citation(
            law=self.document.meta.title,
            article=self.unit.number if self.unit.kind == "article" else None,
            article_suffix=article_suffix(self.unit.label) if self.unit.kind == "article" else "",
            unit_id=self.unit_id,
            version_date=self.document.meta.version_date,
            quote=self.unit.text,
            section_label="" if self.unit.kind == "article" else self.unit.label,
            ocr=self.document.meta.ocr,
        )


@dataclass(frozen=True)
class SearchResult:
    """Hits for a query plus the knowledge base's judgement whether they answer it at all."""

    query: str
    hits: tuple[Hit, ...]
    grounded: bool
    direct: tuple[Citation, ...] = ()
    unresolved: tuple[Citation, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
