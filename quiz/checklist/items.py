"""应知应会 checklists → items: question, answer and the articles they cite.

Forms read: Markdown/text (``问：…`` ``答：…`` ``依据：《…》第X条`` blocks and numbered knowledge points
ending in ``（《…》第X条）``), Word (.docx, the same lines as paragraphs, or a table), CSV and XLSX tables
with a header such as ``序号,类别,题型,问题,答案,依据法规,依据条款``.

A file that cannot be read raises ``ChecklistError`` with a Chinese message naming the file (and the row
of a table) and what is wrong; a file over the limits on incoming files (:func:`ingest.guard.guard_file`,
checked before anything parses it) too, naming the limit.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from ingest.errors import FileRefused
from ingest.guard import guard_file
from ingest.settings import FileLimits
from kb.citations import parse_citations
from kb.memory import AnsweredQuestion
from kb.models import Citation

ChecklistKind = Literal["问答", "知识点"]


def checklist_kind(value: str) -> ChecklistKind:
    """A stored kind back as its type; ValueError for anything else."""
    if value == "问答":
        return "问答"
    if value == "知识点":
        return "知识点"
    raise ValueError(f"unknown checklist item kind {value!r}")

_PART_RE = re.compile(r"^#{2,3}\s*(.+)$")
_PART_NUMERAL_RE = re.compile(r"^(?:第?[一二三四五六七八九十]+[、.．部分]*\s*|\d+[、.．]\s*)")
_POINT_RE = re.compile(r"^(\d+)\s*[.．、]\s*(.+)$")
_FINAL_CITATION_RE = re.compile(r"[（(]\s*(《[^（）()]*》[^（）()]*第[^（）()]*条[^（）()]*)[)）]\s*[。.]?\s*$")
_FIELD_RE = re.compile(r"^(问|答|依据)\s*[：:]\s*(.*)$")

_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "题号"),
    "part": ("类别", "部分", "分类", "章节"),
    "kind": ("题型", "类型", "形式"),
    "question": ("问题", "题目", "问"),
    "answer": ("答案", "要点", "内容", "答", "知识点"),
    "law": ("依据法规", "法规名称", "法规"),
    "article": ("依据条款", "条款", "条文"),
    "basis": ("依据", "出处", "法律依据"),
}


MAX_TITLE = 200
MAX_ROWS = 20000
MAX_COLUMNS = 200  # a cell far to the right (XFD1) would otherwise pad every row to 16384 cells
FORMATS = "md、txt、docx、csv、xlsx"


class ChecklistError(ValueError):
    """A checklist file that cannot be read as a checklist (the message is Chinese, for the officer)."""


@dataclass(frozen=True)
class ChecklistItem:
    number: int
    part: str
    kind: ChecklistKind
    question: str
    answer: str
    citations: tuple[Citation, ...]
    checklist: str = ""

    @property
    def key(self) -> str:
        """How questions and mastery refer to the item: ``<checklist title>#<number>``."""
        return f"{self.checklist}#{self.number}"


@dataclass(frozen=True)
class Checklist:
    title: str
    items: tuple[ChecklistItem, ...]


def load_checklist(path: Path | str, title: str | None = None, limits: FileLimits | None = None) -> Checklist:
    """Read a checklist file (.md/.txt, .docx, .csv, .xlsx) into its items.

    ``title`` names the checklist (item keys use it); default: the file's own title line, else its stem.
    ``limits``: on the file (default: the defaults of ``ingest.limits``).
    """
    path = Path(path)
    limits = limits or FileLimits()
    suffix = path.suffix.lower()
    name = path.name
    try:
        if suffix not in (".md", ".markdown", ".txt", ".docx", ".csv", ".xlsx", ".xlsm"):
            raise ChecklistError(f"不支持的清单格式“{suffix or '无扩展名'}”（支持 {FORMATS}）")
        guard_file(path, limits)
        if suffix in (".md", ".markdown", ".txt"):
            checklist = parse_markdown(_decode(path.read_bytes()), default_title=path.stem)
        elif suffix == ".docx":
            checklist = parse_docx(path)
        elif suffix == ".csv":
            checklist = parse_csv(_decode(path.read_bytes()), title=path.stem, max_rows=limits.max_sheet_rows)
        else:
            checklist = parse_xlsx(path, max_rows=limits.max_sheet_rows)
    except FileRefused as exc:
        raise ChecklistError(f"{name}：{exc.reason}") from exc
    except ChecklistError as exc:
        raise ChecklistError(f"{name}：{exc}") from exc
    except OSError as exc:
        raise ChecklistError(f"{name}：无法读取文件（{exc.strerror or exc}）") from exc
    except Exception as exc:  # a broken .docx/.xlsx: zip, XML and openpyxl errors of many kinds
        raise ChecklistError(f"{name}：文件已损坏或不是有效的 {suffix.lstrip('.')} 文件（{type(exc).__name__}）") from exc
    if not checklist.items:
        raise ChecklistError(
            f"{name}：没有找到清单条目（需要“问：…／答：…／依据：…”问答、以（《法规》第X条）结尾的编号要点，"
            "或带“答案”列的表格）"
        )
    if title:
        checklist = Checklist(title, tuple(_titled(checklist.items, title)))
    if not checklist.title.strip():
        checklist = Checklist(path.stem, tuple(_titled(checklist.items, path.stem)))
    if len(checklist.title) > MAX_TITLE:
        raise ChecklistError(f"{name}：清单标题超过 {MAX_TITLE} 字")
    return checklist


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).replace("\x00", "")
        except UnicodeDecodeError:
            continue
    raise ChecklistError("文件既不是 UTF-8 也不是 GB18030 编码的文本")


def citations_in(text: str) -> tuple[Citation, ...]:
    return tuple(c for c in parse_citations(text) if c.article is not None)


def part_name(heading: str) -> str:
    """``一、执法基本原则与职业道德`` → ``执法基本原则与职业道德``."""
    return _PART_NUMERAL_RE.sub("", heading.strip(), count=1).strip()


def parse_markdown(text: str, default_title: str = "") -> Checklist:
    return parse_lines(text.splitlines(), default_title)


def parse_lines(lines: Iterable[str], default_title: str = "") -> Checklist:
    """Checklist lines: ``# title``, ``## part``, Q&A blocks and numbered knowledge points."""
    title = ""
    part = ""
    number = 0
    items: list[ChecklistItem] = []
    block: dict[str, str] = {}
    current = ""

    def flush_qa() -> None:
        nonlocal number, block, current
        if block.get("问") or block.get("答"):
            number += 1
            basis = block.get("依据", "")
            items.append(ChecklistItem(
                number, part, "问答", block.get("问", "").strip(), block.get("答", "").strip(), citations_in(basis)
            ))
        block, current = {}, ""

    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("# ") and not title:
            title = line[2:].strip()
            continue
        if m := _PART_RE.match(line):
            flush_qa()
            part = part_name(m.group(1))
            continue
        if m := _FIELD_RE.match(line):
            if m.group(1) == "问" and block:
                flush_qa()
            current = m.group(1)
            block[current] = m.group(2).strip()
            if current == "依据":
                flush_qa()
            continue
        if m := _POINT_RE.match(line):
            flush_qa()
            point = m.group(2).strip()
            cited = _FINAL_CITATION_RE.search(point)
            if cited is None:
                continue
            number = int(m.group(1))
            answer = point[: cited.start()].strip()
            items.append(ChecklistItem(number, part, "知识点", "", answer, citations_in(cited.group(1))))
            continue
        if current in ("问", "答"):
            block[current] += "\n" + line
    flush_qa()
    title = title or default_title
    if len({i.number for i in items}) < len(items):  # numbering restarts per part: number in file order
        items = [replace(i, number=n) for n, i in enumerate(items, start=1)]
    return Checklist(title, tuple(_titled(items, title)))


def _titled(items: Iterable[ChecklistItem], title: str) -> list[ChecklistItem]:
    return [replace(i, checklist=title) for i in items]


def parse_docx(path: Path) -> Checklist:
    import docx  # python-docx

    document = docx.Document(str(path))
    # style ids → names once: python-docx's paragraph.style searches all styles for each paragraph
    style_names = {style.style_id: style.name or "" for style in document.styles}
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if rows and _header_map(rows[0]).keys() >= {"answer"}:
            title = next((p.text.strip() for p in document.paragraphs if p.text.strip()), path.stem)
            return parse_rows(rows, title)
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        style = style_names.get(paragraph._p.style or "", "")
        if not text:
            continue
        if style == "Title":
            lines.append(f"# {text}")
        elif style.startswith("Heading"):
            lines.append(f"## {text}")
        else:
            lines.append(text)
    return parse_lines(lines, default_title=path.stem)


def parse_csv(text: str, title: str = "", max_rows: int = MAX_ROWS) -> Checklist:
    rows = _at_most(csv.reader(io.StringIO(text)), max_rows)
    return parse_rows([row for row in rows if any(cell.strip() for cell in row)], title)


def parse_xlsx(path: Path, max_rows: int = MAX_ROWS) -> Checklist:
    from openpyxl import load_workbook

    book = load_workbook(str(path), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        width = sheet.max_column if sheet.max_column and sheet.max_column <= MAX_COLUMNS else MAX_COLUMNS
        values = _at_most(sheet.iter_rows(values_only=True, max_col=width), max_rows)
        rows = [["" if v is None else str(v).strip() for v in row] for row in values]
    finally:
        book.close()
    rows = [r for r in rows if any(r)]
    return parse_rows(rows, title=path.stem)


def _at_most(rows: Iterable[Sequence[Any]], max_rows: int) -> list[Sequence[Any]]:
    """The table's rows; more than ``max_rows`` is an error (reading stops there)."""
    kept = list(islice(rows, max_rows + 1))
    if len(kept) > max_rows:
        raise ChecklistError(f"表格超过 {max_rows} 行上限")
    return kept


def _header_map(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        cell = name.strip().lstrip("\ufeff")
        for field, names in _COLUMNS.items():
            if cell in names and field not in found:
                found[field] = index
    return found


def parse_rows(rows: Sequence[Sequence[str]], title: str = "") -> Checklist:
    """A table whose first row is the header (序号, 类别, 题型, 问题, 答案, 依据法规, 依据条款 or 依据)."""
    if not rows:
        raise ChecklistError("表格是空的")
    columns = _header_map(rows[0])
    if "answer" not in columns:
        header = "、".join(str(c) for c in rows[0] if str(c).strip()) or "（空）"
        raise ChecklistError(f"第 1 行表头中没有“答案”或“要点”列（表头为：{header}）")

    def cell(row: Sequence[str], field: str) -> str:
        index = columns.get(field)
        return str(row[index]).strip() if index is not None and index < len(row) and row[index] is not None else ""

    items = []
    seen: dict[int, int] = {}
    for position, row in enumerate(rows[1:], start=1):
        answer = cell(row, "answer")
        if not answer:
            continue
        number_text = cell(row, "number")
        number = int(float(number_text)) if re.fullmatch(r"\d+(?:\.0)?", number_text) else position
        if number in seen:
            raise ChecklistError(f"第 {position + 1} 行：序号 {number} 与第 {seen[number]} 行重复")
        seen[number] = position + 1
        question = cell(row, "question")
        kind_text = cell(row, "kind")
        kind: ChecklistKind = "问答" if ("问" in kind_text or (not kind_text and question)) else "知识点"
        law, article = cell(row, "law"), cell(row, "article")
        basis = f"《{law.strip('《》')}》{article}" if law and article else cell(row, "basis")
        items.append(ChecklistItem(number, part_name(cell(row, "part")), kind, question, answer, citations_in(basis)))
    return Checklist(title, tuple(_titled(items, title)))


def answered_questions(checklist: Checklist) -> list[AnsweredQuestion]:
    """The checklist's 问答 items as answered questions for the search (kb.memory): 问 → its 依据."""
    return [
        AnsweredQuestion(item.question, item.citations, f"清单：{checklist.title}")
        for item in checklist.items
        if item.kind == "问答" and item.question.strip() and item.citations
    ]
