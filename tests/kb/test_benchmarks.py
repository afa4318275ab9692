"""Discretion-benchmark rows as data (kb.benchmarks): measurable bounds, penalty ranges, the step rule."""

from __future__ import annotations

from kb.benchmarks import (
    BenchmarkRow,
    Bound,
    Quantity,
    fits,
    parse_bounds,
    parse_penalty,
    question_quantities,
    row_citations,
    row_of,
    row_text,
    settle_steps,
)
from kb.models import DocStatus, DocumentMeta, Hit, Level, StoredDocument, StoredUnit, Unit


def test_bounds_of_usual_conditions() -> None:
    assert parse_bounds("超限30%以下（含30%）") == (Bound("%", None, 30),)
    assert parse_bounds("超限30%（含）以上50%以下") == (Bound("%", 30, 50),)
    assert parse_bounds("超限30%-50%") == (Bound("%", 30, 50),)
    assert parse_bounds("超限百分之五十以上") == (Bound("%", 50, None),)
    assert parse_bounds("违法所得5000元以上1万元以下") == (Bound("元", 5000, 10000),)
    assert parse_bounds("首次被查处") == (Bound("次", 1, 1),)
    assert parse_bounds("第二次被查处") == (Bound("次", 2, 2),)
    assert parse_bounds("3次以上") == (Bound("次", 3, None),)
    assert parse_bounds("情节轻微，及时改正") == ()


def test_question_numbers() -> None:
    assert question_quantities("超限 35% 怎么罚") == [Quantity("%", 35)]
    assert question_quantities("货车超限百分之三十五罚多少") == [Quantity("%", 35)]
    assert question_quantities("违法所得1.5万元") == [Quantity("元", 15000)]
    assert question_quantities("第三次被查到") == [Quantity("次", 3)]


def test_penalty_ranges() -> None:
    assert parse_penalty("处1万元以上3万元以下罚款").fine_min == 10000
    assert parse_penalty("处1万元以上3万元以下罚款").fine_max == 30000
    assert parse_penalty("处五千元以下的罚款").fine_max == 5000
    assert parse_penalty("处3000元至1万元罚款").fine_min == 3000
    assert parse_penalty("警告").kinds == ("警告",)


def _row(step: str, conditions: str, row: int) -> BenchmarkRow:
    return BenchmarkRow("车辆在公路上擅自超限行驶", "《公路法》第五十条", "《公路法》第七十六条第（五）项", step,
                        conditions, "处罚款", row=row)


ROWS = [_row("轻微", "超限30%以下", 5), _row("一般", "超限30%以上50%以下", 6), _row("较重", "超限50%以上", 7)]


def test_row_text_reads_back() -> None:
    row = ROWS[1]
    unit = Unit(kind="section", number=1, label=row.label, text=row_text(row), ordinal=1)
    assert row_of(unit) == row
    assert row_of(Unit(kind="article", number=1, label="第一条", text="违法行为：x")) is None
    cited = row_citations(row)
    assert [(c.law, c.article, c.item) for c in cited] == [("公路法", 50, None), ("公路法", 76, 5)]


def test_fits_holds_the_number_inside_the_bounds() -> None:
    q = [Quantity("%", 35)]
    assert [fits(r, q) for r in ROWS] == [False, True, False]
    assert not fits(ROWS[1], [Quantity("元", 35)])  # another quantity bounds nothing


def _hits(rows: list[BenchmarkRow]) -> tuple[list[Hit], list[StoredUnit]]:
    doc = StoredDocument("d1", "基准", DocumentMeta("某裁量基准", Level.NORMATIVE), "h", DocStatus.ACTIVE, len(rows))
    stored = [StoredUnit(f"d1-{i:05d}", "d1", Unit(kind="section", number=i, label=r.label, text=row_text(r),
                                                   ordinal=i)) for i, r in enumerate(rows)]
    return [Hit(s.unit_id, s.unit, doc, 1.0 - i / 10) for i, s in enumerate(stored)], stored


def test_settle_steps_takes_the_sibling_whose_bounds_hold_the_number() -> None:
    hits, stored = _hits(ROWS)
    settled = settle_steps(hits, "超限35%怎么罚", lambda doc_id: stored)
    assert [h.unit.label for h in settled] == ["第6行"]
    # the ranker's first sibling was 第5行: the chosen row takes its place and score
    assert settled[0].score == hits[0].score
    # only the sibling the ranker found last: the rule still reaches the right one
    assert [h.unit.label for h in settle_steps(hits[2:], "超限20%", lambda doc_id: stored)] == ["第5行"]
    # no number: as ranked
    assert settle_steps(hits, "超限怎么罚", lambda doc_id: stored) == hits
