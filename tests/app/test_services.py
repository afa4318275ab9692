"""The app's small services for real: feedback in SQLite, the law browser's lookups and permalinks on the
real knowledge base, admin uploads (bad files reported, nothing lost), first-start corpus loading."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import pytest

from chat.feedback import FeedbackStore
from chat.models import Answer
from ingest.settings import IngestSettings
from kb.base import KnowledgeBase
from kb.models import Citation
from kb.settings import KBSettings
from tests.app.conftest import HTML_LAW_TITLE, make_services
from xuefa.app import library
from xuefa.app.admin_tab import DISABLED_NOTE
from xuefa.app.state import ChatSession
from xuefa.app.uploads import ingest_uploads, safe_name

pytestmark = pytest.mark.xdist_group("browser")  # shares the session's knowledge base with the browser tests


def test_feedback_is_stored_and_commented(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    answer = Answer(
        question="扣押最长多少天？", text="不得超过三十日。", grounded=True,
        citations=(Citation(law="中华人民共和国行政强制法", article=25, clause=1, unit_id="u1"),),
    )
    first = store.record(answer, "up", session="s1")
    second = store.record(answer, "down", question="原问题")
    store.comment(first, "  很清楚  ")
    store.change_vote(second, "up")
    rows = FeedbackStore(tmp_path / "feedback.sqlite").rows()
    assert [(r.id, r.vote, r.question, r.comment, r.session) for r in rows] == [
        (first, "up", "扣押最长多少天？", "很清楚", "s1"),
        (second, "up", "原问题", "", ""),
    ]
    assert rows[0].citations == ["《中华人民共和国行政强制法》第二十五条第一款"]
    assert rows[0].grounded and rows[0].answer == "不得超过三十日。"


def test_sessions_keep_their_own_history() -> None:
    a, b = ChatSession(), ChatSession()
    ex = a.start("问题一")
    assert a.history() == (), "an unanswered question is not history yet"
    ex.answer = Answer(question="问题一", text="答", grounded=True)
    assert [t.question for t in a.history()] == ["问题一"]
    assert b.history() == ()
    assert a.get(ex.id) is ex and a.get(99) is None


def test_laws_chapters_articles_and_neighbours(app_kb: KnowledgeBase) -> None:
    titles = [d.meta.title for d in library.laws(app_kb)]
    assert titles.index("中华人民共和国公路法") < titles.index(HTML_LAW_TITLE), "法律 before 部门规章"
    doc = library.find_document(app_kb, "行政强制法")
    assert doc is not None and doc.meta.title == "中华人民共和国行政强制法"
    chapters = library.chapters(app_kb, doc.doc_id)
    assert chapters[0].startswith("第一章") and any(c.startswith("第三章") for c in chapters)
    in_three = library.articles(app_kb, doc.doc_id, next(c for c in chapters if c.startswith("第三章")))
    assert in_three and all(u.unit.heading_path[0].startswith("第三章") for u in in_three)
    hit = library.find_article(app_kb, doc.doc_id, "第二十五条")
    assert hit is not None
    located = library.locate(app_kb, hit.unit_id)
    assert located is not None and located.previous and located.next
    prev_hit = library.unit_hit(app_kb, located.previous)
    assert prev_hit is not None and prev_hit.unit.label == "第二十四条"


@pytest.mark.parametrize(
    ("law", "article"),
    [("{doc_id}", "第二十五条"), ("行政强制法", "第二十五条"), ("《中华人民共和国行政强制法》", "25"), ("行政强制法", "第25条")],
)
def test_permalinks_resolve(app_kb: KnowledgeBase, law: str, article: str) -> None:
    doc = library.find_document(app_kb, "行政强制法")
    assert doc is not None
    hit = library.find_article(app_kb, law.format(doc_id=doc.doc_id), article)
    assert hit is not None and hit.unit.label == "第二十五条"
    query = parse_qs(library.permalink(hit).removeprefix("?"))
    assert query == {"law": [doc.doc_id], "article": ["第二十五条"]}


@pytest.mark.parametrize(("law", "article"), [("nope", "第一条"), ("行政强制法", "第九百条"), ("行政强制法", "<x>")])
def test_unknown_permalinks_find_nothing(app_kb: KnowledgeBase, law: str, article: str) -> None:
    assert library.find_article(app_kb, law, article) is None


def test_admin_tab_is_off_without_a_password(app_kb: KnowledgeBase, tmp_path: Path) -> None:
    import gradio as gr

    from xuefa.app.ui import build_app

    demo = build_app(make_services(app_kb, tmp_path, answers=object(), admin_password=""))
    blocks = list(demo.blocks.values())
    assert any(isinstance(b, gr.Markdown) and b.value == DISABLED_NOTE for b in blocks)
    assert not any(isinstance(b, gr.File) for b in blocks)
    assert not any(isinstance(b, gr.Textbox) and b.type == "password" for b in blocks)
    demo.close()


def test_uploads_report_each_file_and_lose_nothing(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "kb", KBSettings())
    uploads = tmp_path / "uploads"
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "测试办法.md"
    good.write_text("# 某市测试办法\n\n第一条 为了测试，制定本办法。\n\n第二条 本办法自公布之日起施行。\n",
                    encoding="utf-8")
    broken = incoming / "坏文件.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    steps: list[tuple[float, str]] = []
    results = list(ingest_uploads(kb, [good, broken], IngestSettings(), uploads,
                                  lambda f, what: steps.append((f, what))))
    assert [(r.name, r.ok) for r in results] == [("测试办法.md", True), ("坏文件.pdf", False)]
    assert "已新增" in results[0].summary and results[1].summary
    assert (uploads / "测试办法.md").is_file() and not (uploads / "坏文件.pdf").exists()
    assert steps[-1] == (1.0, "完成") and all(0 <= f <= 1 for f, _ in steps)
    assert [d.meta.title for d in kb.documents()] == ["某市测试办法"]

    # a broken file under the name of a good one: the knowledge base and the kept upload stay as they were
    (incoming / "again").mkdir()
    bad_again = incoming / "again" / "测试办法.md"
    bad_again.write_bytes(b"\xff\xfe\x00\x00\x00")
    [result] = ingest_uploads(kb, [bad_again], IngestSettings(), uploads)
    assert not result.ok
    assert (uploads / "测试办法.md").read_text(encoding="utf-8") == good.read_text(encoding="utf-8")
    assert kb.lookup("某市测试办法第二条") is not None
    kb.close()


def test_upload_names_cannot_escape_the_uploads_folder() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\x.md") == "x.md"
    assert safe_name(".hidden") == "hidden"
    assert safe_name("..") == "upload"


def test_first_start_loads_the_starter_corpus_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import corpus.starter
    from xuefa.app.startup import ensure_corpus

    small = "中华人民共和国刑法修正案（十）"  # one article: keeps the test quick
    monkeypatch.setattr(corpus.starter, "STARTER_LAWS", (small,))
    kb = KnowledgeBase.open(tmp_path / "kb", KBSettings())
    assert ensure_corpus(kb) == 1
    assert [d.meta.title for d in kb.documents()] == [small]
    assert ensure_corpus(kb) == 0, "a knowledge base with documents is left alone"
    kb.close()
