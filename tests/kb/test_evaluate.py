from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.starter import import_laws
from kb.base import KnowledgeBase
from kb.citations import law_key
from kb.evaluate import (
    Question,
    article_key,
    evaluate,
    evaluate_splits,
    load_questions,
    percentile,
)
from kb.models import DocStatus, DocumentMeta, Hit, SearchResult, StoredDocument, Unit
from kb.settings import KBSettings

QUESTIONS = [
    # rank 1
    {
        "id": "q1",
        "question": "首违不罚",
        "gold": [{"law": "《行政处罚法》", "article": "第三十三条"}],
        "split": "dev",
    },
    # two gold articles: one at rank 2, the other (之一) at rank 6
    {
        "id": "q2",
        "question": "两条",
        "gold": [
            {"law": "中华人民共和国刑法", "article": "第十条之一"},
            {"law": "公路法", "article": "第五条"},
        ],
        "split": "train",
    },
    # the also article at rank 3, the gold one at rank 7
    {
        "id": "q3",
        "question": "另一条也答",
        "gold": [{"law": "港口法", "article": "第一条"}],
        "also": [{"law": "中华人民共和国港口法", "article": "第二条"}],
        "split": "dev",
    },
    # nothing found, judged ungrounded
    {"id": "q4", "question": "找不到", "gold": [{"law": "航道法", "article": "第一条"}], "split": "dev"},
    # out of scope: one refused, one not
    {"id": "q5", "question": "婚姻登记", "gold": [], "split": "dev"},
    {"id": "q6", "question": "个税扣除", "gold": [], "split": "train"},
]


def _hit(title: str, label: str, number: int, kind: str = "article") -> Hit:
    meta = DocumentMeta(title=title)
    doc = StoredDocument(
        doc_id=title, law_key=title, meta=meta, content_hash="", status=DocStatus.ACTIVE, unit_count=1
    )
    unit = Unit(kind=kind, number=number, label=label, text=label)  # type: ignore[arg-type]
    return Hit(unit_id=f"{title}{label}", unit=unit, document=doc, score=1.0)


def _filler(n: int) -> list[Hit]:
    return [_hit("中华人民共和国民法典", f"第{i}条", 900 + i) for i in range(n)]


RANKINGS: dict[str, tuple[list[Hit], bool]] = {
    "首违不罚": ([_hit("中华人民共和国行政处罚法", "第三十三条", 33), *_filler(9)], True),
    "两条": (
        [
            _hit("中华人民共和国刑法", "第十条", 10),  # not 第十条之一
            _hit("中华人民共和国公路法", "第五条", 5),
            *_filler(3),
            _hit("中华人民共和国刑法", "第十条之一", 10),
            *_filler(4),
        ],
        True,
    ),
    "另一条也答": (
        [
            *_filler(2),
            _hit("中华人民共和国港口法", "第二条", 2),
            *_filler(3),
            _hit("港口法", "第一条", 1),
            *_filler(3),
        ],
        True,
    ),
    "找不到": ([_hit("中华人民共和国航道法", "一、", 1, kind="section"), *_filler(9)], False),
    "婚姻登记": (_filler(10), False),
    "个税扣除": (_filler(10), True),
}


class FakeSearcher:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def search(self, query: str, k: int = 10) -> SearchResult:
        self.calls.append((query, k))
        hits, grounded = RANKINGS[query]
        return SearchResult(query=query, hits=tuple(hits[:k]), grounded=grounded)


@pytest.fixture
def questions(tmp_path: Path) -> list[Question]:
    path = tmp_path / "q.jsonl"
    path.write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "\n\n", encoding="utf-8"
    )
    return load_questions(path)


def test_metric_arithmetic(questions: list[Question]) -> None:
    m = evaluate(FakeSearcher(), questions)
    assert m["queries"] == 4
    assert m["hit@1"] == pytest.approx(1 / 4)
    assert m["hit@5"] == pytest.approx(3 / 4)  # q3 through its also article
    assert m["hit@10"] == pytest.approx(3 / 4)
    assert m["recall@1"] == pytest.approx(1 / 4)
    assert m["recall@5"] == pytest.approx((1 + 0.5 + 0 + 0) / 4)
    assert m["recall@10"] == pytest.approx((1 + 1 + 1 + 0) / 4)
    assert m["mrr@10"] == pytest.approx((1 + 1 / 2 + 1 / 3 + 0) / 4)
    assert m["out_of_scope"] == 2
    assert m["refusal_rate"] == pytest.approx(0.5)
    assert m["in_scope_refused"] == 1
    assert m["p50_ms"] >= 0 and m["p95_ms"] >= m["p50_ms"]
    assert "details" not in m


def test_keys_are_the_contract(questions: list[Question]) -> None:
    m = evaluate(FakeSearcher(), questions)
    assert list(m) == [
        "queries", "hit@1", "hit@5", "hit@10", "recall@1", "recall@5", "recall@10", "mrr@10",
        "p50_ms", "p95_ms", "out_of_scope", "refusal_rate", "in_scope_refused",
    ]  # fmt: skip


def test_details(questions: list[Question]) -> None:
    details = {d["id"]: d for d in evaluate(FakeSearcher(), questions, details=True)["details"]}
    assert [d["rank"] for d in details.values()] == [1, 2, 3, None, None, None]
    assert details["q1"]["top5"][0] == ("中华人民共和国行政处罚法", "第三十三条")
    assert len(details["q1"]["top5"]) == 5
    assert details["q2"]["gold"] == [("中华人民共和国刑法", "第十条之一"), ("公路法", "第五条")]
    assert details["q4"]["grounded"] is False


def test_warmup_search_is_not_counted(questions: list[Question]) -> None:
    searcher = FakeSearcher()
    m = evaluate(searcher, questions)
    assert len(searcher.calls) == len(questions) + 1
    assert searcher.calls[0] == searcher.calls[1]
    assert m["queries"] + m["out_of_scope"] == len(questions)


def test_split_filter(questions: list[Question]) -> None:
    searcher = FakeSearcher()
    dev = evaluate(searcher, questions, split="dev")
    assert dev["queries"] == 3 and dev["out_of_scope"] == 1 and dev["refusal_rate"] == 1.0
    assert dev["mrr@10"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    train = evaluate(searcher, questions, split="train")
    assert train["queries"] == 1 and train["refusal_rate"] == 0.0
    assert evaluate(searcher, questions, split="all")["queries"] == 4


def test_k_max_cuts_the_ranking(questions: list[Question]) -> None:
    searcher = FakeSearcher()
    m = evaluate(searcher, questions, k_max=5)
    assert {k for _, k in searcher.calls} == {5}
    assert m["recall@10"] == m["recall@5"]
    assert m["mrr@10"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 4)


def test_no_out_of_scope_questions(questions: list[Question]) -> None:
    m = evaluate(FakeSearcher(), [q for q in questions if q.in_scope])
    assert m["out_of_scope"] == 0 and m["refusal_rate"] is None


def test_law_and_article_forms() -> None:
    assert law_key("《中华人民共和国行政处罚法》") == law_key("行政处罚法") == "行政处罚法"
    assert law_key("中华人民共和国宪法") == "宪法"
    assert article_key("刑法", "第一百二十条之六") == ("刑法", 120, "之六")
    assert article_key("刑法", "第120条") == ("刑法", 120, "")
    with pytest.raises(ValueError):
        article_key("刑法", "第三款")


def test_load_questions_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"id": "x", "question": "?", "gold": [{"law": "公路法", "article": "附则"}]}\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"bad.jsonl:1"):
        load_questions(path)


def test_percentile() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)


def test_evaluate_splits_searches_once(questions: list[Question]) -> None:
    searcher = FakeSearcher()
    by_split = evaluate_splits(searcher, questions, warmup=False)
    assert len(searcher.calls) == len(questions)
    for split in ("all", "train", "dev"):
        alone = evaluate(FakeSearcher(), questions, split=split)
        for key in (
            "queries",
            "hit@5",
            "recall@5",
            "mrr@10",
            "out_of_scope",
            "refusal_rate",
            "in_scope_refused",
        ):
            assert by_split[split][key] == alone[key]


REAL_QUESTIONS = [
    {
        "id": "r1",
        "question": "从事港口经营要向哪个部门申请许可？",
        "gold": [{"law": "港口法", "article": "第二十二条"}],
    },
    {
        "id": "r2",
        "question": "未取得港口经营许可证从事港口经营怎么处罚？",
        "gold": [{"law": "中华人民共和国港口法", "article": "第四十九条"}],
    },
    {
        "id": "r3",
        "question": "在航道内设置渔具的处罚",
        "gold": [{"law": "《航道法》", "article": "第四十二条"}],
    },
    {"id": "r4", "question": "航道法第二条", "gold": [{"law": "中华人民共和国航道法", "article": "第二条"}]},
    {"id": "r5", "question": "婚姻登记需要带哪些材料？", "gold": []},
]


@pytest.fixture(scope="module")
def real_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("eval-kb"), KBSettings())
    outcomes = import_laws(kb, ["港口法", "航道法"])
    assert [o.action for o in outcomes] == ["added", "added"]
    yield kb
    kb.close()


@pytest.mark.xdist_group("kb")
def test_on_a_real_knowledge_base(real_kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "real.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in REAL_QUESTIONS), encoding="utf-8")
    m = evaluate(real_kb, load_questions(path), details=True)
    assert m["queries"] == 4 and m["out_of_scope"] == 1
    assert m["hit@10"] >= 0.75
    assert 0 < m["mrr@10"] <= m["hit@10"]
    assert m["p50_ms"] > 0 and m["p95_ms"] >= m["p50_ms"]
    assert m["refusal_rate"] in (0.0, 1.0)
    details = {d["id"]: d for d in m["details"]}
    assert details["r4"]["rank"] == 1  # a direct citation comes first
    assert details["r4"]["top5"][0] == ("中华人民共和国航道法", "第二条")
