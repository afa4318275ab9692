"""``xuefa users``: units, accounts and roles, the roster import, the admins' audit.

A command on the server is trusted as the city administrator; its actions are audited as the account ``cli``,
from ``cli <user>@<host>``.
"""

from __future__ import annotations

import getpass
import json
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from quiz.people.accounts import Accounts
from quiz.people.models import AccessDenied, AccountError, AccountInfo, AuditEntry, Role, UnitInfo
from xuefa.cli.common import failed, settings_of
from xuefa.services import accounts_service, question_bank

ROLES = {role.value: role for role in Role}


@contextmanager
def account_actions(ctx: click.Context, path: Path | None = None) -> Iterator[Accounts]:
    """The accounts service over the question bank's database; its refusals become command errors."""
    settings = settings_of(ctx)
    with question_bank(settings) as bank:
        try:
            yield accounts_service(settings, bank)
        except (AccountError, AccessDenied) as exc:
            raise failed(exc, path) from exc


def command_client() -> str:
    """Where a command comes from, for the audit."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "?"
    return f"cli {user}@{socket.gethostname()}"


def read_password(from_stdin: bool, prompt: bool) -> str:
    """A password: the first line of standard input, a hidden prompt typed twice, or none."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("standard input held no password")
        return password
    if prompt:
        return str(click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次"))
    return ""


def unit_json(unit: UnitInfo) -> dict[str, Any]:
    return {"name": unit.name, "parent": unit.parent, "officers": unit.officers}


def account_json(info: AccountInfo) -> dict[str, Any]:
    return {"login": info.login, "name": info.name, "role": info.role.value, "unit": info.unit,
            "title": info.title, "leader": info.leader, "active": info.active, "has_password": info.has_password,
            "must_change_password": info.must_change_password,
            "locked_until": info.locked_until.isoformat() if info.locked_until else None}


def account_line(info: AccountInfo) -> str:
    state = "已停用" if not info.active else ("未设密码" if not info.has_password else
                                            "待改密码" if info.must_change_password else "正常")
    extra = "  ".join(x for x in (info.title, "领导班子成员" if info.leader else "") if x)
    return f"{info.login:<16} {info.name}  {info.role.label}  {info.unit or '（市级）'}  {state}  {extra}".rstrip()


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {"at": entry.at.isoformat(), "login": entry.login, "role": entry.role.value if entry.role else None,
            "unit": entry.unit, "action": entry.action, "target": entry.target, "detail": entry.detail,
            "client": entry.client}


def dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


@click.group()
def users() -> None:
    """Accounts of officers and administrators, by unit."""


@users.command("add-unit")
@click.argument("name")
@click.option("--parent", default="", help="The unit above (it must exist); none: a top unit.")
@click.pass_context
def add_unit(ctx: click.Context, name: str, parent: str) -> None:
    """Add a unit (nothing happens if it exists below the same parent)."""
    with account_actions(ctx) as accounts:
        accounts.add_unit(name, parent, actor=accounts.system_actor(), client=command_client())
    click.echo(f"单位 {name.strip()}" + (f"（上级：{parent.strip()}）" if parent.strip() else ""))


@users.command("units")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_units(ctx: click.Context, as_json: bool) -> None:
    """The units, each after the unit above it, with their officers."""
    with account_actions(ctx) as accounts:
        found = accounts.units()
    if as_json:
        click.echo(dump([unit_json(u) for u in found]))
        return
    depth: dict[str, int] = {}
    for unit in found:
        depth[unit.name] = depth.get(unit.parent, -1) + 1
        click.echo(f"{'  ' * depth[unit.name]}{unit.name}  {unit.officers} 人")


@users.command("add")
@click.argument("login")
@click.option("--name", required=True, help="姓名.")
@click.option("--role", "role_name", required=True, type=click.Choice(list(ROLES)))
@click.option("--unit", default="", help="The account's unit (not for city_admin).")
@click.option("--title", default="", help="职务.")
@click.option("--leader", is_flag=True, help="领导班子成员 (their quarterly study is tracked).")
@click.option("--password-stdin", is_flag=True,
              help="Read an initial password from standard input (changed at the first sign-in); without it "
                   "the account cannot sign in until `xuefa users passwd`.")
@click.pass_context
def add(ctx: click.Context, login: str, name: str, role_name: str, unit: str, title: str, leader: bool,
        password_stdin: bool) -> None:
    """Add an account: an officer (LOGIN: the 警号), a unit administrator or a city administrator."""
    password = read_password(password_stdin, prompt=False)
    with account_actions(ctx) as accounts:
        info = accounts.add_account(accounts.system_actor(), login, name, ROLES[role_name], unit=unit,
                                    title=title, leader=leader, password=password, client=command_client())
    click.echo(account_line(info))


@users.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--create-units", is_flag=True, help="Make the units the file names that do not exist yet.")
@click.pass_context
def import_roster(ctx: click.Context, file: Path, create_units: bool) -> None:
    """Import officers from a roster (XLSX or CSV: 警号, 姓名, 单位, optional 职务, 领导班子成员); a file with any
    bad row is refused whole, naming each row."""
    settings = settings_of(ctx)
    with account_actions(ctx, file) as accounts:
        result = accounts.import_roster(accounts.system_actor(), file, limits=settings.ingest.limits,
                                        create_units=create_units, client=command_client())
    click.echo(f"{file.name}：新增 {result.added} 人，更新 {result.updated} 人，未变 {result.unchanged} 人")


@users.command("list")
@click.option("--unit", default=None, help="This unit and the units below it.")
@click.option("--role", "role_name", default=None, type=click.Choice(list(ROLES)))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_accounts(ctx: click.Context, unit: str | None, role_name: str | None, as_json: bool) -> None:
    """The accounts, by unit."""
    with account_actions(ctx) as accounts:
        found = accounts.accounts(accounts.system_actor(), unit=unit,
                                  role=ROLES[role_name] if role_name else None)
    if as_json:
        click.echo(dump([account_json(a) for a in found]))
        return
    for info in found:
        click.echo(account_line(info))


@users.command("passwd")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input, not a prompt.")
@click.pass_context
def passwd(ctx: click.Context, login: str, password_stdin: bool) -> None:
    """Set an account's password (changed at its next sign-in); its sessions end and a lock is lifted."""
    password = read_password(password_stdin, prompt=True)
    with account_actions(ctx) as accounts:
        accounts.set_password(accounts.system_actor(), login, password, client=command_client())
    click.echo(f"已设置 {login.strip()} 的密码，下次登录时须修改。")


@users.command("deactivate")
@click.argument("login")
@click.pass_context
def deactivate(ctx: click.Context, login: str) -> None:
    """Stop an account from signing in (its records stay)."""
    with account_actions(ctx) as accounts:
        accounts.deactivate(accounts.system_actor(), login, client=command_client())
    click.echo(f"已停用 {login.strip()}。")


@users.command("audit")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 100000))
@click.option("--action", default=None, help="Only this action (sign_in_failed, locked, account_added …).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def audit(ctx: click.Context, limit: int, action: str | None, as_json: bool) -> None:
    """The administrators' actions, newest first: who, what, on what, when, from where."""
    with account_actions(ctx) as accounts:
        entries = accounts.audit(accounts.system_actor(), limit=limit, action=action)
    if as_json:
        click.echo(dump([entry_json(e) for e in entries]))
        return
    for e in entries:
        click.echo(f"{e.at:%Y-%m-%d %H:%M:%S} UTC  {e.login}  {e.action}  {e.target}  {e.unit or '（市级）'}  "
                   f"{e.client}  {e.detail}".rstrip())
