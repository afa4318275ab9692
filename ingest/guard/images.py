"""An image's pixel size read from its header, before anything decodes it (PNG, JPEG, GIF, BMP, WebP, TIFF).

A photo for OCR, an image inside a DOCX or a PDF: a small file can declare 100000 × 100000 pixels, which a
decoder would try to allocate (30 GB of RGB). The header says so in its first bytes.
"""

from __future__ import annotations

import struct

from ingest.guard.sizes import pixels

HEADER_BYTES = 256 * 1024  # a JPEG's SOF can follow a large EXIF/ICC block
_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def looks_like_image(head: bytes) -> bool:
    return image_size(head) is not None or head.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8", b"BM"))


def image_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from the header's bytes; None if the format is not known or the header is cut."""
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if head.startswith((b"GIF87a", b"GIF89a")):
            return struct.unpack("<HH", head[6:10])
        if head.startswith(b"BM") and len(head) >= 26:
            width, height = struct.unpack("<ii", head[18:26])
            return abs(width), abs(height)
        if head.startswith(b"\xff\xd8"):
            return _jpeg_size(head)
        if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
            return _webp_size(head)
        if head.startswith((b"II*\x00", b"MM\x00*")):
            return _tiff_size(head)
    except struct.error:
        return None
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(head):
        if head[i] != 0xFF:
            return None
        marker = head[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", head[i + 2 : i + 4])
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", head[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


def _tiff_size(head: bytes) -> tuple[int, int] | None:
    order = "<" if head.startswith(b"II") else ">"
    (offset,) = struct.unpack(order + "I", head[4:8])
    (count,) = struct.unpack(order + "H", head[offset : offset + 2])
    found: dict[int, int] = {}
    for k in range(min(count, 200)):
        entry = head[offset + 2 + 12 * k : offset + 14 + 12 * k]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag in (256, 257):
            value = struct.unpack(order + ("H" if kind == 3 else "I"), entry[8:10] if kind == 3 else entry[8:12])[0]
            found[tag] = value
    if 256 in found and 257 in found:
        return found[256], found[257]
    return None


def image_refusal(head: bytes, name: str, max_pixels: int) -> str | None:
    """Why the image is refused (its pixels over the limit), or None."""
    size = image_size(head)
    if size is None:
        return None
    width, height = size
    if width * height > max_pixels:
        return f"{name + ' ' if name else ''}图像 {width}×{height} 像素（{pixels(width * height)}），超过上限 {pixels(max_pixels)}"
    return None
