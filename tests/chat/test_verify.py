"""The citation check of model answers, on hand-made hits and a dictionary 'knowledge base'."""

from __future__ import annotations

from datetime import date

import pytest

from chat.verify import Verified, verify_answer
from kb.citations import law_key
from kb.models import Citation, Clause, DocStatus, DocumentMeta, Hit, Item, StoredDocument, Unit

PENALTY = "中华人民共和国行政处罚法"
ROADS = "中华人民共和国公路法"


def _hit(title: str, number: int, clauses: int = 1, items: int = 0) -> Hit:
    meta = DocumentMeta(title=title, version_date=date(2021, 1, 22))
    doc = StoredDocument(f"doc-{law_key(title)}", law_key(title), meta, "h", DocStatus.ACTIVE, 100)
    cls = tuple(
        Clause(n, f"第{n}款。", tuple(Item(i, f"（{i}）项；") for i in range(1, items + 1)) if n == 1 else ())
        for n in range(1, clauses + 1)
    )
    unit = Unit(
        kind="article",
        number=number,
        label=f"第{number}条",
        text=f"条文{number}",
        clauses=cls,
        ordinal=number,
    )
    return Hit(unit_id=f"{law_key(title)}-{number}", unit=unit, document=doc, score=1.0)


STORE = {
    (law_key(PENALTY), 33): _hit(PENALTY, 33, clauses=3),
    (law_key(PENALTY), 34): _hit(PENALTY, 34),
    (law_key(PENALTY), 72): _hit(PENALTY, 72, clauses=2, items=4),
    (law_key(ROADS), 1): _hit(ROADS, 1),
}
KEYS = {law_key(PENALTY), law_key(ROADS)}


def lookup(citation: Citation) -> Hit | None:
    key = law_key(citation.law)
    key = next((k for k in KEYS if key.endswith(k)), key)
    return STORE.get((key, citation.article or 0))


RETRIEVED = [STORE[(law_key(PENALTY), 33)], STORE[(law_key(PENALTY), 34)], STORE[(law_key(PENALTY), 72)]]


def check(text: str) -> Verified:
    return verify_answer(text, RETRIEVED, lookup, KEYS)


def test_valid_citations_are_kept_and_resolved() -> None:
    v = check("可以不予处罚（《中华人民共和国行政处罚法》第三十三条第一款）；另见行政处罚法第34条和[3]。")
    assert v.removed == ()
    assert (
        v.text == "可以不予处罚（《中华人民共和国行政处罚法》第三十三条第一款）；另见行政处罚法第34条和[3]。"
    )
    assert [(c.article, c.clause) for c in v.citations] == [(33, 1), (34, None), (72, None)]
    assert all(c.unit_id and c.version_date == date(2021, 1, 22) for c in v.citations)
    assert v.citations[0].law == PENALTY  # the stored full title, whatever the model wrote


@pytest.mark.parametrize(
    ("text", "expected", "removed"),
    [
        ("依据《行政处罚法》第九百条，不罚。", "依据，不罚。", [("《行政处罚法》第九百条", "not_in_kb")]),
        ("不罚（《行政处罚法》第九百条）。", "不罚。", [("《行政处罚法》第九百条", "not_in_kb")]),
        ("见《公路法》第一条。", "见。", [("《公路法》第一条", "not_retrieved")]),
        ("见《某某不存在法》第三条。", "见。", [("《某某不存在法》第三条", "not_in_kb")]),
        ("见《行政处罚法》第三十三条第五款。", "见。", [("《行政处罚法》第三十三条第五款", "not_in_kb")]),
        (
            "见《行政处罚法》第七十二条第一款第九项。",
            "见。",
            [("《行政处罚法》第七十二条第一款第九项", "not_in_kb")],
        ),
        ("不罚[7]。", "不罚。", [("[7]", "bad_marker")]),
        ("不罚[1, 7]。", "不罚[1]。", [("[7]", "bad_marker")]),
        ("不罚[0]。", "不罚。", [("[0]", "bad_marker")]),
    ],
)
def test_unconfirmed_citations_are_removed(text: str, expected: str, removed: list[tuple[str, str]]) -> None:
    v = check(text)
    assert v.text == expected
    assert [(r.text, r.reason) for r in v.removed] == removed


def test_chains_keep_the_good_articles_with_their_law() -> None:
    v = check("见《行政处罚法》第九百条、第三十三条和第三十四条。")
    assert v.text == "见《行政处罚法》第三十三条、第三十四条。"
    assert [c.article for c in v.citations] == [33, 34]
    assert [r.text for r in v.removed] == ["《行政处罚法》第九百条"]
    v = check("见《行政处罚法》第三十三条、第九百条。")
    assert v.text == "见《行政处罚法》第三十三条。"


def test_text_without_citations_is_unchanged() -> None:
    v = check("  这个问题要看具体情况。 ")
    assert v.text == "这个问题要看具体情况。" and v.citations == () and v.removed == ()


def test_duplicates_are_listed_once() -> None:
    v = check("《行政处罚法》第三十三条……再看《行政处罚法》第三十三条[1]。")
    assert len(v.citations) == 1
