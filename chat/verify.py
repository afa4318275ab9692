"""Checks every citation in a model's answer against the knowledge base and the retrieved articles.

``《X》第N条（第M款）``, bare ``行政处罚法第33条`` (with chains such as ``、第三十四条``) and ``[n]`` markers are
found; one naming an article the knowledge base lacks, one of an article that was not retrieved for this
question and a marker without a retrieved article behind it are taken out of the text and recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from chat.models import RemovalReason, RemovedCitation
from kb.citations import find_citations
from kb.models import Citation, Hit
from kb.numbers import ARTICLE_NUMERALS

Lookup = Callable[[Citation], Hit | None]

_MARKER = re.compile(r"[\[［【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]］】]")
_NUMBER_SPLIT = re.compile(r"\s*[,，、]\s*")
_EMPTY_BRACKETS = re.compile(r"[（(]\s*[、，,；;]*\s*[)）]|【\s*】|\[\s*\]")
_SEPARATOR_RUNS = re.compile(r"([，、；])(?:\s*[，、；])+")
_ARTICLE_PART = re.compile(rf"第\s*[{ARTICLE_NUMERALS}\d０-９]+\s*条.*$", re.S)


@dataclass(frozen=True)
class Verified:
    """The checked text, the citations that hold (resolved, first mention first) and those removed."""

    text: str
    citations: tuple[Citation, ...]
    removed: tuple[RemovedCitation, ...]


@dataclass(frozen=True)
class _Found:
    citation: Citation
    start: int
    end: int


def _groups(found: Iterable[tuple[Citation, int, int]]) -> list[list[_Found]]:
    """Citations of one chain (《X》第一条、第二条) together: a chained one starts where the last ended."""
    groups: list[list[_Found]] = []
    for citation, start, end in found:
        item = _Found(citation, start, end)
        if groups and groups[-1][-1].end == start:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _check(citation: Citation, retrieved: dict[str, Hit], lookup: Lookup) -> Citation | RemovalReason:
    hit = lookup(citation)
    if hit is None:
        return "not_in_kb"
    clauses = hit.unit.clauses
    if citation.clause is not None and clauses and citation.clause > len(clauses):
        return "not_in_kb"
    if citation.item is not None and clauses:
        clause = clauses[(citation.clause or 1) - 1]
        if citation.item > len(clause.items):
            return "not_in_kb"
    if hit.unit_id not in retrieved:
        return "not_retrieved"
    return replace(hit.citation(), clause=citation.clause, item=citation.item)


def _article_part(text: str) -> str:
    """``、第三十四条`` → ``第三十四条``; ``《X》第三条第一款`` → ``第三条第一款``."""
    m = _ARTICLE_PART.search(text)
    return m.group(0) if m else text


def _tidy(text: str) -> str:
    text = _EMPTY_BRACKETS.sub("", text)
    text = _SEPARATOR_RUNS.sub(r"\1", text)
    text = re.sub(r"[，、；]\s*([。！？])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return text.strip()


def verify_answer(
    text: str, retrieved: Sequence[Hit], lookup: Lookup, known_law_keys: Iterable[str] | None = None
) -> Verified:
    """``text`` with unconfirmed citations removed, the confirmed ones, and the removed ones."""
    by_id = {h.unit_id: h for h in retrieved}
    valid: list[Citation] = []
    removed: list[RemovedCitation] = []
    edits: list[tuple[int, int, str]] = []

    for group in _groups(find_citations(text, known_law_keys)):
        kept: list[tuple[_Found, Citation]] = []
        for found in group:
            checked = _check(found.citation, by_id, lookup)
            if isinstance(checked, str):
                removed.append(
                    RemovedCitation(text[found.start : found.end].lstrip("、，,和及与以或至 "), checked)
                )
            else:
                kept.append((found, checked))
        valid.extend(c for _, c in kept)
        if len(kept) == len(group):
            continue
        start, end = group[0].start, group[-1].end
        if not kept:
            edits.append((start, end, ""))
            continue
        head = text[group[0].start : group[0].end]
        law_written = head[: len(head) - len(_article_part(head))]
        if kept[0][0] is group[0]:
            law_written = ""
            parts = [text[kept[0][0].start : kept[0][0].end]]
        else:
            parts = [law_written + _article_part(text[kept[0][0].start : kept[0][0].end])]
        parts += [_article_part(text[f.start : f.end]) for f, _ in kept[1:]]
        edits.append((start, end, "、".join(parts)))

    taken = [(s, e) for s, e, _ in edits]
    for m in _MARKER.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        numbers = [int(n) for n in _NUMBER_SPLIT.split(m.group(1)) if n]
        good = [n for n in numbers if 1 <= n <= len(retrieved)]
        for n in numbers:
            if n in good:
                valid.append(retrieved[n - 1].citation())
            else:
                removed.append(RemovedCitation(f"[{n}]", "bad_marker"))
        if len(good) != len(numbers):
            edits.append((m.start(), m.end(), f"[{', '.join(str(n) for n in good)}]" if good else ""))

    out = text
    for start, end, replacement in sorted(edits, key=lambda e: -e[0]):
        out = out[:start] + replacement + out[end:]
    unique = tuple(dict.fromkeys(valid))
    return Verified(_tidy(out) if edits else out.strip(), unique, tuple(removed))
