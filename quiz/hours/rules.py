"""The 学时 rules in force for a year: the settings' fields, validated, frozen, stored as JSON per year."""

from __future__ import annotations

import json

from pydantic import ConfigDict, ValidationError

from quiz.hours.settings import HoursSettings


class RulesError(ValueError):
    """Rules that cannot be used; the message says which field and why, in Chinese."""


class HoursRules(HoursSettings):
    """What counts and how much in one year; seeded from ``HoursSettings``, edited by the city administrator."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def seeded(cls, settings: HoursSettings) -> HoursRules:
        return cls.model_validate(settings.model_dump())

    @classmethod
    def parse(cls, text: str, source: str = "规则") -> HoursRules:
        """Rules from JSON text; a field missing keeps its default. ``source`` names the file in errors."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RulesError(f"{source}：不是有效的 JSON（第 {exc.lineno} 行：{exc.msg}）") from exc
        if not isinstance(data, dict):
            raise RulesError(f"{source}：应为一个 JSON 对象（字段: 值）")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            reasons = "；".join(f"{'.'.join(str(p) for p in e['loc'])}：{e['msg']}" for e in exc.errors())
            raise RulesError(f"{source}：规则有误（{reasons}）") from exc

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)
