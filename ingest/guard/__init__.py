"""The guard: every file that comes in is checked here before any parser reads it.

:func:`guard_file` checks the file's size and, by what its first bytes are (not its name), an Office zip
(:mod:`ingest.guard.zips`) or an image's pixel size (:mod:`ingest.guard.images`); a PDF's limits are
checked by its loader page by page (:mod:`ingest.guard.pdf`), on pypdf's lazily read objects. A refusal
is a :class:`~ingest.errors.FileRefused` naming the file, what is too large and the limit
("word/document.xml 解压后 812 MB，超过上限 100 MB"). Every door calls it: ``xuefa ingest`` and the 管理 upload
(through :func:`ingest.loaders.load_file`), the question-bank and roster imports (:func:`quiz.sheets.read_sheet`)
and the checklist import (:func:`quiz.checklist.items.load_checklist`). The limits are ``ingest.limits``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.errors import FileRefused
from ingest.guard.images import HEADER_BYTES, image_refusal
from ingest.guard.sizes import MB, limit_mb, megabytes
from ingest.guard.zips import ZIP_MAGIC, ZipRefused, check_zip_file
from ingest.settings import FileLimits

__all__ = ["FileRefused", "guard_file"]


def guard_file(path: Path, limits: FileLimits) -> None:
    """Raise :class:`FileRefused` if ``path`` is over one of ``limits``; a file it cannot read is left to the
    loader to report."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(HEADER_BYTES)
    except OSError:
        return
    if size > limits.max_file_mb * MB:
        raise FileRefused(path, f"文件 {megabytes(size)}，超过上限 {limit_mb(limits.max_file_mb)}")
    if head.startswith(ZIP_MAGIC) or zipfile.is_zipfile(path):  # a zip may have bytes before it
        try:
            check_zip_file(str(path), limits)
        except ZipRefused as exc:
            raise FileRefused(path, str(exc)) from exc
        return
    refusal = image_refusal(head, "", limits.max_image_pixels)
    if refusal:
        raise FileRefused(path, refusal)
