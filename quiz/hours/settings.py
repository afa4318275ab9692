"""The defaults of the 学时 rules (the city administrator edits the rules in force; these seed them)."""

from __future__ import annotations

from pydantic import Field

from kb.config import StrictModel


class HoursSettings(StrictModel):
    yearly_target: float = Field(60.0, gt=0, le=1000, description="学时 each officer needs a year.")
    minutes_per_hour: float = Field(45.0, gt=0, le=120,
                                    description="Minutes of study that make one 学时 (a class hour).")
    practice_gap_cap_minutes: float = Field(
        3.0, ge=0, le=60, description="Practice: the time between two answers of a day counts up to this many "
        "minutes (a longer gap counts this much: the officer was reading).",
    )
    practice_first_minutes: float = Field(1.0, ge=0, le=60,
                                          description="Practice: minutes the first answer of a day counts.")
    practice_daily_cap: float = Field(2.0, ge=0, le=24,
                                      description="Practice: at most this many 学时 a day (0: practice does not count).")
    exam_hours: float = Field(2.0, ge=0, le=24,
                              description="学时 of an exam sat (submitted); 0: exams do not count.")
    checklist_item_hours: float = Field(
        0.5, ge=0, le=24, description="学时 of a 应知应会 checklist item mastered, counted once, in the year it was "
        "first mastered.",
    )
    contest_hours: float = Field(2.0, ge=0, le=24, description="Default 学时 of taking part in a 知识竞赛.")
    rotation_day_hours: float = Field(6.0, gt=0, le=12, description="学时 of one day of 轮训.")
    rotation_days: int = Field(5, ge=0, le=60, description="Days of 轮训 the yearly plan schedules.")
    rotation_needs_pass: bool = Field(
        True, description="A 轮训 followed by its 考核验收 exam credits its 学时 only to officers who passed it.",
    )
    activity_max_hours: float = Field(
        8.0, gt=0, le=24, description="At most this many 学时 a day of one offline activity (a 轮训: per day).",
    )
    utc_offset_hours: int = Field(8, ge=-12, le=14,
                                  description="The officers' time zone, for the day an answer falls on.")
