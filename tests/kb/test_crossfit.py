"""Cross-fitting on a real knowledge base (three laws, the bundled model, Chroma on disk): no question is ever
scored by a model fitted on it, and the models fitted on all of them are what the knowledge base then uses."""

from __future__ import annotations

from pathlib import Path

import pytest

import kb.crossfit as crossfit
from ingest.china_law import iter_documents
from kb.adapter import AdapterFit
from kb.base import KnowledgeBase, load_adapter, load_judge, load_ranker
from kb.evaluate import GoldArticle, Question
from kb.judge import JudgeFit
from kb.ranker import RankerFit
from kb.settings import KBSettings
from kb.training import fold_of

pytestmark = pytest.mark.xdist_group("kb")

FOLDS = 3
OFF_TOPIC = ("明天会下雨吗？", "红烧肉怎么做好吃？", "考研英语怎么复习？", "世界杯哪个队夺冠了？", "猫咪不吃饭怎么办？",
             "股票账户怎么开通？")


@pytest.fixture(scope="module")
def knowledge_base(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    settings = KBSettings.model_validate({"retrieval": {"query_adapter": "", "ranker": "", "basis_judge": ""}})
    base = KnowledgeBase.open(tmp_path_factory.mktemp("kb"), settings)
    for doc in iter_documents(["行政处罚法", "行政强制法"]):
        base.add(doc, f"test:{doc.meta.title}")
    return base


def questions_of(kb: KnowledgeBase) -> list[Question]:
    """A phrase from the middle of every third article, asked of its article; and off-topic questions."""
    asked = []
    for doc in kb.documents():
        for stored in kb.units(doc.doc_id)[::3]:
            unit = stored.unit
            body = unit.text.split(" ", 1)[-1]
            if unit.kind == "article" and len(body) >= 30:
                phrase = body[len(body) // 3 : len(body) // 3 + 18]
                asked.append(Question(f"{doc.doc_id}-{unit.label}", f"{phrase}是怎么规定的？",
                                      (GoldArticle(doc.meta.title, unit.label),), type="lookup"))
    asked += [Question(f"off-{i}", q, (), type="out_of_scope") for i, q in enumerate(OFF_TOPIC)]
    return asked


def test_every_question_is_scored_by_models_that_did_not_see_it(knowledge_base: KnowledgeBase,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    questions = questions_of(knowledge_base)
    seen_by_adapters: list[set[str]] = []
    seen_by_rankers: list[set[str]] = []
    fit_adapter, fit_ranker = crossfit.fit_adapter, crossfit.fit_ranker

    def recording_adapter(training, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen_by_adapters.append({t.question_id for t in training})
        return fit_adapter(training, *args, **kwargs)

    def recording_ranker(groups, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen_by_rankers.append({g.question_id for g in groups})
        return fit_ranker(groups, *args, **kwargs)

    monkeypatch.setattr(crossfit, "fit_adapter", recording_adapter)
    monkeypatch.setattr(crossfit, "fit_ranker", recording_ranker)
    source = crossfit.Source("laws", knowledge_base, questions)
    result = crossfit.cross_fit([source], FOLDS, AdapterFit(epochs=5), RankerFit(epochs=60), JudgeFit(), log=lambda _: None,
                                memory=True)

    in_scope = [q for q in questions if q.gold]
    for k in range(FOLDS):
        in_fold = {q.id for q in in_scope if fold_of(q.id, FOLDS) == k}
        assert in_fold and not in_fold & seen_by_adapters[k] and not in_fold & seen_by_rankers[k]
    assert seen_by_adapters[-1] == {q.id for q in in_scope}  # the shipped map: fitted on every question
    held = result.held_out["laws"]
    assert held["queries"] == len(in_scope) and held["out_of_scope"] == len(OFF_TOPIC)
    assert {d["id"] for d in held["details"]} == {q.id for q in questions}
    assert held["hit@5"] >= 0.8 and set(held["by_type"]) == {"lookup", "out_of_scope"}
    assert result.held_out["laws+memory"]["queries"] == len(in_scope)
    assert knowledge_base.ranker() is result.ranker and knowledge_base.query_adapter() is result.adapter


def test_the_learned_models_written_and_read_back_search_alike(knowledge_base: KnowledgeBase,
                                                               tmp_path: Path) -> None:
    questions = questions_of(knowledge_base)
    result = crossfit.cross_fit([crossfit.Source("laws", knowledge_base, questions)], 2, AdapterFit(epochs=3),
                                RankerFit(epochs=40), JudgeFit(), log=lambda _: None)
    assert result.adapter is not None and result.judge is not None
    result.adapter.save(tmp_path / "query_adapter.npz")
    result.ranker.save(tmp_path / "ranker.json")
    result.judge.save(tmp_path / "basis.json")
    question = questions[0].question
    before = [h.unit_id for h in knowledge_base.search(question, k=5).hits]
    knowledge_base.use_learned(load_adapter(str(tmp_path / "query_adapter.npz"), knowledge_base.embedder.name),
                               load_ranker(str(tmp_path / "ranker.json")), load_judge(str(tmp_path / "basis.json")))
    assert [h.unit_id for h in knowledge_base.search(question, k=5).hits] == before
    assert not knowledge_base.search(OFF_TOPIC[0]).grounded


def test_the_fold_models_reproduce_the_held_out_figures(knowledge_base: KnowledgeBase) -> None:
    """Each question searched again with ``held_out_models`` (the models of the fold it was not in) ranks and
    judges exactly as cross-fitting scored it: these are the models that never saw it."""
    questions = questions_of(knowledge_base)
    result = crossfit.cross_fit([crossfit.Source("laws", knowledge_base, questions)], FOLDS, AdapterFit(epochs=3),
                                RankerFit(epochs=40), JudgeFit(), log=lambda _: None)
    assert len(result.fold_models) == FOLDS
    assert all(result.fold(q.id) == fold_of(q.id, FOLDS) for q in questions)
    assert all(m.ranker is not result.ranker and m.adapter is not result.adapter for m in result.fold_models)
    held = {d["id"]: d for d in result.held_out["laws"]["details"]}
    knowledge_base.use_memory(knowledge_base.build_memory([]))
    for q in questions:
        models = result.held_out_models(q.id)
        knowledge_base.use_learned(models.adapter, models.ranker, models.judge)
        found = knowledge_base.search(q.question, k=10)
        assert [(h.document.meta.title, h.unit.label) for h in found.hits[:5]] == held[q.id]["top5"]
        assert found.grounded == held[q.id]["grounded"]
    knowledge_base.use_learned(result.adapter, result.ranker, result.judge)
    knowledge_base.forget_memory_override()


def test_the_judge_learns_every_sources_in_scope_questions_unless_told_otherwise(knowledge_base: KnowledgeBase) -> None:
    asked = questions_of(knowledge_base)
    with_negatives = crossfit.Source("officer", knowledge_base, asked)
    in_scope_only = crossfit.Source("stard", knowledge_base, [q for q in asked if q.in_scope])

    assert crossfit.judged_sources([with_negatives, in_scope_only], JudgeFit()) == [with_negatives, in_scope_only]
    assert crossfit.judged_sources([with_negatives, in_scope_only], JudgeFit(every_source=False)) == [with_negatives]
    assert crossfit.judged_sources([in_scope_only], JudgeFit()) == []
    assert crossfit.judged_sources([with_negatives], None) == [with_negatives]
