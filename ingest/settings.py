"""Settings of ingestion."""

from __future__ import annotations

from pydantic import BaseModel, Field


class IngestSettings(BaseModel):
    max_file_mb: float = Field(50.0, gt=0, description="Files larger than this are refused (per file).")
    extensions: tuple[str, ...] = Field(
        (".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm"),
        description="File endings that folder ingestion picks up.",
    )
    min_text_chars_per_page: int = Field(
        10, description="A PDF with less extracted text than this per page is taken for a scan that needs OCR."
    )
