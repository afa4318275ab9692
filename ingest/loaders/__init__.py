"""File loaders: the bytes of one file → clean text, one paragraph per line.

:func:`load_file` checks the file (type, size, emptiness), has :func:`ingest.guard.guard_file` check it
against ``settings.limits`` before any parser reads it, and dispatches on its suffix through :data:`LOADERS`.
Every problem is an :class:`~ingest.errors.IngestError` naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.errors import IngestError
from ingest.guard import guard_file
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.ocr import load_image
from ingest.loaders.pdf import load_pdf
from ingest.loaders.plain import load_markdown, load_text
from ingest.settings import IngestSettings
from ingest.text import LoadedText

Loader = Callable[[Path, IngestSettings], LoadedText]

LOADERS: dict[str, Loader] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".txt": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
}

_HINTS = {
    ".doc": "old Word .doc files are not supported: save it as .docx",
    ".wps": "WPS files are not supported: save it as .docx",
    ".rtf": "RTF files are not supported: save it as .docx",
}
IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"})
"""Photos and scans of pages, read by OCR (:mod:`ingest.loaders.ocr`)."""
LOADERS.update(dict.fromkeys(sorted(IMAGES), load_image))

__all__ = ["LOADERS", "Loader", "check_file", "load_file"]


_MB = 1024 * 1024


def _human(size: float) -> str:
    return f"{size / _MB:.1f} MB" if size >= _MB else f"{size / 1024:.0f} KB"


def _unsupported(suffix: str) -> str:
    if suffix in _HINTS:
        return _HINTS[suffix]
    kind = f"'{suffix}'" if suffix else "without a file ending"
    return f"unsupported file type {kind} (supported: {', '.join(sorted(LOADERS))})"


def check_file(path: Path, settings: IngestSettings) -> None:
    """Refuse a missing, non-regular, empty or oversize file before anything reads it."""
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise IngestError(path, "file not found") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    if stat.st_size == 0:
        raise IngestError(path, "empty file (0 bytes)")
    limit = settings.max_file_mb * _MB
    if stat.st_size > limit:
        raise IngestError(path, f"file too large: {_human(stat.st_size)}, the limit is {_human(limit)}")


def load_file(path: Path, settings: IngestSettings) -> LoadedText:
    """Clean text of one file; :class:`IngestError` for an unknown type or an unusable file."""
    path = Path(path)
    suffix = path.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        raise IngestError(path, _unsupported(suffix))
    check_file(path, settings)
    guard_file(path, settings.limits)
    loaded = loader(path, settings)
    if not loaded.text.strip():
        raise IngestError(path, "empty: no text found in the file")
    return loaded
