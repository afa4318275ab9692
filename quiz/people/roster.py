"""Read an officers' roster (XLSX or CSV): 警号 (or 执法证号/编号), 姓名, 单位, optional 职务 and 领导班子成员.

The header row is found among the first rows by its column names, which may carry extra words
(``警号（必填）``). What the file alone can tell is checked here, row by row: a missing 警号, 姓名 or 单位, a
警号 twice, a value too long, a 领导班子成员 cell that is neither yes nor no. What needs the database (unknown
units, the actor's scope, accounts of other units) is checked by ``Accounts.import_roster``.

领导班子成员: the column's 是/否 (also Y/N, 1/0, √/×) when it is filled; otherwise inferred from 职务 — a
title naming a leading post (局长, 政委, 支队长, 大队长, 教导员, 书记, 主任, 纪检组长, with their 副 forms)
counts, a civil-service rank (主任科员, 副主任科员) does not, nor does 中队长.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.settings import FileLimits
from quiz.people.models import RosterImportError, RosterProblem
from quiz.people.units import MAX_UNIT_NAME, unit_name
from quiz.sheets import SheetError, find_column, read_sheet
from quiz.text import normalize_id, normalize_name

ID_HEADERS = ("警号", "执法证号", "执法证编号", "执法证", "人员编号", "编号", "工号")
NAME_HEADERS = ("姓名", "人员姓名", "名字")
UNIT_HEADERS = ("单位", "所属单位", "工作单位", "单位名称", "所在单位", "部门")
TITLE_HEADERS = ("职务", "职位", "岗位")
LEADER_HEADERS = ("领导班子成员", "领导班子", "是否领导班子成员", "班子成员")
HEADER_SCAN_ROWS = 10

LEADER_WORDS = ("局长", "政委", "支队长", "大队长", "教导员", "书记", "主任", "纪检组长")
NOT_LEADER_WORDS = ("科员", "中队长")
YES = frozenset({"是", "Y", "YES", "1", "√", "✓", "TRUE", "领导班子成员"})
NO = frozenset({"否", "N", "NO", "0", "×", "✗", "FALSE"})

MAX_LOGIN = 64
FORBIDDEN_IN_LOGIN = "<>\"'&:/\\"
MAX_NAME = 100
MAX_TITLE = 100


@dataclass(frozen=True)
class RosterEntry:
    row: int
    officer_id: str
    name: str
    unit: str
    title: str
    leader: bool


@dataclass(frozen=True)
class RosterSheet:
    entries: list[RosterEntry]
    problems: list[RosterProblem]
    id_header: str


@dataclass(frozen=True)
class _Columns:
    head: int
    id: int
    name: int
    unit: int | None
    title: int | None
    leader: int | None


def login_usable(login: str) -> bool:
    """No control characters, and none of the symbols a page or a path would read specially."""
    return login.isprintable() and not any(c in login for c in FORBIDDEN_IN_LOGIN)


def leader_from_title(title: str) -> bool:
    return any(w in title for w in LEADER_WORDS) and not any(w in title for w in NOT_LEADER_WORDS)


def read_roster(path: Path, limits: FileLimits | None = None) -> RosterSheet:
    """The roster's well-formed rows and the problems of the others; RosterImportError for a file that
    cannot be read as a roster at all."""
    try:
        rows = read_sheet(path, None, limits)
    except SheetError as e:
        raise RosterImportError(path.name, message=str(e)) from e
    columns = _header(rows)
    if columns is None:
        raise RosterImportError(path.name, message="没有找到表头：需要“警号”（或“执法证号”“编号”）、“姓名”"
                                                   "和“单位”三列，“职务”“领导班子成员”两列可选。")
    if columns.unit is None:
        raise RosterImportError(path.name, message="没有找到“单位”列：每名人员都要写明所在单位。")
    id_header = rows[columns.head][columns.id].strip()
    entries: list[RosterEntry] = []
    problems: list[RosterProblem] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[columns.head + 1:], start=columns.head + 2):
        officer_id = normalize_id(_cell(row, columns.id))
        name = normalize_name(_cell(row, columns.name))
        unit = unit_name(_cell(row, columns.unit))
        title = _cell(row, columns.title).strip()
        leader_text = normalize_id(_cell(row, columns.leader))
        if not (officer_id or name or unit or title):
            continue  # an empty line
        reason = _row_problem(officer_id, name, unit, title, leader_text, id_header)
        if reason is None and officer_id in seen:
            reason = f"{id_header} {officer_id} 重复（与第 {seen[officer_id]} 行相同）"
        if reason is not None:
            problems.append(RosterProblem(n, reason))
            continue
        seen[officer_id] = n
        leader = leader_text in YES if leader_text else leader_from_title(title)
        entries.append(RosterEntry(n, officer_id, name, unit, title, leader))
    if not entries and not problems:
        raise RosterImportError(path.name, message="名单中没有人员。")
    return RosterSheet(entries, problems, id_header)


def _row_problem(officer_id: str, name: str, unit: str, title: str, leader: str, id_header: str) -> str | None:
    if not officer_id:
        return f"缺少{id_header}（姓名：{name or '未填'}）"
    if len(officer_id) > MAX_LOGIN:
        return f"{id_header}超过 {MAX_LOGIN} 个字符"
    if not login_usable(officer_id):
        return f"{id_header}含有不能使用的符号（如尖括号、引号、斜杠）"
    if not name:
        return f"{id_header} {officer_id} 缺少姓名"
    if len(name) > MAX_NAME:
        return f"{id_header} {officer_id} 的姓名过长"
    if not unit:
        return f"{id_header} {officer_id} 缺少单位"
    if len(unit) > MAX_UNIT_NAME:
        return f"{id_header} {officer_id} 的单位名称过长"
    if len(title) > MAX_TITLE:
        return f"{id_header} {officer_id} 的职务过长"
    if leader and leader not in YES and leader not in NO:
        return f"{id_header} {officer_id} 的“领导班子成员”应填“是”或“否”"
    return None


def _cell(row: list[str], col: int | None) -> str:
    return row[col] if col is not None and col < len(row) and row[col] is not None else ""


def _header(rows: list[list[str]]) -> _Columns | None:
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [normalize_name(c).lstrip("\ufeff").upper() for c in row]
        id_col = find_column(cells, ID_HEADERS, exclude=("单位", "部门"))
        name_col = find_column(cells, NAME_HEADERS)
        if id_col is None or name_col is None or id_col == name_col:
            continue
        leader_col = find_column(cells, LEADER_HEADERS)
        taken = {id_col, name_col, leader_col}
        unit_col = find_column(cells, UNIT_HEADERS, exclude=("编号", "代码"))
        title_col = find_column(cells, TITLE_HEADERS)
        return _Columns(i, id_col, name_col, unit_col if unit_col not in taken else None,
                        title_col if title_col not in taken else None, leader_col)
    return None
