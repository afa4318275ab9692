"""Read an examinee roster (XLSX or CSV): an id column (警号, 执法证号 or 编号 …), 姓名 and 单位.

The header row is found among the first rows (a title line above it is fine) by its column names, which
may carry extra words (``警号（必填）``). Ids are compared in one form: NFKC, no spaces, upper case.
A row with a name but no id, an id but no name, or an id that occurs twice is refused, naming the rows.
"""

from __future__ import annotations

from pathlib import Path

from ingest.settings import FileLimits
from quiz.exam.models import RosterEntry, RosterError, RosterProblem
from quiz.sheets import SheetError, find_column, read_sheet
from quiz.text import normalize_id, normalize_name

ID_HEADERS = ("警号", "执法证号", "执法证编号", "执法证", "人员编号", "编号", "工号", "证件号", "证号", "考号", "ID")
NAME_HEADERS = ("姓名", "考生姓名", "名字", "人员姓名", "NAME")
UNIT_HEADERS = ("单位", "所属单位", "工作单位", "单位名称", "部门", "所在单位", "UNIT")
HEADER_SCAN_ROWS = 10
MAX_ROWS = 20000


def read_roster(path: Path, limits: FileLimits | None = None) -> tuple[list[RosterEntry], str]:
    """The roster's entries and the header read as the officer id; ``limits``: on the file."""
    rows = _rows(path, limits)
    found = _header(rows)
    if found is None:
        raise RosterError(path.name, message="没有找到表头：需要“警号”（或“执法证号”“编号”）和“姓名”两列，"
                                              "“单位”列可选。")
    head, id_col, name_col, unit_col = found
    entries: list[RosterEntry] = []
    problems: list[RosterProblem] = []
    seen: dict[str, int] = {}
    id_header = rows[head][id_col].strip()
    for n, row in enumerate(rows[head + 1:], start=head + 2):
        officer_id = normalize_id(_cell(row, id_col))
        name = normalize_name(_cell(row, name_col))
        unit = _cell(row, unit_col).strip() if unit_col is not None else ""
        if not officer_id and not name:
            continue  # an empty line (or only a unit)
        if not officer_id:
            problems.append(RosterProblem(n, f"缺少{id_header}（姓名：{name}）"))
            continue
        if not name:
            problems.append(RosterProblem(n, f"{id_header} {officer_id} 缺少姓名"))
            continue
        if len(officer_id) > 64 or len(name) > 100:
            problems.append(RosterProblem(n, f"{id_header}或姓名过长"))
            continue
        if officer_id in seen:
            problems.append(RosterProblem(n, f"{id_header} {officer_id} 重复（与第 {seen[officer_id]} 行相同）"))
            continue
        seen[officer_id] = n
        entries.append(RosterEntry(n, officer_id, name, unit[:200]))
    if problems:
        raise RosterError(path.name, problems, message=f"{len(problems)} 行有问题，整份名单未导入。")
    if not entries:
        raise RosterError(path.name, message="名单中没有考生。")
    return entries, id_header


def _rows(path: Path, limits: FileLimits | None) -> list[list[str]]:
    try:
        return read_sheet(path, MAX_ROWS, limits)
    except SheetError as e:
        raise RosterError(path.name, message=str(e)) from e


def _cell(row: list[str], col: int | None) -> str:
    return row[col] if col is not None and col < len(row) and row[col] is not None else ""


def _header(rows: list[list[str]]) -> tuple[int, int, int, int | None] | None:
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [normalize_name(c).lstrip("\ufeff").upper() for c in row]
        id_col = find_column(cells, ID_HEADERS, exclude=("单位", "部门"))
        name_col = find_column(cells, NAME_HEADERS)
        if id_col is not None and name_col is not None and id_col != name_col:
            return i, id_col, name_col, find_column(cells, UNIT_HEADERS)
    return None
