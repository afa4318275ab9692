from __future__ import annotations

import random

import pytest

from quiz.quantities import distractor_values, find_quantities, quantity_keys, render


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("告知后五日内提出", [("五日", 5.0, "日")]),
        ("处3000元以上1万元以下罚款", [("3000元", 3000.0, "元"), ("1万元", 10000.0, "元")]),
        ("十五个工作日内", [("十五个工作日", 15.0, "工作日")]),
        ("不得少于两人", [("两人", 2.0, "人")]),
        ("每级上报的时间不得超过2小时", [("2小时", 2.0, "小时")]),
        ("总数百分之十的", [("百分之十", 10.0, "%")]),
        ("超过本单位货运车辆总数5%的", [("5%", 5.0, "%")]),
        ("三个月", [("三个月", 3.0, "月")]),
    ],
)
def test_finds_amounts_time_limits_and_counts(text: str, found: list[tuple[str, float, str]]) -> None:
    assert [(q.text, q.value, q.family) for q in find_quantities(text)] == found


@pytest.mark.parametrize("text", ["第三日", "2021年1月22日", "二〇二一年", "二分之一", "第五十一条"])
def test_skips_ordinals_dates_and_fractions(text: str) -> None:
    assert find_quantities(text) == []


def test_render_keeps_the_style_of_the_original() -> None:
    cn, arabic, wan = find_quantities("二千元、3000元、1万元")
    assert render(5000, cn) == "五千元"
    assert render(10000, cn) == "一万元"
    assert render(5000, arabic) == "5000元"
    assert render(20000, arabic) == "2万元"
    assert render(50000, wan) == "5万元"
    (months,) = find_quantities("三个月")
    assert render(2, months) == "两个月"


def test_distractors_are_same_family_and_never_the_articles_own_values() -> None:
    article = "当事人要求听证的，应当在行政机关告知后五日内提出；行政机关应当在举行听证的七日前，通知当事人"
    five, _ = find_quantities(article)
    forbidden = quantity_keys(article)
    for seed in range(20):
        values = distractor_values(five, forbidden, 3, random.Random(seed))
        assert len(values) == 3
        assert 5.0 not in values and 7.0 not in values
        assert all(("日", v) not in forbidden for v in values)
        assert all(0.1 <= v / 5 <= 10 for v in values)


def test_no_distractors_for_units_without_a_family() -> None:
    (q,) = [q for q in find_quantities("载重10吨") if q.unit == "吨"] or [None]
    assert q is None
