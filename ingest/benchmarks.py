"""Discretion-benchmark tables (行政处罚裁量基准) → typed rows → a document of the knowledge base.

Published benchmarks are tables: one row per violation × step (裁量阶次/情节), with the violated article,
the penalty article, the conditions of the step and its penalty range. They come as XLSX workbooks (merged
cells, a header over two rows, one sheet per field such as 路政/运政/港航), as DOCX tables or as PDF tables
(a text layer with ruled tables, read by :mod:`ingest.benchmark_pdf`).

Columns are found by their header names (several usual spellings, :data:`ALIASES`), never by position; a
merged cell counts for every row and column it covers. A table that lacks a needed column is refused with
the file, the sheet and the columns missing. Every file passes the guard (:func:`ingest.guard.guard_file`)
before openpyxl, python-docx or pdfplumber reads it. A PDF is read as a benchmark only when its first pages
name a benchmark's columns and hold a table with that header; any other PDF goes through the text loaders.

The rows become one :class:`~kb.models.ParsedDocument` of level 规范性文件 (:func:`benchmark_document`), one
unit per row whose text is :func:`kb.benchmarks.row_text`; its title, issuing unit and version date are
read from the lines above the table (or a MANIFEST.tsv), so a newer benchmark of the same title supersedes
the older as a law's new version does.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import IngestError
from ingest.guard import guard_file
from ingest.metadata import apply_hints, clean_title, filename_date, find_dates
from ingest.settings import IngestSettings
from kb.benchmarks import BenchmarkRow, row_citations, row_text
from kb.models import Citation, DocumentMeta, Level, ParsedDocument, Unit

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table as DocxTable

__all__ = [
    "ALIASES",
    "SPREADSHEETS",
    "Benchmark",
    "benchmark_document",
    "is_benchmark_file",
    "read_benchmark",
    "unresolved_citations",
]

SPREADSHEETS = frozenset({".xlsx", ".xlsm"})
MAX_COLUMNS = 200
HEADER_SCAN_ROWS = 20
MAX_ALIAS_CELL = 16  # a longer cell is data, not a column name

ALIASES: dict[str, tuple[str, ...]] = {
    "violation": ("违法行为", "违法行为名称", "违法行为描述", "违法行为种类", "违法事实", "违法事项", "案由"),
    "violated": ("违反条款", "违法条款", "违法依据", "违反的法律条款", "违反法律条款", "违反规定", "违反依据",
                 "违法依据条款", "违反的条款"),
    "basis": ("处罚依据", "处罚条款", "处罚依据条款", "罚则", "处罚的法律依据", "法律依据", "处罚法律依据"),
    "step": ("裁量阶次", "裁量等级", "裁量档次", "违法程度", "违法情节", "情节", "阶次", "档次", "情节轻重",
             "裁量幅度等级", "裁量格次"),
    "conditions": ("适用情形", "适用条件", "具体情形", "情形", "裁量情形", "情节描述", "违法情形", "适用情节",
                   "裁量因素", "具体情节", "违法情节描述", "适用情形及条件"),
    "penalty": ("处罚标准", "裁量基准", "处罚幅度", "裁量标准", "具体标准", "罚款标准", "处罚种类和幅度",
                "处罚内容", "具体裁量标准", "处罚", "裁量幅度", "处罚裁量标准", "裁量基准（处罚幅度）"),
}
FIELD_LABELS = {"violation": "违法行为", "violated": "违反条款", "basis": "处罚依据", "step": "裁量阶次/情节",
                "conditions": "适用情形", "penalty": "处罚标准（幅度）"}
REQUIRED = ("violation", "basis", "penalty")
"""Needed columns; besides them a step or a conditions column."""
_SPACE = re.compile(r"[\s\u3000]+")
_ISSUER = re.compile(
    r"(?:(?:制定|发布|印发|编制)(?:单位|机关|部门)\s*[:：]\s*)?"
    r"(?P<org>[\u4e00-\u9fff（）()]{2,40}?(?:委员会|运输局|交通局|运输厅|交通厅|局|厅|部|支队|总队|大队|中心|人民政府))"
    r"(?:\s|[0-9０-９〇零○一二三四五六七八九]{4}\s*年|$)"
)


@dataclass(frozen=True)
class Table:
    """One sheet or one DOCX table: its rows as text, every merged cell copied to the cells it covers.

    ``numbers[i]`` is the row number of ``rows[i]`` as the sheet (or the table) shows it."""

    name: str
    rows: list[list[str]]
    numbers: list[int]


@dataclass
class Benchmark:
    """What a benchmark file holds: its rows and the lines around its tables (title, issuer, date)."""

    path: Path
    rows: list[BenchmarkRow] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Sheets or tables without a benchmark header (an explanation sheet, a cover)."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        return value.isoformat()
    return _SPACE.sub(" ", str(value)).strip()


# readers -----------------------------------------------------------------------------------------------
def read_xlsx_tables(path: Path, settings: IngestSettings) -> list[Table]:
    """Every sheet of a workbook, merged cells filled (the file passed the guard before)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(str(path), read_only=False, data_only=True)
    except Exception as exc:  # a damaged or mislabelled file
        raise IngestError(path, f"not a readable Excel workbook ({type(exc).__name__})") from exc
    try:
        tables = []
        for sheet in book.worksheets:
            if sheet.max_row > settings.limits.max_sheet_rows:
                raise IngestError(path, f"sheet {sheet.title}: {sheet.max_row} rows, the limit is "
                                        f"{settings.limits.max_sheet_rows}")
            width = min(sheet.max_column or 0, MAX_COLUMNS)
            grid = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True, max_col=width)]
            for merged in sheet.merged_cells.ranges:
                value = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_col <= width else ""
                for r in range(merged.min_row, min(merged.max_row, len(grid)) + 1):
                    for c in range(merged.min_col, min(merged.max_col, width) + 1):
                        grid[r - 1][c - 1] = value
            tables.append(Table(sheet.title, grid, list(range(1, len(grid) + 1))))
        return tables
    finally:
        book.close()


def _docx_grid(table: DocxTable) -> list[list[str]]:
    """A python-docx table as a grid: a cell merged across columns or rows is copied to each position."""
    from docx.oxml.ns import qn
    from docx.table import _Cell

    tbl = table._tbl
    grid: list[list[str]] = []
    for tr in tbl.tr_lst:
        row: list[str] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            vmerge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            text = _cell(_Cell(tc, table).text)
            col = len(row)
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue") and grid:
                above = grid[-1]
                text = above[col] if col < len(above) else text
            row.extend([text] * span)
        grid.append(row)
    return grid


def _open_docx(path: Path) -> DocxDocument:
    import docx

    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on broken files
        raise IngestError(path, "not a valid DOCX (corrupt, or not a Word 2007+ .docx file)") from exc


def read_docx_tables(path: Path, paragraphs: bool = True) -> tuple[list[Table], list[str]]:
    """The tables of a DOCX (merged cells filled) and (unless not ``paragraphs``) its body paragraphs."""
    from ingest.loaders.docx import BROKEN_DOCX, NOT_DOCX, paragraph_text

    document = _open_docx(path)
    tables = []
    lines: list[str] = []
    try:  # a part swapped for another only fails here (python-docx reads parts lazily)
        for i, table in enumerate(document.tables, start=1):
            grid = _docx_grid(table)
            tables.append(Table(f"表{i}", grid, list(range(1, len(grid) + 1))))
        if paragraphs:
            lines = [_cell(paragraph_text(p)) for p in document.paragraphs]
    except BROKEN_DOCX as exc:
        raise IngestError(path, NOT_DOCX) from exc
    return tables, [line for line in lines if line]


# columns ----------------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000:：*＊]", "", text)


def match_columns(header_rows: Sequence[Sequence[str]]) -> dict[str, int]:
    """Field → column index, from one or two header rows: an exact name before a name that contains an
    alias, the lower (more specific) header row before the upper, a longer alias before a shorter."""
    candidates = []
    for depth, row in enumerate(header_rows):
        for col, raw in enumerate(row):
            label = _norm(raw)
            if not label or len(label) > MAX_ALIAS_CELL:
                continue
            for name, aliases in ALIASES.items():
                for alias in aliases:
                    if alias == label:
                        candidates.append((1, depth, len(alias), name, col))
                    elif alias in label:
                        candidates.append((0, depth, len(alias), name, col))
    candidates.sort(key=lambda c: (-c[0], -c[1], -c[2], c[4]))
    columns: dict[str, int] = {}
    for _, _, _, name, col in candidates:
        if name not in columns and col not in columns.values():
            columns[name] = col
    return columns


def _missing(columns: dict[str, int]) -> list[str]:
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in columns]
    if "step" not in columns and "conditions" not in columns:
        missing.append(f"{FIELD_LABELS['step']}或{FIELD_LABELS['conditions']}")
    return missing


def find_header(table: Table) -> tuple[int, dict[str, int]] | None:
    """(index of the first data row, columns) of the best header in the first rows; None if no row names three
    fields."""
    for r in range(min(len(table.rows), HEADER_SCAN_ROWS)):
        one = match_columns(table.rows[r : r + 1])
        if len(one) < 3:
            continue
        two = match_columns(table.rows[r : r + 2]) if r + 1 < len(table.rows) else one
        depth, columns = (2, two) if len(two) > len(one) else (1, one)
        return r + depth, columns
    return None


# rows -------------------------------------------------------------------------------------------------
def table_rows(table: Table, start: int, columns: dict[str, int], sheet: str) -> list[BenchmarkRow]:
    """The data rows under the header: a repeated header, an empty row or a heading row (one text across
    the row, e.g. 一、路政管理) are left out."""
    header_texts = {_norm(c) for row in table.rows[max(0, start - 2) : start] for c in row if c}

    def get(row: list[str], name: str) -> str:
        col = columns.get(name)
        return row[col] if col is not None and col < len(row) else ""

    out = []
    for row, number in zip(table.rows[start:], table.numbers[start:], strict=True):
        values = [c for c in row if c]
        if not values or (len(set(values)) == 1 and len(values) > 1):
            continue
        if {_norm(c) for c in values} <= header_texts:
            continue
        violation, penalty = get(row, "violation"), get(row, "penalty")
        if not violation or not penalty:
            continue
        out.append(BenchmarkRow(
            violation=violation, violated=get(row, "violated"), basis=get(row, "basis"), step=get(row, "step"),
            conditions=get(row, "conditions") if columns.get("conditions") != columns.get("step") else "",
            penalty=penalty, sheet=sheet, row=number,
        ))
    return out


def _is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEETS


def _check(path: Path, settings: IngestSettings) -> None:
    from ingest.loaders import check_file

    check_file(path, settings)
    guard_file(path, settings.limits)


def is_benchmark_file(path: Path, settings: IngestSettings) -> bool:
    """A workbook (always read as a benchmark), or a DOCX or PDF with a table whose header names a benchmark's
    columns. The file passes the guard first."""
    suffix = path.suffix.lower()
    if suffix in SPREADSHEETS:
        return True
    if suffix not in (".docx", ".pdf") or not path.is_file():
        return False
    _check(path, settings)
    if suffix == ".pdf":
        from ingest.benchmark_pdf import looks_like_benchmark

        return looks_like_benchmark(path, settings)
    try:
        tables, _ = read_docx_tables(path, paragraphs=False)  # a 287,000-paragraph law's text took 45 s
    except (IngestError, zipfile.BadZipFile):
        return False  # the DOCX loader reports it
    return any((found := find_header(t)) is not None and not _missing(found[1]) for t in tables)


def read_benchmark(path: Path, settings: IngestSettings) -> Benchmark:
    """The rows of every benchmark table of the file. :class:`IngestError` if no table has the needed columns
    (naming the file, the sheet and the columns missing)."""
    path = Path(path)
    _check(path, settings)
    lines: list[str]
    if _is_spreadsheet(path):
        tables, lines = read_xlsx_tables(path, settings), []
    elif path.suffix.lower() == ".docx":
        tables, lines = read_docx_tables(path)
    elif path.suffix.lower() == ".pdf":
        from ingest.benchmark_pdf import read_pdf_tables

        tables, lines = read_pdf_tables(path, settings)
    else:
        raise IngestError(path, "a discretion benchmark is read from an XLSX workbook, a DOCX table or a PDF table")
    bench = Benchmark(path, lines=lines)
    found = [(t, find_header(t)) for t in tables]
    readable = [(t, h) for t, h in found if h is not None and not _missing(h[1])]
    partial = [(t, h) for t, h in found if h is not None and _missing(h[1])]
    if partial:
        table, (_, columns) = partial[0]
        raise IngestError(path, f"{table.name}: the benchmark table lacks the column(s) "
                                f"{'、'.join(_missing(columns))} (found: {'、'.join(FIELD_LABELS[c] for c in columns)})")
    if not readable:
        raise IngestError(path, "no discretion-benchmark table: no header names the columns "
                                f"{'、'.join(FIELD_LABELS.values())}")
    several = len(readable) > 1
    for table, (start, columns) in readable:
        bench.lines.extend(dict.fromkeys(c for row in table.rows[: max(0, start - 2)] for c in row if c))
        bench.rows.extend(table_rows(table, start, columns, table.name if several else ""))
    bench.skipped = [t.name for t, h in found if h is None]
    if not bench.rows:
        raise IngestError(path, "the benchmark table has a header but no rows")
    return bench


# the document -----------------------------------------------------------------------------------------
def benchmark_meta(bench: Benchmark) -> DocumentMeta:
    """Title (the line above the table that names a 基准/标准, else the file name), issuing unit and version
    date from the lines around the table (else the file name's date)."""
    title = next((line for line in bench.lines if re.search(r"基准|标准|裁量", line) and len(line) <= 80), "")
    title = clean_title(title or bench.path.stem)
    text = "\n".join(bench.lines)
    dates = find_dates(text) or find_dates(text, skip_effective=False)
    version = max(dates) if dates else filename_date(bench.path.name)
    issuer = ""
    for line in bench.lines:
        if line == title or "基准" in line:
            continue
        if m := _ISSUER.search(line):
            issuer = m["org"]
            break
    return DocumentMeta(title=title, level=Level.NORMATIVE, issuing_body=issuer, version_date=version,
                        source=bench.path.name)


def benchmark_document(bench: Benchmark, hints: DocumentMeta | None = None) -> ParsedDocument:
    """One unit per row (kind section, labelled by its row), level 规范性文件."""
    meta = apply_hints(benchmark_meta(bench), hints)
    units = tuple(
        Unit(kind="section", number=i, label=row.label, text=row_text(row),
             heading_path=(row.sheet,) if row.sheet else (), ordinal=i)
        for i, row in enumerate(bench.rows, start=1)
    )
    digest = hashlib.sha256("\n".join([meta.title, *(f"{u.label}\t{u.text}" for u in units)]).encode()).hexdigest()
    return ParsedDocument(meta=meta, units=units, content_hash=digest)


def unresolved_citations(bench: Benchmark, known_keys: Sequence[str],
                         resolves: Callable[[Citation], object | None]) -> list[str]:
    """The articles the rows cite that the knowledge base does not hold, as ``路政第5行：《…》第N条``;
    ``resolves(citation)`` says whether one is stored (``KnowledgeBase.lookup``)."""
    out: list[str] = []
    for row in bench.rows:
        cited = row_citations(row, known_keys)
        if not cited and (row.basis or row.violated):
            out.append(f"{row.label}：{row.basis or row.violated}（未识别出条文）")
        for citation in cited:
            if resolves(citation) is None:
                out.append(f"{row.label}：{_written(citation)}")
    return list(dict.fromkeys(out))


def _written(citation: Citation) -> str:
    from kb.citations import citation_label

    return f"《{citation.law}》{citation_label(citation)}"
