"""DOCX → text with python-docx: body paragraphs and tables in document order."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import nsmap, qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml.etree import LxmlError

from ingest.errors import IngestError
from ingest.loaders.reflow import clean_line, clean_lines
from ingest.settings import IngestSettings
from ingest.text import LoadedText

NOT_DOCX = "not a valid DOCX (corrupt, or not a Word 2007+ .docx file)"
# what python-docx raises on broken files: a part swapped for another is parsed as the wrong element class; and
# what zipfile raises on an archive the guard leaves to the loader (one it cannot open: "zip file version 12.0")
BROKEN_DOCX = (PackageNotFoundError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, LxmlError,
               OSError, AttributeError, TypeError, IndexError, EOFError, zlib.error, NotImplementedError, RuntimeError)


def _open(path: Path) -> Document:
    try:
        return docx.Document(str(path))
    except BROKEN_DOCX as exc:
        raise IngestError(path, NOT_DOCX) from exc


# python-docx's paragraph.text, with its XPath expressions compiled once: it evaluates them anew for every
# paragraph and run (lxml builds an evaluator per call), which took 45 of the 52 s of a 45 MB document.xml
_RUNS = etree.XPath("w:r | w:hyperlink", namespaces=nsmap)
_LINK_RUNS = etree.XPath("w:r", namespaces=nsmap)
_RUN_PARTS = etree.XPath("w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab", namespaces=nsmap)
_R = qn("w:r")


def _elements(xpath: etree.XPath, node: etree._Element) -> list[etree._Element]:
    """What ``xpath`` selects under ``node``: elements, for the expressions above (lxml types an XPath's result
    as any XPath value)."""
    found = xpath(node)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


def _run_text(run: etree._Element) -> str:
    # python-docx's element classes give each part its text: a w:tab "\t", a text-wrapping w:br "\n" …
    return "".join(str(part) for part in _elements(_RUN_PARTS, run))


def paragraph_text(paragraph: Paragraph) -> str:
    """The same text as ``paragraph.text``."""
    return "".join(_run_text(e) if e.tag == _R else "".join(_run_text(r) for r in _elements(_LINK_RUNS, e))
                   for e in _elements(_RUNS, paragraph._p))


def paragraph_lines(paragraph: Paragraph) -> list[str]:
    """A paragraph's text; a manual line break inside it starts a new line."""
    return paragraph_text(paragraph).split("\n")


def table_lines(table: Table) -> list[str]:
    """One line per row, cells joined by a tab; a merged cell is counted once."""
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []  # the cells' XML elements: a merged cell repeats the same one
        for cell in row.cells:
            if any(cell._tc is element for element in seen):
                continue
            seen.append(cell._tc)
            cells.append(" ".join(clean_lines(paragraph_text(p) for p in cell.paragraphs)))
        lines.append("\t".join(cells))
    return lines


def blocks(document: Document, element: etree._Element | None = None) -> Iterator[Paragraph | Table]:
    """Body paragraphs and tables in order, including those inside content controls (``w:sdt``)."""
    container = document.element.body if element is None else element
    for child in container.iterchildren():
        # python-docx's parser gives w:p and w:tbl their element classes (a w:sdtContent stays plain)
        if isinstance(child, CT_P):
            yield Paragraph(child, document)
        elif isinstance(child, CT_Tbl):
            yield Table(child, document)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from blocks(document, content)


def body_lines(document: Document) -> Iterator[str]:
    for block in blocks(document):
        if isinstance(block, Paragraph):
            yield from paragraph_lines(block)
        else:
            yield from table_lines(block)


def _title(document: Document, lines: list[str]) -> str:
    title = clean_line(document.core_properties.title or "")
    if title:
        return title
    # style ids → names once: python-docx's paragraph.style searches all styles per paragraph (2 ms each, so
    # minutes for a long document)
    titles = {style.style_id for style in document.styles if style.name == "Title"}
    for paragraph in document.paragraphs:
        if paragraph._p.style in titles and paragraph.text.strip():
            return clean_line(paragraph.text)
    return lines[0] if lines else ""


def load_docx(path: Path, settings: IngestSettings) -> LoadedText:
    document = _open(path)
    try:
        lines = clean_lines(body_lines(document))
        title = _title(document, lines)
    except BROKEN_DOCX as exc:
        raise IngestError(path, NOT_DOCX) from exc
    return LoadedText(path=path, text="\n".join(lines), format="docx", title_hint=title)
