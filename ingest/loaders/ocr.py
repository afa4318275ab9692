"""OCR of scans and photos: page images → printed lines → the same reflow and structure as text PDFs.

The recogniser is ``rapidocr-onnxruntime`` (PP-OCRv4 detection and recognition, the models inside its
wheel: nothing is downloaded), imported only when a page needs it. A page image goes through:

1. :func:`prepare_image`: red seal ink whitened and the print under it kept dark (a stamp over the text:
   the seal's pixels greyed by how far their red falls below the ink's), grey → BGR, the long side
   cut to :data:`MAX_SIDE` pixels;
2. :func:`recognise`: the detector's boxes; a page turned by 90° (most boxes upright) is turned back and
   detected again; a page upside down (the angle classifier says 180° for most lines) is turned round;
   then every box is cropped along its own slant and read;
3. :func:`page_lines`: boxes deskewed by the page's median slant, curved or slanted odd boxes (a seal's
   ring text) and weak readings dropped, page numbers at the page's top or bottom dropped, two columns
   split where a gutter runs down the page, boxes joined into lines left to right, each a
   :class:`~ingest.loaders.reflow.Line` with its left edge, baseline and character pitch, so
   :func:`~ingest.loaders.reflow.rebuild` rebuilds the paragraphs as for a text PDF;
4. :func:`mend`: the usual confusions of legal text mended where the text's structure proves them:
   an article number that breaks the sequence only by a look-alike (第十—条 after 第十条 → 第十一条) or
   by a numeral one stroke off between two articles that agree (第三十四条 between 第二十三条 and
   第二十五条), item markers in a run of items (一 警告 → （一）警告), an item's final ， or ： before
   the next item (→ ；), a gap between Chinese characters in an article's text (a lost ，), 千 read as 干
   or 于 in an amount (一干元), half-width punctuation in Chinese
   text, 《》 and 〈〉 pairs around a title, a clause left without its final 。.

Every page's time is logged (``ingest.ocr``) as it is read; the document's records are marked as OCR
text (:attr:`kb.models.DocumentMeta.ocr`).
"""

from __future__ import annotations

import logging
import math
import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from ingest.errors import FileRefused, IngestError
from ingest.guard.sizes import pixels
from ingest.loaders.reflow import (
    ITEM_START,
    Line,
    display_width,
    ends_sentence,
    is_heading_line,
    rebuild,
)
from ingest.settings import IngestSettings
from ingest.text import LoadedText
from kb.numbers import ARTICLE_NUMERALS, ITEM_NUMERALS, cn_to_int, int_to_cn

log = logging.getLogger("ingest.ocr")

MAX_SIDE = 2000  # longer sides are scaled down (rapidocr's own default)
MIN_SCORE = 0.5  # a reading the recogniser is less sure of is dropped
SEAL_GAP = 20.0  # red levels below the seal ink's a pixel under a seal must be to count as print
SEAL_RAMP = 15.0  # and this many more to be fully dark
SLANT_TOLERANCE = 12.0  # degrees a box may lean off the page's median slant (a seal's ring text leans more)
NOT_AN_IMAGE = "not an image that can be read (corrupt or unsupported format)"
NO_TEXT = "no text recognised in the image (OCR)"

PageProgress = Callable[[int, int, float], None]
"""page_progress(page number from 1, pages to read, seconds this page took)."""


@dataclass(frozen=True)
class Box:
    """One recognised text box: its text, the recogniser's confidence and its four corners (x, y) in
    the upright image, clockwise from the top left."""

    text: str
    score: float
    quad: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class PageText:
    lines: list[Line]
    seconds: float
    height: float = 0.0


# ---------------------------------------------------------------- the engine


@cache
def _engine() -> Any:
    """The rapidocr engine, created on first use (its import loads onnxruntime and OpenCV)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # pragma: no cover - a broken install
        raise RuntimeError("OCR needs the package rapidocr-onnxruntime (pip install rapidocr-onnxruntime)") from exc
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(print_verbose=False)


def prepare_image(image: np.ndarray) -> np.ndarray:
    """An image array (grey, RGB or RGBA, as PIL gives it) → BGR for the recogniser, seal ink whitened,
    at most :data:`MAX_SIDE` pixels on its long side."""
    import cv2

    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    elif image.shape[2] == 4:
        alpha = image[:, :, 3:4].astype(np.float32) / 255.0
        image = (image[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    rgb = image[:, :, :3]
    red, green, blue = (rgb[:, :, k].astype(np.int16) for k in range(3))
    seal = (red > 120) & (red - np.maximum(green, blue) > 50)
    if seal.any():
        rgb = rgb.copy()
        rgb[seal] = _under_seal(red[seal])[:, None]
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    height, width = bgr.shape[:2]
    if max(height, width) > MAX_SIDE:
        scale = MAX_SIDE / max(height, width)
        bgr = cv2.resize(bgr, (max(1, round(width * scale)), max(1, round(height * scale))),
                         interpolation=cv2.INTER_AREA)
    return bgr


def _under_seal(red: np.ndarray) -> np.ndarray:
    """The grey of the seal's pixels from their red level: the seal's own ink white, print showing through the
    ink dark. Print is a red level well below the ink's median (by :data:`SEAL_GAP` or four median deviations,
    whichever is more: a compressed photo's thin seal strokes vary that much), fully dark
    :data:`SEAL_RAMP` levels further down."""
    ink = float(np.median(red))
    spread = float(np.median(np.abs(red - ink)))
    gap = max(SEAL_GAP, 4.0 * spread)
    depth = (ink - gap - red.astype(np.float32)) / SEAL_RAMP
    return (255.0 * (1.0 - np.clip(depth, 0.0, 1.0))).astype(np.uint8)


def _quad_size(quad: np.ndarray) -> tuple[float, float]:
    width = float(np.linalg.norm(quad[1] - quad[0]))
    height = float(np.linalg.norm(quad[3] - quad[0]))
    return width, height


def _mostly_upright(quads: Sequence[np.ndarray]) -> bool:
    """Are most long boxes taller than wide (a page turned by 90°)?"""
    upright = lying = 0
    for quad in quads:
        width, height = _quad_size(quad)
        if height > 2.5 * width:
            upright += 1
        elif width > 2.5 * height:
            lying += 1
    return upright > lying


def _detect(engine: Any, image: np.ndarray) -> list[np.ndarray]:
    boxes, _ = engine.text_det(image)
    if boxes is None or len(boxes) == 0:
        return []
    return [np.asarray(b, dtype=np.float32) for b in boxes]


def recognise(image: np.ndarray) -> tuple[list[Box], tuple[int, int]]:
    """The text boxes of a prepared (BGR) page image, in the upright page's frame, and that frame's
    (width, height)."""
    grey = image.min(axis=2)
    if min(image.shape[:2]) < 8 or int(grey.max()) - int(grey.min()) < 40:
        return [], (image.shape[1], image.shape[0])  # a blank page: nothing to read
    engine = _engine()
    quads = _detect(engine, image)
    if quads and _mostly_upright(quads):
        image = np.ascontiguousarray(np.rot90(image, 1))
        quads = _detect(engine, image)
    if not quads:
        return [], (image.shape[1], image.shape[0])
    crops = engine.get_crop_img_list(image, quads)
    long_crops = [c for c in crops if c.shape[1] > 2 * c.shape[0]] or crops
    _, votes, _ = engine.text_cls(list(long_crops[:30]))
    turned = sum(1 for label, score in votes if label == "180" and score > 0.9)
    if turned > len(votes) / 2:
        image = np.ascontiguousarray(np.rot90(image, 2))
        quads = _detect(engine, image)
        crops = engine.get_crop_img_list(image, quads)
    readings, _ = engine.text_rec(crops)
    boxes = [
        Box(text=str(reading[0]), score=float(reading[1]), quad=tuple((float(x), float(y)) for x, y in quad))
        for quad, reading in zip(quads, readings, strict=True)
    ]
    return boxes, (image.shape[1], image.shape[0])


# ---------------------------------------------------------------- boxes → lines


@dataclass(frozen=True)
class _Placed:
    text: str
    left: float
    right: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _slant(quad: Sequence[tuple[float, float]]) -> float:
    (x0, y0), (x1, y1) = quad[0], quad[1]
    return math.degrees(math.atan2(y1 - y0, x1 - x0))


_PAGE_NUMBER_TEXT = re.compile(r"^[\s\-—–－─一_~·.第]*\d{1,4}[\s\-—–－─一_~·.页]*$")


def _placed(boxes: Sequence[Box], size: tuple[int, int]) -> list[_Placed]:
    """Boxes deskewed by the page's median slant; weak, empty and odd-slanted boxes dropped."""
    kept = [b for b in boxes if b.text.strip() and b.score >= MIN_SCORE]
    slants = [_slant(b.quad) for b in kept if _quad_width(b) > 2 * _quad_height(b)]
    slant = statistics.median(slants) if slants else 0.0
    cx, cy = size[0] / 2, size[1] / 2
    cos, sin = math.cos(math.radians(-slant)), math.sin(math.radians(-slant))
    out: list[_Placed] = []
    for box in kept:
        if _quad_width(box) > 1.5 * _quad_height(box) and abs(_slant(box.quad) - slant) > SLANT_TOLERANCE:
            continue  # a seal's ring text, a slanted scribble
        xs, ys = [], []
        for x, y in box.quad:
            dx, dy = x - cx, y - cy
            xs.append(cx + dx * cos - dy * sin)
            ys.append(cy + dx * sin + dy * cos)
        out.append(_Placed(box.text.strip(), min(xs), max(xs), min(ys), max(ys)))
    return out


def _quad_width(box: Box) -> float:
    (x0, y0), (x1, y1) = box.quad[0], box.quad[1]
    return math.hypot(x1 - x0, y1 - y0)


def _quad_height(box: Box) -> float:
    (x0, y0), (x3, y3) = box.quad[0], box.quad[3]
    return math.hypot(x3 - x0, y3 - y0)


def _drop_page_numbers(placed: list[_Placed], height: float) -> list[_Placed]:
    """A page number (— 3 —, -3-, 第3页) in the top or bottom tenth of the text's extent."""
    if not placed:
        return placed
    top = min(p.top for p in placed)
    bottom = max(p.bottom for p in placed)
    band = max((bottom - top) * 0.1, 1.0)
    return [
        p for p in placed
        if not (_PAGE_NUMBER_TEXT.match(p.text) and (p.top < top + band or p.bottom > bottom - band))
    ]


def _columns(placed: list[_Placed]) -> list[list[_Placed]]:
    """Reading blocks: the page as one block, or bands of full-width boxes and two columns when a gutter
    (a vertical strip no narrow box crosses) splits the narrow boxes into two sizeable halves."""
    if len(placed) < 8:
        return [placed]
    left = min(p.left for p in placed)
    right = max(p.right for p in placed)
    unit = statistics.median(p.height for p in placed)
    narrow = [p for p in placed if p.right - p.left < 0.55 * (right - left)]
    best: tuple[float, float] | None = None
    edges = sorted({p.left for p in narrow} | {p.right for p in narrow})
    for x in edges:
        gap_start = x
        if not left + 0.2 * (right - left) <= gap_start <= left + 0.8 * (right - left):
            continue
        crossing = [p for p in narrow if p.left < gap_start + 1 < p.right]
        if crossing:
            continue
        gap_end = min((p.left for p in narrow if p.left >= gap_start + 1), default=right)
        if gap_end - gap_start >= 1.5 * unit and (best is None or gap_end - gap_start > best[1] - best[0]):
            best = (gap_start, gap_end)
    if best is None:
        return [placed]
    on_left = [p for p in narrow if p.right <= best[0] + 1]
    on_right = [p for p in narrow if p.left >= best[1] - 1]
    if min(len(on_left), len(on_right)) < 0.25 * len(placed):
        return [placed]
    spanning = sorted((p for p in placed if p not in on_left and p not in on_right), key=lambda p: p.top)
    blocks: list[list[_Placed]] = []
    start = -math.inf
    for cut in [*spanning, None]:
        end = cut.top if cut is not None else math.inf
        band = [p for p in on_left if start <= p.middle < end], [p for p in on_right if start <= p.middle < end]
        blocks.extend(col for col in band if col)
        if cut is not None:
            blocks.append([cut])
            start = cut.bottom
    return blocks


def _rows(block: list[_Placed]) -> list[list[_Placed]]:
    """Boxes side by side (their heights overlap by half) form one row, left to right."""
    rows: list[list[_Placed]] = []
    for box in sorted(block, key=lambda p: p.middle):
        for row in rows:
            last = row[-1]
            overlap = min(last.bottom, box.bottom) - max(last.top, box.top)
            side_by_side = all(box.right <= p.left or box.left >= p.right for p in row)
            if overlap > 0.5 * min(last.height, box.height) and side_by_side:
                row.append(box)
                break
        else:
            rows.append([box])
    return [sorted(row, key=lambda p: p.left) for row in rows]


def _row_text(row: Sequence[_Placed]) -> str:
    text = row[0].text
    for prev, box in pairwise(row):
        gap = box.left - prev.right
        text += (" " if gap > 0.8 * min(prev.height, box.height) else "") + box.text
    return text


def page_lines(boxes: Sequence[Box], size: tuple[int, int], page: int) -> list[Line]:
    """A page's boxes → its printed lines in reading order, with layout for the reflow (y upward)."""
    placed = _drop_page_numbers(_placed(boxes, size), size[1])
    lines: list[Line] = []
    for block in _columns(placed):
        for row in _rows(block):
            text = _row_text(row)
            left, right = row[0].left, row[-1].right
            bottom = max(p.bottom for p in row)
            width = display_width(text)
            pitch = (right - left) / width if width >= 2 else max(p.height for p in row)
            lines.append(Line(text=text, page=page, x=left, y=size[1] - bottom, size=pitch))
    return _space_after_headings(lines)


_NUMERAL_LOOKALIKES = "—–－-_一"
_HEADING_START = re.compile(rf"^(第[{ARTICLE_NUMERALS}{re.escape(_NUMERAL_LOOKALIKES)}0-9]{{1,8}}条(?:之[一二三四五六七八九十])?)"
                            r"(?=[^\s，。、；：）)的规定中第款项和与及或至]).")


_CHAPTER_START = re.compile(rf"^(第[{ARTICLE_NUMERALS}{re.escape(_NUMERAL_LOOKALIKES)}0-9]{{1,6}}(?:分?编|章|节))"
                            r"(?=[^\s，。、；：的])[^，。；：]{1,30}$")


def _space_after_headings(lines: list[Line]) -> list[Line]:
    """OCR drops the space after ``第一条`` and in ``第一章 总则``: put it back where the line opens a
    paragraph (indented, or after a line that ended a sentence) or is a short heading line, as printed."""
    if not lines:
        return lines
    margin = min(line.x for line in lines if line.x is not None)
    unit = statistics.median(line.size for line in lines if line.size)
    out = []
    prev: Line | None = None
    for line in lines:
        chapter = _CHAPTER_START.match(line.text)
        if chapter:
            line = Line(text=f"{chapter[1]} {line.text[chapter.end(1):]}", page=line.page, x=line.x, y=line.y,
                        size=line.size)
        match = _HEADING_START.match(line.text)
        indented = line.x is not None and line.x - margin >= 0.8 * unit
        if match and (indented or prev is None or ends_sentence(prev.text) or is_heading_line(prev.text)):
            line = Line(text=f"{match[1]} {line.text[match.end(1):]}", page=line.page, x=line.x, y=line.y,
                        size=line.size)
        out.append(line)
        prev = line
    return out


# ---------------------------------------------------------------- mending the text

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_FULL_PUNCT = "，。、；：？！（）《》〈〉“”"
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_CN_CONTEXT = f"[{_CJK}{_FULL_PUNCT}]"
_HALF_PUNCT = re.compile(rf"(?<={_CN_CONTEXT})\s*([,;:?!])|([,;:?!])\s*(?={_CN_CONTEXT})")
_HALF_PARENS = re.compile(rf"\(\s*([{_CJK}0-9]{{1,30}})\s*\)")
_CJK_PERIOD = re.compile(rf"(?<=[{_CJK}])\.$")
_ENUM_COMMA = re.compile(rf"(?<=[{_CJK}])[丶·•](?=[{_CJK}])")
_OPENERS = "《〈（(<"
_CLOSERS = "》〉）)>"
_TITLE_END = ("法", "条例", "规定", "办法", "决定", "细则", "规则", "规章", "解释", "意见", "通知", "准则",
              "标准", "纲要", "章程", "公约", "决议", "批复", "命令", "基准")
_QUOTED = re.compile(rf"([{re.escape(_OPENERS)}])([^{re.escape(_OPENERS + _CLOSERS)}\n]{{2,60}})"
                     rf"([{re.escape(_CLOSERS)}])")
_ARTICLE_AT_START = re.compile(
    rf"^第([{ARTICLE_NUMERALS}{re.escape(_NUMERAL_LOOKALIKES)}+]{{1,10}})条(之[一二三四五六七八九十])?(?=\s|$)"
)
_LOOKALIKE_MAP = str.maketrans({"—": "一", "–": "一", "－": "一", "-": "一", "_": "一", "+": "十"})
_ITEM_MARK = re.compile(rf"^(?:[（(]\s*)?([{ITEM_NUMERALS}{re.escape(_NUMERAL_LOOKALIKES)}]{{1,3}})(?:\s*[）)])?\s*(?=\S)")
_CLEAN_ITEM = re.compile(rf"^（[{ITEM_NUMERALS}]+）")


def _fix_punctuation(line: str) -> str:
    line = _ENUM_COMMA.sub("、", line)
    line = _HALF_PUNCT.sub(lambda m: _HALF_TO_FULL[m[1] or m[2]], line)
    line = _HALF_PARENS.sub(lambda m: f"（{m[1]}）" if re.search(f"[{_CJK}]", m[1]) else m[0], line)
    return _CJK_PERIOD.sub("。", line)


def _fix_title_quotes(line: str) -> str:
    """A title between mismatched brackets, one of them a title bracket: 《X） or （X》 → 《X》, or 〈X〉
    inside an open 《 …》."""

    def swap(match: re.Match[str]) -> str:
        opener, inner, closer = match[1], match[2], match[3]
        title_marks = "《》〈〉"
        if (opener, closer) in (("《", "》"), ("〈", "〉"), ("（", "）"), ("(", ")")):
            return match[0]
        if opener not in title_marks and closer not in title_marks:
            return match[0]
        if not inner.endswith(_TITLE_END):
            return match[0]
        before = line[: match.start()]
        nested = before.count("《") > before.count("》")
        return f"〈{inner}〉" if nested else f"《{inner}》"

    return _QUOTED.sub(swap, line)


def _article_number(line: str) -> tuple[int | None, str, re.Match[str] | None]:
    match = _ARTICLE_AT_START.match(line)
    if not match:
        return None, "", None
    return cn_to_int(match[1]), match[2] or "", match


_STROKE_SWAPS = {"二": "三一", "三": "二", "一": "二"}
"""Numerals the recogniser reads for one another (a stroke lost or added in a blurred or compressed print)."""


def _stroke_readings(numeral: str) -> Iterable[str]:
    for i, ch in enumerate(numeral):
        for other in _STROKE_SWAPS.get(ch, ""):
            yield numeral[:i] + other + numeral[i + 1:]


def _fix_article_numbers(paragraphs: list[str]) -> list[str]:
    """An article heading whose numeral holds a look-alike (— for 一, + for 十) or reads one off the
    sequence is renumbered when the look-alike reading is the number the sequence expects (the one
    before + 1, or the one after − 1). A numeral one stroke off (三 for 二) is renumbered only when the
    articles on both sides agree on the number."""
    numbers = [_article_number(p)[0] for p in paragraphs]
    out = list(paragraphs)
    for i, paragraph in enumerate(paragraphs):
        _, suffix, match = _article_number(paragraph)
        if match is None:
            continue
        before = next((n for n in reversed(numbers[:i]) if n is not None), None)
        after = next((n for n in numbers[i + 1:] if n is not None), None)
        expected = before + 1 if before is not None else (after - 1 if after is not None else None)
        if suffix and before is not None:
            expected = before
        if expected is None or numbers[i] == expected:
            continue
        fixed = cn_to_int(match[1].translate(_LOOKALIKE_MAP))
        both_agree = not suffix and before is not None and after is not None and after - 1 == expected
        if fixed != expected and both_agree and any(cn_to_int(r) == expected for r in _stroke_readings(match[1])):
            fixed = expected
        if fixed == expected:
            out[i] = f"第{int_to_cn(expected)}条{suffix}{paragraph[match.end():]}"
            numbers[i] = expected
    return out


def _fix_items(paragraphs: list[str]) -> list[str]:
    """A run of items after a lead-in ending in ：, some marked （一） or with a damaged mark (一 …, 一）…,
    （一…): every paragraph of the run is given its mark in sequence. The run ends at a paragraph ending
    in 。 (the last item), an article or a heading."""
    out = list(paragraphs)
    i = 0
    while i < len(out):
        if not out[i].rstrip().endswith("："):
            i += 1
            continue
        run: list[int] = []
        j = i + 1
        while j < len(out) and not _ARTICLE_AT_START.match(out[j]) and not is_heading_line(out[j]):
            run.append(j)
            if out[j].rstrip().endswith("。") or len(out[j]) > 200:
                break
            j += 1
        marks = [k for k in run if _CLEAN_ITEM.match(out[k]) or _damaged_mark(out[k])]
        ends_like_items = all(re.search(f"[；。：{_CJK}]$", out[k].rstrip()) for k in run)  # a bare end: lost
        if run and ends_like_items and 2 * len(marks) >= len(run):
            number = 0
            for k in run:
                clean = _CLEAN_ITEM.match(out[k])
                if clean:
                    number = cn_to_int(clean[0][1:-1]) or number + 1
                    continue
                number += 1
                damaged = _damaged_mark(out[k])
                rest = out[k][damaged.end():] if damaged else out[k]
                out[k] = f"（{int_to_cn(number)}）{rest.lstrip()}"
        i = j if j > i else i + 1
    return out


def _damaged_mark(paragraph: str) -> re.Match[str] | None:
    """``一 `` (a numeral then a space), ``（一`` or ``一）``: a damaged item mark, not the item's first word."""
    match = _ITEM_MARK.match(paragraph)
    if match is None or _CLEAN_ITEM.match(paragraph):
        return None
    whole = match[0]
    return match if whole[0] in "（(" or any(c in whole for c in "）)") or whole.endswith(" ") else None


_DATE_END = re.compile(r"[0-9〇零一二三四五六七八九十]{1,4}年[0-9〇零一二三四五六七八九十]{1,2}月[0-9〇零一二三四五六七八九十]{1,3}日$")


def _fix_clause_ends(paragraphs: list[str]) -> list[str]:
    """In the articles' body, a clause or item that ends on a bare character lost its final mark: 。, or ；
    for an item another item follows."""
    out = list(paragraphs)
    started = False
    for i, paragraph in enumerate(paragraphs):
        if _ARTICLE_AT_START.match(paragraph):
            started = True
        if not started or is_heading_line(paragraph) or not re.search(f"[{_CJK}]$", paragraph):
            continue
        if len(paragraph) < 10 or _DATE_END.search(paragraph):
            continue  # a signature, a date, a short caption: not a clause
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        item = bool(ITEM_START.match(paragraph))
        out[i] = paragraph + ("；" if item and ITEM_START.match(nxt) else "。")
    return out


_ITEM_END_MISREAD = re.compile(r"[，：,:]$")
_AMOUNT_THOUSAND = re.compile(r"(?<=[一二两三四五六七八九十])[干于](?=万?元)")
"""千 in an amount (一千元, 五千万元) read as 干 or 于."""


_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


def _fix_gaps(paragraph: str) -> str:
    """In an article's or an item's text, a gap between two Chinese characters is a ， the recogniser lost (a
    faint or speckled mark read as nothing); the space after the article's number stays."""
    article = _ARTICLE_AT_START.match(paragraph)
    if not article and not _CLEAN_ITEM.match(paragraph):
        return paragraph
    head = article.end() + 1 if article else 0
    return paragraph[:head] + _GAP.sub("，", paragraph[head:])


def _fix_item_ends(paragraphs: list[str]) -> list[str]:
    """An item the next item follows (（三） after （二）) ends in ；: a final ， or ： is one misread."""
    out = list(paragraphs)
    for i, (paragraph, nxt) in enumerate(pairwise(paragraphs)):
        this, following = _CLEAN_ITEM.match(paragraph), _CLEAN_ITEM.match(nxt)
        if not this or not following or not _ITEM_END_MISREAD.search(paragraph):
            continue
        if cn_to_int(following[0][1:-1]) == (cn_to_int(this[0][1:-1]) or 0) + 1:
            out[i] = paragraph[:-1] + "；"
    return out


def mend(text: str) -> str:
    """The usual OCR confusions of legal text, mended where the structure proves them (see the module)."""
    paragraphs = [_AMOUNT_THOUSAND.sub("千", _fix_title_quotes(_fix_punctuation(p))) for p in text.split("\n")]
    paragraphs = _fix_article_numbers(paragraphs)
    paragraphs = _fix_items(paragraphs)
    paragraphs = _fix_item_ends(paragraphs)
    paragraphs = [_fix_gaps(p) for p in paragraphs]
    paragraphs = _fix_clause_ends(paragraphs)
    return "\n".join(paragraphs)


# ---------------------------------------------------------------- pages and files


def read_page(image: np.ndarray, page: int) -> PageText:
    """One page image (as PIL gives it) → its lines, timed."""
    start = time.perf_counter()
    boxes, size = recognise(prepare_image(image))
    return PageText(page_lines(boxes, size, page), time.perf_counter() - start, float(size[1]))


def text_of_pages(pages: Sequence[Sequence[Line]]) -> tuple[str, tuple[int, ...]]:
    """Lines of all pages → mended text with one paragraph per line, and where each page starts."""
    text, starts = rebuild([line for lines in pages for line in lines], len(pages))
    mended = mend(text)
    if len(mended) == len(text):
        return mended, starts
    return mended, _shift_starts(text, mended, starts)


def _shift_starts(old: str, new: str, starts: tuple[int, ...]) -> tuple[int, ...]:
    """Page offsets carried over a mend that lengthened paragraphs (paragraph by paragraph)."""
    old_paras, new_paras = old.split("\n"), new.split("\n")
    old_offsets, new_offsets = [0], [0]
    for a, b in zip(old_paras, new_paras, strict=True):
        old_offsets.append(old_offsets[-1] + len(a) + 1)
        new_offsets.append(new_offsets[-1] + len(b) + 1)
    shifted = []
    for start in starts:
        k = max(i for i, off in enumerate(old_offsets) if off <= start) if start < len(old) else -1
        if k < 0 or k >= len(old_paras):
            shifted.append(len(new))
        else:
            shifted.append(min(new_offsets[k] + (start - old_offsets[k]), len(new)))
    return tuple(shifted)


def log_page(path: Path, page: int, total: int, seconds: float, progress: PageProgress | None = None) -> None:
    log.info("OCR %s: page %d/%d, %.1f s", path.name, page, total, seconds)
    if progress is not None:
        progress(page, total, seconds)


def _image_refused(path: Path, width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise FileRefused(path, f"图像 {width}×{height} 像素（{pixels(width * height)}），超过上限 {pixels(max_pixels)}")


def open_image(path: Path, max_pixels: int) -> np.ndarray:
    """An image file → its pixels, turned as its EXIF says; its size is checked against ``max_pixels``
    from the header before anything is decoded (the guard did so for the formats it knows)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            _image_refused(path, image.width, image.height, max_pixels)
            image.load()
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("L", "RGB", "RGBA"):
                upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
            return np.asarray(upright)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise IngestError(path, NOT_AN_IMAGE) from exc
    except Image.DecompressionBombError as exc:
        raise FileRefused(path, f"图像像素过多（{exc}）") from exc


def load_image(path: Path, settings: IngestSettings, progress: PageProgress | None = None) -> LoadedText:
    """A photo or scan of one page (PNG, JPEG, …) → OCR text."""
    pixels_ = open_image(path, settings.limits.max_image_pixels)
    page = read_page(pixels_, 0)
    del pixels_
    log_page(path, 1, 1, page.seconds, progress)
    if not page.lines:
        raise IngestError(path, NO_TEXT)
    text, starts = text_of_pages([page.lines])
    first = next((line for line in text.split("\n") if line), "")
    return LoadedText(path=path, text=text, format="image", title_hint=first, page_starts=starts,
                      ocr_pages=1, ocr_seconds=page.seconds)


def ocr_images(images: Iterable[np.ndarray], page: int) -> PageText:
    """The images of one PDF page (most often one) read one after another, stacked top to bottom."""
    lines: list[Line] = []
    seconds = height = 0.0
    for image in images:
        read = read_page(image, page)
        seconds += read.seconds
        # the images read before sit above this one: lift them by its height (y runs upward)
        lines = [Line(text=line.text, page=page, x=line.x, y=(line.y or 0.0) + read.height, size=line.size)
                 for line in lines] + read.lines
        height += read.height
    return PageText(lines, seconds, height)
