"""What a loader returns: clean text of a file, with where its pages start."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LoadedText:
    path: Path
    text: str
    format: str
    title_hint: str = ""
    page_starts: tuple[int, ...] = field(default=())
    ocr_pages: int = 0
    """Pages whose text was recognised from an image (OCR), 0 for a text file."""
    ocr_seconds: float = 0.0
