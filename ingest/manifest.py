"""Optional ``MANIFEST.tsv`` beside the files: per-file metadata hints for ``parse_document``.

Columns (tab-separated, header row, any order; only ``file`` is required): file, title, kind (a 效力层级 such as
法律 or 部门规章), issuing_body, version_date (YYYY-MM-DD), and optionally validity, doc_number, short_title,
source. Other columns (articles, …) are ignored. Empty cells leave the value to inference.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path, PurePosixPath

from ingest.errors import IngestError
from kb.models import DocumentMeta, Level, Validity

MANIFEST_NAME = "MANIFEST.tsv"
_LEVELS = {level.value: level for level in Level}
_VALIDITIES = {validity.value: validity for validity in Validity}


def _manifest_path(path: Path) -> Path:
    return path / MANIFEST_NAME if path.is_dir() else path


def _parse_date(text: str, path: Path, line: int) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise IngestError(path, f"line {line}: version_date {text!r} is not YYYY-MM-DD") from exc


def _level(text: str, path: Path, line: int) -> Level:
    if not text:
        return Level.OTHER
    if text not in _LEVELS:
        raise IngestError(path, f"line {line}: unknown kind {text!r} (one of {', '.join(_LEVELS)})")
    return _LEVELS[text]


def _validity(text: str, path: Path, line: int) -> Validity:
    if not text:
        return Validity.CURRENT
    if text not in _VALIDITIES:
        raise IngestError(path, f"line {line}: unknown validity {text!r}")
    return _VALIDITIES[text]


def _row_meta(row: dict[str, str], path: Path, line: int) -> DocumentMeta:
    cell = {k: (v or "").strip() for k, v in row.items() if k}
    return DocumentMeta(
        title=cell.get("title", ""),
        level=_level(cell.get("kind", "") or cell.get("level", ""), path, line),
        issuing_body=cell.get("issuing_body", ""),
        version_date=_parse_date(cell.get("version_date", ""), path, line),
        validity=_validity(cell.get("validity", ""), path, line),
        short_title=cell.get("short_title", ""),
        doc_number=cell.get("doc_number", ""),
        source=cell.get("source", ""),
    )


def read_manifest(path: Path) -> dict[str, DocumentMeta]:
    """Hints by file path relative to the manifest's folder (POSIX form); {} when there is no manifest.

    ``path`` is the folder or the ``MANIFEST.tsv`` itself. A malformed manifest raises IngestError.
    """
    manifest = _manifest_path(path)
    if not manifest.is_file():
        return {}
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(manifest, f"cannot read the manifest: {exc}") from exc
    rows = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    if not reader.fieldnames or "file" not in [f.strip() for f in reader.fieldnames]:
        raise IngestError(manifest, "the manifest has no 'file' column")
    reader.fieldnames = [f.strip() for f in reader.fieldnames]
    hints: dict[str, DocumentMeta] = {}
    for line, row in enumerate(reader, start=2):
        name = (row.get("file") or "").strip()
        if name:
            hints[str(PurePosixPath(name.replace("\\", "/")))] = _row_meta(row, manifest, line)
    return hints


def hint_for(hints: dict[str, DocumentMeta], folder: Path, file: Path) -> DocumentMeta | None:
    """The hint for ``file`` from a manifest read in ``folder``, or None."""
    try:
        relative = file.resolve().relative_to(folder.resolve())
    except ValueError:
        return None
    return hints.get(relative.as_posix())
