"""单选/多选 situation items written by a language model, through the real OpenAI-compatible client against
the fake endpoint on 127.0.0.1 (only the network edge is fake): the key of each is proved by the same checks
as the rule-made situation items, or the item is dropped and counted."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
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
from quiz.generation.generators import QUESTION_TYPES, LLMSituation, QuestionTypes, WithLLMSituations
from quiz.generation.generators.base import Context
from quiz.source import ArticleIndex
from tests.quiz.fake_llm import FakeLLM, article_of
from tests.quiz.generation.test_situation_shapes import DANGEROUS_GOODS
from tests.quiz.generation.texts import index_of
from xuefa.cli import cli
from xuefa.quiz_llm import QuizLLM

pytestmark = pytest.mark.xdist_group("kb")  # the command-line test builds a knowledge base
LAW = "危险货物道路运输安全管理办法"
RIGHT_69 = "责令改正，处1万元以上5万元以下的罚款"
NO_LLM_ENV = {"XUEFA_CHAT__LLM__BASE_URL": None, "XUEFA_CHAT__LLM__MODEL": None, "XUEFA_SETTINGS": None}
CASE_69 = "2024年5月，某市公安机关在高速公路服务区检查时发现，某危险货物承运人通过道路运输危险化学品不配备押运人员"
CASE_61 = "执法人员在检查站查获，某危险货物道路运输车辆驾驶人未按照规定随车携带危险货物运单、安全卡"


def single_reply(prompt: str) -> str:
    """第六十九条: a good item; 第六十一条: an item whose key the article does not prove; 第五十六条: no JSON."""
    _, label, _ = article_of(prompt)
    if label == "第六十九条":
        options = {"A": "责令改正，处1000元以上3000元以下的罚款", "B": RIGHT_69,
                   "C": "责令改正，处1万元以上3万元以下的罚款", "D": "责令改正，处5万元以上10万元以下的罚款"}
        return "```json\n" + json.dumps({"case": CASE_69, "options": options, "answer": "B"}, ensure_ascii=False) + "\n```"
    if label == "第六十一条":
        options = {"A": "责令改正，处1000元以上3000元以下的罚款", "B": "责令改正，处5000元以上1万元以下的罚款",
                   "C": "责令改正，处200元以上2000元以下的罚款", "D": "责令改正，处3万元以上5万元以下的罚款"}
        return json.dumps({"case": CASE_61, "options": options, "answer": "B"}, ensure_ascii=False)
    return "好的，案例如下：某危险货物承运人未对从业人员进行安全教育和培训，{\"case\": "


def multi_reply(prompt: str) -> str:
    options = ["责令改正", "处1万元以上5万元以下的罚款", "吊销道路运输经营许可证", "处5万元以上10万元以下的罚款"]
    return json.dumps({"case": CASE_69 + "。", "options": options, "answer": ["A", "B"]}, ensure_ascii=False)


def replying(data: Mapping[str, object]) -> Callable[[str], str]:
    return lambda prompt: json.dumps(dict(data), ensure_ascii=False)


@pytest.fixture()
def index() -> ArticleIndex:
    return index_of(DANGEROUS_GOODS)


def model(reply: Callable[[str], str]) -> Iterator[tuple[FakeLLM, QuizLLM]]:
    fake = FakeLLM(reply)
    with fake:
        llm = QuizLLM(LLMSettings(base_url=fake.base_url, model="fake-model", timeout_s=10))
        try:
            yield fake, llm
        finally:
            llm.close()


def test_exactly_the_good_item_is_kept(index: ArticleIndex) -> None:
    for fake, llm in model(single_reply):
        writer = LLMSituation("single", llm)
        questions = generate(index, 5, types=["single"], registry=QuestionTypes({"single": writer}), seed=2,
                             articles=[Citation(law=LAW, article=n) for n in (56, 61, 69)])
        assert len(fake.requests) == 3
        prompts = [r["messages"][-1]["content"] for r in fake.requests]
    assert [(q.sources[0].article, q.generator) for q in questions] == [(69, "single.situation.llm")]
    (q,) = questions
    assert q.stem == f"{CASE_69}。根据《{LAW}》，对其应当如何处理？"
    assert q.options[str(q.answer)] == RIGHT_69 and check_question(q, index) == []
    stats = writer.stats
    assert (stats.calls, stats.accepted, stats.unsupported, stats.unparsable) == (3, 1, 1, 1)
    assert stats.problems == [f"《{LAW}》第六十一条：key not supported: it is not the consequence the article gives "
                              "for the case"]
    assert any("通过道路运输危险化学品不配备押运人员" in p and "第六十九条" in p for p in prompts), \
        "the prompt names the conducts the case must state"


def test_multi_keys_are_the_articles_measures(index: ArticleIndex) -> None:
    for _, llm in model(multi_reply):
        writer = LLMSituation("multi", llm)
        questions = generate(index, 1, types=["multi"], registry=QuestionTypes({"multi": writer}),
                             articles=[Citation(law=LAW, article=69)])
    (q,) = questions
    assert q.answer == "AB" and q.generator == "multi.situation.llm" and check_question(q, index) == []
    assert q.stem.endswith("对其的处理措施有（  ）") and "。。" not in q.stem


def test_a_wrong_key_or_a_lost_conduct_is_dropped(index: ArticleIndex) -> None:
    article = index.resolve(Citation(law=LAW, article=69))
    assert article is not None
    wrong = {"case": CASE_69, "options": ["责令改正", "处1万元以上5万元以下的罚款", "处5万元以上10万元以下的罚款",
                                          "吊销道路运输经营许可证"], "answer": "ABC"}  # 5万–10万 is no measure of 第六十九条
    vague = {"case": "某承运人运输危险化学品时违反规定", "options": ["责令改正", "处1万元以上5万元以下的罚款",
                                                      "吊销道路运输经营许可证", "处5万元以上10万元以下的罚款"], "answer": "AB"}
    for data in (wrong, vague):
        writer = LLMSituation("multi", replying(data))
        assert writer.from_article(article, Context(index)) == []
        assert writer.stats.unsupported == 1


def test_with_llm_adds_situation_writers_to_single_and_multi() -> None:
    registry = QUESTION_TYPES.with_llm(lambda prompt: "{}")
    assert isinstance(registry["single"], WithLLMSituations) and isinstance(registry["multi"], WithLLMSituations)
    assert registry["single"].type == "single"
    plain = QUESTION_TYPES.with_llm(lambda prompt: "{}", situations=False)
    assert not isinstance(plain["single"], WithLLMSituations)


def test_cli_with_a_model_writes_situation_items_and_reports_the_dropped(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "home" / "kb", KBSettings())
    kb.add(DANGEROUS_GOODS, "test:dangerous-goods")
    kb.close()
    for fake, _ in model(single_reply):
        config = tmp_path / "llm.yaml"
        config.write_text(yaml.safe_dump({"chat": {"llm": {"base_url": fake.base_url, "model": "fake-model",
                                                           "timeout_s": 10}}}), encoding="utf-8")
        result = CliRunner(env=NO_LLM_ENV).invoke(cli, [
            "--home", str(tmp_path / "home"), "--config", str(config), "quiz", "generate", "--type", "single",
            "--article", f"{LAW}第61条", "--article", f"{LAW}第69条", "-n", "2", "--json"], catch_exceptions=False)
        asked = len(fake.requests)
    assert result.exit_code == 0, result.output
    assert sorted(d["source"][0]["article"] for d in json.loads(result.stdout)) == ["第六十一条", "第六十九条"]
    assert asked == 2 and "大语言模型出题 2 次，1 道因要点或答案在条文中找不到依据或格式不对已丢弃" in result.output
