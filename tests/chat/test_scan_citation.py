"""A citation says it came from a scan (issue 12), end to end: a photo of a printed page, rendered here with a
CJK font, goes through ``xuefa ingest`` (the real OCR), then ``xuefa ask`` (text and ``--json``), the answer
service and the app's rendering of the answer and the article: each shows the 「扫描件识别」 mark with its hint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from chat.render import SCAN_HINT, SCAN_MARK, answer_to_json, render_answer_text
from chat.service import AnswerService
from chat.settings import ChatSettings
from kb.base import KnowledgeBase
from kb.settings import KBSettings
from tests.ingest.make_files import find_cjk_font
from xuefa.app import render
from xuefa.app.state import Exchange
from xuefa.cli import cli

pytest.importorskip("rapidocr_onnxruntime")
pytestmark = [
    pytest.mark.xdist_group("kb"),
    pytest.mark.skipif(find_cjk_font() is None,
                       reason="no CJK font to print the test page (scripts/system-deps.sh installs fonts-wqy-zenhei)"),
]

TITLE = "测试网络预约出租汽车管理规定"
PAGE = [
    ("title", TITLE),
    ("heading", "第一章 总则"),
    ("body", "第一条 为了规范网络预约出租汽车经营服务行为，保障运营安全和乘客合法权益，制定本规定。"),
    ("body", "第二条 从事网络预约出租汽车经营服务，应当遵守本规定。"),
    ("heading", "第二章 法律责任"),
    ("body", "第三条 未取得网络预约出租汽车运输证，擅自从事网络预约出租汽车经营活动的，由出租汽车行政"
             "主管部门责令改正，予以警告，并处以五千元以上一万元以下罚款。"),
]
QUESTION = "没有网约车运输证就从事网约车经营的，罚多少钱？"


def run(home: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.ingest.test_ocr import render_page, scan_noise

    folder = tmp_path_factory.mktemp("scan")
    photo = folder / "网约车规定-拍照.png"
    scan_noise(render_page(PAGE, 1), 7).save(photo)
    home = folder / "home"
    assert f"added  {TITLE}  3 units" in run(home, "ingest", str(photo))
    return home


def test_ask_marks_the_article_read_from_a_scan(home: Path) -> None:
    text = run(home, "ask", QUESTION)
    assert f"依据《{TITLE}》第三条" in text
    assert f"引用的《{TITLE}》第三条（{SCAN_MARK}）：{SCAN_HINT}" in text
    assert f"- 《{TITLE}》（版本日期：未注明；{SCAN_MARK}）" in text

    data = json.loads(run(home, "ask", "--json", QUESTION))
    cited = {c["article"]: c for c in data["citations"] if c["law"] == TITLE}
    assert cited["第三条"]["ocr"] is True
    assert "五千元以上一万元以下" in cited["第三条"]["text"]


def test_search_and_show_mark_it_too(home: Path) -> None:
    data = json.loads(run(home, "search", "--json", QUESTION))
    assert data["hits"][0]["law"] == TITLE and data["hits"][0]["ocr"] is True
    assert SCAN_MARK in run(home, "search", QUESTION)
    assert SCAN_HINT in run(home, "show", f"{TITLE}第三条")


def test_the_answer_and_the_app_show_the_mark_only_on_the_scanned_article(home: Path) -> None:
    kb = KnowledgeBase.open(home / "kb", KBSettings())
    try:
        answer = AnswerService(kb, ChatSettings()).answer(QUESTION)
        hit = kb.lookup(f"{TITLE}第三条")
    finally:
        kb.close()
    assert answer.citations and all(c.ocr for c in answer.citations if c.law == TITLE)
    assert any(c.law == TITLE and c.article == 3 for c in answer.citations)
    assert SCAN_MARK in render_answer_text(answer)
    assert all(c["ocr"] for c in answer_to_json(answer)["citations"] if c["law"] == TITLE)

    html = render.answer_body(Exchange(id=1, question=QUESTION, answer=answer))
    assert 'class="xf-badge xf-scan"' in html and SCAN_HINT in html
    assert hit is not None and hit.document.meta.ocr
    article = render.article_html(hit)
    assert SCAN_MARK in article and SCAN_HINT in article
    assert SCAN_MARK in render.hit_card(hit)
