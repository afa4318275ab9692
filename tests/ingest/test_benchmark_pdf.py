"""Discretion benchmarks published as PDF tables (ingest.benchmark_pdf): drawn here with fpdf2 from real penalty
articles (header over two rows, merged cells, a table over several pages with its header repeated), read into
the same rows as the XLSX and DOCX path; a broken or incomplete PDF is refused naming the file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fpdf import FPDF
from fpdf.fonts import FontFace

from ingest.benchmark_pdf import read_pdf_tables
from ingest.benchmarks import benchmark_document, is_benchmark_file, read_benchmark
from ingest.errors import IngestError
from ingest.settings import IngestSettings
from kb.models import Level
from tests.ingest.benchmark_pdfs import (
    ISSUER_P1,
    ISSUER_P2,
    TITLE_P1,
    TITLE_P2,
    Drawn,
    write_long_pdf,
    write_two_row_header_pdf,
)
from tests.ingest.make_files import find_cjk_font, make_garbage_pdf, make_gov_pdf, make_truncated_pdf

pytestmark = pytest.mark.skipif(find_cjk_font() is None, reason="no TrueType CJK font to draw the test PDFs")
SETTINGS = IngestSettings()


def _rows(path: Path) -> list[Drawn]:
    bench = read_benchmark(path, SETTINGS)
    return [(r.violation, r.violated, r.basis, r.step, r.conditions, r.penalty) for r in bench.rows]


def test_a_header_over_two_rows_and_merged_cells(tmp_path: Path) -> None:
    path = tmp_path / "滨海市路政裁量基准.pdf"
    drawn = write_two_row_header_pdf(path)
    assert is_benchmark_file(path, SETTINGS)
    # every violation × step, the violation and its articles merged down over the steps copied to each
    assert _rows(path) == drawn and len(drawn) == 13
    bench = read_benchmark(path, SETTINGS)
    assert [r.label for r in bench.rows][:3] == ["第3行", "第4行", "第5行"]  # the two header rows counted
    assert bench.rows[1].penalty_range.fine_min == 5000
    meta = benchmark_document(bench).meta
    assert (meta.title, meta.issuing_body, meta.version_date, meta.level) == (
        TITLE_P1, ISSUER_P1, date(2023, 4, 1), Level.NORMATIVE)


def test_a_table_over_several_pages_with_its_header_repeated(tmp_path: Path) -> None:
    path = tmp_path / "江河市裁量基准.pdf"
    drawn = write_long_pdf(path)
    tables, lines = read_pdf_tables(path, SETTINGS)
    assert len(tables) == 1  # the parts on later pages continue the first
    assert sum(1 for row in tables[0].rows if row[1] == "违法行为名称") == 1  # the repeated header is left out
    assert _rows(path) == drawn and len(drawn) == 25
    bench = read_benchmark(path, SETTINGS)
    assert [r.row for r in bench.rows] == list(range(2, 27))
    assert "注：以上、以下均含本数。" in lines
    meta = benchmark_document(bench).meta
    assert (meta.title, meta.issuing_body, meta.version_date) == (TITLE_P2, ISSUER_P2, date(2022, 6, 1))


def test_a_law_pdf_is_not_a_benchmark(tmp_path: Path) -> None:
    path = make_gov_pdf(tmp_path / "law.pdf")
    assert not is_benchmark_file(path, SETTINGS)


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_a_broken_pdf_names_the_file(tmp_path: Path, damage: str) -> None:
    good = tmp_path / "good.pdf"
    write_two_row_header_pdf(good)
    broken = tmp_path / f"裁量基准-{damage}.pdf"
    if damage == "truncated":
        make_truncated_pdf(broken, good, keep=0.3)
    else:
        make_garbage_pdf(broken)
    with pytest.raises(IngestError) as err:
        read_benchmark(broken, SETTINGS)
    assert err.value.path == broken and "not a valid PDF" in err.value.reason
    assert f"{broken.name}" in str(err.value)
    assert not is_benchmark_file(broken, SETTINGS)  # then the PDF loader reports it, naming the file


def test_a_pdf_table_without_the_penalty_article_column_is_refused(tmp_path: Path) -> None:
    font = find_cjk_font()
    assert font is not None
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(font[0]), collection_font_number=font[1])
    pdf.set_font("cjk", size=10)
    pdf.add_page()
    pdf.cell(0, 10, "某市路政行政处罚裁量基准", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(headings_style=FontFace(emphasis="")) as table:
        for cells in (("违法行为", "违反条款", "裁量阶次", "处罚标准"),
                      ("车辆在公路上擅自超限行驶", "《中华人民共和国公路法》第五十条", "一般", "处5000元以上1万元以下罚款")):
            row = table.row()
            for text in cells:
                row.cell(text)
    path = tmp_path / "incomplete.pdf"
    pdf.output(str(path))
    with pytest.raises(IngestError) as err:
        read_benchmark(path, SETTINGS)
    assert err.value.path == path and "处罚依据" in err.value.reason and "表1" in err.value.reason


def test_a_merged_cell_cut_by_a_page_break_lends_its_text_to_the_rows_below(tmp_path: Path) -> None:
    """Page 1 ends inside a violation's merged cell; page 2 repeats the header and goes on with that
    violation's next step under an empty (cut) violation cell."""
    font = find_cjk_font()
    assert font is not None
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(font[0]), collection_font_number=font[1])
    pdf.set_font("cjk", size=8)
    widths = (45, 75, 20, 50)
    header = ("违法行为", "处罚依据", "情节", "处罚标准")
    violation, basis = "擅自占用、挖掘公路", "《中华人民共和国公路法》第七十六条第（一）项"
    pages = [[(violation, basis, "轻微", "处1000元以下罚款")],
             [("", "", "一般", "处1000元以上1万元以下罚款"), ("", "", "严重", "处1万元以上3万元以下罚款")]]
    for rows in pages:
        pdf.add_page()
        pdf.cell(0, 10, "某市路政行政处罚裁量基准", new_x="LMARGIN", new_y="NEXT")
        for cells in [header, *rows]:
            for width, text in zip(widths, cells, strict=True):
                pdf.cell(width, 8, text, border=1)
            pdf.ln(8)
    path = tmp_path / "cut.pdf"
    pdf.output(str(path))
    bench = read_benchmark(path, SETTINGS)
    assert [(r.violation, r.basis, r.step, r.row) for r in bench.rows] == [
        (violation, basis, "轻微", 2), (violation, basis, "一般", 3), (violation, basis, "严重", 4)]
