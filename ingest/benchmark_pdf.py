"""Discretion-benchmark tables in a PDF's text layer → the grids the XLSX and DOCX readers give.

pdfplumber (pdfminer.six underneath) finds each table by its ruling lines; every cell's bounding box is
placed on the table's grid of column and row edges, so a cell merged across rows or columns is copied to
every position it covers, as a merged XLSX cell is. A cell's printed lines are joined without a space
between Chinese characters or digits (第七十六条 or 30% wrapped in a narrow column stays whole). A table that runs over a page
break is one table: the part on the next page (same columns, its header repeated or not) continues it,
and a merged cell cut by the break lends its text to the empty cells on top of the continuation (column
by column, down to the first cell with text). The lines
outside the tables (title, issuing unit, date, notes) are kept for the document's metadata.

:func:`looks_like_benchmark` decides cheaply (pypdf's text of the first pages) whether a PDF is worth
reading as a benchmark, so an ordinary law PDF never goes through the slower table finder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.errors import FileRefused, IngestError
from ingest.settings import IngestSettings

if TYPE_CHECKING:
    from ingest.benchmarks import Table

__all__ = ["looks_like_benchmark", "read_pdf_tables"]

SNIFF_PAGES = 3
EDGE_TOLERANCE = 2.0  # points: cell edges closer than this are one grid line
NOT_PDF = "not a valid PDF (corrupt or truncated)"
_WORD_END = re.compile(r"[A-Za-z]$")
_WORD_START = re.compile(r"^[A-Za-z]")


@dataclass(frozen=True)
class _PageTable:
    page: int
    grid: list[list[str]]
    last_on_page: bool
    first_on_page: bool


def looks_like_benchmark(path: Path, settings: IngestSettings) -> bool:
    """Does the text of the first pages name at least three of a benchmark's columns in their longer spellings
    (违法行为, 处罚依据, 裁量阶次, 处罚标准 …), and a table found on those pages a benchmark header? A PDF that
    cannot be read is not one here (the PDF loader reports it)."""
    from ingest.benchmarks import ALIASES, find_header

    try:
        text = re.sub(r"\s+", "", _sniff(path, settings))
        named = {name for name, aliases in ALIASES.items() if any(len(a) >= 4 and a in text for a in aliases)}
        if len(named) < 3 or "violation" not in named:
            return False
        tables, _ = read_pdf_tables(path, settings, SNIFF_PAGES)
    except IngestError:
        return False
    return any(find_header(t) is not None for t in tables)


def _sniff(path: Path, settings: IngestSettings) -> str:
    from ingest.loaders.pdf import sniff_text

    return sniff_text(path, settings, SNIFF_PAGES)


def _join_lines(text: str | None) -> str:
    """A cell's printed lines as one: no space where the break falls between Chinese characters or inside a
    number (a narrow column wraps 30% as 3 / 0%); a space only between two Latin words."""
    out = ""
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if out and _WORD_END.search(out) and _WORD_START.match(line):
            out += " "
        out += line
    return out


def _edges(values: Sequence[float]) -> list[float]:
    merged: list[float] = []
    for value in sorted(values):
        if not merged or value - merged[-1] > EDGE_TOLERANCE:
            merged.append(value)
    return merged


def _index(edges: Sequence[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _grid(page: Any, found: Any) -> list[list[str]]:
    """One table found on a page → rows of cell texts, a merged cell copied to every position it covers."""
    cells: list[tuple[float, float, float, float]] = list(found.cells)
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    grid = [[""] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for x0, top, x1, bottom in cells:
        text = _join_lines(page.within_bbox((x0, top, x1, bottom), strict=False).extract_text())
        for r in range(_index(ys, top), _index(ys, bottom)):
            for c in range(_index(xs, x0), _index(xs, x1)):
                grid[r][c] = text
    return [row for row in grid if any(row)]


def _outside(tables: Sequence[Any]) -> Any:
    boxes = [t.bbox for t in tables]

    def keep(obj: dict[str, Any]) -> bool:
        if "x0" not in obj or "top" not in obj:
            return True
        return not any(x0 - 1 <= obj["x0"] and obj["x1"] <= x1 + 1 and top - 1 <= obj["top"] and obj["bottom"] <= bottom + 1
                       for x0, top, x1, bottom in boxes)

    return keep


def _continue(previous: list[list[str]], part: list[list[str]]) -> list[list[str]]:
    """The rows of a table's part on the next page, without its repeated header; in each column, the empty
    cells on top take the text of the row above the break (a merged cell the break cut)."""
    header = [previous[0]] if previous else []
    if len(previous) > 1 and previous[1] in part[:2] and previous[1] != previous[0]:
        header.append(previous[1])  # a header over two rows
    rows = [list(row) for row in part[: len(header)] if row not in header] + [list(row) for row in part[len(header):]]
    if rows and previous:
        last = previous[-1]
        for c in range(min(len(last), len(rows[0]))):
            for row in rows:
                if row[c]:
                    break
                row[c] = last[c]
    return rows


def read_pdf_tables(path: Path, settings: IngestSettings,
                    max_pages: int | None = None) -> tuple[list[Table], list[str]]:
    """The tables of a PDF's text layer (its first ``max_pages`` pages if given) as
    :class:`~ingest.benchmarks.Table` grids (a table continued over a page break joined), and the text lines
    outside them. :class:`IngestError` names the file when the PDF cannot be read."""
    import pdfplumber

    from ingest.benchmarks import Table

    parts: list[_PageTable] = []
    lines: list[str] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) > settings.limits.max_pdf_pages:
                raise FileRefused(path, f"共 {len(pdf.pages)} 页，超过上限 {settings.limits.max_pdf_pages} 页")
            for number, page in enumerate(pdf.pages[:max_pages], start=1):
                found = page.find_tables()
                for k, table in enumerate(found):
                    grid = _grid(page, table)
                    if grid:
                        parts.append(_PageTable(number, grid, k == len(found) - 1, k == 0))
                text = page.filter(_outside(found)).extract_text() or ""
                lines.extend(line.strip() for line in text.splitlines() if line.strip())
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on broken files
        raise IngestError(path, NOT_PDF) from exc
    tables: list[Table] = []
    previous: _PageTable | None = None
    for part in parts:
        joined = (previous is not None and previous.last_on_page and part.first_on_page
                  and part.page == previous.page + 1 and len(part.grid[0]) == len(previous.grid[0]))
        if joined and tables:
            last = tables[-1]
            rows = _continue(last.rows, part.grid)
            tables[-1] = Table(last.name, last.rows + rows, last.numbers + list(range(len(last.rows) + 1,
                                                                                      len(last.rows) + len(rows) + 1)))
        else:
            tables.append(Table(f"表{len(tables) + 1}", part.grid, list(range(1, len(part.grid) + 1))))
        previous = part
    return tables, lines
