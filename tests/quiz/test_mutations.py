from __future__ import annotations

import random

from quiz.generation.mutations import direction_mutations, modal_mutations, mutations, trace
from quiz.text import normalize

ARTICLE = (
    "违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告的行政处罚的，"
    "可以当场作出行政处罚决定。法律另有规定的，从其规定。"
)
STATEMENT = ARTICLE.split("。")[0]


def test_modal_swaps_respect_word_boundaries() -> None:
    assert [(m.old, m.new) for m in modal_mutations("可以当场作出")] == [("可以", "应当")]
    assert modal_mutations("相应当事人") == []
    assert [(m.old, m.new) for m in modal_mutations("执法人员不得少于两人")] == [("不得", "可以")]


def test_direction_swaps_skip_ranges() -> None:
    assert [m.new for m in direction_mutations("处二百元以下罚款")] == ["以上"]
    assert direction_mutations("处二千元以上一万元以下罚款") == []


def test_every_mutation_is_absent_from_the_article_and_traceable() -> None:
    found = mutations(STATEMENT, ARTICLE, random.Random(3))
    kinds = {m.kind for m in found}
    assert {"quantity", "modal", "direction"} <= kinds
    for m in found:
        changed = m.apply(STATEMENT)
        assert normalize(changed) not in normalize(ARTICLE)
        back = trace(changed, STATEMENT, ARTICLE)
        assert back is not None and back.kind == m.kind


def test_trace_refuses_a_change_to_a_value_the_article_uses() -> None:
    changed = STATEMENT.replace("三千元", "二百元", 1)  # 二百元 is the article's own amount
    assert trace(changed, STATEMENT, ARTICLE) is None
    assert trace(STATEMENT.replace("当场", "事后"), STATEMENT, ARTICLE) is None
