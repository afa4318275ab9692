"""``ExamService``: the organiser's actions (blueprint → papers → roster → open/close → results) and the
examinee's (login → paper → answers → submit → result), all state in the question bank's database.

The server owns the clock (``clock``, injectable): a sitting ends at ``started + duration`` (or the exam's
end, if sooner); any access after that submits it, and ``sweep()`` (called every few seconds by the web
server) submits the rest. Saving an answer is one short write transaction that starts with a conditional
UPDATE of the sitting (not submitted, time not up): under SQLite's WAL this takes the write
lock at once (no lock upgrade that could fail), and on PostgreSQL it locks the sitting's row, so an answer
can never slip in after its sitting was submitted and graded.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import random
import re
import secrets
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, cast

from sqlalchemy import (
    Executable,
    Integer,
    Table,
    Update,
    and_,
    bindparam,
    case,
    create_engine,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ingest.settings import FileLimits
from kb.citations import citation_label
from quiz.bank.store import QuestionBank, QuestionFilter
from quiz.db import as_utc, create_tables, rowcount, utcnow
from quiz.exam.blueprint import (
    Blueprint,
    BlueprintItem,
    allocate,
    parse_blueprint,
    variant_names,
)
from quiz.exam.document import KIND_NAMES, PaperEntry, PaperKind, blocks, paper_kind
from quiz.exam.exports import find_cjk_font, results_xlsx, to_docx, to_pdf
from quiz.exam.layout import BadAnswer, Slot, make_layout
from quiz.exam.models import (
    AuditAction,
    AuditEntry,
    BlueprintShortfall,
    ExamError,
    ExamineePaper,
    ExamineeResult,
    ExamInfo,
    ExamRefused,
    ExamStatus,
    LoginResult,
    PaperAnswer,
    PaperInfo,
    PaperOption,
    PaperQuestion,
    ResultQuestion,
    RosterError,
    RosterReport,
    SaveResult,
    Shortfall,
    SittingState,
    SourceRef,
    SubmitResult,
)
from quiz.exam.papers import AssembledPaper, PaperCache
from quiz.exam.report import ExamReport, Mark, PaperItem, Taker, build_report
from quiz.exam.roster import read_roster
from quiz.exam.scoring import blank_keys, score
from quiz.exam.tables import (
    AnswerRow,
    AuditRow,
    ExamQuestionRow,
    ExamRow,
    RosterRow,
    SittingRow,
    TokenRow,
)
from quiz.models import LETTERS, QUESTION_TYPE_NAMES, Question, ReviewStatus, question_type
from quiz.people.models import Scope
from quiz.settings import QuizSettings
from quiz.text import normalize_id, normalize_name

log = logging.getLogger(__name__)

CHINA_TZ = timezone(timedelta(hours=8))
MAX_TOKEN_CHARS = 200
SEAT_CACHE_SIZE = 10_000
"""Sittings remembered per process for saving (a city's whole exam: with several workers every examinee's
connection may reach each of them; about 10 KB each for 30 questions); past that the longest remembered
is forgotten first."""
Format = Literal["docx", "pdf"]

# examinee-facing messages
NO_TOKEN = "请先登录考试。"
BAD_TOKEN = "登录已失效，请重新登录。"
REVOKED = "您的登录已被监考老师解除（可能已在其他设备重新登录），请重新登录。"
SUBMITTED = "试卷已提交，不能再修改答案。"
TIME_UP = "考试时间已到，试卷已自动提交，本次答案未保存。"
NOT_YOURS = "这道题不在您的试卷中，请求被拒绝。"
SWEEP_LOCK_KEY = 0x7866_0E01
"""The PostgreSQL advisory lock the exam timer sweep holds (one process sweeps at a time)."""
SECOND_LOGIN = "您已在另一台设备上登录本场考试，不能重复登录。如需换用本设备，请联系监考老师解锁。"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def remaining(ends_at: datetime, now: datetime) -> int:
    return max(0, math.ceil((as_utc(ends_at) - now).total_seconds()))


def china_time(value: datetime) -> str:
    return as_utc(value).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Seat:
    """A sitting as a token finds it (a light read on the hot path: no ORM objects)."""

    id: int
    exam_id: int
    officer_id: str
    variant: str
    layout: list[Any]
    ends_at: datetime
    submitted_at: datetime | None
    score: float | None
    title: str
    released: bool


@dataclass(frozen=True)
class OpenSeat:
    """What saving an answer needs of a sitting, none of which changes while it runs: remembered per token
    so a save is one write transaction (whether it may still save is checked in that transaction)."""

    token_hash: str
    id: int
    exam_id: int
    officer_id: str
    ends_at: datetime
    slots: dict[str, Slot]


@dataclass(frozen=True)
class PlannedSave:
    """One save whose sitting is known: the parameters of ``SAVE_IN_ONE_STATEMENT`` and what the reply needs."""

    seat: OpenSeat
    eq: int
    value: PaperAnswer
    now: datetime

    def parameters(self) -> dict[str, Any]:
        return {"sitting": self.seat.id, "token_hash": self.seat.token_hash, "eq": self.eq, "given": self.value,
                "now": self.now}


def _paper_value(slot: Slot, given: Any) -> PaperAnswer:
    try:
        return slot.to_paper(given)
    except BadAnswer as e:
        raise ExamRefused(str(e), 422) from e


class ExamService:
    def __init__(self, bank: QuestionBank, settings: QuizSettings,
                 clock: Callable[[], datetime] = utcnow, limits: FileLimits | None = None) -> None:
        self.bank = bank
        self.settings = settings
        self.limits = limits or FileLimits()
        """The limits on incoming files (ingest.limits), for the roster import."""
        self.clock = clock
        create_tables(bank.engine)
        self._upsert = _upsert_for(bank.engine.dialect.name)
        self._seats: dict[str, OpenSeat] = {}
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if bank.engine.dialect.name == "sqlite" else nullcontext())
        self._one_trip: Engine | None = None
        """PostgreSQL: the saves' own pool (``_save_engine``)."""
        self._papers = PaperCache()
        self._partial: dict[int, bool] = {}
        self._unpinged: Engine | None = None
        """PostgreSQL: the pool of this service's sessions, without the bank's ping at every checkout
        (``_sessions``)."""
        self._writes: Callable[[], Session] = bank.session
        """Sessions for write transactions (``_write``); PostgreSQL: on the unpinged pool."""
        self._sessions = self._session_maker()

    @property
    def sweep_interval_s(self) -> float:
        return self.settings.exam_sweep_interval_s

    def _now(self) -> datetime:
        return as_utc(self.clock())

    def _session(self) -> Session:
        """A session for reading. On PostgreSQL in autocommit: each statement is its own transaction, as it
        would see its own snapshot in the default READ COMMITTED anyway, without the BEGIN and the ROLLBACK
        around it (two round trips of every read of a login, paper or submit)."""
        return self._sessions()

    def _session_maker(self) -> Callable[[], Session]:
        """PostgreSQL: sessions on a pool of their own that does not ping a connection at each checkout (a
        round trip before every transaction of a login, paper or submit). A connection broken meanwhile (the
        database restarted) fails the one request that meets it, and SQLAlchemy then drops the pool's
        connections, as the saves' pool does. SQLite: the bank's sessions."""
        if self.bank.engine.dialect.name != "postgresql":
            return self.bank.session
        self._unpinged = create_engine(self.bank.engine.url, pool_size=5, max_overflow=10)
        self._writes = sessionmaker(self._unpinged, expire_on_commit=False)
        return sessionmaker(self._save_engine(), expire_on_commit=False)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """A write transaction. On SQLite the process's writers queue on a lock first: SQLite's own busy
        handler polls with growing sleeps (up to 100 ms) while the lock is taken, a lock wakes the next
        writer at once."""
        with self._write_lock, self._writes() as s, s.begin():
            yield s

    # organiser: exams and papers ------------------------------------------------------------------------
    def create_exam(self, title: str, blueprint: Blueprint | str | Mapping[str, Any],
                    starts_at: datetime | None = None, ends_at: datetime | None = None, unit: str = "") -> ExamInfo:
        """A draft exam owned by ``unit`` (``""``: the city's)."""
        title = title.strip()
        unit = normalize_name(unit)  # as quiz.people stores a unit's name
        if len(unit) > 200:
            raise ExamError("单位名称过长（最多 200 字）。")
        if not title:
            raise ExamError("请填写考试名称。")
        if len(title) > 200:
            raise ExamError("考试名称过长（最多 200 字）。")
        bp = blueprint if isinstance(blueprint, Blueprint) else parse_blueprint(blueprint)
        starts = as_utc(starts_at) if starts_at else None
        ends = as_utc(ends_at) if ends_at else None
        if starts and ends and ends <= starts:
            raise ExamError("考试结束时间应晚于开始时间。")
        with self._write() as s:
            taken = set(s.scalars(select(ExamRow.code)))
            code = _new_code(taken)
            row = ExamRow(code=code, title=title, status=ExamStatus.DRAFT.value, blueprint=bp.to_json(),
                          duration_min=bp.duration_min, starts_at=starts, ends_at=ends, variants=0,
                          secret=secrets.token_hex(16), results_released=False, created_at=self._now(), unit=unit)
            s.add(row)
            s.flush()
            owner = f"（{unit}）" if unit else ""
            _audit(s, self._now(), row.id, "", AuditAction.CREATE, f"创建考试“{title}”{owner}，考试码 {code}")
            exam_id = row.id
        return self.get_exam(exam_id)

    def list_exams(self, scope: Scope | None = None) -> list[ExamInfo]:
        """The exams, newest first; ``scope``: only those owned by a unit it covers (None: all)."""
        stmt = select(ExamRow).order_by(ExamRow.id.desc())
        if scope is not None and scope.units is not None:
            stmt = stmt.where(ExamRow.unit.in_(sorted(scope.units)))
        with self._session() as s:
            return [self._info(s, r) for r in s.scalars(stmt).all()]

    def owner(self, exam_id: int) -> str:
        """The unit that owns the exam (``""``: the city); ExamError if there is no such exam."""
        with self._session() as s:
            return self._exam(s, exam_id).unit or ""

    def get_exam(self, exam_id: int) -> ExamInfo:
        with self._session() as s:
            return self._info(s, self._exam(s, exam_id))

    def blueprint(self, exam_id: int) -> Blueprint:
        with self._session() as s:
            return parse_blueprint(self._exam(s, exam_id).blueprint)

    def check_blueprint(self, blueprint: Blueprint | str | Mapping[str, Any], variants: int = 1) -> list[Shortfall]:
        bp = blueprint if isinstance(blueprint, Blueprint) else parse_blueprint(blueprint)
        variant_names(variants)
        return list(allocate(bp.items, self._pools(bp), variants).shortfalls)

    def assemble(self, exam_id: int, variants: int = 1, seed: int | None = None) -> list[PaperInfo]:
        """Papers A (and B …) from the bank; parallel papers share no question. Raises BlueprintShortfall."""
        names = variant_names(variants)
        with self._session() as s:
            exam = self._exam(s, exam_id)
            bp = parse_blueprint(exam.blueprint)
            self._check_not_started(s, exam, "重新组卷")
        allocation = allocate(bp.items, self._pools(bp), variants, random.Random(seed))
        if allocation.shortfalls:
            self.log_audit(exam_id, "", AuditAction.ASSEMBLE_REFUSED, "组卷失败：" + "；".join(
                x.message for x in allocation.shortfalls))
            raise BlueprintShortfall(list(allocation.shortfalls))
        papers: list[PaperInfo] = []
        with self._write() as s:
            exam = self._exam(s, exam_id)
            self._check_not_started(s, exam, "重新组卷")
            s.execute(delete(ExamQuestionRow).where(ExamQuestionRow.exam_id == exam_id))
            for v, name in enumerate(names):
                ids: list[int] = []
                total = 0.0
                for position, (item, q) in enumerate(allocation.paper(bp.items, v, variants), start=1):
                    points = bp.points_for(item.type)
                    s.add(ExamQuestionRow(exam_id=exam_id, variant=name, position=position, question_id=q.id,
                                          type=q.type, law=q.law, points=points, snapshot=q.to_json()))
                    ids.append(q.id or 0)
                    total += points
                papers.append(PaperInfo(name, len(ids), total, tuple(ids)))
            exam.variants = variants
            exam.status = ExamStatus.READY.value
            _audit(s, self._now(), exam_id, "", AuditAction.ASSEMBLE,
                   f"组卷 {'、'.join(names)} 卷，每卷 {papers[0].question_count} 题，满分 {papers[0].total_points:g} 分")
        self._papers.forget(exam_id)
        return papers

    def paper_questions(self, exam_id: int, variant: str = "A") -> list[PaperEntry]:
        """A paper in its printed order, as assembled (snapshots)."""
        with self._session() as s:
            self._exam(s, exam_id)
            rows = s.scalars(select(ExamQuestionRow).where(ExamQuestionRow.exam_id == exam_id,
                                                           ExamQuestionRow.variant == variant)
                             .order_by(ExamQuestionRow.position)).all()
            return [PaperEntry(r.position, r.question, r.points) for r in rows]

    def import_roster(self, exam_id: int, path: Path) -> RosterReport:
        """Replace the exam's roster with the file's (XLSX/CSV). Raises RosterError naming the bad rows, or the
        limit on incoming files (``self.limits``) the file is over."""
        try:
            entries, id_header = read_roster(path, self.limits)
        except RosterError as e:
            self.log_audit(exam_id, "", AuditAction.ROSTER_REFUSED, str(e))
            raise
        with self._session() as s:
            self._exam(s, exam_id)
            started = set(s.scalars(select(SittingRow.officer_id).where(SittingRow.exam_id == exam_id)))
        missing = started - {e.officer_id for e in entries}
        if missing:
            message = f"新名单缺少已经开始答题的考生：{'、'.join(sorted(missing)[:20])}。请把他们保留在名单中。"
            self.log_audit(exam_id, "", AuditAction.ROSTER_REFUSED, message)
            raise RosterError(path.name, message=message)
        with self._write() as s:
            old = s.scalar(select(func.count()).select_from(RosterRow).where(RosterRow.exam_id == exam_id)) or 0
            s.execute(delete(RosterRow).where(RosterRow.exam_id == exam_id))
            s.add_all(RosterRow(exam_id=exam_id, officer_id=e.officer_id, name=e.name, unit=e.unit, position=i)
                      for i, e in enumerate(entries))
            _audit(s, self._now(), exam_id, "", AuditAction.ROSTER, f"导入名单 {path.name}：{len(entries)} 人")
        return RosterReport(path.name, len(entries), id_header, len({e.unit for e in entries if e.unit}), int(old))

    def roster(self, exam_id: int) -> list[tuple[str, str, str]]:
        """(officer id, name, unit) in file order."""
        with self._session() as s:
            return [(r.officer_id, r.name, r.unit) for r in s.scalars(
                select(RosterRow).where(RosterRow.exam_id == exam_id).order_by(RosterRow.position))]

    def open_exam(self, exam_id: int) -> ExamInfo:
        with self._write() as s:
            exam = self._exam(s, exam_id)
            if not exam.variants:
                raise ExamError("请先组卷，再开放考试。")
            if not s.scalar(select(func.count()).select_from(RosterRow).where(RosterRow.exam_id == exam_id)):
                raise ExamError("请先导入考生名单，再开放考试。")
            exam.status = ExamStatus.OPEN.value
            _audit(s, self._now(), exam_id, "", AuditAction.OPEN, "开放考试")
        return self.get_exam(exam_id)

    def close_exam(self, exam_id: int) -> ExamInfo:
        """No more logins; every sitting still running is submitted and graded."""
        with self._write() as s:
            exam = self._exam(s, exam_id)
            exam.status = ExamStatus.CLOSED.value
            _audit(s, self._now(), exam_id, "", AuditAction.CLOSE, "结束考试")
            active = s.scalars(select(SittingRow.id).where(SittingRow.exam_id == exam_id,
                                                           SittingRow.submitted_at.is_(None))).all()
        done = sum(self._submit_sitting(sid, "organiser") for sid in active)
        if done:
            self.log_audit(exam_id, "", AuditAction.CLOSE, f"结束考试时为 {done} 名考生交卷")
        return self.get_exam(exam_id)

    def unlock_examinee(self, exam_id: int, officer_id: str) -> None:
        """Release an examinee's device: their old token stops working and they may log in again (their
        answers and remaining time are kept)."""
        oid = normalize_id(officer_id)
        with self._write() as s:
            self._exam(s, exam_id)
            sitting = s.scalar(select(SittingRow).where(SittingRow.exam_id == exam_id, SittingRow.officer_id == oid))
            if sitting is None:
                raise ExamError(f"考生 {oid} 还没有登录过本场考试，无需解锁。")
            s.execute(update(TokenRow).where(TokenRow.sitting_id == sitting.id).values(revoked=True))
            _audit(s, self._now(), exam_id, oid, AuditAction.UNLOCK, f"解锁考生 {oid}（{sitting.name}），可在新设备登录")

    def release_results(self, exam_id: int, released: bool = True) -> ExamInfo:
        with self._write() as s:
            exam = self._exam(s, exam_id)
            if released:
                active = s.scalar(select(func.count()).select_from(SittingRow).where(
                    SittingRow.exam_id == exam_id, SittingRow.submitted_at.is_(None))) or 0
                if active:
                    raise ExamError(f"还有 {active} 名考生正在答题，请待其交卷或结束考试后再公布成绩。")
            exam.results_released = released
            _audit(s, self._now(), exam_id, "", AuditAction.RELEASE if released else AuditAction.UNRELEASE,
                   "公布成绩" if released else "撤回成绩公布")
        return self.get_exam(exam_id)

    def report(self, exam_id: int) -> ExamReport:
        with self._session() as s:
            exam = self._exam(s, exam_id)
            info = self._info(s, exam)
            roster = s.scalars(select(RosterRow).where(RosterRow.exam_id == exam_id).order_by(RosterRow.position))
            sittings = {r.officer_id: r for r in s.scalars(select(SittingRow).where(SittingRow.exam_id == exam_id))}
            takers = []
            listed = set()
            for r in roster:
                listed.add(r.officer_id)
                st = sittings.get(r.officer_id)
                takers.append(_taker(r.officer_id, r.name, r.unit, st))
            takers.extend(_taker(st.officer_id, st.name, st.unit, st) for oid, st in sittings.items()
                          if oid not in listed)
            paper = [
                PaperItem(q.id, q.variant, q.position, q.question_id, q.type, QUESTION_TYPE_NAMES.get(q.type, q.type),
                          q.law, q.question.stem, q.points)
                for q in s.scalars(select(ExamQuestionRow).where(ExamQuestionRow.exam_id == exam_id)
                                   .order_by(ExamQuestionRow.variant, ExamQuestionRow.position))
            ]
            by_sitting = {st.id: st.officer_id for st in sittings.values()}
            marks = [
                Mark(by_sitting[a.sitting_id], a.exam_question_id, a.earned or 0.0, bool(a.correct))
                for a in s.scalars(select(AnswerRow).join(SittingRow, SittingRow.id == AnswerRow.sitting_id)
                                   .where(SittingRow.exam_id == exam_id, SittingRow.submitted_at.is_not(None)))
            ]
        return build_report(info, takers, paper, marks, self.settings.exam_pass_share)

    def export_paper(self, exam_id: int, variant: str = "A", fmt: Format = "docx", with_key: bool = False,
                     with_explanations: bool = False) -> bytes:
        """The paper (or with_key: its answer key; with_explanations: answers, 解析 and sources)."""
        if fmt not in ("docx", "pdf"):
            raise ExamError(f"不支持的导出格式 {fmt!r}（可用 docx、pdf）。")
        info = self.get_exam(exam_id)
        if variant not in info.variants:
            raise ExamError("尚未组卷。" if not info.variants else f"没有 {variant} 卷（本场考试有 {'、'.join(info.variants)} 卷）。")
        content = blocks(info.title, variant, len(info.variants), info.duration_min,
                         self.paper_questions(exam_id, variant), paper_kind(with_key, with_explanations))
        if fmt == "docx":
            return to_docx(content)
        return to_pdf(content, find_cjk_font(self.settings.exam_pdf_font), info.title)

    def export_results(self, exam_id: int) -> bytes:
        return results_xlsx(self.report(exam_id))

    def export_file(self, exam_id: int, folder: Path, kind: PaperKind | None, fmt: Format = "docx",
                    variant: str = "A") -> Path:
        """Write an export into ``folder`` under the name the organiser reads: the paper, its key or its 解析
        (``kind``) as DOCX/PDF, ``<title>[-<variant>卷]-<试卷|参考答案|答案与解析>.<fmt>`` (the variant only when
        there are two), or with ``kind`` None the results, ``<title>-成绩.xlsx``."""
        info = self.get_exam(exam_id)
        if kind is None:
            data, name = self.export_results(exam_id), f"{info.title}-成绩.xlsx"
        else:
            data = self.export_paper(exam_id, variant, fmt, kind != PaperKind.PAPER, kind == PaperKind.EXPLAINED)
            paper = f"-{variant}卷" if len(info.variants) > 1 else ""
            name = f"{info.title}{paper}-{KIND_NAMES[kind]}.{fmt}"
        path = folder / re.sub(r'[\\/:*?"<>|\s]+', "_", name)
        path.write_bytes(data)
        return path

    def audit(self, exam_id: int | None = None, limit: int = 200, unbound: bool = True) -> list[AuditEntry]:
        """Newest first: the exam's entries and, with ``unbound``, those tied to no exam (unknown codes, forged
        tokens: they may name anyone, so only the city's view should show them)."""
        stmt = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if exam_id is not None:
            stmt = stmt.where(or_(AuditRow.exam_id == exam_id, AuditRow.exam_id.is_(None)) if unbound
                              else AuditRow.exam_id == exam_id)
        with self._session() as s:
            return [AuditEntry(r.id, as_utc(r.at), r.exam_id, r.officer_id, r.action, r.message, r.client)
                    for r in s.scalars(stmt)]

    def log_audit(self, exam_id: int | None, officer_id: str, action: AuditAction, message: str, client: str = ""
                  ) -> None:
        with self._write() as s:
            _audit(s, self._now(), exam_id, officer_id, action, message, client)

    # examinee -------------------------------------------------------------------------------------------
    def login(self, code: str, officer_id: str, name: str, client: str = "", device: str = "") -> LoginResult:
        """``device``: a random id the page keeps (localStorage). A second login while the sitting runs is
        refused unless it comes from the device that holds it (a login whose answer was lost on the way):
        that device gets a new token and its old one stops working."""
        now = self._now()
        device = device.strip()[:100]
        code = unicodedata.normalize("NFKC", code or "").strip()
        oid, who = normalize_id(officer_id or "")[:64], normalize_name(name or "")[:100]
        client = client[:300]
        if not code or not oid or not who:
            raise ExamRefused("请填写考试码、警号（编号）和姓名。", 422)
        with self._session() as s:
            found = s.execute(LOGIN_LOOKUP, {"code": code, "oid": oid}).first()
            if found is None:
                raise self._refuse(f"考试码 {code[:12]} 不存在，请核对后重新输入。", 404, None, oid, AuditAction.LOGIN_UNKNOWN_CODE,
                                   client)
            exam, entry, sitting = found.tuple()
            exam_id, title = exam.id, exam.title
            holders = set(s.scalars(select(TokenRow.device).where(
                TokenRow.sitting_id == sitting.id, TokenRow.revoked.is_(False)))) if sitting else set()
            status, starts, ends, variants = exam.status, exam.starts_at, exam.ends_at, exam.variants
            secret, duration = exam.secret, exam.duration_min
        if entry is None:
            raise self._refuse(f"考生名单中没有警号（编号）{oid}，请核对后重新输入，或联系监考老师。", 403, exam_id, oid,
                               AuditAction.LOGIN_NOT_LISTED, client)
        if normalize_name(entry.name) != who:
            raise self._refuse("警号（编号）与姓名不符，请核对后重新输入。", 403, exam_id, oid, AuditAction.LOGIN_WRONG_NAME, client)
        if sitting is None:
            if status != ExamStatus.OPEN.value:
                message = "考试已结束。" if status == ExamStatus.CLOSED.value else "考试尚未开放，请等待监考老师开考。"
                raise self._refuse(message, 403, exam_id, oid, AuditAction.LOGIN_NOT_OPEN, client)
            if starts is not None and now < as_utc(starts):
                raise self._refuse(f"考试将于 {china_time(starts)} 开始，请届时登录。", 403, exam_id, oid,
                                   AuditAction.LOGIN_EARLY, client)
            if ends is not None and now >= as_utc(ends):
                raise self._refuse("考试已结束。", 403, exam_id, oid, AuditAction.LOGIN_LATE, client)
            new_sitting = self._new_sitting(exam_id, secret, duration, entry, variants, now, ends)
        else:
            new_sitting = None
            if sitting.submitted_at is None and now >= as_utc(sitting.ends_at):
                self._submit_sitting(sitting.id, "timer")
            elif sitting.submitted_at is None and holders and not (device and holders == {device}):
                raise self._refuse(SECOND_LOGIN, 409, exam_id, oid, AuditAction.SECOND_LOGIN, client)
        token = secrets.token_urlsafe(32)
        try:
            with self._write() as s:
                return self._issue_token(s, token, new_sitting, sitting.id if sitting else 0, device, client, now,
                                         title, code)
        except IntegrityError as e:  # the same examinee logged in twice at the same moment
            if new_sitting is None:
                raise
            raise self._refuse(SECOND_LOGIN, 409, exam_id, oid, AuditAction.SECOND_LOGIN, client) from e
        except Exception:
            if new_sitting is not None:  # the exam may have no sitting: its paper may still be assembled again
                self._papers.forget(exam_id)
            raise

    def _issue_token(self, s: Session, token: str, new_sitting: SittingRow | None, sitting_id: int, device: str,
                     client: str, now: datetime, title: str, code: str) -> LoginResult:
        """In the login's write transaction: start the new sitting (if any), issue the token, audit. Written with
        Core statements (a login is an exam's busiest write after the saves; the ORM's flush cost more than
        the statements)."""
        conn = s.connection()  # Core statements on the tables, not the ORM's bulk paths
        audits: list[dict[str, Any]] = []
        if new_sitting is not None:
            row = new_sitting
            row.id = conn.execute(INSERT_SITTING, _sitting_values(row)).scalar_one()
            audits.append(_audit_values(now, row.exam_id, row.officer_id, AuditAction.START,
                                        f"开始答题（{row.variant} 卷），{china_time(row.ends_at)} 结束", client))
        else:
            found = s.get(SittingRow, sitting_id)
            assert found is not None
            row = found
        sitting_id, exam_id, oid = row.id, row.exam_id, row.officer_id
        if device and row.submitted_at is None and new_sitting is None:
            replaced = rowcount(s.execute(update(TokenRow).where(
                TokenRow.sitting_id == sitting_id, TokenRow.device == device, TokenRow.revoked.is_(False)
            ).values(revoked=True)))
            if replaced:
                audits.append(_audit_values(now, exam_id, oid, AuditAction.RELOGIN, "同一设备重新登录（原令牌作废）", client))
        conn.execute(INSERT_TOKEN, {"token_hash": hash_token(token), "sitting_id": sitting_id, "issued_at": now,
                                    "client": client, "device": device, "revoked": False})
        audits.append(_audit_values(now, exam_id, oid, AuditAction.LOGIN,
                                    "登录" + ("（已交卷，查看成绩）" if row.submitted_at else ""), client))
        conn.execute(INSERT_AUDIT, audits)
        done = row.submitted_at is not None
        return LoginResult(token, row.name, row.unit, title, as_utc(row.ends_at),
                           0 if done else remaining(row.ends_at, now), done, code, oid)

    def _new_sitting(self, exam_id: int, secret: str, duration_min: int, entry: RosterRow, variants: int,
                     now: datetime, exam_ends: datetime | None) -> SittingRow:
        """The sitting a first login starts (not yet added): its variant, its shuffled layout, its end."""
        variant = "ABCDEF"[entry.position % max(1, variants)]
        paper = [(q.id, q.type, dict(q.question.options)) for q in self._paper(exam_id, variant).items]
        slots = make_layout(secret, entry.officer_id, paper)
        ends = now + timedelta(minutes=duration_min)
        if exam_ends is not None:
            ends = min(ends, as_utc(exam_ends))
        return SittingRow(exam_id=exam_id, officer_id=entry.officer_id, name=entry.name, unit=entry.unit,
                          variant=variant, layout=[x.to_json() for x in slots], started_at=now, ends_at=ends,
                          last_seen_at=now)

    def _paper(self, exam_id: int, variant: str, needs: Collection[int] = ()) -> AssembledPaper:
        """The assembled paper, parsed once per process (``PaperCache``)."""
        with self._session() as s:
            return self._papers.get(s, exam_id, variant, needs)

    def paper_for(self, token: str) -> ExamineePaper:
        seat = self._by_token(token)
        now = self._now()
        submitted = seat.submitted_at is not None
        if not submitted and now >= seat.ends_at:
            self._submit_sitting(seat.id, "timer")
            submitted = True
        slots = [Slot.from_json(x) for x in seat.layout]
        with self._session() as s:
            questions = self._papers.get(s, seat.exam_id, seat.variant, [x.eq for x in slots]).by_id()
            given: dict[int, PaperAnswer] = dict(s.execute(select(AnswerRow.exam_question_id, AnswerRow.given)
                                                           .where(AnswerRow.sitting_id == seat.id)).tuples().all())
        out = []
        answers: dict[str, PaperAnswer] = {}
        for number, slot in enumerate(slots, start=1):
            q = questions[slot.eq]
            question = q.question
            out.append(PaperQuestion(
                slot.id, number, question_type(q.type), QUESTION_TYPE_NAMES.get(q.type, q.type), question.stem,
                tuple(PaperOption(LETTERS[i], question.options[k]) for i, k in enumerate(slot.options)), q.points))
            if given.get(slot.eq) is not None:
                answers[slot.id] = slot.to_display(given[slot.eq])
        return ExamineePaper(seat.title, 0 if submitted else remaining(seat.ends_at, now), submitted,
                             sum(q.points for q in out), tuple(out), answers)

    def save_answer(self, token: str, qid: str, given: Any) -> SaveResult:
        now = self._now()
        seat = self._seats.get(hash_token(token)) if token and len(token) <= MAX_TOKEN_CHARS else None
        if seat is None:
            seat = self._seat_for_saving(token, now)
        slot = seat.slots.get(qid)
        if slot is None:
            raise self._refuse(NOT_YOURS, 403, seat.exam_id, seat.officer_id, AuditAction.FOREIGN_QUESTION,
                               f"题目编号 {str(qid)[:40]!r}")
        planned = PlannedSave(seat, slot.eq, _paper_value(slot, given), now)
        if self.bank.engine.dialect.name == "postgresql":
            with self._save_engine().connect() as conn:
                claimed = conn.execute(SAVE_IN_ONE_STATEMENT, planned.parameters()).first() is not None
        else:
            with self._write_lock, self.bank.engine.begin() as conn:
                claimed = conn.execute(_claim(seat, now)).rowcount > 0
                if claimed:
                    conn.execute(self._upsert(seat.id, slot.eq, planned.value, now))
        return self.settle_save(planned, token, claimed)

    def plan_remembered_save(self, token: str, qid: str, given: Any) -> PlannedSave | None:
        """The save of an answer to a sitting this process remembers, without touching the database (the
        caller runs ``SAVE_IN_ONE_STATEMENT`` with its parameters, then ``settle_save``); None when the token
        is not remembered or the question is not in its paper (``save_answer`` then reads, refuses and
        audits). An answer of the wrong shape is refused here (422)."""
        seat = self._seats.get(hash_token(token)) if token and len(token) <= MAX_TOKEN_CHARS else None
        slot = seat.slots.get(qid) if seat is not None else None
        if seat is None or slot is None:
            return None
        return PlannedSave(seat, slot.eq, _paper_value(slot, given), self._now())

    def settle_save(self, planned: PlannedSave, token: str, claimed: bool) -> SaveResult:
        """The reply to a save once its statement ran: saved, or (nothing was claimed: submitted, timed out or
        unlocked since) the refusal that says which — that reads the database."""
        if not claimed:
            self._seats.pop(planned.seat.token_hash, None)
            self._seat_for_saving(token, planned.now)
            raise ExamRefused("答案未能保存，请重试。", 409)
        return SaveResult(True, remaining(planned.seat.ends_at, planned.now))

    def close(self) -> None:
        """Dispose of this service's own pools (PostgreSQL: the saves', the sessions'); the bank's engine is its
        opener's to close."""
        if self._one_trip is not None:
            self._one_trip.dispose()
            self._one_trip = None
        if self._unpinged is not None:
            self._unpinged.dispose()

    def _save_engine(self) -> Engine:
        """PostgreSQL: a pool for the saves alone, in autocommit, without a ping at checkout and without a
        rollback at return, so a save is one round trip (a connection broken meanwhile fails that one save,
        which the page retries; the pool then drops it)."""
        if self._one_trip is None:
            self._one_trip = create_engine(self.bank.engine.url, isolation_level="AUTOCOMMIT",
                                           pool_reset_on_return=None, pool_size=10, max_overflow=20)
        return self._one_trip

    def _seat_for_saving(self, token: str, now: datetime) -> OpenSeat:
        """The token's sitting if answers may still be saved (remembered for the next saves), else the
        refusal: 401 unknown or unlocked token, 409 submitted, 410 time over (the sitting gets submitted)."""
        seat = self._by_token(token)
        if seat.submitted_at is not None:
            raise self._refuse(SUBMITTED, 409, seat.exam_id, seat.officer_id, AuditAction.SAVE_AFTER_SUBMIT)
        if now >= seat.ends_at:
            self._submit_sitting(seat.id, "timer")
            raise self._refuse(TIME_UP, 410, seat.exam_id, seat.officer_id, AuditAction.SAVE_AFTER_TIME)
        slots = {x["id"]: Slot.from_json(x) for x in seat.layout}
        found = OpenSeat(hash_token(token), seat.id, seat.exam_id, seat.officer_id, seat.ends_at, slots)
        while len(self._seats) >= SEAT_CACHE_SIZE:
            with contextlib.suppress(StopIteration, KeyError, RuntimeError):  # another thread took it first
                self._seats.pop(next(iter(self._seats)))
        self._seats[found.token_hash] = found
        return found

    def submit(self, token: str) -> SubmitResult:
        seat = self._by_token(token)
        if seat.submitted_at is not None:
            return SubmitResult(True, already=True)
        by = "timer" if self._now() >= seat.ends_at else "examinee"
        return SubmitResult(True, already=not self._submit_sitting(seat.id, by))

    def state_for(self, token: str) -> SittingState:
        seat = self._by_token(token)
        now = self._now()
        if seat.submitted_at is None and now >= seat.ends_at:
            self._submit_sitting(seat.id, "timer")
            return SittingState(0, True)
        submitted = seat.submitted_at is not None
        return SittingState(0 if submitted else remaining(seat.ends_at, now), submitted)

    def result_for(self, token: str) -> ExamineeResult:
        seat = self._by_token(token)
        if seat.submitted_at is None:
            if self._now() >= seat.ends_at:
                self._submit_sitting(seat.id, "timer")
                seat = self._by_token(token)
            elif seat.released:
                raise self._refuse("交卷后才能查看成绩和答案。", 403, seat.exam_id, seat.officer_id, AuditAction.KEY_BEFORE_SUBMIT)
            else:
                return ExamineeResult(released=False)
        if not seat.released:
            return ExamineeResult(released=False)
        slots = [Slot.from_json(x) for x in seat.layout]
        with self._session() as s:
            questions = self._papers.get(s, seat.exam_id, seat.variant, [x.eq for x in slots]).by_id()
            answers = {a.exam_question_id: a for a in s.scalars(
                select(AnswerRow).where(AnswerRow.sitting_id == seat.id))}
        out = []
        for number, slot in enumerate(slots, start=1):
            q = questions[slot.eq]
            question = q.question
            a = answers.get(slot.eq)
            key = question.answer
            shown_key = slot.to_display(key) if isinstance(key, str) and q.type in ("single", "multi") else key
            if q.type == "blank":
                shown_key = " 或 ".join(dict.fromkeys(blank_keys(question)))
            out.append(ResultQuestion(
                number, question_type(q.type), QUESTION_TYPE_NAMES.get(q.type, q.type), question.stem,
                tuple(PaperOption(LETTERS[i], question.options[k]) for i, k in enumerate(slot.options)),
                slot.to_display(a.given) if a is not None else None, shown_key,
                bool(a and a.correct), q.points, (a.earned or 0.0) if a else 0.0, question.explanation,
                tuple(SourceRef(c.law, citation_label(c)) for c in question.sources),
            ))
        return ExamineeResult(True, seat.score or 0.0, sum(q.points for q in questions.values()), tuple(out))

    def sweep(self) -> int:
        """Submit every sitting whose time is up; returns how many. Each submission claims its sitting (a
        second sweep finds nothing left to claim); on PostgreSQL one process sweeps at a time (an advisory
        lock: the others skip this round)."""
        if self._unpinged is None:
            return self._sweep_due()
        with self._unpinged.connect() as conn:  # the lock is held until this transaction ends
            due = conn.scalars(_due_if_locked(self._now())).all()
            done = sum(self._submit_sitting(sid, "timer") for sid in due)
            conn.commit()
            return done

    def _sweep_due(self) -> int:
        now = self._now()
        with self._session() as s:
            due = s.scalars(select(SittingRow.id).where(SittingRow.submitted_at.is_(None),
                                                        SittingRow.ends_at <= now)).all()
        return sum(self._submit_sitting(sid, "timer") for sid in due)

    # internals ------------------------------------------------------------------------------------------
    def _exam(self, s: Session, exam_id: int) -> ExamRow:
        row = s.get(ExamRow, exam_id)
        if row is None:
            raise ExamError(f"没有编号为 {exam_id} 的考试。")
        return row

    def _check_not_started(self, s: Session, exam: ExamRow, what: str) -> None:
        started = s.scalar(select(func.count()).select_from(SittingRow).where(SittingRow.exam_id == exam.id)) or 0
        if started:
            raise ExamError(f"已有 {started} 名考生开始答题，不能{what}。")

    def _info(self, s: Session, row: ExamRow) -> ExamInfo:
        names = tuple("ABCDEF"[: row.variants])
        count, total = s.execute(
            select(func.count(), func.coalesce(func.sum(ExamQuestionRow.points), 0.0))
            .where(ExamQuestionRow.exam_id == row.id, ExamQuestionRow.variant == "A")
        ).one()
        roster = s.scalar(select(func.count()).select_from(RosterRow).where(RosterRow.exam_id == row.id)) or 0
        started, submitted = s.execute(
            select(func.count(), func.count(SittingRow.submitted_at)).where(SittingRow.exam_id == row.id)
        ).one()
        return ExamInfo(
            id=row.id, code=row.code, title=row.title, status=ExamStatus(row.status), duration_min=row.duration_min,
            starts_at=as_utc(row.starts_at) if row.starts_at else None,
            ends_at=as_utc(row.ends_at) if row.ends_at else None,
            variants=names, question_count=int(count), total_points=float(total), roster=int(roster),
            started=int(started), submitted=int(submitted), results_released=bool(row.results_released),
            created_at=as_utc(row.created_at), blueprint=dict(row.blueprint), unit=row.unit or "",
        )

    def _pools(self, bp: Blueprint) -> list[list[Question]]:
        allow_drafts = self.settings.exam_allow_drafts if bp.allow_drafts is None else bp.allow_drafts
        statuses = (ReviewStatus.APPROVED, ReviewStatus.DRAFT) if allow_drafts else (ReviewStatus.APPROVED,)
        cache: dict[tuple[str, str, int | None], list[Question]] = {}
        pools = []
        for item in bp.items:
            key = (item.type, item.law, item.difficulty)
            if key not in cache:
                cache[key] = [q for q in self.bank.list(QuestionFilter(
                    types=(item.type,), laws=(item.law,) if item.law else (), statuses=statuses, needs_review=False,
                    difficulty=(item.difficulty,) if item.difficulty is not None else ())) if _usable(q)]
            pools.append([q for q in cache[key] if item.matches(q)])
        return pools

    def _by_token(self, token: str) -> Seat:
        if not token:
            raise ExamRefused(NO_TOKEN, 401)
        if len(token) > MAX_TOKEN_CHARS:
            raise self._refuse(BAD_TOKEN, 401, None, "", AuditAction.BAD_TOKEN, "令牌过长")
        with self._session() as s:
            found = s.execute(SEAT_BY_TOKEN, {"token_hash": hash_token(token)}).first()
        if found is None:
            raise self._refuse(BAD_TOKEN, 401, None, "", AuditAction.BAD_TOKEN, "未知的登录令牌")
        *fields, revoked = found
        seat = Seat(*fields)
        if revoked:
            raise self._refuse(REVOKED, 401, seat.exam_id, seat.officer_id, AuditAction.REVOKED_TOKEN)
        return replace(seat, ends_at=as_utc(seat.ends_at),
                       submitted_at=as_utc(seat.submitted_at) if seat.submitted_at else None,
                       released=bool(seat.released))

    def _submit_sitting(self, sitting_id: int, by: str) -> bool:
        """Mark a sitting submitted and grade it; False if it already was (someone else got there first)."""
        now = self._now()
        with self._write() as s:
            # the timer submits at the sitting's end (if that is sooner), the others at once
            at = case((SittingRow.ends_at < now, SittingRow.ends_at), else_=now) if by == "timer" else now
            sitting = s.execute(
                update(SittingRow).where(SittingRow.id == sitting_id, SittingRow.submitted_at.is_(None))
                .values(submitted_at=at, submitted_by=by)
                .returning(SittingRow.exam_id, SittingRow.officer_id, SittingRow.variant)
            ).first()
            if sitting is None:  # no such sitting, or already submitted
                return False
            partial = self._partial_credit(s, sitting.exam_id)
            given: dict[int, PaperAnswer] = dict(s.execute(select(AnswerRow.exam_question_id, AnswerRow.given)
                                                           .where(AnswerRow.sitting_id == sitting_id)).tuples().all())
            paper = self._papers.get(s, sitting.exam_id, sitting.variant, given)
            marks: list[dict[str, Any]] = []
            total = 0.0
            for q in paper.items:
                if q.id not in given:
                    continue
                result = score(q.question, given[q.id], q.points, partial)
                marks.append({"sitting": sitting_id, "eq": q.id, "earned": result.earned, "correct": result.correct})
                total += result.earned
            conn = s.connection()  # Core statements on the tables, not the ORM's bulk paths
            if marks:  # all rows in one executemany
                conn.execute(MARK_ANSWER, marks)
            conn.execute(SET_SCORE, {"sitting": sitting_id, "score": round(total, 2)})
            how = {"examinee": "考生交卷", "timer": "时间到，自动交卷", "organiser": "结束考试，统一交卷"}[by]
            conn.execute(INSERT_AUDIT, _audit_values(now, sitting.exam_id, sitting.officer_id, AuditAction.SUBMIT,
                                                     f"{how}，得分 {round(total, 2):g}"))
        return True

    def _partial_credit(self, s: Session, exam_id: int) -> bool:
        """Whether a multiple choice earns part of its points (the blueprint's choice, else the settings'); an
        exam's blueprint never changes, so it is read once per process."""
        partial = self._partial.get(exam_id)
        if partial is None:
            bp = parse_blueprint(s.scalar(select(ExamRow.blueprint).where(ExamRow.id == exam_id)) or {})
            partial = self.settings.exam_multi_partial_credit if bp.multi_partial_credit is None \
                else bp.multi_partial_credit
            self._partial[exam_id] = partial
        return partial

    def _refuse(self, message: str, status: int, exam_id: int | None, officer_id: str, action: AuditAction,
                detail: str = "") -> ExamRefused:
        """Log a refused examinee request in the audit table and return the error to raise."""
        log.warning("exam refused (%s, %s): %s %s", action, officer_id, message, detail)
        try:
            self.log_audit(exam_id, officer_id, action, message + (f"（{detail}）" if detail else ""))
        except Exception:  # the refusal stands even if the audit write fails (e.g. a locked database)
            log.exception("could not write the audit entry")
        return ExamRefused(message, status, action)


def _audit(s: Session, now: datetime, exam_id: int | None, officer_id: str, action: AuditAction, message: str,
           client: str = "") -> None:
    s.add(AuditRow(**_audit_values(now, exam_id, officer_id, action, message, client)))


def _audit_values(now: datetime, exam_id: int | None, officer_id: str, action: AuditAction, message: str,
                  client: str = "") -> dict[str, Any]:
    return {"at": now, "exam_id": exam_id, "officer_id": officer_id[:64], "action": str(action), "message": message,
            "client": client[:300]}


SITTINGS, TOKENS, AUDIT, ANSWERS = (cast(Table, r.__table__) for r in (SittingRow, TokenRow, AuditRow, AnswerRow))
INSERT_SITTING = insert(SITTINGS).returning(SITTINGS.c.id)
INSERT_TOKEN = insert(TOKENS)
INSERT_AUDIT = insert(AUDIT)
MARK_ANSWER = (update(ANSWERS).where(ANSWERS.c.sitting_id == bindparam("sitting"), ANSWERS.c.exam_question_id == bindparam("eq"))
               .values(earned=bindparam("earned"), correct=bindparam("correct")))
SET_SCORE = update(SITTINGS).where(SITTINGS.c.id == bindparam("sitting")).values(score=bindparam("score"))
"""A login's and a submit's statements, built once (their parameters given at each execution)."""
LOGIN_LOOKUP = (  # the exam, the examinee's roster entry and sitting in one round trip
    select(ExamRow, RosterRow, SittingRow)
    .outerjoin(RosterRow, and_(RosterRow.exam_id == ExamRow.id, RosterRow.officer_id == bindparam("oid")))
    .outerjoin(SittingRow, and_(SittingRow.exam_id == ExamRow.id, SittingRow.officer_id == bindparam("oid")))
    .where(ExamRow.code == bindparam("code")))
SEAT_BY_TOKEN = (  # a token's sitting, what its requests need (ExamService._by_token)
    select(SittingRow.id, SittingRow.exam_id, SittingRow.officer_id, SittingRow.variant, SittingRow.layout,
           SittingRow.ends_at, SittingRow.submitted_at, SittingRow.score, ExamRow.title, ExamRow.results_released,
           TokenRow.revoked)
    .join(TokenRow, TokenRow.sitting_id == SittingRow.id)
    .join(ExamRow, ExamRow.id == SittingRow.exam_id)
    .where(TokenRow.token_hash == bindparam("token_hash")))


def _sitting_values(row: SittingRow) -> dict[str, Any]:
    """The columns a new sitting is inserted with (``ExamService._new_sitting`` fills them)."""
    return {"exam_id": row.exam_id, "officer_id": row.officer_id, "name": row.name, "unit": row.unit,
            "variant": row.variant, "layout": row.layout, "started_at": row.started_at, "ends_at": row.ends_at,
            "last_seen_at": row.last_seen_at}


def _taker(officer_id: str, name: str, unit: str, st: SittingRow | None) -> Taker:
    if st is None:
        return Taker(officer_id, name, unit)
    return Taker(officer_id, name, unit, st.variant, as_utc(st.started_at),
                 as_utc(st.submitted_at) if st.submitted_at else None, st.submitted_by, st.score)


def _usable(q: Question) -> bool:
    """A question an exam can print and grade: options for choice questions, a key in them."""
    if q.type in ("single", "multi"):
        keys = str(q.answer)
        return len(q.options) >= 2 and bool(keys) and all(k in q.options for k in keys)
    if q.type == "judge":
        return isinstance(q.answer, bool)
    return bool(str(q.answer).strip())


def _new_code(taken: set[str]) -> str:
    for _ in range(1000):
        code = f"{secrets.randbelow(900000) + 100000}"
        if code not in taken:
            return code
    raise ExamError("无法生成新的考试码。")


def _due_if_locked(now: datetime) -> Executable:
    """PostgreSQL, one round trip: the sittings whose time is up, if this transaction gets the sweep's
    advisory lock (``pg_try_advisory_xact_lock``, evaluated once in its own subquery); none otherwise."""
    lock = select(func.pg_try_advisory_xact_lock(SWEEP_LOCK_KEY).label("got")).subquery("sweep_lock")
    return (select(SittingRow.id).select_from(lock).join(SittingRow, true())
            .where(lock.c.got, SittingRow.submitted_at.is_(None), SittingRow.ends_at <= now))


def _claim(seat: OpenSeat, now: datetime) -> Update:
    """Touch the sitting if answers may still be saved to it: not submitted, time left, the token live."""
    live_token = select(TokenRow.token_hash).where(TokenRow.token_hash == seat.token_hash,
                                                   TokenRow.revoked.is_(False)).exists()
    return (update(SittingRow)
            .where(SittingRow.id == seat.id, SittingRow.submitted_at.is_(None), SittingRow.ends_at > now, live_token)
            .values(last_seen_at=now))


def _save_in_one_statement() -> Executable:
    """PostgreSQL: claim the sitting (as ``_claim``: not submitted, time left, the token live) and upsert the
    answer in one statement, built once (parameters ``sitting``, ``token_hash``, ``eq``, ``given``, ``now``);
    it returns a row only if the answer was written."""
    now = bindparam("now", type_=SittingRow.__table__.c.ends_at.type)
    live_token = select(TokenRow.token_hash).where(TokenRow.token_hash == bindparam("token_hash"),
                                                   TokenRow.revoked.is_(False)).exists()
    claimed = (update(SittingRow)
               .where(SittingRow.id == bindparam("sitting"), SittingRow.submitted_at.is_(None),
                      SittingRow.ends_at > now, live_token)
               .values(last_seen_at=now).returning(SittingRow.id).cte("claimed"))
    answer = select(claimed.c.id, bindparam("eq", type_=Integer),
                    bindparam("given", type_=AnswerRow.__table__.c.given.type), now)
    stmt = postgresql.insert(AnswerRow).from_select(["sitting_id", "exam_question_id", "given", "saved_at"], answer)
    return stmt.on_conflict_do_update(
        index_elements=[AnswerRow.sitting_id, AnswerRow.exam_question_id],
        set_={"given": stmt.excluded.given, "saved_at": stmt.excluded.saved_at},
    ).returning(AnswerRow.sitting_id)


SAVE_IN_ONE_STATEMENT = _save_in_one_statement()


def _upsert_for(dialect: str) -> Callable[[int, int, PaperAnswer, datetime], Executable]:
    """One INSERT … ON CONFLICT DO UPDATE of an answer (SQLite and PostgreSQL have the same form)."""
    insert: Callable[[type[AnswerRow]], postgresql.Insert | sqlite.Insert]
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:
        raise ExamError(f"考试功能不支持数据库 {dialect}（支持 SQLite 和 PostgreSQL）。")

    def statement(sitting_id: int, eq: int, given: PaperAnswer, now: datetime) -> Executable:
        stmt = insert(AnswerRow).values(sitting_id=sitting_id, exam_question_id=eq, given=given, saved_at=now)
        return stmt.on_conflict_do_update(
            index_elements=[AnswerRow.sitting_id, AnswerRow.exam_question_id],
            set_={"given": stmt.excluded.given, "saved_at": stmt.excluded.saved_at},
        )

    return statement


__all__ = ["BlueprintItem", "ExamService"]
