from __future__ import annotations

import pytest

from kb.models import StoredUnit, Unit
from kb.references import ReferenceGraph, cited_articles


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("违反本条例第二十二条规定的，由公路管理机构责令改正", {22}),
        ("有本法第十三条、第十四条第二款、第二十条规定行为之一的", {13, 14, 20}),
        ("违反本规定第6条，第8条的", {6, 8}),
        ("依照《中华人民共和国行政处罚法》第三十三条的规定", set()),
        ("违反本办法的规定，处一千元罚款", set()),
    ],
)
def test_cited_articles_of_the_same_document(text: str, cited: set[int]) -> None:
    assert cited_articles(text) == cited


def unit(doc: str, number: int, text: str, chapter: str = "第一章 总则") -> StoredUnit:
    label = f"第{number}条"
    return StoredUnit(f"{doc}-{number:05d}", doc, Unit("article", number, label, f"{label} {text}", (chapter,)))


def test_graph_links_penalties_to_the_articles_they_cite_within_one_document() -> None:
    graph = ReferenceGraph([
        unit("a", 22, "禁止在公路桥梁下空间堆放物品。"),
        unit("a", 59, "违反本条例第二十二条规定的，处2万元以上10万元以下的罚款。", "第五章 法律责任"),
        unit("a", 60, "本条例第二十二条所称桥梁，包括渡槽。"),  # cites, but sets no penalty
        unit("b", 22, "另一部法规的第二十二条。"),
    ])
    assert graph.penalties_for("a-00022") == ["a-00059"]
    assert graph.penalties_for("b-00022") == []
