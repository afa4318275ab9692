"""简答/案例分析 through a real OpenAI-compatible HTTP client against a fake endpoint on 127.0.0.1: questions
from a given article, key points checked against the article text, grading by key points, and
``xuefa quiz generate --type short|case`` with and without a configured model."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from chat.settings import LLMSettings
from kb.base import KnowledgeBase
from kb.models import Citation
from kb.settings import KBSettings
from quiz.generation.checks import check_question
from quiz.generation.generate import generate
from quiz.generation.generators import QUESTION_TYPES, CompletionError
from quiz.grading import grade
from quiz.models import Question
from tests.quiz.fake_llm import FakeLLM, article_of
from tests.quiz.laws import load_law
from xuefa.cli import cli
from xuefa.quiz_llm import QuizLLM

pytestmark = pytest.mark.xdist_group("kb")  # the command-line tests build a knowledge base
PENALTY_51 = Citation(law="行政处罚法", article=51)
COERCION_25 = Citation(law="行政强制法", article=25)


def points_of(text: str, n: int = 3) -> list[str]:
    """What a faithful model would pick: the article's first clauses, verbatim."""
    parts = [re.sub(r"^（[一二三四五六七八九十]+）", "", p).strip() for p in re.split(r"[。；\n]", text)]
    return [p for p in parts if len(p) >= 6][:n]


def faithful(prompt: str) -> str:
    law, label, text = article_of(prompt)
    points = points_of(text)
    case = f"案例：某运输公司的车辆被查处，执法人员依{law}{label}应当如何处理？"
    reply = {"stem": case if "案例分析题" in prompt else f"简述{law}{label}的规定。", "answer": "；".join(points), "key_points": points}
    return f"好的，题目如下：\n```json\n{json.dumps(reply, ensure_ascii=False)}\n```"


def inventive(prompt: str) -> str:
    _, _, text = article_of(prompt)
    points = [*points_of(text, 1), "对法人或者其他组织处以五万元以下罚款", "由上级机关审批后执行"]
    return json.dumps({"stem": "简述本条规定。", "answer": "；".join(points), "key_points": points}, ensure_ascii=False)


@pytest.fixture()
def faithful_llm() -> Iterator[FakeLLM]:
    with FakeLLM(faithful) as fake:
        yield fake


def client(fake: FakeLLM) -> QuizLLM:
    return QuizLLM(LLMSettings(base_url=fake.base_url, model="fake-model", timeout_s=10))


def test_short_and_case_from_given_articles(faithful_llm: FakeLLM, real_index) -> None:
    llm = client(faithful_llm)
    try:
        registry = QUESTION_TYPES.with_llm(llm)
        qs = generate(real_index, 4, types=["short", "case"], articles=[PENALTY_51, COERCION_25], registry=registry,
                      seed=1)
    finally:
        llm.close()
    assert sorted(q.type for q in qs) == ["case", "case", "short", "short"]
    assert {(q.sources[0].law, q.sources[0].article) for q in qs} == {
        ("中华人民共和国行政处罚法", 51), ("中华人民共和国行政强制法", 25)}
    for q in qs:
        article = real_index.resolve(q.sources[0])
        assert q.key_points and all(p.replace(" ", "") in article.normalized for p in q.key_points)
        assert check_question(q, real_index) == []
        assert q.generator == f"{q.type}.llm" and q.to_json()["key_points"] == list(q.key_points)
    request = faithful_llm.requests[0]
    assert request["model"] == "fake-model" and request["stream"] is True
    assert request["messages"][0]["role"] == "system"
    law, label, text = article_of(request["messages"][-1]["content"])
    assert label in ("第五十一条", "第二十五条") and text[:10] in real_index.resolve(
        Citation(law=law, article=51 if label == "第五十一条" else 25)).body


def test_key_points_not_in_the_article_discard_the_question(real_index) -> None:
    with FakeLLM(inventive) as fake:
        llm = client(fake)
        try:
            registry = QUESTION_TYPES.with_llm(llm, max_calls=3)
            qs = generate(real_index, 2, laws=["行政处罚法"], types=["short"], registry=registry, seed=2)
        finally:
            llm.close()
        assert qs == [], "every reply had an invented point"
        assert len(fake.requests) == 3, "no more calls than max_calls"
    stats = registry["short"].stats  # type: ignore[attr-defined]
    assert stats.calls == 3 and stats.unsupported == 3 and stats.accepted == 0
    assert "对法人或者其他组织处以五万元以下罚款" in stats.unsupported_points


def test_a_failing_endpoint_stops_the_run(real_index) -> None:
    with FakeLLM(faithful) as fake:
        fake.status = 503
        llm = client(fake)
        try:
            with pytest.raises(CompletionError, match="503"):
                generate(real_index, 3, laws=["行政处罚法"], types=["short"],
                         registry=QUESTION_TYPES.with_llm(llm), seed=3)
        finally:
            llm.close()
        assert len(fake.requests) == 1


def test_open_answers_are_graded_by_key_points() -> None:
    points = ("违法事实确凿并有法定依据", "对法人或者其他组织处以三千元以下罚款", "可以当场作出行政处罚决定")
    q = Question(type="short", stem="简述当场处罚的条件。", answer="；".join(points), explanation="",
                 sources=(PENALTY_51,), key_points=points)
    full = grade(q, "违法事实确凿并且有法定依据，对法人或者其他组织处以3000元以下罚款的，可以当场作出行政处罚决定。")
    assert full.correct and full.score == 1.0 and full.missed_points == ()
    wrong_amount = grade(q, "违法事实确凿并有法定依据，对法人或者其他组织处以五千元以下罚款，可以当场作出行政处罚决定")
    assert wrong_amount.missed_points == (points[1],), "a wrong amount misses the point however similar the words"
    assert wrong_amount.correct and round(wrong_amount.score, 2) == 0.67
    assert not grade(q, "可以罚款").correct


# the command line ------------------------------------------------------------------------------------

NO_LLM_ENV = {"XUEFA_CHAT__LLM__BASE_URL": None, "XUEFA_CHAT__LLM__MODEL": None, "XUEFA_SETTINGS": None}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("llm-home")
    kb = KnowledgeBase.open(folder / "kb", KBSettings())
    kb.add(load_law("中华人民共和国行政处罚法"), "test:penalty")
    kb.close()
    return folder


def run(home: Path, config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner(env=NO_LLM_ENV).invoke(cli, ["--home", str(home), "--config", str(config), *args],
                                              catch_exceptions=False)
    return result.exit_code, result.stdout, result.output


def settings_file(folder: Path, base_url: str = "") -> Path:
    path = folder / ("llm.yaml" if base_url else "plain.yaml")
    data = {"chat": {"llm": {"base_url": base_url, "model": "fake-model", "timeout_s": 10}}} if base_url else {}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_cli_short_and_case_with_a_model(home: Path, tmp_path: Path, faithful_llm: FakeLLM) -> None:
    config = settings_file(tmp_path, faithful_llm.base_url)
    code, out, _ = run(home, config, "quiz", "generate", "--type", "short", "--type", "case",
                       "--article", "行政处罚法第51条", "-n", "2", "--json")
    assert code == 0
    data = json.loads(out)
    assert sorted(d["type"] for d in data) == ["case", "short"]
    assert all(d["key_points"] and d["source"] == [{"law": "中华人民共和国行政处罚法", "article": "第五十一条"}]
               for d in data)
    code, out, _ = run(home, config, "quiz", "generate", "--type", "short", "--article", "行政处罚法第51条", "-n", "1")
    assert code == 0 and "[short]" in out and "要点：" in out


def test_cli_says_short_and_case_need_a_model(home: Path, tmp_path: Path) -> None:
    code, _, output = run(home, settings_file(tmp_path), "quiz", "generate", "--type", "case", "-n", "1")
    assert code == 1 and "需要大语言模型" in output and "chat.llm.base_url" in output
    code, out, _ = run(home, settings_file(tmp_path), "quiz", "generate", "--type", "judge", "-n", "2", "--json")
    assert code == 0 and [d["type"] for d in json.loads(out)] == ["judge", "judge"], "other types need no model"


def test_cli_reports_a_failing_model_and_a_bad_article(home: Path, tmp_path: Path) -> None:
    with FakeLLM(faithful) as fake:
        fake.status = 500
        code, _, output = run(home, settings_file(tmp_path, fake.base_url), "quiz", "generate", "--type", "short",
                              "-n", "1")
    assert code == 1 and "调用大语言模型失败" in output and "HTTP 500" in output
    code, _, output = run(home, settings_file(tmp_path), "quiz", "generate", "--article", "行政处罚法第900条")
    assert code == 1 and "第九百条" in output
