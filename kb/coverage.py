"""What the knowledge base lacks: the documents enforcement rests on (a list kept as data, e.g. the project's
``corpus/foundation.tsv``) checked against what is stored, and which of the lacking ones a question is about."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from kb.identity import law_key
from kb.models import Level, StoredDocument


class FoundationError(ValueError):
    pass


@dataclass(frozen=True)
class FoundationDocument:
    """A document enforcement rests on, as published: its title, level, issuing body, current version."""

    title: str
    level: Level
    issuing_body: str = ""
    version_date: date | None = None
    """The current version's date; ``None``: only whether the document is there is checked."""
    source: str = ""
    topics: tuple[str, ...] = ()
    """Words of the document's field (超限, 网约车, …): a question using one is about that field."""

    @property
    def law_key(self) -> str:
        return law_key(self.title)


class GapKind(StrEnum):
    ABSENT = "absent"
    OLDER = "older"


@dataclass(frozen=True)
class CoverageGap:
    document: FoundationDocument
    kind: GapKind
    held_version: date | None = None
    """The version the knowledge base holds (``OLDER``)."""


def gap_to_json(gap: CoverageGap) -> dict[str, str | None]:
    document = gap.document
    return {"title": document.title, "level": document.level.value, "kind": gap.kind.value,
            "version_date": document.version_date.isoformat() if document.version_date else None,
            "held_version": gap.held_version.isoformat() if gap.held_version else None}


def load_foundation(path: Path) -> tuple[FoundationDocument, ...]:
    """Read a foundation list (TSV: title, level, issuing_body, version_date, source, topics; ``#`` comments)."""
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        raise FoundationError(f"{path}: cannot read the foundation list ({exc})") from exc
    documents = []
    for number, row in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
        try:
            documents.append(FoundationDocument(
                title=row["title"].strip(),
                level=Level(row["level"].strip()),
                issuing_body=(row.get("issuing_body") or "").strip(),
                version_date=date.fromisoformat(row["version_date"]) if row.get("version_date") else None,
                source=(row.get("source") or "").strip(),
                topics=tuple(t.strip() for t in (row.get("topics") or "").split(";") if t.strip()),
            ))
        except (KeyError, ValueError, AttributeError) as exc:
            raise FoundationError(f"{path}, row {number}: {exc}") from exc
    return tuple(documents)


def coverage_gaps(foundation: Iterable[FoundationDocument], stored: Iterable[StoredDocument]) -> list[CoverageGap]:
    """The foundation documents absent from ``stored`` (the active documents), or held only in an older
    version than the current one."""
    held: dict[str, date | None] = {}
    for doc in stored:
        key = doc.law_key
        newest = held.get(key)
        if key not in held or (doc.meta.version_date and (newest is None or doc.meta.version_date > newest)):
            held[key] = doc.meta.version_date
    gaps = []
    for document in foundation:
        if document.law_key not in held:
            gaps.append(CoverageGap(document, GapKind.ABSENT))
            continue
        version = held[document.law_key]
        if document.version_date and version and version < document.version_date:
            gaps.append(CoverageGap(document, GapKind.OLDER, held_version=version))
    return gaps


def gaps_for(question: str, gaps: Sequence[CoverageGap], limit: int = 3) -> list[CoverageGap]:
    """The gaps a question is about: it names the document (title or key) or uses a word of its field; the
    ones it names first, then those with more of their words in it."""
    scored = []
    for order, gap in enumerate(gaps):
        named = gap.document.law_key in question or gap.document.title in question
        words = sum(1 for topic in gap.document.topics if topic in question)
        if named or words:
            scored.append((not named, -words, order, gap))
    return [gap for *_, gap in sorted(scored, key=lambda s: s[:3])[:limit]]
