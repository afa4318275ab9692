from __future__ import annotations

import pytest

from kb.citations import find_citations, law_key, parse_citations
from kb.numbers import article_label, cn_to_int, int_to_cn

KNOWN = ["行政处罚法", "道路运输条例", "超限运输车辆行驶公路管理规定", "道路交通安全法", "道路交通安全法实施条例"]


@pytest.mark.parametrize("n", [1, 10, 11, 20, 33, 100, 101, 108, 110, 119, 1000, 1001, 1010, 1254, 2000])
def test_chinese_numerals_round_trip(n: int) -> None:
    assert cn_to_int(int_to_cn(n)) == n


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("《中华人民共和国行政处罚法》第三十三条第一款", [("中华人民共和国行政处罚法", 33, "", 1, None)]),
        ("根据行政处罚法第33条", [("行政处罚法", 33, "", None, None)]),
        ("超限运输车辆行驶公路管理规定 第四十三条、第四十四条",
         [("超限运输车辆行驶公路管理规定", 43, "", None, None), ("超限运输车辆行驶公路管理规定", 44, "", None, None)]),
        ("道路运输条例第六十三条第（三）项和第六十四条",
         [("道路运输条例", 63, "", None, 3), ("道路运输条例", 64, "", None, None)]),
        ("违反道交法第九十条", [("道路交通安全法", 90, "", None, None)]),
        ("依照道路交通安全法实施条例第一百零六条", [("道路交通安全法实施条例", 106, "", None, None)]),
        ("刑法第一百三十三条之一", [("刑法", 133, "之一", None, None)]),
        ("第三十八条规定的情形", []),
    ],
)
def test_citations_in_text(text: str, expected: list[tuple[object, ...]]) -> None:
    found = [(c.law, c.article, c.article_suffix, c.clause, c.item) for c in parse_citations(text, KNOWN)]
    assert found == expected


def test_spans_cover_the_trimmed_law_name() -> None:
    (citation, start, end), = find_citations("请依据行政处罚法第三十三条处理", KNOWN)
    assert "请依据行政处罚法第三十三条处理"[start:end] == "行政处罚法第三十三条"
    assert citation.law == "行政处罚法"


def test_law_key_and_labels() -> None:
    assert law_key("《中华人民共和国公路法》") == law_key("公路法") == "公路法"
    assert article_label(33) == "第三十三条" and article_label(10, "之一") == "第十条之一"
