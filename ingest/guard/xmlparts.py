"""A streaming look at an XML part before any library parses it: no DTD (so no entity, internal or
external, can expand), elements nested at most ``max_depth`` deep, and at most ``max_elements`` of them (a
parser's tree takes ~130 bytes an element: 13 million empty ones, 49 MB unpacked, took python-docx 1.7 GB).

Fed in chunks (from a zip member's size-capped stream), so memory does not grow with the part.
Malformed XML is not refused here: the library that reads the file reports it as its own error.
"""

from __future__ import annotations

from xml.parsers import expat


class XmlRefused(Exception):
    """An XML part the guard refuses; the message is the reason, in Chinese."""


class XmlScan:
    def __init__(self, name: str, max_depth: int, max_elements: int | None = None, limit: int | None = None) -> None:
        """``max_elements``: what this part may hold (what is left of the file's budget); ``limit``: the
        setting named in the refusal (default ``max_elements``)."""
        self.name = name
        self.max_depth = max_depth
        self.max_elements = max_elements
        self.limit = limit if limit is not None else max_elements
        self.elements = 0
        self.depth = 0
        self.broken = False
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.ExternalEntityRefHandler = self._external
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        self._parser = parser

    def _doctype(self, *_args: object) -> None:
        raise XmlRefused(f"{self.name} 含 DTD 声明（<!DOCTYPE>），可用来展开实体，不予读取")

    def _entity(self, *_args: object) -> None:
        raise XmlRefused(f"{self.name} 声明了 XML 实体（<!ENTITY>），不予读取")

    def _external(self, *_args: object) -> int:
        raise XmlRefused(f"{self.name} 引用了外部实体，不予读取")

    def _start(self, *_args: object) -> None:
        self.depth += 1
        self.elements += 1
        if self.max_elements is not None and self.elements > self.max_elements:
            raise XmlRefused(f"{self.name} 使 XML 元素超过 {self.limit} 个上限")
        if self.depth > self.max_depth:
            raise XmlRefused(f"{self.name} 的元素嵌套超过 {self.max_depth} 层上限")

    def _end(self, *_args: object) -> None:
        self.depth -= 1

    def feed(self, chunk: bytes) -> None:
        self._parse(chunk, final=False)

    def close(self) -> None:
        self._parse(b"", final=True)

    def _parse(self, data: bytes, final: bool) -> None:
        if self.broken:
            return
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError:
            self.broken = True  # not well-formed: left to the library to report


def check_xml_bytes(data: bytes, name: str, max_depth: int) -> None:
    """The same checks on XML held in memory."""
    scan = XmlScan(name, max_depth)
    scan.feed(data)
    scan.close()
