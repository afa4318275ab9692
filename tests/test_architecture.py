"""The arrows of docs/architecture.md, checked on the real import statements of every module."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "kb", "chat", "quiz", "corpus", "xuefa")
ALLOWED = {
    "kb": set(),
    "ingest": {"kb"},
    "chat": {"kb"},
    "quiz": {"kb", "ingest.guard", "ingest.errors", "ingest.settings"},
    "corpus": {"ingest", "kb"},
    "xuefa": set(PACKAGES),
}
QUIZ_SHARED = {"models", "settings", "source", "text", "quantities", "grading", "db", "sheets"}
QUIZ_ROOMS = ("people", "generation", "bank", "checklist", "practice", "exam", "contest", "hours")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[str]:
    """Every absolute module a file imports, at any depth of the file (lazy imports count too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def project_imports() -> Iterator[tuple[str, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            me = module_name(path)
            for target in imports(path):
                if target.split(".")[0] in PACKAGES:
                    yield me, target


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def quiz_room(module: str) -> str:
    part = module.split(".")[1] if module.count(".") else ""
    return "shared" if part in QUIZ_SHARED or not part else part


def test_the_packages_import_only_along_the_allowed_arrows() -> None:
    wrong = [
        f"{me} imports {target}"
        for me, target in project_imports()
        if (home := me.split(".")[0]) != target.split(".")[0]
        and not any(within(target, allowed) for allowed in ALLOWED[home])
    ]
    assert wrong == []


@pytest.mark.parametrize("room", QUIZ_ROOMS)
def test_a_quiz_room_imports_only_the_shared_modules_and_the_rooms_before_it(room: str) -> None:
    earlier = set(QUIZ_ROOMS[: QUIZ_ROOMS.index(room)])
    wrong = [
        f"{me} imports {target}"
        for me, target in project_imports()
        if within(me, f"quiz.{room}") and within(target, "quiz")
        and quiz_room(target) not in {"shared", room} | earlier
        and not (room == "generation" and target == "quiz.checklist.items")
    ]
    assert wrong == []


def test_the_shared_quiz_modules_import_no_room() -> None:
    wrong = [
        f"{me} imports {target}"
        for me, target in project_imports()
        if within(me, "quiz") and quiz_room(me) == "shared" and within(target, "quiz")
        and quiz_room(target) != "shared"
    ]
    assert wrong == []


def test_the_checklist_item_type_imports_nothing_of_quiz() -> None:
    targets = list(imports(ROOT / "quiz" / "checklist" / "items.py"))
    assert [t for t in targets if within(t, "quiz")] == []


def test_inside_xuefa_the_web_routes_and_the_root_do_not_reach_into_the_ui() -> None:
    wrong = [
        f"{me} imports {target}"
        for me, target in project_imports()
        if within(target, "xuefa.app") and not within(me, "xuefa.app") and me != "xuefa.cli"
    ]
    assert wrong == []


def test_nothing_below_xuefa_reads_the_environment() -> None:
    readers = [
        module_name(path)
        for package in PACKAGES if package != "xuefa"
        for path in (ROOT / package).rglob("*.py")
        if "os.environ" in (text := path.read_text(encoding="utf-8")) or "getenv(" in text
    ]
    assert readers == []
