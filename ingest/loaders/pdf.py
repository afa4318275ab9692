"""PDF → text: pypdf extraction with line positions, then paragraphs rebuilt by :mod:`reflow`."""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

from ingest.errors import FileRefused, IngestError
from ingest.guard.pdf import (
    PdfRefused,
    check_document,
    check_page,
    check_page_count,
    limit_reached,
    pdf_limits,
)
from ingest.loaders.reflow import Line, clean_line, rebuild
from ingest.settings import IngestSettings
from ingest.text import LoadedText

Matrix = tuple[float, float, float, float, float, float]

# what pypdf raises on broken files besides its own errors
_BROKEN = (
    PyPdfError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    zlib.error,
    RecursionError,
    NotImplementedError,  # an unknown filter name (a flipped byte in /FlateDecode)
)

_FILE_NAME_TITLE = re.compile(
    r"^(?:Microsoft \w+ - |untitled|无标题)|\.(?:docx?|pdf|wps|txt|rtf)$", re.IGNORECASE
)

NOT_PDF = "not a valid PDF (corrupt or truncated)"
ENCRYPTED = "encrypted PDF: a password is needed"
NEEDS_OCR = "PDF has no text layer (scanned image?), and OCR recognised no text in its pages"
_MIN_OCR_SIDE = 32  # smaller images on a scanned page (rules, dots) are not read


def _multiply(m: Sequence[float], n: Sequence[float]) -> Matrix:
    """m × n for PDF matrices [a b c d e f] (row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


class _LineCollector:
    """Builds printed lines from pypdf's ``visitor_text`` calls.

    Each call carries the text matrix at the start of its chunk, so the first chunk of a line
    gives the line's left edge and baseline. A line begun inside a chunk (after an embedded
    newline) has no known position.
    """

    def __init__(self, page: int) -> None:
        self.page = page
        self.lines: list[Line] = []
        self._text = ""
        self._pos: tuple[float, float, float] | None = None

    def visit(self, text: str, cm: Sequence[float], tm: Sequence[float], _font: Any, size: float) -> None:
        for k, part in enumerate(text.split("\n")):
            if k:
                self._flush()
            if part.strip() and not self._text.strip():
                self._pos = _position(cm, tm, size) if k == 0 else None
            self._text += part

    def _flush(self) -> None:
        if self._text.strip():
            x, y, size = self._pos if self._pos else (None, None, None)
            self.lines.append(Line(text=self._text, page=self.page, x=x, y=y, size=size))
        self._text, self._pos = "", None

    def finish(self) -> list[Line]:
        self._flush()
        return self.lines


def _position(cm: Sequence[float], tm: Sequence[float], size: float) -> tuple[float, float, float] | None:
    """Left edge, baseline and effective font size of upright text; None for rotated text."""
    try:
        a, b, c, d, e, f = _multiply(tm, cm)
    except (TypeError, ValueError):
        return None
    if abs(b) > 1e-3 or abs(c) > 1e-3 or a <= 0 or d <= 0:
        return None
    return e, f, size * math.hypot(a, b)


def _open(path: Path) -> PdfReader:
    try:
        reader = PdfReader(path)
    except FileNotDecryptedError as exc:
        raise IngestError(path, ENCRYPTED) from exc
    except LimitReachedError:
        raise
    except _BROKEN as exc:
        raise IngestError(path, NOT_PDF) from exc
    if reader.is_encrypted:
        _decrypt_with_empty_password(reader, path)
    return reader


def _decrypt_with_empty_password(reader: PdfReader, path: Path) -> None:
    try:
        if reader.decrypt(""):
            return
    except _BROKEN as exc:
        raise IngestError(path, f"{ENCRYPTED} (or its encryption is not supported)") from exc
    raise IngestError(path, ENCRYPTED)


def _page_lines(reader: PdfReader, path: Path, settings: IngestSettings) -> list[list[Line]]:
    """Each page's lines, one page at a time: checked against the limits, then read."""
    limits = settings.limits
    try:
        check_document(reader, limits)
        count = len(reader.pages)
        check_page_count(count, limits)
    except LimitReachedError:
        raise
    except _BROKEN as exc:
        raise IngestError(path, NOT_PDF) from exc
    out: list[list[Line]] = []
    for index in range(count):
        collector = _LineCollector(index)
        try:
            page = reader.pages[index]
            check_page(page, index + 1, limits)
            page.extract_text(visitor_text=collector.visit)
        except (PdfRefused, LimitReachedError):
            raise
        except _BROKEN as exc:
            raise IngestError(path, f"{NOT_PDF}: page {index + 1} cannot be read") from exc
        out.append(collector.finish())
    return out


def _page_chars(lines: list[Line]) -> int:
    return sum(len("".join(line.text.split())) for line in lines)


def _page_images(page: Any, index: int, path: Path) -> Iterator[Any]:
    """The page's images one at a time, decoded only when taken (their pixel counts were checked by
    :func:`check_page` before), turned as the page's /Rotate says."""
    import numpy as np

    try:
        names = list(page.images.keys()) if hasattr(page.images, "keys") else range(len(page.images))
        rotation = int(page.rotation or 0) % 360
    except _BROKEN as exc:
        raise IngestError(path, f"{NOT_PDF}: page {index + 1} cannot be read") from exc
    for name in names:
        try:
            image = page.images[name]
            width, height = image.image.size if image.image is not None else (0, 0)
            if min(width, height) < _MIN_OCR_SIDE:
                continue
            pixels = image.image
            if pixels.mode not in ("L", "RGB", "RGBA"):
                pixels = pixels.convert("RGB")
            array = np.asarray(pixels)
        except (PdfRefused, LimitReachedError):
            raise
        except (*_BROKEN, OSError) as exc:
            raise IngestError(path, f"page {index + 1}: its image cannot be decoded for OCR ({exc})") from exc
        yield np.ascontiguousarray(np.rot90(array, -(rotation // 90))) if rotation % 90 == 0 and rotation else array


def _ocr_scanned_pages(reader: PdfReader, pages: list[list[Line]], path: Path, settings: IngestSettings) -> tuple[int, float]:
    """Pages with less text than ``min_text_chars_per_page`` and with images are read by OCR, one page at a
    time (only that page's images in memory); their lines replace what the text layer held. Returns the
    pages read and the seconds they took."""
    scanned = [i for i, lines in enumerate(pages) if _page_chars(lines) < settings.min_text_chars_per_page]
    if not scanned:
        return 0, 0.0
    from ingest.loaders.ocr import log_page, ocr_images

    read = 0
    seconds = 0.0
    for n, index in enumerate(scanned, start=1):
        page = ocr_images(_page_images(reader.pages[index], index, path), index)
        log_page(path, n, len(scanned), page.seconds)
        seconds += page.seconds
        if page.lines:
            pages[index] = page.lines
            read += 1
    return read, seconds


def _check_text_layer(pages: list[list[Line]], path: Path, settings: IngestSettings) -> None:
    if not pages:
        raise IngestError(path, "empty PDF: it has no pages")
    chars = sum(len("".join(line.text.split())) for lines in pages for line in lines)
    if chars < settings.min_text_chars_per_page * len(pages):
        raise IngestError(path, NEEDS_OCR)


def useful_title(title: str) -> bool:
    """Metadata titles are often a file name or "Microsoft Word - 文档1.docx": only real titles count."""
    title = title.strip()
    if not title or _FILE_NAME_TITLE.search(title):
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in title)


def _title(reader: PdfReader, text: str) -> str:
    try:
        title = str((reader.metadata.title if reader.metadata else None) or "")
    except _BROKEN:
        title = ""
    if useful_title(title):
        return clean_line(title)
    return next((line for line in text.split("\n") if line), "")


def sniff_text(path: Path, settings: IngestSettings, pages: int) -> str:
    """The plain text of the first ``pages`` pages, within the limits (:class:`IngestError` if unreadable): enough
    to tell what kind of document it is before reading it whole."""
    out: list[str] = []
    try:
        with pdf_limits(settings.limits):
            reader = _open(path)
            check_document(reader, settings.limits)
            for index in range(min(pages, len(reader.pages))):
                page = reader.pages[index]
                check_page(page, index + 1, settings.limits)
                out.append(page.extract_text())
    except PdfRefused as exc:
        raise FileRefused(path, str(exc)) from exc
    except LimitReachedError as exc:
        raise FileRefused(path, limit_reached(exc, settings.limits)) from exc
    except _BROKEN as exc:
        raise IngestError(path, NOT_PDF) from exc
    return "\n".join(out)


def load_pdf(path: Path, settings: IngestSettings) -> LoadedText:
    try:
        with pdf_limits(settings.limits):
            reader = _open(path)
            pages = _page_lines(reader, path, settings)
            ocr_pages, ocr_seconds = _ocr_scanned_pages(reader, pages, path, settings)
    except PdfRefused as exc:
        raise FileRefused(path, str(exc)) from exc
    except LimitReachedError as exc:
        raise FileRefused(path, limit_reached(exc, settings.limits)) from exc
    _check_text_layer(pages, path, settings)
    if ocr_pages:
        from ingest.loaders.ocr import text_of_pages

        text, page_starts = text_of_pages(pages)
    else:
        text, page_starts = rebuild([line for lines in pages for line in lines], len(pages))
    return LoadedText(
        path=path, text=text, format="pdf", title_hint=_title(reader, text), page_starts=page_starts,
        ocr_pages=ocr_pages, ocr_seconds=ocr_seconds,
    )
