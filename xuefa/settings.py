"""The one settings object: defaults < ``settings.yaml`` in the home folder (or ``XUEFA_SETTINGS``) < env.

Environment variables use the ``XUEFA_`` prefix and ``__`` between sections, e.g.
``XUEFA_CHAT__LLM__BASE_URL=http://127.0.0.1:8000/v1``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from chat.settings import ChatSettings
from ingest.settings import IngestSettings
from kb.settings import KBSettings
from quiz.settings import QuizSettings


def default_home() -> Path:
    env = os.environ.get("XUEFA_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "xuefa"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XUEFA_", env_nested_delimiter="__", extra="ignore")

    home: Path = Field(default_factory=default_home, description="Folder of the knowledge base and the databases.")
    kb: KBSettings = KBSettings()
    ingest: IngestSettings = IngestSettings()
    chat: ChatSettings = ChatSettings()
    quiz: QuizSettings = QuizSettings()
    admin_password: str = Field("", description="Password of the app's admin pages; empty: admin pages are off.")

    @property
    def feedback_path(self) -> Path:
        """The officers' 👍/👎 votes on answers (chat.feedback)."""
        return self.home / "feedback.sqlite"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit arguments > environment > YAML file (passed in as init data by load_settings).
        return init_settings, env_settings


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def load_settings(home: Path | None = None, config: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings: YAML file, then environment, then ``home``/``overrides`` given here win."""
    resolved_home = home or (Path(os.environ["XUEFA_HOME"]).expanduser() if os.environ.get("XUEFA_HOME") else None)
    config_path = config or (Path(os.environ["XUEFA_SETTINGS"]) if os.environ.get("XUEFA_SETTINGS") else None)
    if config_path is None:
        config_path = (resolved_home or default_home()) / "settings.yaml"
    file_data: dict[str, Any] = {}
    if config_path.is_file():
        loaded = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"{config_path}: settings file must hold a mapping")
        file_data = loaded
    env_only = Settings()  # environment and defaults
    env_set = env_only.model_dump(exclude_defaults=True)
    merged = _deep_merge(file_data, env_set)
    if resolved_home is not None:
        merged["home"] = resolved_home
    merged = _deep_merge(merged, overrides)
    return Settings.model_validate(merged)
