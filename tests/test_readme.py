"""The README stays true: every `xuefa …` line its code blocks show parses as that command (the command and
its subcommand exist, its options are known, its arguments are all there and no more), and its Layout block
names the real folders (and every package and room of the project)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from xuefa.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def code_blocks(text: str) -> list[str]:
    return FENCE.findall(text)


def command_lines() -> list[str]:
    return [line.strip() for block in code_blocks(README) for line in block.splitlines()
            if line.strip().startswith("xuefa ")]


def argv(line: str) -> list[str]:
    """The words of a shown command line: its comment dropped, ``[--opt value]`` as if given, and the
    alternatives of ``[--a|--b]`` all given."""
    words = shlex.split(line.split("  #")[0])[1:]
    out: list[str] = []
    for word in words:
        word = word.strip("[]")
        out.extend(word.split("|") if word.startswith("-") else [word])
    return [w for w in out if w]


def placeholder(value: object) -> bool:
    """A value the README leaves to the reader, such as ``ID``."""
    values = value if isinstance(value, (tuple, list)) else (value,)
    return all(isinstance(v, str) and re.fullmatch(r"[A-Z]+", v) for v in values)


def parse(args: list[str]) -> str:
    """Parse ``xuefa ARGS`` as click would, without running anything and without looking at files (a shown
    file need not exist here): unknown commands and options, missing or surplus arguments and values click's
    types refuse all fail. Returns the command path."""
    command: click.Command = cli
    ctx = click.Context(cli, info_name="xuefa")
    while True:
        opts, rest, _ = command.make_parser(ctx).parse_args(list(args))
        for param in command.get_params(ctx):
            value = opts.get(param.name)
            if value is None or param.value_is_missing(value):
                assert not param.required, f"{ctx.command_path}: {param.name} missing"
                continue
            if not isinstance(param.type, click.Path) and not placeholder(value):
                param.type_cast_value(ctx, value)
        if not isinstance(command, click.Group):
            assert not rest, f"{ctx.command_path}: surplus arguments {rest}"
            return ctx.command_path
        assert rest, f"{ctx.command_path}: no subcommand"
        name, *args = rest
        sub = command.get_command(ctx, name)
        assert sub is not None, f"{ctx.command_path} has no command {name!r}"
        command, ctx = sub, click.Context(sub, info_name=name, parent=ctx)


def test_the_readme_shows_commands() -> None:
    lines = command_lines()
    assert len(lines) > 30
    shown = {parse(argv(line)) for line in lines}
    for group in ("bank", "practice", "exam", "contest"):
        assert any(path.startswith(f"xuefa {group} ") for path in shown), f"the README shows no `xuefa {group}`"


@pytest.mark.parametrize("line", command_lines())
def test_every_command_line_the_readme_shows_parses(line: str) -> None:
    parse(argv(line))


@pytest.mark.parametrize("line", ["xuefa bank lst", "xuefa exam open", "xuefa bank list --color",
                                  "xuefa exam open 1 2", "xuefa bank list --type essay", "xuefa contest"])
def test_the_check_refuses_what_click_refuses(line: str) -> None:
    with pytest.raises((AssertionError, click.UsageError, click.BadParameter)):
        parse(argv(line))


def layout_folders() -> list[str]:
    layout = README.split("## Layout", 1)[1]
    block = code_blocks(layout)[0]
    return [line.split()[0] for line in block.splitlines() if line.strip() and line.split()[0].endswith("/")]


def test_the_layout_names_real_folders() -> None:
    named = layout_folders()
    missing = [folder for folder in named if not (ROOT / folder).is_dir()]
    assert missing == []
    packages = {f"{p.parent.relative_to(ROOT).as_posix()}/" for p in ROOT.glob("*/__init__.py")}
    packages |= {f"{p.parent.relative_to(ROOT).as_posix()}/" for name in ("quiz", "xuefa")
                 for p in (ROOT / name).glob("*/__init__.py")}
    packages -= {"tests/"} | {f"{p.parent.relative_to(ROOT).as_posix()}/" for p in ROOT.glob("*/*/__init__.py")
                              if p.parts[-3] not in ("quiz", "xuefa")}
    assert sorted(packages - set(named)) == [], "a package the layout does not name"
    for folder in ("scripts/", "docs/", "tests/", "kb/trained/"):
        assert folder in named


def test_the_documents_the_readme_links_exist() -> None:
    links = re.findall(r"\]\(((?!https?:)[^)#]+)\)", README)
    assert "docs/architecture.md" in links
    assert [link for link in links if not (ROOT / link).exists()] == []
