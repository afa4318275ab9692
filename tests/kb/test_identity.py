"""One article identity: law keys, article references, a unit's document, the one citation JSON form."""

from __future__ import annotations

import pytest

from kb.citations import citation_from_json, citation_to_json
from kb.identity import ArticleRef, article_suffix, doc_id_of, law_key, parse_article_label
from kb.models import Citation


def test_an_article_reference_parses_formats_and_compares_whatever_the_law_is_called() -> None:
    ref = ArticleRef.parse("行政处罚法|第五十一条")
    assert ref == ArticleRef.of("《中华人民共和国行政处罚法》", "第五十一条") == ArticleRef.of_number("行政处罚法", 51)
    assert ref.format() == str(ref) == "行政处罚法|第五十一条"
    assert (ref.number, ref.suffix) == (51, "")
    assert ArticleRef.of("行政处罚法", "第十条之一").suffix == "之一"
    assert sorted([ArticleRef("行政许可法", "第一条"), ref])[0] == ref
    with pytest.raises(ValueError, match="not an article reference"):
        ArticleRef.parse("行政处罚法第五十一条")


def test_labels_unit_ids_and_law_keys() -> None:
    assert parse_article_label("第十条之一") == (10, "之一")
    assert parse_article_label("51") == (51, "")
    assert parse_article_label("一、总体要求")[0] is None
    assert article_suffix("第十条之一") == "之一" and article_suffix("第十条") == ""
    assert doc_id_of("3f9a2c1d-00012") == "3f9a2c1d"
    assert law_key("中华人民共和国 道路交通安全法") == "道路交通安全法"


def test_a_citation_has_one_json_form_that_reads_back() -> None:
    cited = Citation(law="行政处罚法", article=10, article_suffix="之一", unit_id="d1-00011")
    assert citation_to_json(cited) == {"law": "行政处罚法", "article": "第十条之一"}
    data = citation_to_json(cited, with_unit_id=True)
    assert data["unit_id"] == "d1-00011"
    assert citation_from_json(data) == cited
    section = citation_from_json({"law": "应知应会", "article": "一、总体要求"})
    assert (section.article, section.section_label) == (None, "一、总体要求")
