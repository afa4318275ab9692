"""Read the first sheet of an XLSX or CSV file (UTF-8 with or without BOM, or GBK/GB18030) as rows of text.

Rows keep their positions (row N of the file is ``rows[N - 1]``) so that callers can name the rows they
refuse; empty rows stay in as lists of empty strings.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

MAX_ROWS = 20000


class SheetError(ValueError):
    """A file that cannot be read as a table; the message says why, in Chinese."""


def cell_text(value: object) -> str:
    """A cell as text: nothing → "", 12345.0 → "12345"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheet(path: Path, max_rows: int = MAX_ROWS) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        rows = list(csv.reader(io.StringIO(text)))
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(str(path), read_only=True, data_only=True)
        except Exception as e:  # a damaged or mislabelled file
            raise SheetError(f"无法读取这个 Excel 文件（{type(e).__name__}）。") from e
        try:
            rows = [[cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    elif suffix == ".xls":
        raise SheetError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后再导入。")
    else:
        raise SheetError("文件应为 .xlsx 或 .csv 格式。")
    if len(rows) > max_rows:
        raise SheetError(f"文件超过 {max_rows} 行。")
    return rows
