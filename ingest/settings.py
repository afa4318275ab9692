"""Settings of ingestion."""

from __future__ import annotations

from pydantic import Field

from kb.config import StrictModel


class FileLimits(StrictModel):
    """What an incoming file may hold, checked before any parser reads it (ingest.guard), at every door:
    ``xuefa ingest``, the 管理 upload, question-bank, roster and checklist imports."""

    max_file_mb: float = Field(
        50.0, gt=0, description="A file larger than this is refused (for the knowledge base, ingest.max_file_mb too)."
    )
    max_unzipped_mb: float = Field(
        200.0, gt=0, description="An Office file (DOCX, XLSX: a zip) whose members unpack to more than this in "
        "all is refused; the declared and the actual sizes are both checked."
    )
    max_member_mb: float = Field(
        50.0, gt=0, description="One member of an Office file (e.g. word/document.xml) may unpack to at most this "
        "(a DOCX's 50 MB document.xml takes python-docx about 430 MB of memory)."
    )
    max_members: int = Field(5000, ge=1, description="At most this many members in an Office file.")
    max_ratio: float = Field(
        500.0, gt=1, description="A member larger than 1 MB unpacked may be at most this many times its packed size."
    )
    max_nesting: int = Field(
        2, ge=0, description="Archives inside an Office file (an embedded XLSX) are checked too, this many deep."
    )
    max_xml_depth: int = Field(256, ge=8, description="XML elements nested deeper than this are refused.")
    max_xml_elements: int = Field(
        1_000_000, ge=1000, description="An Office file whose XML parts hold more elements than this in all is "
        "refused (a parser's tree takes ~130 bytes an element; 道路运输条例.docx has 21,000, a 45 MB document.xml of "
        "287,000 one-line articles 880,000)."
    )
    max_image_pixels: int = Field(
        100_000_000, ge=1, description="An image (a photo, or one inside a PDF or DOCX) of more pixels than this is "
        "refused, judged from its header before anything decodes it."
    )
    max_pdf_pages: int = Field(5000, ge=1, description="A PDF with more pages than this is refused.")
    max_pdf_objects: int = Field(500_000, ge=1, description="A PDF with more objects than this is refused.")
    max_pdf_page_side_pt: float = Field(
        14400.0, gt=0, description="A PDF page wider or taller than this (in points; 14400 pt = 5 m) is refused."
    )
    max_pdf_stream_mb: float = Field(
        50.0, gt=0, description="A PDF stream (a page's content, an image) may unpack to at most this."
    )
    max_sheet_rows: int = Field(20000, ge=1, description="A table (XLSX/CSV) with more rows than this is refused.")
    max_units: int = Field(
        50000, ge=1, description="A document of more articles (or sections) than this is refused: each is parsed, "
        "embedded and stored (民法典 has 1260; 480,000 one-line articles took 650 MB to parse)."
    )


class IngestSettings(StrictModel):
    max_file_mb: float = Field(50.0, gt=0, description="Files larger than this are refused (per file).")
    extensions: tuple[str, ...] = Field(
        (".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm", ".xlsx", ".jpg", ".jpeg", ".png"),
        description="File endings that folder ingestion and the 管理 upload take (.xlsx: discretion benchmarks; "
        ".jpg/.jpeg/.png: photos of pages, read by OCR).",
    )
    min_text_chars_per_page: int = Field(
        10, description="A PDF with less extracted text than this per page is taken for a scan that needs OCR."
    )
    limits: FileLimits = Field(
        default_factory=FileLimits, description="Limits on incoming files (size, unpacked size, pages, pixels)."
    )
