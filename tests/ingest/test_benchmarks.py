"""Discretion-benchmark tables (ingest.benchmarks): columns by their names, merged cells, two-row headers,
one sheet per field, DOCX tables; refusals name the file and what is missing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.benchmarks import benchmark_document, is_benchmark_file, match_columns, read_benchmark
from ingest.errors import FileRefused, IngestError
from ingest.settings import FileLimits, IngestSettings
from kb.models import Level
from tests.benchmark_tables import (
    TITLE_A,
    TITLE_C,
    write_docx,
    write_incomplete_xlsx,
    write_sheets_xlsx,
    write_two_row_header_xlsx,
)

SETTINGS = IngestSettings()


def test_columns_by_name_not_position() -> None:
    assert match_columns([["处罚幅度", "违法行为名称", "违法程度", "处罚条款"]]) == {
        "penalty": 0, "violation": 1, "step": 2, "basis": 3}
    two_rows = [["序号", "违法行为", "法律依据", "法律依据", "裁量阶次"], ["", "", "违反条款", "处罚依据", ""]]
    assert match_columns(two_rows) == {"violated": 2, "basis": 3, "violation": 1, "step": 4}


def test_two_row_header_and_merged_cells(tmp_path: Path) -> None:
    path = write_two_row_header_xlsx(tmp_path / "a.xlsx")
    bench = read_benchmark(path, SETTINGS)
    assert len(bench.rows) == 13
    first, second = bench.rows[0], bench.rows[1]
    assert (first.row, first.step, first.conditions) == (5, "轻微", "超限30%以下（含30%）")
    # the violation and its articles are merged down over the steps: every step has them
    assert second.violation == first.violation == "车辆在公路上擅自超限行驶"
    assert second.violated == "《中华人民共和国公路法》第五十条"
    assert second.basis.startswith("《中华人民共和国公路法》第七十六条第（五）项")
    assert second.label == "第6行" and second.penalty_range.fine_min == 5000
    doc = benchmark_document(bench)
    assert doc.meta.title == TITLE_A and doc.meta.level is Level.NORMATIVE
    assert doc.meta.issuing_body == "滨海市交通运输委员会" and doc.meta.version_date == date(2020, 3, 1)
    assert doc.units[1].text.startswith("违法行为：车辆在公路上擅自超限行驶；违反：《中华人民共和国公路法》第五十条")
    assert "裁量阶次：一般；情形：超限30%以上50%以下；处罚：处5000元以上1万元以下罚款" in doc.units[1].text


def test_one_sheet_per_field(tmp_path: Path) -> None:
    bench = read_benchmark(write_sheets_xlsx(tmp_path / "江河市裁量基准(2022-06-01).xlsx"), SETTINGS)
    assert bench.skipped == ["说明"]
    assert [r.label for r in bench.rows][:3] == ["路政第2行", "路政第3行", "路政第4行"]
    assert {r.sheet for r in bench.rows} == {"路政", "运政", "港航"}
    doc = benchmark_document(bench)
    assert doc.meta.version_date == date(2022, 6, 1) and doc.meta.title == "江河市裁量基准"
    assert doc.units[0].heading_path == ("路政",)


def test_docx_table_with_merged_cells(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "c.docx")
    assert is_benchmark_file(path, SETTINGS)
    bench = read_benchmark(path, SETTINGS)
    assert [(r.label, r.step) for r in bench.rows] == [("第2行", "一般"), ("第3行", "较重"), ("第4行", "从轻"),
                                                       ("第5行", "从重")]
    assert bench.rows[1].violation == "将公路作为试车场地" and bench.rows[1].basis.endswith("第七十七条")
    meta = benchmark_document(bench).meta
    assert (meta.title, meta.issuing_body, meta.version_date) == (TITLE_C, "海港市交通运输局", date(2021, 5, 10))


def test_a_table_without_the_needed_columns_is_refused(tmp_path: Path) -> None:
    path = write_incomplete_xlsx(tmp_path / "bad.xlsx")
    with pytest.raises(IngestError) as err:
        read_benchmark(path, SETTINGS)
    assert err.value.path == path and "处罚依据" in err.value.reason and "路政" in err.value.reason


def test_the_guard_checks_the_workbook_first(tmp_path: Path) -> None:
    path = write_two_row_header_xlsx(tmp_path / "a.xlsx")
    with pytest.raises(FileRefused):
        read_benchmark(path, IngestSettings(limits=FileLimits(max_members=2)))


def test_an_ordinary_docx_is_not_a_benchmark(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("第一条 为了规范……，制定本办法。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "职务"
    document.save(tmp_path / "law.docx")
    assert not is_benchmark_file(tmp_path / "law.docx", SETTINGS)
