"""Rebuild real paragraphs from printed lines (PDF text), and clean lines of any source.

Everything here is a pure function over lines, so it is testable without files. A PDF loader
turns each printed line into a :class:`Line` (its text, its page and, when the layout is known,
its left edge and baseline), then:

1. :func:`drop_page_furniture` removes page numbers (``— 3 —``, ``- 3 -``, ``第3页``) and running
   headers/footers;
2. :func:`measure` turns positions into indentation (in characters) and vertical gaps;
3. :func:`reflow` groups lines into paragraphs;
4. :func:`render` joins them into text with one paragraph per line and the page offsets.

A line starts a new paragraph, in order of the evidence used:

* never if it begins with closing punctuation (``，`` ``。`` ``）`` …);
* always after a chapter/section heading line (``第一章 总则``) or after a vertical gap;
* in a document whose paragraphs have a first-line indent: when the line is indented (unless it
  only wraps a centred line: the line before ran full width without ending a sentence), or when
  the line before stopped short of the right margin or was centred;
* otherwise (no layout known, or block paragraphs) by text: the line before stopped short, or it
  ended with ``。？！``, or it ended with ``；：`` and this line opens an article (``第X条 ``), an
  item (``（一）``) or a heading. A line that follows an unfinished line is a continuation even if
  it begins with ``第三十八条规定…``. (A full line ending with ``。`` is ambiguous without layout;
  a new paragraph is the better guess on the corpus PDFs.)
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from kb.numbers import CN_NUMERAL_CHARS

_NUM = f"[{CN_NUMERAL_CHARS}0-9０-９]+"
_SPACE = r"[ \t\u3000\u00a0]"

ARTICLE_START = re.compile(rf"^第{_NUM}条(?:之[{CN_NUMERAL_CHARS}]+)?{_SPACE}")
ITEM_START = re.compile(rf"^(?:[（(]{_NUM}[）)]|[{CN_NUMERAL_CHARS}]+、|\d+[.．、](?!\d))")
DATE_START = re.compile(r"^[（(]?\d{4}年\d{1,2}月\d{1,2}日")
HEADING_LINE = re.compile(rf"^第{_NUM}(?:分?编|章|节)(?:{_SPACE}+\S.*)?$")
PAGE_NUMBER = re.compile(
    r"^(?:[—–\-－─]+\s*\d+\s*[—–\-－─]+"
    r"|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|\d+\s*/\s*\d+)$"
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")

CLOSING_PUNCTUATION = frozenset("，。、；：？！）》」』】〕〉…—,.;:?!)]%”’")
SENTENCE_END = frozenset("。；：？！;:?!")
_TRAILING_CLOSERS = "”’）」』】〕》)\"'"

_SPACE_RUN = re.compile(r"[ \u3000\u00a0\u2002-\u200a\u202f\u205f]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # a regex: str.translate is slow on CJK

# how far (in characters) the line before must stop short of the right margin to end a paragraph:
# generous where indentation already marks paragraphs, tighter where the text is all there is
SHORT_BY_INDENTED = 3.0
SHORT_BY_TEXTUAL = 2.5
# a line within this many characters of the right margin is full
SHORT_BY_FULL = 1.5
# a line is indented when it starts this many characters right of the page's body margin
MIN_INDENT = 0.8
# a vertical gap of this many line pitches separates paragraphs
GAP_PITCHES = 1.6


@dataclass(frozen=True)
class Line:
    """One printed line.

    ``x``/``y``/``size`` are raw layout (points) when known; :func:`measure` derives from them
    ``indent`` and ``reach`` (where the line starts and ends, in body characters right of the
    page's body margin) and ``gap_before``.
    """

    text: str
    page: int = 0
    x: float | None = None
    y: float | None = None
    size: float | None = None
    indent: float | None = None
    reach: float | None = None
    gap_before: bool = False


@dataclass(frozen=True)
class Layout:
    """What :func:`reflow` knows about the whole document."""

    full_width: float
    indented_paragraphs: bool
    paragraph_indent: float = 2.0


# ---------------------------------------------------------------- cleaning


def clean_line(text: str) -> str:
    """Trim a line (incl. U+3000/NBSP), drop invisible characters, collapse runs of spaces to one."""
    text = _INVISIBLE.sub("", text)
    return _SPACE_RUN.sub(" ", text).strip(" \t\r\n\f\v")


def clean_lines(lines: Iterable[str]) -> list[str]:
    """Clean every line and drop the empty ones."""
    return [c for c in (clean_line(line) for line in lines) if c]


# ---------------------------------------------------------------- text signals


def display_width(text: str) -> float:
    """Width in full-width characters: CJK counts 1, Latin letters, digits and spaces ½.

    East Asian "ambiguous" characters (“ ” … — ·) count 1: CJK fonts print them full width.
    """
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


def is_heading_line(text: str) -> bool:
    """``第一章 总则``, ``第二节 货 运``, ``第一编 …``: a short structural heading line."""
    return bool(HEADING_LINE.match(text)) and len(text) <= 40 and not any(p in text for p in "，。；")


def opens_unit(text: str) -> bool:
    """Could this line open a paragraph by its wording (article, item, heading, dated history line)?"""
    return any(p.match(text) for p in (ARTICLE_START, ITEM_START, DATE_START)) or is_heading_line(text)


def ends_sentence(text: str) -> bool:
    """Does the line end with sentence-final punctuation (closing quotes/brackets skipped)?"""
    core = text.rstrip(_TRAILING_CLOSERS)
    return bool(core) and core[-1] in SENTENCE_END


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text.strip()))


# ---------------------------------------------------------------- page furniture


def _by_page(lines: Sequence[Line]) -> dict[int, list[Line]]:
    pages: dict[int, list[Line]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    return pages


def _fold(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def _apart(line: Line, neighbour: Line | None, pitch: float | None) -> bool:
    """Is ``line`` set apart from the body (as headers and footers are)? True when unknown."""
    if neighbour is None or pitch is None or line.y is None or neighbour.y is None:
        return True
    return abs(line.y - neighbour.y) > GAP_PITCHES * pitch


def _edge_lines(page_lines: Sequence[Line], pitch: float | None) -> list[Line]:
    """First and last line of a page when they stand apart from the rest."""
    if len(page_lines) < 2:
        return list(page_lines)
    edges = []
    if _apart(page_lines[0], page_lines[1], pitch):
        edges.append(page_lines[0])
    if _apart(page_lines[-1], page_lines[-2], pitch):
        edges.append(page_lines[-1])
    return edges


def _running_lines(pages: dict[int, list[Line]], pitch: float | None) -> set[str]:
    """Edge texts (digits folded) that repeat on more than half of the pages (at least three)."""
    if len(pages) < 3:
        return set()
    counts = Counter(
        text
        for page_lines in pages.values()
        for text in {_fold(e.text) for e in _edge_lines(page_lines, pitch)}
    )
    return {text for text, n in counts.items() if n > len(pages) / 2 and not opens_unit(text)}


def drop_page_furniture(lines: Sequence[Line]) -> list[Line]:
    """Remove page-number lines, bare numbers at page edges and running headers/footers."""
    pages = _by_page([line for line in lines if not is_page_number(line.text)])
    running = _running_lines(pages, _line_pitch(lines))
    kept: list[Line] = []
    for page_lines in pages.values():
        last = len(page_lines) - 1
        for i, line in enumerate(page_lines):
            at_edge = i in (0, last)
            if at_edge and (_BARE_NUMBER.match(line.text) or _fold(line.text) in running):
                continue
            kept.append(line)
    return kept


# ---------------------------------------------------------------- layout measures


def _mode(values: Iterable[float]) -> float | None:
    counts = Counter(round(v) for v in values)
    return float(counts.most_common(1)[0][0]) if counts else None


def _page_margins(lines: Sequence[Line], unit: float) -> dict[int, float]:
    """Left body margin of each page: the usual minimum x of pages of the same parity (mirrored
    margins), or of all pages while a parity has fewer than two.

    A page whose every line is indented (a run of one-line items) or that holds one line left of
    the margin keeps the usual margin; only a page laid out elsewhere altogether (no line at the
    usual margin, its own minimum far from it) keeps its own minimum.
    """
    page_min: dict[int, float] = {}
    page_xs: dict[int, list[float]] = {}
    for line in lines:
        if line.x is not None:
            page_min[line.page] = min(page_min.get(line.page, line.x), line.x)
            page_xs.setdefault(line.page, []).append(line.x)
    overall = _mode(page_min.values())
    usual = {}
    for parity in (0, 1):
        mins = [v for p, v in page_min.items() if p % 2 == parity]
        usual[parity] = _mode(mins) if len(mins) >= 2 else overall
    margins: dict[int, float] = {}
    for page, own in page_min.items():
        ref = usual[page % 2]
        if ref is None:
            margins[page] = own
            continue
        at_ref = any(abs(x - ref) <= unit / 2 for x in page_xs[page])
        close = ref - unit / 2 <= own <= ref + 3 * unit
        margins[page] = ref if at_ref or close else own
    return margins


def _line_pitch(lines: Sequence[Line]) -> float | None:
    steps = [
        prev.y - cur.y
        for prev, cur in pairwise(lines)
        if prev.page == cur.page and prev.y is not None and cur.y is not None and prev.y > cur.y
    ]
    return statistics.median(steps) if steps else None


def measure(lines: Sequence[Line]) -> list[Line]:
    """Fill ``indent`` (characters right of the body margin) and ``gap_before`` from x/y/size."""
    sizes = [line.size for line in lines if line.size]
    if not sizes:
        return list(lines)
    unit = statistics.median(sizes)
    margins = _page_margins(lines, unit)
    pitch = _line_pitch(lines)
    out: list[Line] = []
    prev: Line | None = None
    for line in lines:
        indent = reach = None
        if line.x is not None:
            indent = max(0.0, (line.x - margins[line.page]) / unit)
            reach = indent + display_width(line.text) * (line.size or unit) / unit
        gap = (
            pitch is not None
            and prev is not None
            and prev.page == line.page
            and prev.y is not None
            and line.y is not None
            and prev.y - line.y > GAP_PITCHES * pitch
        )
        out.append(replace(line, indent=indent, reach=reach, gap_before=bool(gap)))
        prev = line
    return out


def extent(line: Line) -> float:
    """How far right the line reaches, in body characters from the body margin."""
    return line.reach if line.reach is not None else (line.indent or 0.0) + display_width(line.text)


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def infer_layout(lines: Sequence[Line]) -> Layout:
    """Full line width (80th percentile of extents) and whether paragraphs are first-line indented.

    Indented paragraphs: some but not most lines are indented, and lines that open an article or
    item mostly are (a hanging-indent document must not be read upside down).
    """
    if not lines:
        return Layout(full_width=0.0, indented_paragraphs=False)
    full = _percentile([extent(line) for line in lines], 0.8)
    known = [(line.indent, line.text) for line in lines if line.indent is not None]
    if len(known) < len(lines) * 0.8:
        return Layout(full_width=full, indented_paragraphs=False)
    indented = [indent for indent, _ in known if indent >= MIN_INDENT]
    share = len(indented) / len(known)
    openers = [indent for indent, text in known if ARTICLE_START.match(text) or ITEM_START.match(text)]
    openers_indented = sum(indent >= MIN_INDENT for indent in openers)
    openers_ok = len(openers) < 3 or openers_indented >= 0.7 * len(openers)
    usual_indent = _mode(indent * 2 for indent in indented)
    return Layout(
        full_width=full,
        indented_paragraphs=0.05 <= share <= 0.9 and openers_ok,
        paragraph_indent=usual_indent / 2 if usual_indent else 2.0,
    )


# ---------------------------------------------------------------- paragraphs


def stops_short(line: Line, layout: Layout, slack: float = SHORT_BY_TEXTUAL) -> bool:
    """Did the line end more than ``slack`` characters before the right margin (its paragraph ended)?"""
    return extent(line) < layout.full_width - slack


def starts_paragraph(prev: Line, cur: Line, layout: Layout) -> bool:
    """Does ``cur`` open a new paragraph after ``prev``? (See the module docstring.)"""
    if cur.text[0] in CLOSING_PUNCTUATION:
        return False
    if is_heading_line(prev.text) or cur.gap_before:
        return True
    if layout.indented_paragraphs and cur.indent is not None:
        if cur.indent < MIN_INDENT:
            return stops_short(prev, layout, SHORT_BY_INDENTED) or is_centered(prev, layout)
        return not continues_full_line(prev, cur, layout)
    if stops_short(prev, layout):
        return True
    if not ends_sentence(prev.text):
        return False
    return opens_unit(cur.text) or prev.text.rstrip(_TRAILING_CLOSERS)[-1:] in "。？！?!"


def is_centered(line: Line, layout: Layout) -> bool:
    """A line set off both margins by about as much (a centred title or history line)."""
    if line.indent is None or line.reach is None or abs(line.indent - layout.paragraph_indent) <= 0.5:
        return False
    right = layout.full_width - line.reach
    return line.indent >= 1.0 and right >= 1.0 and abs(line.indent - right) <= 1.0


def continues_full_line(prev: Line, cur: Line, layout: Layout) -> bool:
    """Is ``cur`` indented only because it wraps a centred line (or the like)?

    The line before ran to the right margin without ending a sentence, and ``cur`` does not open
    an article, item or heading.
    """
    prev_full = not stops_short(prev, layout, SHORT_BY_FULL)
    return prev_full and not ends_sentence(prev.text) and not opens_unit(cur.text)


def reflow(lines: Sequence[Line], layout: Layout | None = None) -> list[list[Line]]:
    """Group printed lines into paragraphs."""
    lines = [line for line in lines if line.text]
    if not lines:
        return []
    layout = layout or infer_layout(lines)
    groups: list[list[Line]] = [[lines[0]]]
    for prev, cur in pairwise(lines):
        if starts_paragraph(prev, cur, layout):
            groups.append([cur])
        else:
            groups[-1].append(cur)
    return groups


def join_lines(texts: Sequence[str]) -> str:
    """Join wrapped lines: no space between CJK, one space between two Latin words."""
    out = ""
    for text in texts:
        if out and out[-1].isascii() and out[-1].isalpha() and text[0].isascii() and text[0].isalpha():
            out += " "
        out += text
    return out


def _latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def render(groups: Sequence[Sequence[Line]], page_count: int) -> tuple[str, tuple[int, ...]]:
    """Text with one paragraph per line, and the offset where each page's text begins.

    A page without text starts where the next text starts (the end of the text if none follows).
    """
    paragraphs: list[str] = []
    first_offset: dict[int, int] = {}
    offset = 0
    for group in groups:
        # pieces joined once: a paragraph grown line by line was copied for each line (a 1000-page PDF of one
        # paragraph took 22 s, 4000 pages 16 times that)
        pieces: list[str] = []
        length = 0
        for line in group:
            space = (length > 0 and bool(line.text) and _latin_letter(pieces[-1][-1]) and _latin_letter(line.text[0]))
            first_offset.setdefault(line.page, offset + length + space)
            if space:
                pieces.append(" ")
            if line.text:
                pieces.append(line.text)
            length += space + len(line.text)
        text = "".join(pieces)
        paragraphs.append(text)
        offset += len(text) + 1
    full = "\n".join(paragraphs)
    starts: list[int] = []
    nxt = len(full)
    for page in reversed(range(page_count)):
        nxt = first_offset.get(page, nxt)
        starts.append(nxt)
    return full, tuple(reversed(starts))


def rebuild(lines: Sequence[Line], page_count: int) -> tuple[str, tuple[int, ...]]:
    """The whole pipeline: furniture out, measure, reflow, render."""
    cleaned = [replace(line, text=clean_line(line.text)) for line in lines]
    kept = drop_page_furniture([line for line in cleaned if line.text])
    return render(reflow(measure(kept)), page_count)
