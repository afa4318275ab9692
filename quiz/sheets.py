"""Read the first sheet of an XLSX or CSV file (UTF-8 with or without BOM, or GBK/GB18030) as rows of text.

Rows keep their positions (row N of the file is ``rows[N - 1]``) so that callers can name the rows they
refuse; empty rows stay in as lists of empty strings. The file is checked against the limits on incoming
files (:func:`ingest.guard.guard_file`) before it is parsed, and reading stops at the first row over the limit.
"""

from __future__ import annotations

import csv
import io
from itertools import islice
from pathlib import Path

from ingest.errors import FileRefused
from ingest.guard import guard_file
from ingest.settings import FileLimits

MAX_ROWS = 20000
MAX_COLUMNS = 200  # a cell far to the right (XFD1) would otherwise pad every row to 16384 cells


class SheetError(ValueError):
    """A file that cannot be read as a table; the message says why, in Chinese."""


def cell_text(value: object) -> str:
    """A cell as text: nothing → "", 12345.0 → "12345"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheet(path: Path, max_rows: int | None = None, limits: FileLimits | None = None) -> list[list[str]]:
    """The first sheet's rows; ``max_rows`` defaults to ``limits.max_sheet_rows``."""
    limits = limits or FileLimits()
    max_rows = max_rows or limits.max_sheet_rows
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx", ".xlsm"):
        try:
            guard_file(path, limits)
        except FileRefused as e:
            raise SheetError(f"{e.reason}。") from e
    if suffix == ".csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        try:
            rows = list(islice(csv.reader(io.StringIO(text)), max_rows + 1))
        except csv.Error as e:
            raise SheetError(f"无法读取这个 CSV 文件（{e}）。") from e
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(str(path), read_only=True, data_only=True)
        except Exception as e:  # a damaged or mislabelled file
            raise SheetError(f"无法读取这个 Excel 文件（{type(e).__name__}）。") from e
        try:
            sheet = book.worksheets[0]
            width = sheet.max_column if sheet.max_column and sheet.max_column <= MAX_COLUMNS else MAX_COLUMNS
            rows = [[cell_text(v) for v in row]
                    for row in islice(sheet.iter_rows(values_only=True, max_col=width), max_rows + 1)]
        except Exception as e:  # a damaged sheet inside a sound zip
            raise SheetError(f"无法读取这个 Excel 文件（{type(e).__name__}）。") from e
        finally:
            book.close()
    elif suffix == ".xls":
        raise SheetError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后再导入。")
    else:
        raise SheetError("文件应为 .xlsx 或 .csv 格式。")
    if len(rows) > max_rows:
        raise SheetError(f"文件超过 {max_rows} 行。")
    return rows


def find_column(cells: list[str], names: tuple[str, ...], exclude: tuple[str, ...] = ()) -> int | None:
    """The column whose header is one of ``names`` (earlier names first); exact before contained
    (``警号（必填）``); a header with an ``exclude`` word (``单位编号``) is not taken for a contained name."""
    for name in names:
        for j, cell in enumerate(cells):
            if cell == name:
                return j
    for name in names:
        for j, cell in enumerate(cells):
            if name in cell and len(cell) <= len(name) + 8 and not any(x in cell for x in exclude):
                return j
    return None
