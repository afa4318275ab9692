"""PDF limits, checked on pypdf's lazily read objects before a page's content is decoded.

The document: its object count (the cross-reference table's size) and its page count (the page tree's
declared /Count, and the pages actually found). Each page, just before it is read: its size (MediaBox),
the declared length of its content streams and the pixel size of its images (/Width × /Height, never
decoded). While pypdf decodes, its own limits are set from ours (:func:`pdf_limits`), so a stream that
inflates past ``max_pdf_stream_mb`` stops with ``LimitReachedError``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pypdf import PageObject, PdfReader, apply_configuration
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

from ingest.guard.sizes import MB, limit_mb, pixels
from ingest.settings import FileLimits

_RESOURCE_DEPTH = 4  # forms inside forms inside a page


class PdfRefused(Exception):
    """Why the PDF is refused, in Chinese."""


@contextmanager
def pdf_limits(limits: FileLimits) -> Iterator[None]:
    """pypdf's decoding limits set from ours for the current context (a ContextVar: other threads keep theirs)."""
    stream_bytes = int(limits.max_pdf_stream_mb * MB)
    with apply_configuration(
        maximum_declared_stream_length=stream_bytes,
        array_based_stream_maximum_output_length=stream_bytes,
        zlib_maximum_output_length=stream_bytes,
        lzw_maximum_output_length=stream_bytes,
        run_length_maximum_output_length=stream_bytes,
        jbig2_maximum_output_length=stream_bytes,
        brotli_maximum_output_length=stream_bytes,
        image_maximum_buffer_size=stream_bytes,
        page_tree_maximum_entries=max(limits.max_pdf_pages * 2, 1000),
    ):
        yield


def limit_reached(exc: Exception, limits: FileLimits) -> str:
    """The reason for a pypdf ``LimitReachedError``: what pypdf said, and our limits it stands for."""
    return (f"PDF 超出处理上限（{str(exc)[:160]}）：数据流解压后上限 {limit_mb(limits.max_pdf_stream_mb)}，"
            f"页数上限 {limits.max_pdf_pages} 页")


def check_document(reader: PdfReader, limits: FileLimits) -> None:
    """Object and page counts, before any page is read."""
    declared = _int(reader.trailer.get("/Size"))
    known = sum(len(entries) for entries in reader.xref.values()) + len(reader.xref_objStm)
    objects = max(declared or 0, known)
    if objects > limits.max_pdf_objects:
        raise PdfRefused(f"PDF 含 {objects} 个对象，超过上限 {limits.max_pdf_objects} 个")
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    tree = root.get("/Pages") if isinstance(root, DictionaryObject) else None
    tree = tree.get_object() if tree is not None else None
    count = _int(tree.get("/Count")) if isinstance(tree, DictionaryObject) else None
    if count is not None and count > limits.max_pdf_pages:
        raise PdfRefused(f"PDF 共 {count} 页，超过上限 {limits.max_pdf_pages} 页")


def check_page_count(count: int, limits: FileLimits) -> None:
    if count > limits.max_pdf_pages:
        raise PdfRefused(f"PDF 共 {count} 页，超过上限 {limits.max_pdf_pages} 页")


def check_page(page: PageObject, number: int, limits: FileLimits) -> None:
    """Page ``number`` (from 1): its size, its content streams' declared lengths, its images' pixels."""
    box = page.mediabox
    width, height = abs(float(box.width)), abs(float(box.height))
    side = limits.max_pdf_page_side_pt
    if width > side or height > side:
        raise PdfRefused(f"第 {number} 页尺寸 {width:.0f}×{height:.0f} pt，超过上限 {side:g} pt")
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
    for stream in streams:
        _check_stream(stream.get_object() if stream is not None else None, f"第 {number} 页的内容流", limits)
    _check_resources(page.get("/Resources"), number, limits, depth=0, seen=set())


def _check_resources(resources: Any, number: int, limits: FileLimits, depth: int, seen: set[int]) -> None:
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject) or depth > _RESOURCE_DEPTH:
        return
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return
    for key in list(xobjects.keys())[:10_000]:
        xobject = xobjects[key].get_object()
        if not isinstance(xobject, StreamObject) or id(xobject) in seen:
            continue
        seen.add(id(xobject))
        is_image = xobject.get("/Subtype") == NameObject("/Image")
        what = f"第 {number} 页的{'图像' if is_image else '表单'} {key}"
        _check_stream(xobject, what, limits, inflate=not is_image)  # text extraction never decodes images
        if is_image:
            width, height = _int(xobject.get("/Width")) or 0, _int(xobject.get("/Height")) or 0
            if width * height > limits.max_image_pixels:
                raise PdfRefused(f"{what} {width}×{height} 像素（{pixels(width * height)}），"
                                 f"超过上限 {pixels(limits.max_image_pixels)}")
        else:
            _check_resources(xobject.get("/Resources"), number, limits, depth + 1, seen)


def _check_stream(stream: Any, what: str, limits: FileLimits, inflate: bool = True) -> None:
    """The declared length; and for a Flate stream its inflated size, through a capped decompressor."""
    if not isinstance(stream, StreamObject):
        return
    limit = int(limits.max_pdf_stream_mb * MB)
    length = _int(stream.get("/Length"))
    if length is not None and length > limit:
        raise PdfRefused(f"{what}长 {length / MB:.0f} MB，超过上限 {limit_mb(limits.max_pdf_stream_mb)}")
    if inflate and _filters(stream) == ["/FlateDecode"]:
        raw = getattr(stream, "_data", b"") or b""
        try:
            inflated = len(zlib.decompressobj().decompress(raw, limit + 1))
        except zlib.error:
            return  # broken: pypdf reports it, or recovers what it can
        if inflated > limit:
            raise PdfRefused(f"{what}解压后超过上限 {limit_mb(limits.max_pdf_stream_mb)}")


def _filters(stream: StreamObject) -> list[str]:
    value = stream.get("/Filter")
    value = value.get_object() if value is not None else None
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, ArrayObject) else [str(value)]


def _int(value: Any) -> int | None:
    try:
        value = value.get_object() if value is not None and hasattr(value, "get_object") else value
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
