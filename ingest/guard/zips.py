"""Office files (DOCX, XLSX: zip archives) checked before a library opens them.

First the central directory: the member count, each member's declared unpacked size, their total and
the compression ratio. Then every member is read through a size-capped stream (Python's zipfile never
returns more than the declared size and fails on a size that lies), so a lying header cannot get past:
XML parts are scanned on the way (no DTD, bounded depth), images have their pixel size read from the
header, and archives inside (an embedded XLSX) are checked the same way, ``max_nesting`` deep.
Nothing is kept in memory beyond one chunk (an inner archive goes to a temporary file).
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from ingest.guard.images import HEADER_BYTES, image_refusal
from ingest.guard.sizes import MB, limit_mb, megabytes
from ingest.guard.xmlparts import XmlRefused, XmlScan
from ingest.settings import FileLimits

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1024 * 1024
RATIO_FLOOR = 1 * MB  # small members compress as they like
XML_ENDINGS = (".xml", ".rels", ".vml")
_UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError,
               ValueError, OSError)


class ZipRefused(Exception):
    """Why the archive is refused, in Chinese."""


@dataclass
class _Budget:
    """Unpacked bytes left for the whole file, inner archives included."""

    left: int
    elements: int = 0  # XML elements left for the whole file (set from limits.max_xml_elements)


def check_zip_file(file: IO[bytes] | str, limits: FileLimits) -> None:
    """Raise :class:`ZipRefused` for an archive over a limit; an archive zipfile cannot open is left to the
    library that reads the file to report."""
    try:
        archive = zipfile.ZipFile(file)
    except _UNREADABLE:
        return
    with archive:
        _check_archive(archive, limits, _Budget(int(limits.max_unzipped_mb * MB), limits.max_xml_elements), depth=0,
                       prefix="")


def _check_archive(archive: zipfile.ZipFile, limits: FileLimits, budget: _Budget, depth: int, prefix: str) -> None:
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > limits.max_members:
        raise ZipRefused(f"{prefix}含 {len(members)} 个压缩成员，超过上限 {limits.max_members} 个")
    total = sum(info.file_size for info in members)
    if total > budget.left:
        largest = max(members, key=lambda info: info.file_size)
        raise ZipRefused(f"{prefix}解压后共 {megabytes(total)}（最大的 {largest.filename} {megabytes(largest.file_size)}），"
                         f"超过上限 {limit_mb(limits.max_unzipped_mb)}")
    member_limit = int(limits.max_member_mb * MB)
    for info in members:
        name = prefix + info.filename
        if info.file_size > member_limit:
            raise ZipRefused(f"{name} 解压后 {megabytes(info.file_size)}，超过上限 {limit_mb(limits.max_member_mb)}")
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise ZipRefused(f"{name} 压缩比 {ratio:.0f} 倍（疑似压缩炸弹），超过上限 {limits.max_ratio:g} 倍")
    for info in members:
        _check_member(archive, info, limits, budget, depth, prefix + info.filename, min(member_limit, budget.left))


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: FileLimits, budget: _Budget,
                  depth: int, name: str, cap: int) -> None:
    is_xml = info.filename.lower().endswith(XML_ENDINGS)
    scan = XmlScan(name, limits.max_xml_depth, budget.elements, limits.max_xml_elements) if is_xml else None
    head = b""
    inner: IO[bytes] | None = None
    read = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                read += len(chunk)
                if read > cap:
                    raise ZipRefused(f"{name} 解压后超过 {megabytes(cap)} 上限（实际大小与声明的不符）")
                if scan is not None:
                    scan.feed(chunk)
                if len(head) < HEADER_BYTES:
                    head += chunk[: HEADER_BYTES - len(head)]
                    if inner is None and head.startswith(ZIP_MAGIC) and len(head) >= 4:
                        if depth >= limits.max_nesting:
                            raise ZipRefused(f"{name} 是嵌套的压缩包，超过 {limits.max_nesting} 层上限")
                        inner = tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
                if inner is not None:
                    inner.write(chunk)
        if scan is not None:
            scan.close()
            budget.elements -= scan.elements
        budget.left -= read
        refusal = image_refusal(head, name, limits.max_image_pixels) if not is_xml else None
        if refusal:
            raise ZipRefused(refusal)
        if inner is not None:
            inner.seek(0)
            try:
                nested = zipfile.ZipFile(inner)
            except _UNREADABLE:
                return
            with nested:
                _check_archive(nested, limits, budget, depth + 1, prefix=f"{name} → ")
    except XmlRefused as exc:
        raise ZipRefused(str(exc)) from exc
    except ZipRefused:
        raise
    except _UNREADABLE as exc:
        raise ZipRefused(f"{name} 无法解压（{_why(exc)}），文件已损坏或被篡改") from exc
    finally:
        if inner is not None:
            inner.close()


def _why(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return "已加密"
    return f"{type(exc).__name__}: {exc}"[:120]
