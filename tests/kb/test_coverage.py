"""The foundation list checked against stored documents, and which gaps a question is about."""

from datetime import date
from pathlib import Path

import pytest

from corpus.foundation import BUNDLED_FOUNDATION, foundation_documents
from kb.coverage import (
    CoverageGap,
    FoundationDocument,
    FoundationError,
    GapKind,
    coverage_gaps,
    gaps_for,
    load_foundation,
)
from kb.identity import law_key
from kb.models import DocStatus, DocumentMeta, Level, StoredDocument

ROAD_RULE = FoundationDocument("公路安全保护条例", Level.ADMIN_REGULATION, version_date=date(2011, 3, 7),
                               topics=("超限", "卸载"))
OVERSIZE = FoundationDocument("超限运输车辆行驶公路管理规定", Level.DEPARTMENT_RULE, version_date=date(2021, 8, 11),
                              topics=("超限",))
FREIGHT = FoundationDocument("道路货物运输及站场管理规定", Level.DEPARTMENT_RULE, version_date=date(2022, 9, 26),
                             topics=("货运",))
PENALTY = FoundationDocument("中华人民共和国行政处罚法", Level.LAW, version_date=date(2021, 1, 22))


def stored(title: str, version: date | None) -> StoredDocument:
    meta = DocumentMeta(title=title, level=Level.LAW, version_date=version)
    return StoredDocument(doc_id=title, law_key=law_key(title), meta=meta, content_hash="h",
                          status=DocStatus.ACTIVE, unit_count=1)


def test_a_document_absent_or_only_in_an_older_version_is_a_gap() -> None:
    held = [stored("行政处罚法", date(2021, 1, 22)), stored("道路货物运输及站场管理规定", date(2019, 6, 20))]
    gaps = coverage_gaps([ROAD_RULE, FREIGHT, PENALTY], held)
    assert gaps == [CoverageGap(ROAD_RULE, GapKind.ABSENT),
                    CoverageGap(FREIGHT, GapKind.OLDER, held_version=date(2019, 6, 20))]


def test_the_newest_held_version_counts() -> None:
    held = [stored("道路货物运输及站场管理规定", date(2019, 6, 20)),
            stored("道路货物运输及站场管理规定", date(2022, 9, 26))]
    assert coverage_gaps([FREIGHT], held) == []


def test_a_question_is_about_the_gaps_it_names_or_whose_field_words_it_uses() -> None:
    gaps = coverage_gaps([FREIGHT, OVERSIZE, ROAD_RULE, PENALTY], [])
    about = gaps_for("货车超限了，车主拒绝卸载，能扣车吗？", gaps)
    assert [g.document.title for g in about] == ["公路安全保护条例", "超限运输车辆行驶公路管理规定"]
    named = gaps_for("行政处罚法规定的听证期限是多久？超限的呢", gaps)
    assert named[0].document is PENALTY
    assert gaps_for("今天天气怎么样？", gaps) == []


def test_the_bundled_list_reads_and_names_the_regulations_the_default_lacks() -> None:
    documents = foundation_documents("bundled")
    titles = {d.title for d in documents}
    assert {"公路安全保护条例", "超限运输车辆行驶公路管理规定", "中华人民共和国公路法"} <= titles
    assert all(d.version_date for d in documents)
    assert foundation_documents("") == ()
    assert load_foundation(BUNDLED_FOUNDATION) == documents


def test_a_broken_list_is_refused_naming_the_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "list.tsv"
    path.write_text("title\tlevel\tversion_date\n公路法\t法律\t2017-13-04\n", encoding="utf-8")
    with pytest.raises(FoundationError, match=r"list\.tsv, row 2"):
        load_foundation(path)
