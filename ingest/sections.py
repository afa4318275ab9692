"""Article-less documents (规范性文件, plans, notices) → section units, and the line clean-up both parsers share.

A section document is headed ``一、`` ``（一）`` ``1.`` ``（1）`` (and perhaps 第X章/节). Each heading that has
body text becomes a unit; tiny units are merged into a neighbour and long ones are split at paragraph (then
sentence) boundaries. Scraped pages are repaired first: page furniture and the page's field block are
dropped (the fields are returned for the metadata), repeats of the title are removed, lines broken in mid
sentence are joined again and headings run into the previous paragraph (``…推进)20.加强…``) are split off,
guided by the numbering sequence.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ingest.metadata import DATE_RE, PAGE_FIELD_ALIASES, is_header_line
from kb.models import Unit
from kb.numbers import ARTICLE_NUMERALS, ITEM_NUMERALS, SMALL_NUMERALS, cn_to_int, int_to_cn

HEADER_END = "<!-- INFO END -->"
"""The LawRefBook end-of-header marker; ``normalise_lines`` keeps it as a line of its own."""

_INFO_END_RE = re.compile(r"<!--\s*INFO\s+END\s*-->", re.IGNORECASE)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_SENTINEL = "\x00"
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_MD_PREFIX_RE = re.compile(r"^(?:#{1,6}(?=[^#])|>)\s*")
_MD_EMPHASIS_RE = re.compile(r"\*\*|__")
_NEEDS_CLEANING_RE = re.compile("[#>*_\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACES = " \t\u3000\xa0\u2002\u2003\u2009"
_CJK_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000\xa0]+(?=[\u4e00-\u9fff])")

_CN_NUMERALS = ARTICLE_NUMERALS
_DIVISION_RE = re.compile(rf"^第\s*([{_CN_NUMERALS}]+|[0-9０-９]+)\s*(分编|编|部分|章|节)([ \t\u3000]*)(.*)$")
_BARE_APPENDIX_CHAPTER_RE = re.compile(r"^附\s*则$")
_HEADING_PUNCT_RE = re.compile(r"[。；;，,：:！？!?]")
_CROSS_REF_START_RE = re.compile(r"^(?:规定|的|所|中|之|第|和|与|及|或|至|、|，|,)")
DIVISION_LEVELS: Mapping[str, int] = {"部分": 0, "编": 0, "分编": 1, "章": 2, "节": 3}
TOP_SECTION_LEVEL = 4
"""Level of 一、 headings (（一） is 5, 1. is 6, （1） is 7; 编…节 are 0-3)."""

_TERMINAL_END_RE = re.compile(r"(?:[。；;：:！？!?」』”’）)】〕》…]|——)$")
_ADDRESSEE_RE = re.compile(r"(?:单位|部门|机构|局|委|厅|办|政府|直属机构|各部委)[：:]?$")
_DATE_ONLY_RE = re.compile(rf"^[（(]?\s*(?:{DATE_RE.pattern})\s*[)）]?$")
_ORG_LINE_RE = re.compile(
    r"^[\u4e00-\u9fff、\s]{2,40}(?:部|院|委员会|委|总局|局|厅|政府|办公厅|办公室|署|中心)$"
)

_FURNITURE_WORDS = (
    "简体 繁体 繁體 无障碍 长者模式 关怀版 适老化 打印 打印本页 打印此页 关闭 关闭窗口 关闭本页 收藏 加入收藏 分享 "
    "分享到 字号 大 中 小 默认 扫一扫 在手机打开 手机扫码 网站地图 联系我们 上一篇 下一篇 返回 返回顶部 首页 当前位置 "
    "您当前的位置 政务公开 政策文件 政府信息公开 信息公开 政策解读 相关政策 相关报道 相关链接 相关文件 图片解读 "
    "视频解读 此件主动公开 此件公开发布 此件依申请公开 此件不予公开 此页无正文 登录 注册 搜索 微信 微博 QQ空间 "
    "复制链接 纠错 我要纠错"
)
_FURNITURE_TOKENS = frozenset(_FURNITURE_WORDS.split())
_FURNITURE_TOKEN_RE = re.compile(
    r"^(?:\S*(?:政务网|政府网|门户网站|人民政府网站)|\d{4}年\d{1,2}月\d{1,2}日星期[一二三四五六日天]|星期[一二三四五六日天]"
    r"|(?:版权所有|主办单位|承办单位|网站标识码|网站识别码|[京津沪渝]?ICP备?)\S*)$"
)
_FURNITURE_LINE_RE = re.compile(
    r"^(?:来源|作者|浏览次数|阅读次数|访问量|点击数|发布时间|责任编辑|编辑|字号)\s*[:：]"
)
_PROSE_RE = re.compile(r"[。，；、？！,;]")
_PLAIN_DATE_TOKEN_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_FURNITURE_SPLIT_RE = re.compile(r"[\s|｜【】\[\]()（）/·•>＞:：]+")
_NUMBERS_ONLY_RE = re.compile(r"^[\s\d\-—–－.．:/_]+$")
_PAGE_MARK_RE = re.compile(r"^第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?$")
_FIELD_RE = re.compile(r"^(?P<label>(?:[\u4e00-\u9fff]\s*){2,6}?)\s*[:：]\s*(?P<value>.*)$")
_PAGE_FIELD_LABELS = frozenset(
    [
        *PAGE_FIELD_ALIASES,
        "索引号",
        "主题",
        "主题分类",
        "主题词",
        "体裁分类",
        "组配分类",
        "生效日期",
        "实施日期",
        "效力级别",
        "公文种类",
        "服务对象",
        "信息类别",
    ]
)
_DATE_FIELDS = frozenset(k for k, v in PAGE_FIELD_ALIASES.items() if v == "date") | {"生效日期", "实施日期"}
_FIELD_WINDOW = 40

_MARKER_RES: tuple[tuple[int, re.Pattern[str]], ...] = (
    (4, re.compile(rf"^([{ITEM_NUMERALS}]+)、\s*")),
    (5, re.compile(rf"^[（(]\s*([{ITEM_NUMERALS}]+)\s*[）)]\s*")),
    (6, re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*")),
    (7, re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*")),
)
_INLINE_MARKER_RE = re.compile(
    rf"[{SMALL_NUMERALS}]+、|[（(][{SMALL_NUMERALS}]+[）)]|(?<!\d)\d{{1,3}}[.．、](?!\d)|[（(]\d{{1,3}}[）)]"
)
_SPLIT_AFTER = frozenset("。）)！？!?”」")
_LOWEST_LEVEL = 7
_TITLE_STOP_RE = re.compile(r"[。；;！？!?]")
_TITLE_SOFT_STOP_RE = re.compile(r"[，,：:]")
_SENTENCE_END_RE = re.compile(r"(?<=[。！？；!?;])")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_TITLE_WINDOW = 12
_TITLE_SIMILARITY = 0.85
_HEADING_MAX = 40
_TITLE_MAX = 30
MIN_SECTION_CHARS = 50
MAX_SECTION_CHARS = 1500


# ---------------------------------------------------------------- lines


def clean_line(line: str) -> str:
    """One line without surrounding space, Markdown heading/quote markers, ** emphasis or invisible marks."""
    if not _NEEDS_CLEANING_RE.search(line):
        return line.strip(_SPACES)
    line = _INVISIBLE_RE.sub("", line).strip(_SPACES)
    line = _MD_PREFIX_RE.sub("", line)
    return _MD_EMPHASIS_RE.sub("", line).strip(_SPACES)


def normalise_lines(text: str) -> list[str]:
    """Non-empty cleaned lines; a LawRefBook ``<!-- INFO END -->`` stays as the line ``HEADER_END``."""
    text = _INFO_END_RE.sub(f"\n{_SENTINEL}\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _COMMENT_RE.sub("", text)
    lines: list[str] = []
    for raw in text.split("\n"):
        if raw.strip() == _SENTINEL:
            lines.append(HEADER_END)
            continue
        line = clean_line(raw)
        if line:
            lines.append(line)
    return lines


def ends_open(line: str) -> bool:
    """True when a line stops without closing punctuation, i.e. it may have been broken mid-sentence."""
    return not _TERMINAL_END_RE.search(line)


def han_only(text: str) -> str:
    return "".join(_HAN_RE.findall(text))


def squeeze_cjk_spaces(text: str) -> str:
    """总 则 → 总则 (space between CJK characters only)."""
    return _CJK_GAP_RE.sub("", text).strip()


# ---------------------------------------------------------------- 编/章/节


@dataclass(frozen=True)
class Division:
    """A 编/分编/章/节 (or 部分) heading; a bare 附则 line is a chapter-level one with number 0."""

    kind: str
    number: int
    name: str

    @property
    def level(self) -> int:
        return DIVISION_LEVELS[self.kind]

    @property
    def marker(self) -> str:
        return f"第{int_to_cn(self.number)}{self.kind}" if self.number else ""

    @property
    def heading(self) -> str:
        return " ".join(p for p in (self.marker, self.name) if p)


def parse_division(line: str, last_numbers: Mapping[str, int] | None = None) -> Division | None:
    """``第一章 总则`` / ``第二节 …`` / ``附则`` → Division; None for text that only starts like one.

    Without a space after 第X章 the name must not read as a cross-reference and, when ``last_numbers``
    (last number seen per kind) is given, the number must follow on (1 or previous + 1).
    """
    if _BARE_APPENDIX_CHAPTER_RE.match(line):
        return Division("章", 0, "附则")
    match = _DIVISION_RE.match(line)
    if not match:
        return None
    number = cn_to_int(match[1])
    name = squeeze_cjk_spaces(match[4])
    if number is None or len(name) > _HEADING_MAX or _HEADING_PUNCT_RE.search(name):
        return None
    kind = match[2]
    if name and not match[3]:
        if _CROSS_REF_START_RE.match(name):
            return None
        if last_numbers is not None and number not in (1, last_numbers.get(kind, 0) + 1):
            return None
    return Division(kind, number, name)


# ---------------------------------------------------------------- page furniture


def _is_furniture_token(token: str) -> bool:
    return token in _FURNITURE_TOKENS or _FURNITURE_TOKEN_RE.match(token) is not None


def is_furniture(line: str) -> bool:
    """Navigation, share/print links, site names, lost dates and page numbers of a scraped or printed page."""
    if _NUMBERS_ONLY_RE.match(line) or _PAGE_MARK_RE.match(line):
        return True
    if len(line) <= _HEADING_MAX and _FURNITURE_LINE_RE.match(line):
        return True
    if len(line) > _HEADING_MAX or _PROSE_RE.search(line):
        return False
    tokens = [t for t in _FURNITURE_SPLIT_RE.split(line) if t]
    furniture = [t for t in tokens if _is_furniture_token(t)]
    dates = [t for t in tokens if _PLAIN_DATE_TOKEN_RE.match(t)]
    return bool(furniture) and len(furniture) + len(dates) == len(tokens)


def _field_label(line: str) -> tuple[str, str] | None:
    match = _FIELD_RE.match(line)
    if not match:
        return None
    label = re.sub(r"\s+", "", match["label"])
    return (label, match["value"].strip()) if label in _PAGE_FIELD_LABELS else None


def _plausible_value(label: str, line: str) -> bool:
    if _field_label(line) is not None:
        return False
    if label in _DATE_FIELDS:
        return len(line) <= 30 and any(ch.isdigit() for ch in line)
    return len(line) <= 100 and not line.endswith("。")


def strip_page_furniture(lines: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """Drop page furniture; return the remaining lines and the page's fields (title, issuing_body, …).

    Field blocks (``名    称 :`` with the value on the same or the next line) are only looked for near the
    top of the page; the returned keys are those of ``metadata.PAGE_FIELD_ALIASES`` values.
    """
    kept: list[str] = []
    fields: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        labelled = _field_label(line) if i < _FIELD_WINDOW else None
        if labelled is not None:
            label, value = labelled
            if not value and i + 1 < len(lines) and _plausible_value(label, lines[i + 1]):
                value = lines[i + 1]
                i += 1
            key = PAGE_FIELD_ALIASES.get(label)
            if key and value and key not in fields:
                fields[key] = value
        elif not is_furniture(line):
            kept.append(line)
        i += 1
    return kept, fields


def drop_title_repeats(lines: Sequence[str], title: str, window: int = _TITLE_WINDOW) -> list[str]:
    """Remove lines near the top that repeat the title, alone or broken over up to three lines."""
    target = han_only(title)
    if len(target) < 4:
        return list(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        span = _title_span(lines, i, target) if i < window else 0
        if span:
            i += span
            continue
        out.append(lines[i])
        i += 1
    return out


def _title_span(lines: Sequence[str], start: int, target: str) -> int:
    """How many lines from ``start`` repeat the title (best match of 1-3 lines), 0 if none."""
    best, best_ratio = 0, 0.0
    for size in (1, 2, 3):
        chunk = lines[start : start + size]
        if len(chunk) < size or any(len(c) > 120 or c.endswith("。") for c in chunk):
            break
        text = han_only("".join(chunk))
        if len(text) < 4:
            continue
        ratio = SequenceMatcher(None, text, target).ratio()
        if ((len(text) >= 8 and text in target) or ratio >= _TITLE_SIMILARITY) and ratio > best_ratio:
            best, best_ratio = size, ratio
    return best


def _looks_like_title(line: str) -> bool:
    return len(line) <= 120 and not line.endswith(("。", "：", ":", "；")) and not starts_section(line)


def split_section_header(
    lines: Sequence[str], *, has_title_field: bool = False
) -> tuple[list[str], list[str]]:
    """Header (title, 文号, dates, history) and body of an article-less document."""
    if HEADER_END in lines:
        cut = list(lines).index(HEADER_END)
        return list(lines[:cut]), [line for line in lines[cut + 1 :] if line != HEADER_END]
    header: list[str] = []
    i = 0
    if not has_title_field and lines and _looks_like_title(lines[0]) and not is_header_line(lines[0]):
        header.append(lines[0])
        i = 1
    while i < len(lines) and is_header_line(lines[i]):
        header.append(lines[i])
        i += 1
    return header, list(lines[i:])


def split_signature(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split off a closing signature (issuing body line + date line) from the end of a document body."""
    body = list(lines)
    signature: list[str] = []
    if body and _DATE_ONLY_RE.match(body[-1]):
        signature.insert(0, body.pop())
        if body and _ORG_LINE_RE.match(body[-1]):
            signature.insert(0, body.pop())
    return body, signature


# ---------------------------------------------------------------- broken lines


def join_broken_lines(
    lines: Sequence[str], starts_unit: Callable[[str], bool], closes: Callable[[str], bool] | None = None
) -> list[str]:
    """Join a line to the previous one when that one ends open and this one does not start a unit.

    ``starts_unit(line)``: the line begins a heading/article/item; ``closes(line)``: the line may not be
    continued (a pure heading, an addressee line…).
    """
    out: list[str] = []
    for line in lines:
        if out and ends_open(out[-1]) and not starts_unit(line) and not (closes and closes(out[-1])):
            out[-1] += line
        else:
            out.append(line)
    return out


# ---------------------------------------------------------------- section headings


@dataclass(frozen=True)
class Heading:
    level: int
    number: int
    marker: str
    title: str
    end: int
    """Where the heading's own text (marker + title + its stop mark) ends in its paragraph."""
    start: int = 0
    """Where the text after the marker starts."""

    @property
    def text(self) -> str:
        if self.level < TOP_SECTION_LEVEL and self.marker and self.title:
            return f"{self.marker} {self.title}"
        return f"{self.marker}{self.title}"


def _marker(line: str) -> tuple[int, int, str, int] | None:
    for level, pattern in _MARKER_RES:
        match = pattern.match(line)
        if match:
            number = cn_to_int(match[1])
            if number is None:
                return None
            return level, number, _marker_label(level, number), match.end()
    return None


def _marker_label(level: int, number: int) -> str:
    if level == 4:
        return f"{int_to_cn(number)}、"
    if level == 5:
        return f"（{int_to_cn(number)}）"
    if level == 6:
        return f"{number}."
    return f"（{number}）"


def _title_of(rest: str) -> tuple[str, int]:
    """Heading title at the start of ``rest`` and where the heading's text ends."""
    stop = _TITLE_STOP_RE.search(rest, 0, _HEADING_MAX + 1)
    if stop:
        return rest[: stop.start()].strip(), stop.end()
    if len(rest) <= _HEADING_MAX:
        return rest.strip(), len(rest)
    soft = _TITLE_SOFT_STOP_RE.search(rest, 0, _TITLE_MAX + 1)
    if soft:
        return rest[: soft.start()].strip(), 0
    return rest[:_TITLE_MAX].strip() + "…", 0


def parse_heading(line: str, last_divisions: Mapping[str, int] | None = None) -> Heading | None:
    """A section heading at the start of a paragraph: 第X章/节, 一、, （一）, 1., （1）."""
    division = parse_division(line, last_divisions)
    if division is not None:
        return Heading(division.level, division.number, division.marker, division.name, len(line), len(line))
    found = _marker(line)
    if found is None:
        return None
    level, number, marker, start = found
    title, end = _title_of(line[start:])
    return Heading(level, number, marker, title, start + end if end else start, start)


def starts_section(line: str) -> bool:
    return parse_heading(line) is not None


def _is_pure_heading(line: str) -> bool:
    heading = parse_heading(line)
    return heading is not None and heading.end >= len(line)


def _closes_section_line(line: str) -> bool:
    if _is_pure_heading(line) or _DATE_ONLY_RE.match(line):
        return True
    return (
        len(line) <= 200
        and bool(_ADDRESSEE_RE.search(line))
        and ("、" in line or "，" in line or "," in line)
    )


# ---------------------------------------------------------------- blocks


@dataclass
class _Block:
    path: tuple[Heading, ...]
    paragraphs: list[str] = field(default_factory=list)
    inline_body: bool = False

    @property
    def heading(self) -> Heading | None:
        return self.path[-1] if self.path else None

    @property
    def has_body(self) -> bool:
        return self.heading is None or self.inline_body or len(self.paragraphs) > 1


@dataclass
class _Numbering:
    stack: list[Heading] = field(default_factory=list)
    last: dict[int, int] = field(default_factory=dict)
    divisions: dict[str, int] = field(default_factory=dict)

    def push(self, heading: Heading) -> None:
        while self.stack and self.stack[-1].level >= heading.level:
            self.stack.pop()
        self.stack.append(heading)
        self.last[heading.level] = heading.number
        for kind, level in DIVISION_LEVELS.items():
            if level == heading.level and heading.marker.endswith(kind):
                self.divisions[kind] = heading.number

    def expected(self) -> set[tuple[int, int]]:
        """Markers that may legitimately come next: a sibling at any open level or a first/next child."""
        out = {(h.level, h.number + 1) for h in self.stack}
        deepest = self.stack[-1].level if self.stack else TOP_SECTION_LEVEL - 1
        for level in range(max(deepest + 1, TOP_SECTION_LEVEL), _LOWEST_LEVEL + 1):
            out.add((level, 1))
            if level in self.last:
                out.add((level, self.last[level] + 1))
        return out


def _inline_split(paragraph: str, start: int, numbering: _Numbering, starts_with_heading: bool) -> int:
    """Position of a heading run into this paragraph (``…推进)20.加强…``), 0 if none."""
    expected = numbering.expected()
    for match in _INLINE_MARKER_RE.finditer(paragraph, max(start, 1)):
        found = _marker(paragraph[match.start() :])
        if found is None or (found[0], found[1]) not in expected:
            continue
        pos = match.start()
        before = paragraph[pos - 1]
        if before in _SPLIT_AFTER:
            return pos
        if (
            starts_with_heading
            and pos <= _HEADING_MAX
            and "。" not in paragraph[:pos]
            and _HAN_RE.match(before)
            and before != "第"
        ):
            return pos
    return 0


def _build_blocks(paragraphs: Sequence[str]) -> list[_Block]:
    """Paragraphs → blocks, one per heading (plus a leading one without heading), in order."""
    numbering = _Numbering()
    blocks: list[_Block] = [_Block(())]
    queue = deque(paragraphs)
    while queue:
        paragraph = queue.popleft()
        heading = parse_heading(paragraph, numbering.divisions)
        if heading is not None:
            numbering.push(heading)
        split = _inline_split(paragraph, heading.start if heading else 0, numbering, heading is not None)
        if split:
            queue.appendleft(paragraph[split:])
            paragraph = paragraph[:split]
            if heading is not None:
                heading = parse_heading(paragraph) or heading
                numbering.stack[-1] = heading
        if heading is not None:
            blocks.append(_Block(tuple(numbering.stack)))
        block = blocks[-1]
        block.paragraphs.append(paragraph)
        if heading is not None and paragraph[heading.end :].strip():
            block.inline_body = True
    return blocks


# ---------------------------------------------------------------- units


@dataclass
class _Piece:
    path: tuple[Heading, ...]
    text: str


def _chunk_paragraphs(paragraphs: Sequence[str], max_chars: int) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    size = 0
    for paragraph in _fit_paragraphs(paragraphs, max_chars):
        if chunks[-1] and size + len(paragraph) + 1 > max_chars:
            chunks.append([])
            size = 0
        chunks[-1].append(paragraph)
        size += len(paragraph) + 1
    return [c for c in chunks if c]


def _fit_paragraphs(paragraphs: Sequence[str], max_chars: int) -> list[str]:
    """Paragraphs no longer than max_chars: long ones are cut at sentence ends (hard cuts as a last resort)."""
    out: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) <= max_chars:
            out.append(paragraph)
            continue
        current = ""
        for sentence in (s for s in _SENTENCE_END_RE.split(paragraph) if s):
            while len(sentence) > max_chars:
                if current:
                    out.append(current)
                    current = ""
                out.append(sentence[:max_chars])
                sentence = sentence[max_chars:]
            if current and len(current) + len(sentence) > max_chars:
                out.append(current)
                current = ""
            current += sentence
        if current:
            out.append(current)
    return out


def _block_pieces(block: _Block, max_chars: int) -> list[_Piece]:
    """A block's text in pieces of at most max_chars; continuations start with the heading again."""
    lead = [block.heading.text] if block.heading else []
    budget = max_chars - sum(len(line) + 1 for line in lead)
    chunks = _chunk_paragraphs(block.paragraphs, budget)
    pieces = [_Piece(block.path, "\n".join(chunks[0]))]
    pieces += [_Piece(block.path, "\n".join([*lead, *chunk])) for chunk in chunks[1:]]
    return pieces


def _is_within(inner: tuple[Heading, ...], outer: tuple[Heading, ...]) -> bool:
    return len(inner) >= len(outer) and inner[: len(outer)] == outer


def _same_branch(a: _Piece, b: _Piece) -> bool:
    """Siblings, or one the parent of the other."""
    return a.path[:-1] == b.path[:-1] or a.path == b.path[:-1] or a.path[:-1] == b.path


def _merge_direction(prev: _Piece | None, piece: _Piece, nxt: _Piece | None, max_chars: int) -> str:
    fits_prev = prev is not None and len(prev.text) + len(piece.text) < max_chars
    fits_next = nxt is not None and len(piece.text) + len(nxt.text) < max_chars
    if fits_next and nxt is not None and _is_within(nxt.path, piece.path):
        return "next"
    if fits_prev and prev is not None and _same_branch(prev, piece):
        return "prev"
    if fits_next and nxt is not None and _same_branch(nxt, piece):
        return "next"
    return "prev" if fits_prev else "next" if fits_next else ""


def _merge_small(pieces: list[_Piece], min_chars: int, max_chars: int) -> list[_Piece]:
    """Merge each piece under ``min_chars`` into a neighbour: its own child first, then its branch.

    A merged piece keeps the identity (heading path) of whichever comes first in the text, except that a
    heading-less preamble takes the identity of the section it joins.
    """
    out: list[_Piece] = []
    pending = list(pieces)
    i = 0
    while i < len(pending):
        piece = pending[i]
        nxt = pending[i + 1] if i + 1 < len(pending) else None
        direction = (
            _merge_direction(out[-1] if out else None, piece, nxt, max_chars)
            if len(piece.text) < min_chars
            else ""
        )
        if direction == "next" and nxt is not None:
            pending[i + 1] = _Piece(piece.path or nxt.path, f"{piece.text}\n{nxt.text}")
        elif direction == "prev":
            out[-1] = _Piece(out[-1].path, f"{out[-1].text}\n{piece.text}")
        else:
            out.append(piece)
        i += 1
    return out


def _unit(piece: _Piece, index: int, has_headings: bool) -> Unit:
    path = piece.path
    if not path:
        label = "前言" if has_headings else "正文"
        return Unit(kind="section", number=index + 1, label=label, text=piece.text, ordinal=index)
    return Unit(
        kind="section",
        number=index + 1,
        label="".join(h.marker or h.text for h in path),
        text=piece.text,
        heading_path=tuple(h.text for h in path[:-1]),
        title=path[-1].title,
        ordinal=index,
    )


def _starts_unit(line: str) -> bool:
    return starts_section(line) or bool(_DATE_ONLY_RE.match(line))


def prepare_section_lines(lines: Sequence[str], title: str = "") -> list[str]:
    """Scraped-page repair before sectioning: drop title repeats, join broken lines."""
    kept = drop_title_repeats(lines, title) if title else list(lines)
    return join_broken_lines(kept, _starts_unit, _closes_section_line)


def _content_blocks(blocks: Sequence[_Block]) -> list[_Block]:
    """Blocks with text of their own: a bare heading counts unless the next block is its child."""
    out: list[_Block] = []
    for i, block in enumerate(blocks):
        if not block.paragraphs:
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        is_parent = nxt is not None and len(nxt.path) > len(block.path) and _is_within(nxt.path, block.path)
        if block.has_body or not is_parent:
            out.append(block)
    return out


def parse_sections(
    lines: Sequence[str],
    *,
    title: str = "",
    min_chars: int = MIN_SECTION_CHARS,
    max_chars: int = MAX_SECTION_CHARS,
) -> list[Unit]:
    """Body lines of an article-less document → section units (number = ordinal + 1)."""
    blocks = _build_blocks(prepare_section_lines(lines, title))
    pieces = [p for b in _content_blocks(blocks) for p in _block_pieces(b, max_chars)]
    pieces = _merge_small(pieces, min_chars, max_chars)
    has_headings = len(blocks) > 1
    return [_unit(p, i, has_headings) for i, p in enumerate(pieces)]
