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

_TRIGGER = r"(?:(?P<trigger>[^，；：]{4,30}?)的，)?"
_SHAPES = (
    # 申请人应当自收到补正通知之日起十日内提交补正材料; 赔偿请求人不服复议决定的，可以在收到复议决定之日起三十日内…
    re.compile(
        rf"^{_TRIGGER}(?P<actor>[^，；、：]{{2,16}}?)?(?:应当|必须|可以)(?:自|在)(?P<event>[^，；：]{{2,30}}?)"
        r"(?P<link>之日起|后|起)(?P<limit>[^，；内]{1,8}?)内(?:，)?(?P<action>[^，；。]{2,25})(?:[，；。]|$)"
    ),
    # 行政复议机关收到行政复议申请后，应当在五日内进行审查
    re.compile(
        rf"^{_TRIGGER}(?P<actor>[^，；、：]{{2,16}}?)(?:在|自)?(?P<event>(?:收到|受理|作出|接到|发现|立案)[^，；：]{{0,24}}?)"
        r"(?P<link>后|之日起)，(?:应当|必须|可以)(?:在|于|自)?(?P<limit>[^，；内]{1,8}?)内(?:，)?(?P<action>[^，；。]{2,25})"
        r"(?:[，；。]|$)"
    ),
)
_VAGUE = re.compile(r"前款|本条|上述|该|其|有关|相应|规定的")
MIN_DAYS = 3
_EXTENDABLE = re.compile(r"延长|另有规定|从其规定")


@dataclass(frozen=True)
class Deadline:
    trigger: str  # 赔偿请求人不服复议决定 (…的，), or ""
    actor: str  # 申请人 ("" when the trigger names who acts)
    event: str  # 收到补正通知
    link: str  # 之日起
    limit: Quantity  # 十日
    action: str  # 提交补正材料
    text: str  # the article's segment it was read from


def deadlines(body: str) -> list[Deadline]:
    out: list[Deadline] = []
    for segment in re.split(r"[。；\n]", body):
        m = next((m for shape in _SHAPES if (m := shape.match(segment.strip()))), None)
        if m is None:
            continue
        trigger, actor = m.group("trigger") or "", m.group("actor") or ""
        if trigger and trigger.startswith(actor):
            actor = ""  # 赔偿请求人不服复议决定的，赔偿请求人可以…: the trigger names who acts
        if not (trigger or actor) or _VAGUE.search(trigger + actor + m.group("event") + m.group("action")):
            continue
        if (trigger.startswith("对") and not actor) or "：" in m.group("action"):
            continue  # 对需要进行检验、鉴定的，…: no one acts in the case; …颁发下列证件：: the act is a list
        found = find_quantities(m.group("limit"))
        if len(found) != 1 or found[0].family not in ("日", "工作日") or found[0].value < MIN_DAYS:
            continue
        if found[0].text != m.group("limit"):
            continue
        out.append(Deadline(trigger, actor, m.group("event"), m.group("link"), found[0], m.group("action"),
                            m.group(0).rstrip("，；。")))
    return out


def extendable(body: str) -> bool:
    """Whether the article lets the limit be extended or other rules prevail (经批准可以延长…, 另有规定的): a
    day past the limit is then not provably late."""
    return bool(_EXTENDABLE.search(body))


def told(d: Deadline) -> str:
    """Who acts, as a case states it before 于…: 赔偿请求人不服复议决定，赔偿请求人 / 申请人."""
    return "，".join(p for p in (d.trigger, d.actor) if p)


def find(body: str, case: str, event: str, action: str) -> Deadline | None:
    """The article's deadline that a case states (its trigger and actor before 于<event>, then ``action``);
    None if it has none or several."""
    found = [d for d in deadlines(body)
             if (normalize(d.event + d.link), normalize(d.action)) == (normalize(event), normalize(action))
             and normalize(case).endswith(normalize(told(d)))]
    return found[0] if len(found) == 1 else None
