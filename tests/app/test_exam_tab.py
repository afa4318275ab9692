"""The 考试 tab's service calls without a browser: blueprint form, organiser actions, report tables and
charts data, exports as real files, the audit log, and the password gate of its handlers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from quiz.bank.store import QuestionBank
from quiz.exam.models import BlueprintError, ExamError, ExamRefused
from quiz.exam.service import ExamService
from quiz.people.accounts import Accounts
from quiz.settings import QuizSettings
from tests.app.conftest import make_accounts
from tests.quiz.exam.conftest import PEOPLE, Clock, hand_questions, write_roster
from xuefa.app.exam_tab import (
    audit_frame,
    blueprint_from_form,
    build_exam_tab,
    exam_choices,
    exam_summary,
    export_file,
    parse_time,
    report_frames,
    report_summary,
    run_action,
)
from xuefa.app.gate import Gate
from xuefa.app.state import Services


@pytest.fixture()
def exams(tmp_path: Path) -> ExamService:
    bank = QuestionBank(f"sqlite:///{tmp_path / 'quiz.sqlite'}")
    bank.add(hand_questions())
    return ExamService(bank, QuizSettings(), Clock())


def test_blueprint_from_the_form_and_from_text() -> None:
    table = pd.DataFrame([["单选", "行政处罚法", "", "2", 3], ["判断", "", "第五章", "不限", "4"], ["", "", "", "", ""]],
                         columns=["题型", "法律", "章节", "难度", "题数"])
    bp = blueprint_from_form(table, [1.5, 2, 1, None, None, None], 45, True, False)
    assert [(i.type, i.law, i.chapter, i.difficulty, i.count) for i in bp.items] == [
        ("single", "行政处罚法", "", 2, 3), ("judge", "", "第五章", None, 4)]
    assert bp.points_for("single") == 1.5 and bp.duration_min == 45 and bp.allow_drafts is True
    assert bp.total_points == 8.5
    text = blueprint_from_form(table, [1] * 6, 45, False, False, "items: [{type: 多选, count: 2}]")
    assert [i.type for i in text.items] == ["multi"], "the text wins when given"
    with pytest.raises(BlueprintError) as e:
        blueprint_from_form([["单选", "", "", "", "十"]], [1] * 6, 30, False, False)
    assert "第 1 行" in str(e.value)
    with pytest.raises(BlueprintError):
        blueprint_from_form([], [1] * 6, 30, False, False)
    with pytest.raises(BlueprintError):  # an empty count (on Python 3.11 it was an AttributeError: int.is_integer)
        blueprint_from_form([["单选", "", "", "", ""]], [1] * 6, 30, False, False)


def test_times_are_beijing_time() -> None:
    when = parse_time("2026-05-01 09:00")
    assert when is not None and when.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
    assert parse_time("") is None and parse_time("2026年05月01日 09:00") == when
    with pytest.raises(ExamError) as e:
        parse_time("明天上午")
    assert "2026-05-01 09:00" in str(e.value)


def test_the_organiser_flow_through_the_tab_helpers(exams: ExamService, tmp_path: Path) -> None:
    info = exams.create_exam("年度考试", blueprint_from_form(
        [["单选", "", "", "", 1], ["多选", "", "", "", 1], ["判断", "", "", "", 1], ["填空", "", "", "", 1],
         ["简答", "", "", "", 1]], [2, 4, 1, 3, 10, 15], 30, False, False))
    assert exam_choices(exams) == [(f"年度考试（市级 · 考试码 {info.code} · 草稿）", info.id)]
    with pytest.raises(ExamError) as e:
        run_action(exams, info.id, "open")
    assert "请先组卷" in str(e.value)
    assert "每卷 5 题，满分 20 分" in run_action(exams, info.id, "assemble", 1)
    with pytest.raises(ExamError):
        run_action(exams, info.id, "roster", None)
    roster = write_roster(tmp_path / "名单.xlsx", PEOPLE[:3])
    assert "3 人" in run_action(exams, info.id, "roster", str(roster))
    assert info.code in run_action(exams, info.id, "open")
    summary = exam_summary(exams.get_exam(info.id))
    assert info.code in summary and "名单 3 人" in summary and "考试中" in summary
    token = exams.login(info.code, *PEOPLE[0][:2]).token
    q = exams.paper_for(token).questions[0]
    exams.save_answer(token, q.id, next(o.key for o in q.options if o.text == "二百元"))
    with pytest.raises(ExamRefused):
        exams.login(info.code, *PEOPLE[0][:2])
    assert "已解锁" in run_action(exams, info.id, "unlock", PEOPLE[0][0])
    with pytest.raises(ExamError):
        run_action(exams, info.id, "release")  # someone is still writing
    assert "1 人交卷" in run_action(exams, info.id, "close")
    assert "成绩已公布" in run_action(exams, info.id, "release")
    report = exams.report(info.id)
    frames = report_frames(report)
    assert list(frames["examinees"]["得分"][:1]) == [2]
    assert list(frames["distribution"]["人数"]) == [0, 1] + [0] * 8  # 2 of 20: the range 2–4
    assert len(frames["weakest"]) == 2
    assert set(frames["laws"]["法规"]) == {"中华人民共和国行政处罚法", "中华人民共和国行政强制法"}
    assert frames["questions"]["正确率%"].iloc[0] == 100.0
    assert "交卷 1 / 3 人" in report_summary(report)
    # bar plots take the frames as they are
    gr.BarPlot(value=frames["distribution"], x="分数段", y="人数", sort=list(frames["distribution"]["分数段"]))
    gr.BarPlot(value=frames["weakest"], x="法规", y="得分率%")
    log = audit_frame(exams, info.id)
    assert {"解锁考生", "拒绝：重复登录", "公布成绩", "结束考试", "开放考试"} <= set(log["动作"])

    out = tmp_path / "out"
    out.mkdir()
    docx = export_file(exams, info.id, "答案与解析", "docx", "A", out)
    assert docx.name == "年度考试-答案与解析.docx"
    assert "【解析】" in "\n".join(p.text for p in Document(str(docx)).paragraphs)
    pdf = export_file(exams, info.id, "试卷", "pdf", "A", out)
    assert "手工单选" in "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    xlsx = export_file(exams, info.id, "成绩", "xlsx", "A", out)
    assert load_workbook(io.BytesIO(xlsx.read_bytes())).sheetnames[0] == "成绩"


def test_the_tab_builds_and_its_handlers_check_the_sign_in(exams: ExamService, tmp_path: Path) -> None:
    accounts = make_accounts(tmp_path / "people", "口令-2026-甲")
    services = Services(kb=None, answers=None, feedback=None, admin_password="口令-2026-甲",  # type: ignore[arg-type]
                        accounts=accounts)
    with gr.Blocks() as demo:
        gate = Gate(accounts, gr.State(""))
        console = build_exam_tab(services, exams, gate)
    assert console is not None
    fns: dict[str, Any] = {f.name: f.fn for f in demo.fns.values()}
    form = [[["单选", "", "", "", 1]], 30, False, False, "", 1, 1, 1, 1, 1, 1]
    for token in ("", "not-a-token"):  # no session: nothing done, and the State is cleared (the login shows)
        assert fns["do_create"](None, token, "偷偷建的考试", "", "", 1, "", *form)[-1] == ""
        assert fns["do_report"](None, token, 1)[-1] == ""
    assert exams.list_exams() == []
    _, cleared, message = fns["do_login"]("admin", "错误口令", None)
    assert cleared == "" and "密码不正确" in message
    token, _, _ = fns["do_login"]("admin", "口令-2026-甲", None)
    assert isinstance(token, str) and token
    outputs = fns["do_create"](None, token, "年度考试", "", "", 1, "", *form)
    assert "考试码" in outputs[0] and len(exams.list_exams()) == 1 and exams.list_exams()[0].unit == ""
    assert [e.action for e in accounts.audit(Accounts.system_actor(), action="exam_create")] == ["exam_create"]
    with gr.Blocks():
        disabled = build_exam_tab(Services(kb=None, answers=None, feedback=None), exams, None)  # type: ignore[arg-type]
    assert disabled is None
