"""ExamService on a real database (SQLite file and PostgreSQL): blueprints, A/B papers, sittings with a
server-owned timer, refusals and their audit, restart, grading and the report."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import pytest

from quiz.bank.store import QuestionBank, QuestionFilter
from quiz.exam.models import BlueprintShortfall, ExamError, ExamRefused, ExamStatus
from quiz.exam.service import ExamService
from quiz.models import ReviewStatus
from quiz.settings import QuizSettings
from tests.quiz.exam.conftest import (
    HAND_BLUEPRINT,
    PEOPLE,
    START,
    Clock,
    open_exam,
    write_roster,
)

BLUEPRINT = {
    "duration_min": 60,
    "points": {"单选": 1, "多选": 2, "判断": 1, "填空": 2},
    "items": [
        {"type": "单选", "law": "行政处罚法", "count": 3},
        {"type": "单选", "count": 3},
        {"type": "多选", "count": 2},
        {"type": "判断", "law": "行政强制法", "difficulty": 1, "count": 3},
        {"type": "填空", "count": 2},
    ],
}


def login(exams: ExamService, exam_id: int, person: tuple[str, str, str]) -> str:
    return exams.login(exams.get_exam(exam_id).code, person[0], person[1], client="test").token


def test_shortfall_names_the_missing_line(exams: ExamService, bank: QuestionBank) -> None:
    have = bank.count(QuestionFilter(types=("single",), laws=("行政处罚法",), difficulty=(2,),
                                     statuses=(ReviewStatus.APPROVED,)))
    assert 0 < have < 10
    blueprint = {"duration_min": 30, "items": [{"type": "单选", "law": "行政处罚法", "difficulty": 2, "count": 10},
                                               {"type": "判断", "count": 5}]}
    shortfalls = exams.check_blueprint(blueprint)
    assert [s.message for s in shortfalls] == [f"单选 × 行政处罚法 × 难度2：需要 10 题，题库只有 {have} 题"]
    info = exams.create_exam("缺题的考试", blueprint)
    with pytest.raises(BlueprintShortfall) as e:
        exams.assemble(info.id)
    assert f"单选 × 行政处罚法 × 难度2：需要 10 题，题库只有 {have} 题" in str(e.value)
    assert exams.get_exam(info.id).status == ExamStatus.DRAFT
    assert any(a.action == "assemble_refused" for a in exams.audit(info.id))
    # two parallel papers need twice as many distinct questions
    fits = {"items": [{"type": "单选", "law": "行政处罚法", "difficulty": 2, "count": have}]}
    assert exams.check_blueprint(fits) == []
    short = exams.check_blueprint(fits, variants=2)
    assert short[0].needed == 2 * have and "2 套试卷各" in short[0].message


def test_drafts_only_when_allowed(exams: ExamService, bank: QuestionBank) -> None:
    law = {"types": ("single",), "laws": ("行政处罚法",), "difficulty": (2,)}
    ids = [q.id for q in bank.list(QuestionFilter(**law))]  # type: ignore[arg-type]
    bank.set_status(ids[:2], ReviewStatus.DRAFT)
    item = {"type": "single", "law": "行政处罚法", "difficulty": 2, "count": len(ids)}
    assert exams.check_blueprint({"items": [item]})[0].available == len(ids) - 2
    assert exams.check_blueprint({"items": [item], "allow_drafts": True}) == []
    drafty = ExamService(bank, QuizSettings(exam_allow_drafts=True))
    assert drafty.check_blueprint({"items": [item]}) == []


def test_ab_papers_share_no_question_and_have_the_same_makeup(exams: ExamService) -> None:
    info = exams.create_exam("A/B 卷", BLUEPRINT)
    papers = exams.assemble(info.id, variants=2, seed=11)
    assert [p.variant for p in papers] == ["A", "B"]
    a, b = (set(p.question_ids) for p in papers)
    assert len(a) == len(b) == 13 and not a & b
    makeup = [Counter((e.question.type, e.question.law) for e in exams.paper_questions(info.id, v)) for v in "AB"]
    assert makeup[0]["single", "中华人民共和国行政处罚法"] >= 3 and makeup[1]["single", "中华人民共和国行政处罚法"] >= 3
    for v in "AB":
        entries = exams.paper_questions(info.id, v)
        assert [e.question.type for e in entries] == ["single"] * 6 + ["multi"] * 2 + ["judge"] * 3 + ["blank"] * 2
        judges = [e.question for e in entries if e.question.type == "judge"]
        assert all(q.law == "中华人民共和国行政强制法" and q.difficulty == 1 for q in judges)
        assert sum(e.points for e in entries) == papers[0].total_points == 6 + 4 + 3 + 4
    again = exams.assemble(info.id, variants=2, seed=11)
    assert [p.question_ids for p in again] == [p.question_ids for p in papers], "a seed gives the same papers"


def test_orders_differ_per_examinee_and_stay_put(exams: ExamService, tmp_path: Path, bank: QuestionBank,
                                                  clock: Clock) -> None:
    exam_id = open_exam(exams, tmp_path, BLUEPRINT)
    t1, t2 = login(exams, exam_id, PEOPLE[0]), login(exams, exam_id, PEOPLE[1])
    p1, p2 = exams.paper_for(t1), exams.paper_for(t2)
    stems1, stems2 = [q.stem for q in p1.questions], [q.stem for q in p2.questions]
    assert sorted(stems1) == sorted(stems2) and stems1 != stems2
    assert [q.type for q in p1.questions] == [q.type for q in p2.questions], "sections keep their type order"
    options = {q.stem: [o.text for o in q.options] for q in p1.questions}
    assert any(options[q.stem] != [o.text for o in q.options] for q in p2.questions if q.options)
    assert {q.id for q in p1.questions}.isdisjoint({q.id for q in p2.questions}), "ids are per examinee"
    # a reload, a restart and a new device (after an unlock) show the same paper
    assert exams.paper_for(t1) == p1
    clock.advance(minutes=5)
    restarted = ExamService(QuestionBank(bank.url), QuizSettings(), clock)
    restarted.unlock_examinee(exam_id, PEOPLE[0][0])
    again = restarted.paper_for(login(restarted, exam_id, PEOPLE[0]))
    assert again.questions == p1.questions


def test_the_key_never_reaches_the_paper(exams: ExamService, tmp_path: Path) -> None:
    exam_id = open_exam(exams, tmp_path, BLUEPRINT)
    token = login(exams, exam_id, PEOPLE[0])
    paper = exams.paper_for(token)
    exams.save_answer(token, paper.questions[0].id, "A")
    text = json.dumps(asdict(exams.paper_for(token)), ensure_ascii=False)
    for word in ("answer\"", "explanation", "source", "key_points", "evidence", "difficulty", "law"):
        assert word not in text
    for entry in exams.paper_questions(exam_id):
        if entry.question.explanation:
            assert entry.question.explanation not in text
    assert exams.result_for(token).released is False


def test_answers_submit_and_server_timer(hand_exams: ExamService, tmp_path: Path, clock: Clock) -> None:
    exams = hand_exams
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])
    token = login(exams, exam_id, PEOPLE[0])
    paper = exams.paper_for(token)
    assert paper.remaining_s == 30 * 60 and paper.total_points == 20 and not paper.submitted
    by_type = {q.type: q for q in paper.questions}
    single = by_type["single"]
    key = next(o.key for o in single.options if o.text == "二百元")
    clock.advance(minutes=10)
    assert exams.save_answer(token, single.id, key).remaining_s == 20 * 60
    exams.save_answer(token, by_type["judge"].id, False)
    exams.save_answer(token, by_type["judge"].id, True)  # changed mind: the last answer counts
    exams.save_answer(token, by_type["blank"].id, " 15天 ")
    assert exams.paper_for(token).answers == {single.id: key, by_type["judge"].id: True, by_type["blank"].id: " 15天 "}
    with pytest.raises(ExamRefused) as bad:
        exams.save_answer(token, single.id, "AB")
    assert bad.value.status == 422
    with pytest.raises(ExamRefused) as bad:
        exams.save_answer(token, single.id, "F")
    assert bad.value.status == 422 and "没有选项" in bad.value.message
    assert exams.state_for(token).remaining_s == 20 * 60
    # time runs out: the next access submits; a late answer is refused and logged
    clock.advance(minutes=20)
    with pytest.raises(ExamRefused) as late:
        exams.save_answer(token, by_type["multi"].id, "A")
    assert late.value.status == 410 and "时间已到" in late.value.message
    state = exams.state_for(token)
    assert state.submitted and state.remaining_s == 0
    with pytest.raises(ExamRefused) as after:
        exams.save_answer(token, by_type["multi"].id, "A")
    assert after.value.status == 409
    assert exams.submit(token).already
    actions = [a.action for a in exams.audit(exam_id)]
    assert "save_after_time" in actions and "save_after_submit" in actions
    report = exams.report(exam_id)
    line = next(e for e in report.examinees if e.officer_id == PEOPLE[0][0])
    assert line.score == 2 + 1 + 3 and line.submitted_by == "timer" and line.submitted_at == START + timedelta(minutes=30)


def test_sweep_submits_what_the_timer_ended(hand_exams: ExamService, tmp_path: Path, clock: Clock) -> None:
    exams = hand_exams
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])
    tokens = [login(exams, exam_id, p) for p in PEOPLE[:2]]
    exams.submit(tokens[0])
    assert exams.sweep() == 0
    clock.advance(minutes=31)
    assert exams.sweep() == 1 and exams.sweep() == 0
    info = exams.get_exam(exam_id)
    assert (info.started, info.submitted) == (2, 2)
    assert [a.message.startswith("时间到") for a in exams.audit(exam_id) if a.action == "submit"] == [True, False]


def test_second_login_is_refused_until_unlocked(hand_exams: ExamService, tmp_path: Path) -> None:
    exams = hand_exams
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])
    code = exams.get_exam(exam_id).code
    first = exams.login(code, PEOPLE[0][0], PEOPLE[0][1], client="phone-1")
    paper = exams.paper_for(first.token)
    exams.save_answer(first.token, paper.questions[0].id, "A")
    with pytest.raises(ExamRefused) as second:
        exams.login(code, PEOPLE[0][0], PEOPLE[0][1], client="phone-2")
    assert second.value.status == 409 and "另一台设备" in second.value.message and "解锁" in second.value.message
    assert exams.paper_for(first.token).answers, "the first device keeps working"
    exams.unlock_examinee(exam_id, PEOPLE[0][0])
    with pytest.raises(ExamRefused) as old:
        exams.save_answer(first.token, paper.questions[0].id, "B")  # a device that saved before
    assert old.value.status == 401 and "解除" in old.value.message
    with pytest.raises(ExamRefused) as old:
        exams.paper_for(first.token)
    assert old.value.status == 401
    moved = exams.login(code, f" {PEOPLE[0][0]} ", PEOPLE[0][1], client="phone-2")
    assert moved.remaining_s == first.remaining_s and not moved.submitted
    assert exams.paper_for(moved.token).answers == {paper.questions[0].id: "A"}
    log = [(a.action, a.officer_id) for a in exams.audit(exam_id)]
    assert ("second_login", PEOPLE[0][0]) in log and ("unlock", PEOPLE[0][0]) in log
    with pytest.raises(ExamError):
        exams.unlock_examinee(exam_id, PEOPLE[2][0])
    # after submitting, logging in again (another device) shows the result page's state
    exams.submit(moved.token)
    again = exams.login(code, PEOPLE[0][0], PEOPLE[0][1])
    assert again.submitted and again.remaining_s == 0


def test_login_refusals_are_clear_and_logged(hand_exams: ExamService, tmp_path: Path, clock: Clock) -> None:
    exams = hand_exams
    info = exams.create_exam("窗口考试", HAND_BLUEPRINT, starts_at=START + timedelta(minutes=10),
                             ends_at=START + timedelta(minutes=30))
    with pytest.raises(ExamRefused) as unknown:
        exams.login("000000", *PEOPLE[0][:2])
    assert unknown.value.status == 404 and "考试码" in unknown.value.message
    exams.assemble(info.id)
    exams.import_roster(info.id, write_roster(tmp_path / "r.csv", PEOPLE[:2]))
    with pytest.raises(ExamRefused) as closed:
        exams.login(info.code, *PEOPLE[0][:2])
    assert closed.value.status == 403 and "尚未开放" in closed.value.message
    exams.open_exam(info.id)
    with pytest.raises(ExamRefused) as early:
        exams.login(info.code, *PEOPLE[0][:2])
    assert "09:10 开始" in early.value.message
    clock.advance(minutes=20)
    with pytest.raises(ExamRefused) as stranger:
        exams.login(info.code, "999999", "路人")
    assert stranger.value.status == 403 and "999999" in stranger.value.message
    with pytest.raises(ExamRefused) as wrong_name:
        exams.login(info.code, PEOPLE[0][0], "别人")
    assert "姓名不符" in wrong_name.value.message
    with pytest.raises(ExamRefused) as empty:
        exams.login(info.code, "", "")
    assert empty.value.status == 422
    late_start = exams.login(info.code, *PEOPLE[0][:2])
    assert late_start.remaining_s == 10 * 60, "the exam's end caps the sitting"
    actions = {a.action for a in exams.audit(info.id)}
    assert {"login_unknown_code", "login_not_open", "login_early", "login_not_listed", "login_wrong_name",
            "login", "start"} <= actions
    clock.advance(minutes=10)
    with pytest.raises(ExamRefused) as over:
        exams.login(info.code, *PEOPLE[1][:2])
    assert over.value.status == 403 and "已结束" in over.value.message


def test_tampered_requests_are_refused_and_logged(hand_exams: ExamService, tmp_path: Path) -> None:
    exams = hand_exams
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])
    mine, theirs = login(exams, exam_id, PEOPLE[0]), login(exams, exam_id, PEOPLE[1])
    other_qid = exams.paper_for(theirs).questions[0].id
    with pytest.raises(ExamRefused) as foreign:
        exams.save_answer(mine, other_qid, "A")
    assert foreign.value.status == 403
    assert exams.paper_for(theirs).answers == {}
    for forged in ("x" * 43, "", "y" * 500):
        with pytest.raises(ExamRefused) as bad:
            exams.paper_for(forged)
        assert bad.value.status == 401
    exams.submit(theirs)
    exams.close_exam(exam_id)  # submits the rest
    with pytest.raises(ExamRefused) as closed:
        exams.save_answer(mine, exams.paper_for(mine).questions[0].id, "A")
    assert closed.value.status == 409
    exams.release_results(exam_id)
    assert exams.result_for(theirs).released
    log = exams.audit(exam_id)
    assert any(a.action == "foreign_question" and a.officer_id == PEOPLE[0][0] for a in log)
    assert sum(a.action == "bad_token" for a in log) == 2


def test_results_only_after_submission_and_release(hand_exams: ExamService, tmp_path: Path, clock: Clock) -> None:
    exams = hand_exams
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:3])
    done, busy = login(exams, exam_id, PEOPLE[0]), login(exams, exam_id, PEOPLE[1])
    paper = exams.paper_for(done)
    multi = next(q for q in paper.questions if q.type == "multi")
    keys = "".join(o.key for o in multi.options if o.text != "行政拘留以外的强制措施")
    exams.save_answer(done, multi.id, keys)
    exams.submit(done)
    assert exams.result_for(done).released is False
    with pytest.raises(ExamError) as early:
        exams.release_results(exam_id)
    assert "1 名考生正在答题" in str(early.value)
    exams.release_results(exam_id, released=False)
    clock.advance(minutes=1)
    exams.close_exam(exam_id)
    info = exams.release_results(exam_id)
    assert info.results_released and info.status == ExamStatus.CLOSED and info.submitted == 2
    result = exams.result_for(done)
    assert result.released and result.score == 4 and result.total == 20
    shown = next(q for q in result.questions if q.type == "multi")
    assert shown.given == keys and shown.answer == keys and shown.correct and shown.earned == 4 == shown.points
    assert shown.explanation == "第九条。" and shown.source[0].law == "中华人民共和国行政处罚法"
    assert [q.number for q in result.questions] == list(range(1, 6))
    assert exams.result_for(busy).score == 0
    with pytest.raises(ExamRefused):
        exams.login(exams.get_exam(exam_id).code, *PEOPLE[2][:2])  # closed: no new sittings


def test_restart_sees_every_saved_answer(exams: ExamService, bank: QuestionBank, tmp_path: Path,
                                         clock: Clock) -> None:
    exam_id = open_exam(exams, tmp_path, BLUEPRINT)
    token = login(exams, exam_id, PEOPLE[0])
    paper = exams.paper_for(token)
    given = {}
    for q in paper.questions:
        value = {"single": "B", "multi": "AC", "judge": False, "blank": "七日"}[q.type]
        exams.save_answer(token, q.id, value)
        given[q.id] = value
    clock.advance(minutes=3)
    restarted = ExamService(QuestionBank(bank.url), QuizSettings(), clock)
    resumed = restarted.paper_for(token)
    assert resumed.answers == given and resumed.remaining_s == 57 * 60
    restarted.submit(token)
    assert exams.state_for(token).submitted


def test_partial_credit_for_multi_by_setting(hand_bank: QuestionBank, tmp_path: Path, clock: Clock) -> None:
    for partial in (False, True):
        exams = ExamService(hand_bank, QuizSettings(exam_multi_partial_credit=partial), clock)
        exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:1], title=f"部分得分 {partial}")
        token = login(exams, exam_id, PEOPLE[0])
        q = {x.type: x for x in exams.paper_for(token).questions}
        pick = {o.text: o.key for o in q["multi"].options}
        exams.save_answer(token, q["multi"].id, pick["警告"] + pick["罚款"])  # two of three keys, nothing wrong
        exams.save_answer(token, q["blank"].id, "半个月")  # an accepted variant (key point of a blank)
        exams.save_answer(token, q["short"].id, "限制公民人身自由；查封场所、设施或者财物；扣押财物。")
        exams.submit(token)
        line = exams.report(exam_id).examinees[0]
        assert line.score == (round(4 * 2 / 3, 2) if partial else 0) + 3 + 7.5


def test_close_submits_and_report_counts(exams: ExamService, tmp_path: Path) -> None:
    exam_id = open_exam(exams, tmp_path, BLUEPRINT, variants=2)
    tokens = [login(exams, exam_id, p) for p in PEOPLE[:4]]
    for token in tokens[:2]:
        paper = exams.paper_for(token)
        for q in paper.questions[:5]:
            exams.save_answer(token, q.id, "A" if q.type == "single" else "AB" if q.type == "multi" else True
                              if q.type == "judge" else "三日")
    exams.submit(tokens[0])
    exams.close_exam(exam_id)
    report = exams.report(exam_id)
    assert report.submitted == 4 and report.exam.roster == 6
    states = Counter(e.state for e in report.examinees)
    assert states == {"已交卷": 4, "未登录": 2}
    assert {e.variant for e in report.examinees if e.state == "已交卷"} == {"A", "B"}
    assert sum(b.count for b in report.distribution) == 4
    assert {u.unit for u in report.units} == {"一大队", "二大队"} and sum(u.submitted for u in report.units) == 4
    assert len(report.questions) == 26 and all(q.takers == 2 for q in report.questions)
    assert report.weakest_laws and report.weakest_laws[0].score_rate <= report.weakest_laws[-1].score_rate
    assert [a.action for a in exams.audit(exam_id)].count("submit") == 4


def test_a_lost_login_answer_can_be_retried_from_the_same_device(hand_exams: ExamService, tmp_path: Path) -> None:
    exams = hand_exams
    exam_id = open_exam(exams, tmp_path, HAND_BLUEPRINT, people=PEOPLE[:2])
    code = exams.get_exam(exam_id).code
    lost = exams.login(code, *PEOPLE[0][:2], device="phone-uuid-1")  # the phone never got this answer
    exams.save_answer(lost.token, exams.paper_for(lost.token).questions[0].id, "A")
    retry = exams.login(code, *PEOPLE[0][:2], device="phone-uuid-1")
    assert retry.remaining_s == lost.remaining_s and exams.paper_for(retry.token).answers
    with pytest.raises(ExamRefused) as old:
        exams.paper_for(lost.token)
    assert old.value.status == 401, "only the newest token of a device works"
    for other in ("phone-uuid-2", ""):
        with pytest.raises(ExamRefused) as second:
            exams.login(code, *PEOPLE[0][:2], device=other)
        assert second.value.status == 409
    assert any(a.action == "relogin" for a in exams.audit(exam_id))
