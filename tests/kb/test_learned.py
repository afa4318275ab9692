"""The learned parts of the search on data whose answer is known: the query map, the ranker, the judge."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from kb.adapter import AdapterError, AdapterFit, QueryAdapter, TrainingQuestion, fit_adapter, normalise
from kb.base import load_adapter, load_judge, load_ranker, plain_fusion
from kb.judge import SIGNALS, JudgeFit, fit_judge
from kb.ranker import FEATURES, RankerError, RankerFit, RankingGroup, fit_ranker, group_weights
from kb.training import fold_of


def _rotated_problem(seed: int, n_passages: int = 60, dim: int = 16, n_questions: int = 200):
    """Questions whose model vectors are a fixed distortion of their passage's vector: a map can undo it."""
    rng = np.random.default_rng(seed)
    passages = normalise(rng.normal(size=(n_passages, dim)))
    distortion = np.eye(dim) + 2.0 * rng.normal(size=(dim, dim)) / np.sqrt(dim)
    answers = rng.integers(0, n_passages, size=n_questions)
    vectors = normalise((passages[answers] + 0.05 * rng.normal(size=(n_questions, dim))) @ distortion.T)
    questions = [TrainingQuestion(v, "c", (int(a),), f"q{i}") for i, (v, a) in enumerate(zip(vectors, answers, strict=True))]
    return passages, questions


def _hit1(passages: np.ndarray, questions: list[TrainingQuestion], adapter: QueryAdapter | None) -> float:
    vectors = np.vstack([q.vector for q in questions])
    mapped = adapter(vectors) if adapter is not None else vectors
    best = np.argmax(mapped @ passages.T, axis=1)
    return float(np.mean([b in q.positives for b, q in zip(best, questions, strict=True)]))


def test_the_query_map_learns_a_distortion_and_carries_it_to_unseen_questions() -> None:
    passages, questions = _rotated_problem(1)
    train, unseen = questions[:150], questions[150:]
    adapter = fit_adapter(train, {"c": passages}, "model-a", AdapterFit(l2=0.001, epochs=80, learning_rate=5e-3))
    assert _hit1(passages, unseen, adapter) > _hit1(passages, unseen, None) + 0.15
    assert adapter.embedder == "model-a" and adapter.info["questions"] == 150


def test_the_query_map_is_kept_and_refused_for_another_model(tmp_path: Path) -> None:
    passages, questions = _rotated_problem(2)
    adapter = fit_adapter(questions, {"c": passages}, "model-a", AdapterFit(epochs=2))
    path = tmp_path / "map.npz"
    adapter.save(path)
    loaded = load_adapter(str(path), "model-a")
    assert loaded is not None
    np.testing.assert_allclose(loaded.matrix, adapter.matrix, atol=2e-3)  # kept as float16
    assert load_adapter(str(path), "model-b") is None  # another model's vectors: not used
    assert load_adapter("", "model-a") is None
    (tmp_path / "bad.npz").write_bytes(b"not a map")
    with pytest.raises(ValueError, match=r"bad\.npz"):
        load_adapter(str(tmp_path / "bad.npz"), "model-a")
    with pytest.raises(AdapterError, match="no training questions"):
        fit_adapter([], {"c": passages}, "model-a")


def _groups(seed: int, n: int) -> list[RankingGroup]:
    """Candidate lists where the relevant one has high coverage and is a penalty article, whatever its dense
    rank: the ranker must learn to weigh those over the dense rank."""
    rng = np.random.default_rng(seed)
    column = {name: i for i, name in enumerate(FEATURES)}
    groups = []
    for g in range(n):
        matrix = rng.normal(scale=0.1, size=(20, len(FEATURES)))
        matrix[:, column["dense_rr"]] = 1.0 / (1 + np.arange(20))
        relevant = np.zeros(20, dtype=bool)
        answer = rng.integers(3, 20)
        relevant[answer] = True
        matrix[answer, column["coverage"]] += 1.0
        matrix[answer, column["penalty"]] = 1.0
        groups.append(RankingGroup(matrix, relevant, f"g{g}"))
    return groups


def test_the_ranker_learns_which_signals_find_the_answer(tmp_path: Path) -> None:
    ranker = fit_ranker(_groups(3, 60), RankerFit(epochs=150))
    unseen = _groups(4, 30)
    firsts = [int(np.argmax(ranker.score(g.matrix))) for g in unseen]
    assert np.mean([g.relevant[f] for g, f in zip(unseen, firsts, strict=True)]) > 0.9
    plain = plain_fusion()
    assert np.mean([g.relevant[int(np.argmax(plain.score(g.matrix)))] for g in unseen]) < 0.2

    path = tmp_path / "ranker.json"
    ranker.save(path)
    again = load_ranker(str(path))
    np.testing.assert_allclose(again.score(unseen[0].matrix), ranker.score(unseen[0].matrix))
    path.write_text(path.read_text(encoding="utf-8").replace('"dense"', '"sparse"', 1), encoding="utf-8")
    with pytest.raises(ValueError, match="not this version"):
        load_ranker(str(path))
    assert load_ranker("").info == {"plain": True}


def test_balanced_sources_weigh_the_same_however_many_questions_each_has() -> None:
    """With ``balance_sources`` a source's questions share one weight: a source three times as large moves the
    ranker no more; without it, the larger source sets the weights."""
    small = [replace(g, source="officer") for g in _groups(7, 20)]
    large = [replace(g, source="stard") for g in _groups(8, 60)]
    for g in large:  # the large source finds its answers by another signal
        g.matrix[:, FEATURES.index("named_law")] = g.relevant * 1.0
    shares = group_weights([*small, *large], balance=True)
    assert shares[:20].sum() == pytest.approx(shares[20:].sum()) == pytest.approx(0.5)
    fit = RankerFit(epochs=100)
    once = fit_ranker([*small, *large], fit).weights
    thrice = fit_ranker([*small, *large, *large, *large], fit).weights
    np.testing.assert_allclose(once, thrice, rtol=1e-6, atol=1e-9)
    unbalanced = RankerFit(epochs=100, balance_sources=False)
    assert not np.allclose(fit_ranker([*small, *large], unbalanced).weights,
                           fit_ranker([*small, *large, *large, *large], unbalanced).weights, atol=1e-3)


def test_a_disabled_signal_keeps_weight_zero() -> None:
    ranker = fit_ranker(_groups(5, 30), RankerFit(epochs=50, disabled=("coverage",)))
    assert ranker.contributions()["coverage"] == 0.0
    with pytest.raises(RankerError):
        fit_ranker([RankingGroup(np.zeros((3, len(FEATURES))), np.zeros(3, dtype=bool))])


def test_the_judge_refuses_at_most_the_share_of_in_scope_questions_it_is_set_to(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    inside = rng.normal(loc=1.0, size=(400, len(SIGNALS)))
    outside = rng.normal(loc=-1.0, size=(100, len(SIGNALS)))
    judge = fit_judge(list(inside) + list(outside), [True] * 400 + [False] * 100, JudgeFit(max_refused=0.01))
    refused_inside = np.mean([not judge.grounded(x) for x in inside])
    assert refused_inside <= 0.01
    assert np.mean([not judge.grounded(x) for x in outside]) > 0.8
    path = tmp_path / "basis.json"
    judge.save(path)
    again = load_judge(str(path))
    assert again is not None and again.score(outside[0]) == pytest.approx(judge.score(outside[0]))
    assert load_judge("") is None


def test_folds_are_fixed_by_the_question_id() -> None:
    assert [fold_of(f"q{i}", 5) for i in range(50)] == [fold_of(f"q{i}", 5) for i in range(50)]
    assert set(fold_of(f"q{i}", 5) for i in range(200)) == {0, 1, 2, 3, 4}
