"""The question types: one generator per type, in a registry that refuses unknown types.

``QUESTION_TYPES`` holds the types made from the structure of the law (single, multi, judge, blank).
``QUESTION_TYPES.with_llm(complete)`` adds ``short`` and ``case``, which need a language model, and has the
model write 单选/多选 situation items beside the rule-made ones (kept only where the key checks prove them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from quiz.generation.generators.base import Context, Generator
from quiz.generation.generators.blank import FillBlank
from quiz.generation.generators.judge import TrueFalse
from quiz.generation.generators.llm import (
    MAX_CALLS,
    Complete,
    CompletionError,
    LLMQuestion,
    llm_question_types,
)
from quiz.generation.generators.llm_situation import LLMSituation, WithLLMSituations
from quiz.generation.generators.multi import MultipleChoice
from quiz.generation.generators.single import SingleChoice
from quiz.models import QuestionType, is_question_type


class UnknownQuestionType(KeyError):
    def __init__(self, key: str, known: list[str]) -> None:
        super().__init__(key)
        self.key = key
        self.known = known

    def __str__(self) -> str:
        hint = " (short and case need an LLM)" if self.key in ("short", "case") else ""
        return f"unknown question type {self.key!r}{hint}; available: {', '.join(self.known)}"


class QuestionTypes(Mapping[str, Generator]):
    """A read-only registry ``type → generator``; looking up a type it lacks raises UnknownQuestionType."""

    def __init__(self, generators: Mapping[QuestionType, Generator]) -> None:
        self._generators: dict[QuestionType, Generator] = dict(generators)

    def __getitem__(self, key: str) -> Generator:
        if is_question_type(key) and key in self._generators:
            return self._generators[key]
        raise UnknownQuestionType(key, list(self._generators))

    def __iter__(self) -> Iterator[str]:
        return iter(self._generators)

    def __len__(self) -> int:
        return len(self._generators)

    def with_llm(self, complete: Complete, max_calls: int = MAX_CALLS, situations: bool = True) -> QuestionTypes:
        """This registry plus ``short`` and ``case`` through ``complete``; with ``situations``, 单选/多选 also
        get the model's situation items (``WithLLMSituations``). At most ``max_calls`` calls per run, all
        together."""
        generators: dict[QuestionType, Generator] = dict(self._generators)
        if situations:
            for qtype in ("single", "multi"):
                if qtype in generators and not isinstance(generators[qtype], WithLLMSituations):
                    generators[qtype] = WithLLMSituations(generators[qtype],
                                                          LLMSituation(qtype, complete, max_calls))
        return QuestionTypes({**generators, **llm_question_types(complete, max_calls)})


QUESTION_TYPES = QuestionTypes(
    {"single": SingleChoice(), "multi": MultipleChoice(), "judge": TrueFalse(), "blank": FillBlank()}
)

__all__ = [
    "QUESTION_TYPES", "Complete", "CompletionError", "Context", "Generator", "LLMQuestion", "LLMSituation",
    "QuestionTypes", "UnknownQuestionType", "WithLLMSituations",
]
