"""generate(): even spread, unique stems, every question verified; laws, chapters, articles, types."""

from __future__ import annotations

from collections import Counter

import pytest

from kb.models import Citation
from quiz.checklist.items import parse_markdown
from quiz.generation.checks import check_question
from quiz.generation.generate import UnknownArticle, UnknownChapter, generate
from quiz.generation.generators import UnknownQuestionType
from quiz.source import UnknownLaw
from quiz.text import normalize


def test_spread_uniqueness_and_checks(real_source, real_index) -> None:
    qs = generate(real_source, 60, seed=7)
    assert len(qs) == 60
    per_law = Counter(q.law for q in qs)
    assert len(per_law) == 4 and max(per_law.values()) - min(per_law.values()) <= 1
    per_type = Counter(q.type for q in qs)
    assert set(per_type) == {"single", "multi", "judge", "blank"}
    assert max(per_type.values()) - min(per_type.values()) <= 4
    assert len({normalize(q.stem) for q in qs}) == len(qs)
    for q in qs:
        assert check_question(q, real_index) == []
        assert len(set(map(normalize, q.options.values()))) == len(q.options)
        data = q.to_json()
        assert {"type", "stem", "options", "answer", "explanation", "source"} <= set(data)
        assert data["source"][0]["article"].startswith("第") and data["source"][0]["article"].endswith("条")


def test_seed_makes_runs_reproducible(real_index) -> None:
    a = generate(real_index, 20, seed=3)
    b = generate(real_index, 20, seed=3)
    assert [q.to_json() for q in a] == [q.to_json() for q in b]
    c = generate(real_index, 20, seed=4)
    assert [q.stem for q in a] != [q.stem for q in c]


def test_laws_and_types_filter(real_index) -> None:
    qs = generate(real_index, 12, laws=["行政处罚法", "道交法"], types=["judge", "blank"], seed=1)
    assert {q.law for q in qs} == {"中华人民共和国行政处罚法", "中华人民共和国道路交通安全法"}
    assert {q.type for q in qs} == {"judge", "blank"}
    assert Counter(q.type for q in qs) == {"judge": 6, "blank": 6}


def test_chapters_narrow_their_law_only(real_index) -> None:
    chapter = "第三章 行政强制措施实施程序"
    qs = generate(real_index, 30, laws=["公路法"], chapters=[("行政强制法", chapter)], seed=4)
    by_law = Counter(q.law for q in qs)
    assert set(by_law) == {"中华人民共和国行政强制法", "中华人民共和国公路法"}, "a chapter's law counts as chosen"
    assert all(q.chapter == chapter for q in qs if q.law == "中华人民共和国行政强制法")
    assert len({q.chapter for q in qs if q.law == "中华人民共和国公路法"}) > 1, "the other law keeps all chapters"
    for q in qs:
        assert check_question(q, real_index) == []
        art = real_index.resolve(q.sources[0])
        assert art is not None and art.chapter == q.chapter

    two = generate(real_index, 30, chapters=[("行政处罚法", "第一章 总则"), ("行政处罚法", "第八章 附则")], seed=1)
    assert two and {q.chapter for q in two} <= {"第一章 总则", "第八章 附则"}
    assert {q.law for q in two} == {"中华人民共和国行政处罚法"}


def test_articles_narrow_to_single_articles(real_index) -> None:
    qs = generate(real_index, 6, articles=[Citation(law="行政处罚法", article=51)], seed=2)
    assert qs and {(q.sources[0].law, q.sources[0].article) for q in qs} == {("中华人民共和国行政处罚法", 51)}
    with pytest.raises(UnknownArticle, match="第九百条"):
        generate(real_index, 2, articles=[Citation(law="行政处罚法", article=900)])


def test_unknown_chapter_raises(real_index) -> None:
    with pytest.raises(UnknownChapter, match="第九章"):
        generate(real_index, 5, chapters=[("行政处罚法", "第九章 不存在")])
    with pytest.raises(UnknownLaw):
        generate(real_index, 5, chapters=[("民法典", "第一章 总则")])


def test_unknown_law_and_type_raise(real_index) -> None:
    with pytest.raises(UnknownLaw):
        generate(real_index, 5, laws=["民法典"])
    with pytest.raises(UnknownQuestionType):
        generate(real_index, 5, types=["case"])


def test_a_small_law_runs_out_instead_of_repeating(real_index) -> None:
    qs = generate(real_index, 2000, laws=["行政处罚法"], types=["multi"], seed=2)
    assert 3 <= len(qs) < 40
    assert len({q.stem for q in qs}) == len(qs)


def test_checklist_items_become_questions(real_index) -> None:
    checklist = parse_markdown(
        "# 清单\n\n## 一、行政处罚\n\n"
        "问：什么情况下可以适用简易程序，当场作出行政处罚决定？\n"
        "答：违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告的"
        "行政处罚的，可以当场作出行政处罚决定。\n"
        "依据：《中华人民共和国行政处罚法》第五十一条\n\n"
        "2. 执法人员不得少于两人，法律另有规定的除外。（《中华人民共和国行政处罚法》第四十二条）\n"
    )
    qs = generate(real_index, 8, laws=["行政处罚法"], seed=5, checklist=checklist.items)
    from_checklist = [q for q in qs if q.checklist_item]
    assert from_checklist
    assert {q.checklist_item for q in from_checklist} <= {"清单#1", "清单#2"}
    for q in from_checklist:
        assert check_question(q, real_index) == []


def test_hundred_questions(real_index) -> None:
    """Speed is measured by scripts/bench_quiz.py (docs/benchmarks.md), not asserted here."""
    assert len(generate(real_index, 100, seed=11)) == 100


def test_json_list_for_the_cli(real_index) -> None:
    import json

    from quiz.models import Question, dump_json

    qs = generate(real_index, 8, seed=9)
    data = json.loads(dump_json(qs))
    assert [d["type"] for d in data] == [q.type for q in qs]
    judge = next(d for d in data if d["type"] == "judge")
    assert isinstance(judge["answer"], bool) and judge["options"] == {}
    single = next(d for d in data if d["type"] == "single")
    assert single["answer"] in single["options"] and len(single["options"]) == 4
    for d, q in zip(data, qs, strict=True):
        back = Question.from_json(d)
        assert (back.type, back.stem, back.options, back.answer) == (q.type, q.stem, q.options, q.answer)
        assert [(c.law, c.article) for c in back.sources] == [(c.law, c.article) for c in q.sources]
