"""Follow-up questions: "那罚款多少？" after a question about 超限 is searched with that topic in front."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from chat.models import Answer, Turn
from chat.question import ARTICLE_REF, content_tokens, names_a_law

_CONNECTIVE = re.compile(
    r"^(?:那|那么|这|这个|这种|那个|那种|还有|另外|此外|如果|要是|假如|若|那如果|然后|再问|再就是|同样|还)"
)
_ANAPHORA = re.compile(
    r"这个|那个|这种|那种|这样|上述|该行为|此类|这类|这条|那条|这项|它|其|前面|上面|刚才|以上"
)
_INTERROGATIVE_TAIL = re.compile(
    r"(?:[，,]?\s*(?:该|应该|应当|可以|能|能不能|要不要|需不需要|有没有|会不会|是否)?\s*"
    r"(?:怎么处理|如何处理|怎样处理|怎么办|怎么罚|怎么处罚|如何处罚|罚多少|按哪条处罚|依据哪些条款处理|是哪一条|哪一条|第几条)?"
    r"\s*[吗呢吧啊么]?\s*[？?！!。]*\s*)$"
)
SHORT_QUESTION_CHARS = 8


@dataclass(frozen=True)
class Rewritten:
    """The text to search with; ``topic`` is what was put in front ('' when the question stands alone)."""

    query: str
    topic: str = ""

    @property
    def rewritten(self) -> bool:
        return bool(self.topic)


def is_followup(question: str, known_laws: Sequence[str] = ()) -> bool:
    """Heuristic: short, anaphoric (那/这/这个/其…) or nearly content-free, and not self-contained."""
    if ARTICLE_REF.search(question):
        return False
    tokens = content_tokens(question, known_laws)
    names_law = names_a_law(question, known_laws)
    if names_law and len(tokens) >= 2:
        return False
    bare = re.sub(r"[\s\W_]+", "", question)
    return (
        len(bare) <= SHORT_QUESTION_CHARS
        or bool(_CONNECTIVE.match(bare))
        or bool(_ANAPHORA.search(bare))
        or len(tokens) <= 1
    )


def topic_of(question: str) -> str:
    """A question without its interrogative ending: 货车超限了，能扣车吗？ → 货车超限了，能扣车."""
    text = question.strip()
    for _ in range(3):
        cut = _INTERROGATIVE_TAIL.sub("", text).strip("，,。 ")
        if cut == text or not cut:
            break
        text = cut
    return text or question.strip()


def _topic_of_turn(turn: Turn, known_laws: Sequence[str]) -> str:
    answer = turn.answer
    if isinstance(answer, Answer) and answer.topic:
        return answer.topic
    if not is_followup(turn.question, known_laws) and content_tokens(turn.question, known_laws):
        return topic_of(turn.question)
    return ""


def rewrite(question: str, history: Sequence[Turn], turns: int, known_laws: Sequence[str] = ()) -> Rewritten:
    """The search text for ``question`` given the last ``turns`` turns of ``history``.

    A follow-up gets the topic of the nearest earlier turn that has one: an answer remembers the topic it
    was searched with, so a chain of follow-ups keeps the first question's topic.
    """
    recent = list(history)[-turns:] if turns > 0 else []
    if not recent or not is_followup(question, known_laws):
        return Rewritten(question)
    for turn in reversed(recent):
        topic = _topic_of_turn(turn, known_laws)
        if topic:
            return Rewritten(f"{topic}。{question}", topic)
    return Rewritten(question)
