"""The guard every admin action on one exam, contest or unit's data goes through: the account's role, then
whether its scope covers the unit that owns the thing. The refusal names nothing of the other unit."""

from __future__ import annotations

from quiz.people.models import AccessDenied, Actor

NOT_SIGNED_IN = "请先以管理员账号登录。"
NOT_ADMIN = "此功能仅限管理员使用，您的账号没有管理权限。"
NOT_YOURS = "无权操作：这一项不属于您管理的单位。"


def require_admin(actor: Actor | None) -> Actor:
    """The actor, if it is a signed-in administrator with a password of its own; else AccessDenied."""
    if actor is None:
        raise AccessDenied(NOT_SIGNED_IN)
    if not actor.admin:
        raise AccessDenied(NOT_ADMIN)
    if actor.must_change_password:
        raise AccessDenied("请先修改初始密码。")
    return actor


def require(actor: Actor | None, unit: str) -> Actor:
    """The actor, if it may act on what ``unit`` owns (``""``: the city's); else AccessDenied."""
    admin = require_admin(actor)
    if not admin.may(unit):
        raise AccessDenied(NOT_YOURS)
    return admin


def owner_for(actor: Actor, requested: str = "") -> str:
    """The unit a new exam or contest is owned by: the one asked for if the actor covers it; nothing asked, the
    actor's own unit (the city administrator's is ``""``: the city). AccessDenied for a unit not covered."""
    wanted = requested.strip() or actor.unit
    require(actor, wanted)
    return wanted
