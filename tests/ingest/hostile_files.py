"""Hostile files, built for real: zip bombs, lying zip headers, nested archives, billion laughs, deep XML
and HTML, images declaring 100000 × 100000 pixels, PDFs of 100000 pages or with a stream that inflates
to a gigabyte. Each is small on disk; sizes are parameters so that tests build small ones (with small
limits) and the benchmark (scripts/fuzz_files.py --hostile) the full-size ones of issue 16.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from docx import Document

MB = 1024 * 1024
_PARAGRAPH = b"<w:p><w:r><w:t>\xe7\xac\xac\xe4\xb8\x80\xe6\x9d\xa1</w:t></w:r></w:p>"  # 第一条


def plain_docx() -> bytes:
    document = Document()
    document.add_paragraph("第一条 为了规范测试，制定本条例。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plain_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["题型", "题干", "选项A", "选项B", "答案"])
    sheet.append(["单选题", "测试题干", "甲", "乙", "A"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(source: bytes, path: Path, replace: dict[str, Iterable[bytes]], extra: dict[str, bytes] | None = None,
             level: int = 9) -> Path:
    """``source`` (a zip) with the members in ``replace`` written from their chunks, streamed."""
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                                                                     compresslevel=level) as out:
        for info in src.infolist():
            if info.filename in replace:
                with out.open(info.filename, "w", force_zip64=True) as member:
                    for chunk in replace[info.filename]:
                        member.write(chunk)
            else:
                out.writestr(info, src.read(info.filename))
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return path


def _document_xml(body: Iterable[bytes]) -> Iterable[bytes]:
    yield (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    yield from body
    yield b"</w:body></w:document>"


def _repeated(unit: bytes, total: int) -> Iterable[bytes]:
    chunk = unit * max(1, MB // len(unit))
    for _ in range(max(1, total // len(chunk))):
        yield chunk


def docx_bomb(path: Path, unpacked_mb: float = 800) -> Path:
    """A DOCX whose word/document.xml unpacks to ``unpacked_mb`` (800 MB: a 0.8 MB file)."""
    body = _repeated(_PARAGRAPH, int(unpacked_mb * MB))
    return _rewrite(plain_docx(), path, {"word/document.xml": _document_xml(body)})


def _clauses(n: int, sentences: int) -> str:
    return "".join(f"第{k}项：承运人应当按照编号{(n * 31 + k) * 7919 % 100003}的规定办理，不得擅自变更。"
                   for k in range(1, sentences))


def large_docx(path: Path, unpacked_mb: float = 45, sentences: int = 1) -> Path:
    """A large DOCX: ``unpacked_mb`` of numbered articles of ``sentences`` sentences each, varied enough to
    compress like text (one sentence: 287,000 articles in 45 MB; 25: 19,000)."""
    def body() -> Iterable[bytes]:
        written, n = 0, 0
        while written < unpacked_mb * MB:
            n += 1
            para = (f"<w:p><w:r><w:t>第{n}条 为了规范道路运输第{n * 7919 % 100003}项测试活动，保障各方当事人"
                    f"编号{n * 104729 % 999983}的合法权益，制定本条例。{_clauses(n, sentences)}</w:t></w:r></w:p>"
                    ).encode()
            written += len(para)
            yield para
    return _rewrite(plain_docx(), path, {"word/document.xml": _document_xml(body())}, level=6)


def many_elements_docx(path: Path, unpacked_mb: float = 49, seed: int = 16) -> Path:
    """A DOCX whose word/document.xml is ``unpacked_mb`` of empty elements with random one-letter names
    (``<q/>``: 4 bytes an element, random enough to stay under the ratio limit), just under the 50 MB member
    limit: the most elements a parser is handed for the bytes."""
    import random

    rng = random.Random(seed)

    def body() -> Iterable[bytes]:
        left = int(unpacked_mb * MB) // 4
        while left > 0:
            yield b"".join(b"<%c/>" % rng.randrange(97, 123) for _ in range(min(left, MB // 4)))
            left -= MB // 4

    return _rewrite(plain_docx(), path, {"word/document.xml": _document_xml(body())}, level=9)


def short_articles_docx(path: Path, paragraphs: int = 333_000) -> Path:
    """``paragraphs`` one-line articles (第n条, three elements each): as many elements as text can carry."""
    body = (f"<w:p><w:r><w:t>第{n}条</w:t></w:r></w:p>".encode() for n in range(1, paragraphs + 1))
    return _rewrite(plain_docx(), path, {"word/document.xml": _document_xml(body)})


def lying_docx(path: Path, declared: int = 1000) -> Path:
    """A DOCX whose central directory says word/document.xml unpacks to ``declared`` bytes; it is larger."""
    body = _repeated(_PARAGRAPH, 4 * MB)
    _rewrite(plain_docx(), path, {"word/document.xml": _document_xml(body)})
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # central directory entries
        name_len = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if bytes(data[at + 46 : at + 46 + name_len]) == name:
            if struct.unpack("<I", data[at + 24 : at + 28])[0] != 0xFFFFFFFF:
                data[at + 24 : at + 28] = struct.pack("<I", declared)
            else:  # zip64: the size is in the extra field
                extra_at = at + 46 + name_len
                data[extra_at + 4 : extra_at + 12] = struct.pack("<Q", declared)
        at += 4
    path.write_bytes(bytes(data))
    return path


def billion_laughs_docx(path: Path) -> Path:
    """word/document.xml declares nested entities that would expand to 10⁹ "lol"s."""
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>").encode()
    return _rewrite(plain_docx(), path, {"word/document.xml": [xml]})


def external_entity_docx(path: Path) -> Path:
    xml = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")
    return _rewrite(plain_docx(), path, {"word/document.xml": [xml]})


def deep_docx(path: Path, depth: int = 100_000) -> Path:
    """word/document.xml nested ``depth`` elements deep (content controls inside content controls)."""
    opening = b"<w:sdt><w:sdtContent>" * depth
    closing = b"</w:sdtContent></w:sdt>" * depth
    return _rewrite(plain_docx(), path, {"word/document.xml": _document_xml([opening, closing])})


def many_members_docx(path: Path, members: int = 20_000) -> Path:
    return _rewrite(plain_docx(), path, {}, extra={f"customXml/item{i}.bin": b"" for i in range(members)})


def nested_docx(path: Path, depth: int = 4) -> Path:
    """A DOCX embedding a zip embedding a zip … ``depth`` deep."""
    inner = b""
    for level in range(depth):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"level{level}.bin", inner or b"core")
        inner = buffer.getvalue()
    return _rewrite(plain_docx(), path, {}, extra={"word/embeddings/package.zip": inner})


def docx_with_image(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    return _rewrite(plain_docx(), path, {}, extra={"word/media/image1.png": png_header(width, height)})


def xlsx_bomb(path: Path, unpacked_mb: float = 800) -> Path:
    """An XLSX whose first sheet unpacks to ``unpacked_mb`` of rows."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = [b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
             b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
             *_repeated(row, int(unpacked_mb * MB)), b"</sheetData></worksheet>"]
    return _rewrite(plain_xlsx(), path, {"xl/worksheets/sheet1.xml": sheet})


def billion_laughs_xlsx(path: Path) -> Path:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           "<si><t>&lol9;</t></si></sst>").encode()
    source = plain_xlsx()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        has_strings = "xl/sharedStrings.xml" in archive.namelist()
    if has_strings:
        return _rewrite(source, path, {"xl/sharedStrings.xml": [xml]})
    return _rewrite(source, path, {}, extra={"xl/sharedStrings.xml": xml})


def png_header(width: int, height: int) -> bytes:
    """A PNG declaring ``width`` × ``height`` pixels, with a tiny (cut) image stream."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(
        b"IEND", b"")


def png_bomb(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    path.write_bytes(png_header(width, height))
    return path


def jpeg_bomb(path: Path, width: int = 65_000, height: int = 65_000) -> Path:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    path.write_bytes(b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                     + sof + b"\xff\xd9")
    return path


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of ``objects`` (object n is objects[n - 1]) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pdf_many_pages(path: Path, pages: int = 100_000, declared: int | None = None, font: bool = False) -> Path:
    """``pages`` real page objects; the page tree declares ``declared`` (default: the truth). With ``font``
    each page has its own text, with its font (a text layer to read); without, all share one and a reader
    finds no text."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages if declared is None else declared, kids),
               _stream(b"BT /F1 12 Tf 72 720 Td (page) Tj ET"),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    if not font:
        objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    else:
        objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 4 0 R >> >> >>" % (5 + pages + i) for i in range(pages)]
        objects += [_stream(b"\n".join(
            b"BT /F1 11 Tf 72 %d Td (Rule %d of a long test regulation: carriers shall keep records number %d.) Tj ET"
            % (780 - 30 * line, 20 * i + line + 1, (20 * i + line) * 7919 % 100003) for line in range(20)))
            for i in range(pages)]
    path.write_bytes(raw_pdf(objects))
    return path


def pdf_huge_stream(path: Path, unpacked_mb: float = 1000) -> Path:
    """One page whose content stream is Flate-compressed spaces that inflate to ``unpacked_mb``."""
    compressor = zlib.compressobj(9)
    chunk = b" " * MB
    packed = b"".join(compressor.compress(chunk) for _ in range(int(unpacked_mb))) + compressor.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               _stream(packed, b"/Filter /FlateDecode")]
    path.write_bytes(raw_pdf(objects))
    return path


def pdf_huge_image(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """One page drawing an image XObject that declares ``width`` × ``height`` pixels."""
    image = _stream(zlib.compress(b"\x00" * 1024),
                    b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                    b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
               _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
               image]
    path.write_bytes(raw_pdf(objects))
    return path


def pdf_huge_page(path: Path, side: float = 200_000) -> Path:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % (side, side),
               _stream(b"BT /F1 12 Tf 72 720 Td (page) Tj ET")]
    path.write_bytes(raw_pdf(objects))
    return path


def deep_html(path: Path, depth: int = 200_000) -> Path:
    path.write_text("<html><body>" + "<div>" * depth + "第一条 深层。" + "</div>" * depth + "</body></html>",
                    encoding="utf-8")
    return path


def large_text(path: Path, mb: float = 45, encoding: str = "gbk", sentences: int = 1) -> Path:
    """A large plain text law in ``encoding``: numbered articles of ``sentences`` sentences each."""
    with path.open("w", encoding=encoding) as out:
        written, n = 0, 0
        out.write("测试运输条例\n")
        while written < mb * MB:
            n += 1
            line = (f"第{n}条 为了规范道路运输测试活动，保障各方当事人的合法权益，根据有关法律，制定本条例。"
                    f"{_clauses(n, sentences)}\n")
            written += len(line) * 2
            out.write(line)
    return path
