"""HTML → text with BeautifulSoup (lxml): page chrome dropped, block elements become lines."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from ingest.errors import IngestError
from ingest.loaders.plain import UNDECODABLE, decode_bytes, looks_like_text, read_bytes
from ingest.loaders.reflow import clean_line, clean_lines
from ingest.settings import IngestSettings
from ingest.text import LoadedText

DROPPED = frozenset(
    {"script", "style", "noscript", "template", "nav", "header", "footer", "head", "iframe", "svg", "object"}
)
BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
        "main", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
CELLS = frozenset({"td", "th"})
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# a newline in the source between two CJK characters is no space at all
_SOURCE_BREAK = "\x01"
_BREAK_RUN = re.compile(r"[ \t]*\x01[\x01 \t]*")
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def sniff_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` in the first 4 KB declares, as a Python codec name (GBK → GB18030)."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> str | None:
    """Decode with the declared charset if it fits, else detect like plain text."""
    declared = sniff_charset(data)
    has_bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if declared and not has_bom:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            text = None
        if text is not None and looks_like_text(text):
            return text
    return decode_bytes(data)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _resolve_breaks(line: str) -> str:
    def join(match: re.Match[str]) -> str:
        before = line[match.start() - 1] if match.start() else ""
        after = line[match.end()] if match.end() < len(line) else ""
        return "" if (before and _is_wide(before)) and (after and _is_wide(after)) else " "

    return _BREAK_RUN.sub(join, line)


def _text_node(node: NavigableString, in_pre: bool) -> str:
    if in_pre:
        return str(node)
    text = re.sub(r"[ \t\r\f]*\n\s*", _SOURCE_BREAK, str(node))
    return re.sub(r"[ \t\r\f\v]+", " ", text)


def _walk(node: Tag, out: list[str], in_pre: bool = False) -> None:
    for child in node.children:
        if isinstance(child, _NOT_TEXT):
            continue
        if isinstance(child, NavigableString):
            out.append(_text_node(child, in_pre))
            continue
        if not isinstance(child, Tag) or child.name in DROPPED:
            continue
        if child.name == "br":
            out.append("\n")
            continue
        block = child.name in BLOCKS
        if block:
            out.append("\n")
        _walk(child, out, in_pre or child.name == "pre")
        if child.name in CELLS:
            out.append("\t")
        elif block:
            out.append("\n")


def html_lines(markup: str) -> tuple[list[str], str]:
    """Visible text of a page, one block per line, and its title (``<title>``, else the first h1)."""
    soup = BeautifulSoup(markup, "lxml")
    title_tag = soup.find("title")
    h1 = soup.find("h1")
    title = clean_line(title_tag.get_text(" ")) if title_tag else ""
    if not title and h1:
        title = clean_line(h1.get_text(" "))
    out: list[str] = []
    _walk(soup.body or soup, out)
    raw = "".join(out).split("\n")
    return clean_lines(_resolve_breaks(line) for line in raw), title


def load_html(path: Path, settings: IngestSettings) -> LoadedText:
    markup = decode_html(read_bytes(path))
    if markup is None:
        raise IngestError(path, UNDECODABLE)
    try:
        lines, title = html_lines(markup)
    except RecursionError as exc:
        raise IngestError(path, "HTML is nested too deeply to read") from exc
    return LoadedText(path=path, text="\n".join(lines), format="html", title_hint=title)
