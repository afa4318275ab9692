"""Text → legal structure: 编/分编/章/节 → 条 → 款 → 项 → 目, or sections for article-less documents.

``parse_document`` is the entry point. A line is an article heading when it starts with 第X条 (Chinese or
Arabic numerals, optionally 之一/之二) followed by whitespace or the end of the line; without the space
(``第十条为了…``) it must continue the numbering (previous + 1, or a 之N of the previous) and must not read
as a cross-reference (``第三十八条规定…``, ``第五条的规定``). Text before the first chapter or article is
the header (title, history, 文号, a 目录 that is skipped); lines broken in mid-sentence are joined again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from ingest.errors import FileRefused, IngestError
from ingest.metadata import extract_metadata, is_header_line
from ingest.sections import (
    HEADER_END,
    TOP_SECTION_LEVEL,
    Division,
    ends_open,
    normalise_lines,
    parse_division,
    parse_heading,
    parse_sections,
    split_section_header,
    split_signature,
    strip_page_furniture,
)
from ingest.text import LoadedText
from kb.models import Clause, DocumentMeta, Item, ParsedDocument, Unit
from kb.numbers import ARTICLE_NUMERALS, ITEM_NUMERALS, SMALL_NUMERALS, article_label, cn_to_int

_CN_NUMERALS = ARTICLE_NUMERALS
_ARTICLE_RE = re.compile(
    rf"^第\s*(?P<num>[{_CN_NUMERALS}]+|[0-9０-９]+)\s*条(?P<suffix>之[{SMALL_NUMERALS}]+)?"
    r"(?P<space>[ \t\u3000]*)(?P<rest>.*)$"
)
_CROSS_REF_RE = re.compile(
    r"^(?:规定|的|所|中|之|第|和|与|及|或|至|以|、|，|,|。|；|）|\)|》|〉|款|项|等|中的|明确|列举|所列|之外|以外)"
)
_ITEM_RE = re.compile(rf"^[（(]\s*(?P<num>[{ITEM_NUMERALS}]+|[0-9０-９]{{1,3}})\s*[）)]")
_SUBITEM_RE = re.compile(r"^(?P<num>[0-9０-９]{1,3})\s*[.．、](?![0-9０-９])")
_TOC_RE = re.compile(r"^目\s*录$")
_APPENDIX_RE = re.compile(r"^附\s*[件表录]\s*[0-9０-９一二三四五六七八九十]*(?:\s*[：:]|\s+|$)")
_TOC_LINE_MAX = 40


@dataclass(frozen=True)
class ArticleHeading:
    number: int
    suffix: str
    rest: str

    @property
    def label(self) -> str:
        return _label(self.number, self.suffix)


_label = cache(article_label)


def _follows(prev: tuple[int, str] | None, number: int, suffix: str) -> bool:
    if prev is None:
        return True
    return number == prev[0] if suffix else number == prev[0] + 1


def match_article(line: str, prev: tuple[int, str] | None = None) -> ArticleHeading | None:
    """The article heading at the start of ``line``, or None (plain text, cross-reference).

    ``prev`` is the (number, suffix) of the previous article heading, for the numbering check.
    """
    match = _ARTICLE_RE.match(line)
    if not match:
        return None
    number = cn_to_int(match["num"])
    if number is None:
        return None
    suffix = match["suffix"] or ""
    rest = match["rest"].strip()
    fits = _follows(prev, number, suffix)
    if not rest:
        return ArticleHeading(number, suffix, "") if fits else None
    if _CROSS_REF_RE.match(rest) and not (match["space"] and fits):
        return None
    if not match["space"] and not fits:
        return None
    return ArticleHeading(number, suffix, rest)


# ---------------------------------------------------------------- drafts


@dataclass
class _ItemDraft:
    number: int
    text: str
    style: str
    subitems: list[str] = field(default_factory=list)

    def build(self) -> Item:
        return Item(self.number, self.text, tuple(self.subitems))


@dataclass
class _ClauseDraft:
    text: str
    items: list[_ItemDraft] = field(default_factory=list)

    def build(self, number: int) -> Clause:
        return Clause(number, self.text, tuple(i.build() for i in self.items))


@dataclass
class _ArticleDraft:
    heading: ArticleHeading
    heading_path: tuple[str, ...]
    clauses: list[_ClauseDraft] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.heading.rest:
            self.clauses.append(_ClauseDraft(self.heading.rest))

    def _current_clause(self) -> _ClauseDraft:
        if not self.clauses:
            self.clauses.append(_ClauseDraft(""))
        return self.clauses[-1]

    def add_paragraph(self, line: str) -> None:
        if not self._continue_last(line):
            self.clauses.append(_ClauseDraft(line))

    def add_item(self, line: str, number: int, arabic: bool) -> None:
        clause = self._current_clause()
        current = clause.items[-1] if clause.items else None
        if arabic and current is not None and current.style in ("cn", "dot"):
            current.subitems.append(line)
            return
        clause.items.append(_ItemDraft(number, line, "paren" if arabic else "cn"))

    def add_subitem(self, line: str, number: int) -> None:
        clause = self._current_clause()
        current = clause.items[-1] if clause.items else None
        if current is not None and current.style != "dot":
            current.subitems.append(line)
        else:
            clause.items.append(_ItemDraft(number, line, "dot"))

    def _continue_last(self, line: str) -> bool:
        if not self.clauses:
            return False
        clause = self.clauses[-1]
        if clause.items:
            item = clause.items[-1]
            if item.subitems:
                if ends_open(item.subitems[-1]):
                    item.subitems[-1] += line
                    return True
                return False
            if ends_open(item.text):
                item.text += line
                return True
            return False
        if clause.text and ends_open(clause.text):
            clause.text += line
            return True
        return False

    def build(self, ordinal: int) -> Unit:
        label = self.heading.label
        clauses = tuple(c.build(i + 1) for i, c in enumerate(self.clauses))
        body = "\n".join(c.full_text for c in clauses)
        return Unit(
            kind="article",
            number=self.heading.number,
            label=label,
            text=f"{label} {body}" if body else label,
            heading_path=self.heading_path,
            clauses=clauses,
            ordinal=ordinal,
        )


# ---------------------------------------------------------------- articles


@dataclass
class ArticleParse:
    """Result of reading a document as articles: header lines, units in order, trailing appendix lines."""

    header: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    appendix: list[str] = field(default_factory=list)

    @property
    def article_count(self) -> int:
        return sum(1 for u in self.units if u.kind == "article")


@dataclass
class _Toc:
    """A 目录 block: its entries are skipped until its first entry (same kind and number) comes again."""

    active: bool = False
    first: tuple[str, int] | None = None

    def swallows(self, line: str) -> bool:
        if not self.active:
            return False
        division = parse_division(line)
        if division is not None:
            key = (division.kind, division.number)
            if self.first is None:
                self.first = key
                return True
            if key != self.first:
                return True
        elif _ARTICLE_RE.match(line) is None and len(line) <= _TOC_LINE_MAX:
            return True
        self.active = False
        return False


@dataclass
class _ArticleReader:
    result: ArticleParse = field(default_factory=ArticleParse)
    in_header: bool = True
    toc: _Toc = field(default_factory=_Toc)
    divisions: list[Division] = field(default_factory=list)
    division_numbers: dict[str, int] = field(default_factory=dict)
    article: _ArticleDraft | None = None
    prev: tuple[int, str] | None = None
    loose: list[str] = field(default_factory=list)

    @property
    def heading_path(self) -> tuple[str, ...]:
        return tuple(d.heading for d in self.divisions)

    def close(self) -> None:
        if self.article is not None:
            self.result.units.append(self.article.build(len(self.result.units)))
            self.article = None
        if self.loose:
            self.result.units.append(_loose_unit(self.loose, self.heading_path))
            self.loose = []

    def open_division(self, division: Division) -> None:
        self.close()
        self.in_header = False
        while self.divisions and self.divisions[-1].level >= division.level:
            self.divisions.pop()
        self.divisions.append(division)
        if division.number:
            self.division_numbers[division.kind] = division.number

    def open_article(self, heading: ArticleHeading) -> None:
        self.close()
        self.in_header = False
        self.article = _ArticleDraft(heading, self.heading_path)
        self.prev = (heading.number, heading.suffix)

    def body_line(self, line: str) -> None:
        if self.article is None:
            self.loose.append(line)
            return
        item = _ITEM_RE.match(line)
        if item:
            number = cn_to_int(item["num"]) or 0
            self.article.add_item(line, number, arabic=item["num"][0] not in _CN_NUMERALS)
            return
        sub = _SUBITEM_RE.match(line)
        if sub:
            self.article.add_subitem(line, cn_to_int(sub["num"]) or 0)
            return
        self.article.add_paragraph(line)

    def feed(self, lines: Sequence[str]) -> ArticleParse:
        for index, line in enumerate(lines):
            if line == HEADER_END:
                self.in_header = False
                continue
            if self.in_header and _TOC_RE.match(line):
                self.toc.active = True
                continue
            if self.toc.swallows(line):
                continue
            division = parse_division(line, self.division_numbers)
            if division is not None:
                self.open_division(division)
                continue
            heading = match_article(line, self.prev)
            if heading is not None:
                self.open_article(heading)
                continue
            if self.in_header:
                self.result.header.append(line)
                continue
            if self.prev is not None and _APPENDIX_RE.match(line) and not line.endswith("。"):
                self.result.appendix = list(lines[index:])
                break
            self.body_line(line)
        self.close()
        return self.result


def _loose_unit(lines: Sequence[str], heading_path: tuple[str, ...]) -> Unit:
    label = heading_path[-1] if heading_path else "正文"
    return Unit(kind="section", number=0, label=label, text="\n".join(lines), heading_path=heading_path[:-1])


def parse_articles(lines: Sequence[str]) -> ArticleParse:
    """Normalised lines → header lines and units (articles; loose text between them as sections).

    If the lines contain ``HEADER_END`` everything before it is header.
    """
    reader = _ArticleReader()
    if HEADER_END in lines:
        cut = lines.index(HEADER_END)
        reader.result.header = [line for line in lines[:cut] if not _TOC_RE.match(line)]
        reader.in_header = False
        lines = lines[cut + 1 :]
    return reader.feed(lines)


# ---------------------------------------------------------------- documents


def content_hash(lines: Sequence[str]) -> str:
    """sha256 (hex) of the normalised text: cleaned non-empty lines joined by newlines."""
    text = "\n".join(line for line in lines if line != HEADER_END)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalised_text(text: str) -> str:
    """The text ``content_hash`` is computed from."""
    return "\n".join(line for line in normalise_lines(text) if line != HEADER_END)


def _numbered(units: Sequence[Unit]) -> tuple[Unit, ...]:
    out: list[Unit] = []
    for ordinal, unit in enumerate(units):
        number = unit.number if unit.kind == "article" else ordinal + 1
        same = unit.ordinal == ordinal and unit.number == number
        out.append(unit if same else replace(unit, ordinal=ordinal, number=number))
    return tuple(out)


def is_article_document(articles: ArticleParse) -> bool:
    """Articles were found and the header holds no 一、 section heading (a notice quoting an article)."""
    if not articles.article_count:
        return False
    return not any(_is_top_section(line) for line in articles.header[1:])


def _is_top_section(line: str) -> bool:
    heading = parse_heading(line)
    return heading is not None and heading.level == TOP_SECTION_LEVEL


def _preamble(header: Sequence[str]) -> list[Unit]:
    """Prose sentences in a header without end marker (a 序言) as one section, so no text is lost."""
    prose = [line for line in header[1:] if line.endswith("。") and not is_header_line(line)]
    return [Unit(kind="section", number=0, label="序言", text="\n".join(prose))] if prose else []


def _metadata(
    header: Sequence[str],
    loaded: LoadedText,
    fields: dict[str, str],
    signature: Sequence[str],
    hints: DocumentMeta | None,
) -> DocumentMeta:
    return extract_metadata(
        header,
        title_hint=loaded.title_hint,
        path=loaded.path,
        fields=fields,
        signature=signature,
        hints=hints,
    )


def _too_many_units(loaded: LoadedText, count: int, max_units: int | None) -> None:
    if max_units is not None and count > max_units:
        raise FileRefused(loaded.path, f"共 {count} 条（或节），超过上限 {max_units} 条")


def parse_document(loaded: LoadedText, hints: DocumentMeta | None = None,
                   max_units: int | None = None) -> ParsedDocument:
    """A loaded text → metadata and units (articles, or sections when it has no article headings).

    ``hints`` (e.g. from a MANIFEST.tsv) win over what the text says, field by field. A text of more than
    ``max_units`` units is refused (:class:`FileRefused`), by its article headings before they are parsed.
    """
    lines = normalise_lines(loaded.text)
    if not any(line != HEADER_END for line in lines):
        raise IngestError(loaded.path, "the file has no text")
    digest = content_hash(lines)
    lines, fields = strip_page_furniture(lines)
    if max_units is not None:  # parsing takes ~1 KB a unit: count the headings first
        _too_many_units(loaded, sum(1 for line in lines if _ARTICLE_RE.match(line)), max_units)
    articles = parse_articles(lines)
    if is_article_document(articles):
        meta = _metadata(articles.header, loaded, fields, (), hints)
        preamble = [] if HEADER_END in lines else _preamble(articles.header)
        units = [*preamble, *articles.units, *parse_sections(articles.appendix)]
    else:
        header, body = split_section_header(lines, has_title_field="title" in fields)
        body, signature = split_signature(body)
        meta = _metadata(header, loaded, fields, signature, hints)
        units = parse_sections(body, title=meta.title)
    _too_many_units(loaded, len(units), max_units)
    if loaded.ocr_pages:
        meta = replace(meta, ocr=True)
    return ParsedDocument(meta=meta, units=_numbered(units), content_hash=digest)
