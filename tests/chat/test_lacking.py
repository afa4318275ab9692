"""An answer about the field of a document the knowledge base lacks says which one (issue 12), on the real
three-law knowledge base of the chat tests."""

from datetime import date
from pathlib import Path

from chat.render import answer_to_json
from chat.service import AnswerService
from chat.settings import ChatSettings
from kb.base import KnowledgeBase
from kb.coverage import FoundationDocument, GapKind
from kb.models import Level
from xuefa.services import build_services
from xuefa.settings import Settings

ROAD_RULE = FoundationDocument("公路安全保护条例", Level.ADMIN_REGULATION, version_date=date(2011, 3, 7),
                               topics=("超限", "卸载"))
HIGHWAY = FoundationDocument("中华人民共和国公路法", Level.LAW, version_date=date(2017, 11, 4), topics=("公路",))
OVERLOAD = "货车超限了，车主拒绝卸载，能扣车吗？"


def test_the_answer_names_the_regulation_its_field_rests_on_that_is_missing(kb: KnowledgeBase) -> None:
    service = AnswerService(kb, ChatSettings(), foundation=(ROAD_RULE, HIGHWAY))
    answer = service.answer(OVERLOAD)
    assert [(g.document.title, g.kind) for g in answer.lacking] == [("公路安全保护条例", GapKind.ABSENT)]
    notices = [n for n in answer.notices if n.kind == "document_missing"]
    assert len(notices) == 1 and "《公路安全保护条例》" in notices[0].text and "2011-03-07" in notices[0].text
    assert answer_to_json(answer)["lacking"] == [{"title": "公路安全保护条例", "level": "行政法规", "kind": "absent",
                                                  "version_date": "2011-03-07", "held_version": None}]


def test_a_question_whose_documents_are_all_there_gets_no_such_notice(kb: KnowledgeBase) -> None:
    service = AnswerService(kb, ChatSettings(), foundation=(ROAD_RULE, HIGHWAY))
    answer = service.answer("公路法规定的公路养护是谁负责？")
    assert answer.lacking == ()
    assert not [n for n in answer.notices if n.kind == "document_missing"]


def test_the_composition_root_gives_the_answers_the_bundled_list(kb: KnowledgeBase, tmp_path: Path) -> None:
    services = build_services(Settings(home=tmp_path), kb, quiz=False)
    titles = {g.document.title for g in services.answers.answer(OVERLOAD).lacking}
    assert "公路安全保护条例" in titles
    assert {g.document.title for g in services.gaps()} >= titles
    none = build_services(Settings.model_validate({"home": tmp_path, "kb": {"foundation": ""}}), kb, quiz=False)
    assert none.answers.answer(OVERLOAD).lacking == () and none.gaps() == []
