"""What the app keeps per session in ``gr.State`` (the services it calls are ``xuefa.services.Services``).

Nothing per-session lives in module globals: each browser session gets its own ``ChatSession`` through
``gr.State``, so many officers can use one server at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from chat.models import Answer, Turn
from xuefa.services import Answerer, Services

__all__ = ["MAX_EXCHANGES", "Answerer", "ChatSession", "Exchange", "Services", "Vote"]

Vote = Literal["up", "down"]

MAX_EXCHANGES = 30
"""Exchanges a session keeps (and shows); older ones drop off."""


@dataclass
class Exchange:
    """One question and its answer (``None`` while it is being worked out; ``draft`` the streamed text)."""

    id: int
    question: str
    answer: Answer | None = None
    draft: str = ""
    vote: Vote | None = None
    feedback_id: int | None = None


@dataclass
class ChatSession:
    """One officer's conversation."""

    exchanges: list[Exchange] = field(default_factory=list)
    next_id: int = 1

    def history(self) -> tuple[Turn, ...]:
        """The finished exchanges as turns for a follow-up question."""
        return tuple(Turn(e.question, e.answer) for e in self.exchanges if e.answer is not None)

    def start(self, question: str) -> Exchange:
        exchange = Exchange(self.next_id, question)
        self.next_id += 1
        self.exchanges.append(exchange)
        del self.exchanges[:-MAX_EXCHANGES]
        return exchange

    def get(self, exchange_id: int) -> Exchange | None:
        return next((e for e in self.exchanges if e.id == exchange_id), None)
