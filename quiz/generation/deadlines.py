"""Procedure deadlines: who must act, from which event, within how long (an article's ``<actor>应当自<event>
之日起<N>日内<action>``), read so a case can state the day the actor acted and ask whether it kept the limit.

``deadlines(body)`` reads each such segment; ``find(body, actor, event, action)`` reads it back for the key
check, given the words a case states. Only 日 and 工作日 limits of at least three days: a case's day is then
well inside or well past the limit (quiz.generation.situations.day_verdict), never at the edge where
counting conventions differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz.quantities import Quantity, find_quantities
from quiz.text import normalize

_DEADLINE = re.compile(
    r"^(?P<actor>[^，；、：]{2,16}?)(?:应当|必须)(?:自|在)(?P<event>[^，；：]{2,30}?)(?P<link>之日起|后|起)"
    r"(?P<limit>[^，；内]{1,8}?)内(?:，)?(?P<action>[^，；。]{2,25})(?:[，；。]|$)"
)
_VAGUE = re.compile(r"前款|本条|上述|该|其|有关|相应|规定的")
MIN_DAYS = 3


@dataclass(frozen=True)
class Deadline:
    actor: str  # 申请人
    event: str  # 收到补正通知
    link: str  # 之日起
    limit: Quantity  # 十日
    action: str  # 提交补正材料
    text: str  # the article's segment it was read from


def deadlines(body: str) -> list[Deadline]:
    out: list[Deadline] = []
    for segment in re.split(r"[。；\n]", body):
        m = _DEADLINE.match(segment.strip())
        if m is None or _VAGUE.search(m.group("actor") + m.group("event") + m.group("action")):
            continue
        found = find_quantities(m.group("limit"))
        if len(found) != 1 or found[0].family not in ("日", "工作日") or found[0].value < MIN_DAYS:
            continue
        if found[0].text != m.group("limit"):
            continue
        out.append(Deadline(m.group("actor"), m.group("event"), m.group("link"), found[0], m.group("action"),
                            m.group(0).rstrip("，；。")))
    return out


def find(body: str, actor: str, event: str, action: str) -> Deadline | None:
    """The article's deadline for ``actor`` acting (``action``) after ``event``; None if it has none or several."""
    found = [d for d in deadlines(body) if (normalize(d.actor), normalize(d.event + d.link), normalize(d.action))
             == (normalize(actor), normalize(event), normalize(action))]
    return found[0] if len(found) == 1 else None
