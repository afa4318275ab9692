"""Questions ↔ XLSX/CSV in the column layout Chinese exam systems import.

Columns: 题型, 题干, 选项A … 选项F, 答案, 解析, 出处, 难度. 题型 is 单选题/多选题/判断题/填空题/简答题/
案例分析题; 答案 is the letters (``ACD``), 正确/错误, or the missing text; 出处 is ``《法规》第X条`` (several
joined by ；); 难度 is 易/中/难. CSV files are UTF-8 with a BOM so that Excel opens them as such.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ingest.settings import FileLimits
from kb.citations import parse_citations
from kb.models import Citation
from quiz.models import LETTERS, QUESTION_TYPE_NAMES, Question, parse_judge, question_type
from quiz.sheets import SheetError, read_sheet
from quiz.source import ArticleIndex, citation_label

OPTION_COLUMNS = tuple(f"选项{letter}" for letter in LETTERS)
COLUMNS = ("题型", "题干", *OPTION_COLUMNS, "答案", "解析", "出处", "难度")
DIFFICULTY_NAMES = {1: "易", 2: "中", 3: "难"}
_DIFFICULTY_WORDS = {"易": 1, "简单": 1, "容易": 1, "中": 2, "中等": 2, "普通": 2, "一般": 2, "难": 3, "困难": 3, "较难": 3}


class ExchangeError(ValueError):
    """A row or file that cannot be read as questions (named with its row number)."""


def to_row(q: Question) -> list[str]:
    options = [q.options.get(letter, "") for letter in LETTERS]
    answer = ("正确" if q.answer is True else "错误") if q.type == "judge" else str(q.answer)
    source = "；".join(f"《{c.law}》{citation_label(c)}" for c in q.sources)
    return [
        QUESTION_TYPE_NAMES[q.type] + "题",
        q.stem,
        *options,
        answer,
        q.explanation,
        source,
        DIFFICULTY_NAMES.get(q.difficulty, str(q.difficulty)),
    ]


def export_csv(questions: Iterable[Question], path: Path) -> int:
    rows = [to_row(q) for q in questions]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return len(rows)


def export_xlsx(questions: Iterable[Question], path: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one (active) sheet
    sheet.title = "题库"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    n = 0
    for q in questions:
        sheet.append(to_row(q))
        n += 1
    widths = {"A": 10, "B": 60, "I": 10, "J": 60, "K": 30, "L": 6}
    for column in "CDEFGH":
        widths[column] = 24
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(str(path))
    return n


def export_questions(questions: Iterable[Question], path: Path) -> int:
    """Write questions to ``path`` (.xlsx or .csv); returns how many."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return export_xlsx(questions, path)
    if suffix == ".csv":
        return export_csv(questions, path)
    raise ExchangeError(f"{path}: export to .xlsx or .csv")


def read_rows(path: Path, limits: FileLimits | None = None) -> list[list[str]]:
    """The sheet's non-empty rows."""
    try:
        rows = read_sheet(path, limits=limits)
    except SheetError as e:
        raise ExchangeError(f"{path}: {e}") from e
    return [r for r in rows if any(c.strip() for c in r)]


def import_questions(path: Path, index: ArticleIndex | None = None, limits: FileLimits | None = None) -> list[Question]:
    """Questions from an exam-system sheet. With ``index``, sources resolve to the knowledge base (full
    title, article hash for later change checks); a source it lacks is an error. ``limits``: on the file
    (default: the defaults of ``ingest.limits``)."""
    rows = read_rows(path, limits)
    if not rows:
        return []
    header = [c.strip().lstrip("\ufeff") for c in rows[0]]
    missing = [c for c in ("题型", "题干", "答案") if c not in header]
    if missing:
        raise ExchangeError(f"{path}: missing columns {', '.join(missing)}")
    col = {name: i for i, name in enumerate(header)}
    out = []
    for number, row in enumerate(rows[1:], start=2):
        try:
            out.append(_question(row, col, index))
        except (ValueError, KeyError) as e:
            raise ExchangeError(f"{path}: row {number}: {e}") from e
    return out


def _cell(row: Sequence[str], col: dict[str, int], name: str) -> str:
    i = col.get(name)
    return row[i].strip() if i is not None and i < len(row) and row[i] is not None else ""


def _question(row: Sequence[str], col: dict[str, int], index: ArticleIndex | None) -> Question:
    qtype = question_type(_cell(row, col, "题型"))
    stem = _cell(row, col, "题干")
    if not stem:
        raise ValueError("empty 题干")
    options = {letter: _cell(row, col, f"选项{letter}") for letter in LETTERS if _cell(row, col, f"选项{letter}")}
    raw = _cell(row, col, "答案")
    answer: str | bool
    if qtype == "judge":
        answer = parse_judge(raw)
    elif qtype in ("single", "multi"):
        answer = "".join(sorted(set(re.sub(r"[^A-Fa-f]", "", raw).upper())))
        if not answer or any(letter not in options for letter in answer):
            raise ValueError(f"answer {raw!r} names no given option")
    else:
        answer = raw
    sources = tuple(c for c in parse_citations(_cell(row, col, "出处")) if c.article is not None)
    hashes: dict[str, str] = {}
    law = chapter = ""
    if index is not None:
        resolved: list[Citation] = []
        for c in sources:
            article = index.resolve(c)
            if article is None:
                raise ValueError(f"source {c.law} {citation_label(c)} is not in the knowledge base")
            resolved.append(article.citation())
            hashes[article.key] = article.text_hash
            law, chapter = law or article.law, chapter or article.chapter
        sources = tuple(resolved)
    return Question(
        type=qtype,
        stem=stem,
        answer=answer,
        explanation=_cell(row, col, "解析"),
        sources=sources,
        options=options,
        difficulty=_difficulty(_cell(row, col, "难度")),
        law=law or (sources[0].law if sources else ""),
        chapter=chapter,
        source_hashes=hashes,
        generator="import",
    )


def _difficulty(text: str) -> int:
    if text in _DIFFICULTY_WORDS:
        return _DIFFICULTY_WORDS[text]
    try:
        return max(1, min(3, int(float(text))))
    except ValueError:
        return 1
