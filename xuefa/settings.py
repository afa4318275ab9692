"""The one settings object: defaults < ``settings.yaml`` in the home folder (or ``XUEFA_SETTINGS``) < env.

Environment variables use the ``XUEFA_`` prefix and ``__`` between sections, e.g.
``XUEFA_CHAT__LLM__BASE_URL=http://127.0.0.1:8000/v1``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from chat.settings import ChatSettings
from ingest.settings import IngestSettings
from kb.settings import KBSettings
from quiz.hours.settings import HoursSettings
from quiz.people.settings import AccountSettings
from quiz.settings import QuizSettings


def default_home() -> Path:
    env = os.environ.get("XUEFA_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "xuefa"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XUEFA_", env_nested_delimiter="__", extra="forbid")

    home: Path = Field(default_factory=default_home, description="Folder of the knowledge base and the databases.")
    kb: KBSettings = KBSettings()
    ingest: IngestSettings = IngestSettings()
    chat: ChatSettings = ChatSettings()
    quiz: QuizSettings = QuizSettings()
    accounts: AccountSettings = AccountSettings()
    hours: HoursSettings = HoursSettings()
    admin_password: str = Field("", description="Password of the bootstrap city administrator (account ``admin``); empty: no "
                                "such account until one is made with `xuefa users add`.")

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


ENV_PREFIX = "XUEFA_"
OTHER_ENV_VARS = frozenset({"XUEFA_SETTINGS", "XUEFA_TEST_DATABASE_URL"})
"""Environment variables of the prefix that are not settings: the settings file's path, the tests' database."""


class SettingsError(ValueError):
    """A settings file or environment variable names a key that is not a setting (or holds a bad value)."""


def _section(path: tuple[str, ...]) -> type[BaseModel] | None:
    """The settings model at ``path`` (``()``: the whole settings), or None when the path is not one."""
    model: type[BaseModel] = Settings
    for part in path:
        field = model.model_fields.get(part)
        if field is None or not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)):
            return None
        model = field.annotation
    return model


def unknown_key_message(path: tuple[str, ...]) -> str:
    """``kb.retrieval.candidatez`` is not a setting; the nearest valid key (or the valid keys) of its section."""
    dotted = ".".join(path)
    section = _section(path[:-1])
    if section is None:
        return f"{dotted} is not a setting"
    valid = list(section.model_fields)
    nearest = difflib.get_close_matches(path[-1], valid, n=1, cutoff=0.5)
    if nearest:
        return f"{dotted} is not a setting; did you mean {'.'.join((*path[:-1], nearest[0]))}?"
    return f"{dotted} is not a setting; valid keys here: {', '.join(valid)}"


def _env_name(path: tuple[str, ...]) -> str:
    return ENV_PREFIX + "__".join(path).upper()


def _unknown_env_vars(environ: Mapping[str, str]) -> Iterator[str]:
    """The prefixed environment variables whose first part is no top-level setting (pydantic-settings skips
    those silently; a misspelt key within a section is refused by the section's model)."""
    top = {name.upper() for name in Settings.model_fields}
    for name in environ:
        upper = name.upper()
        if upper.startswith(ENV_PREFIX) and upper not in OTHER_ENV_VARS and \
                upper[len(ENV_PREFIX):].split("__")[0] not in top:
            yield name


def _check_env(environ: Mapping[str, str]) -> None:
    for name in _unknown_env_vars(environ):
        path = tuple(part.lower() for part in name[len(ENV_PREFIX):].split("__"))
        message = unknown_key_message(path)
        nearest = difflib.get_close_matches(path[0], list(Settings.model_fields), n=1, cutoff=0.5)
        hint = f" (did you mean {_env_name((nearest[0], *path[1:]))}?)" if nearest else ""
        raise SettingsError(f"environment variable {name}: {message}{hint}")


@contextmanager
def _named_errors(where: str, env: bool = False) -> Iterator[None]:
    """Turn a validation error into a SettingsError naming ``where`` the settings came from and the key (with
    ``env``: as the environment variable that set it)."""
    try:
        yield
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = tuple(str(part) for part in error["loc"])
            named = f"{_env_name(path)}: " if env else ""
            if error["type"] == "extra_forbidden":
                problems.append(named + unknown_key_message(path))
            else:
                problems.append(f"{named}{'.'.join(path)}: {error['msg']}")
        raise SettingsError(f"{where}: " + "; ".join(problems)) from exc


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
    _check_env(os.environ)
    with _named_errors("environment", env=True):
        env_only = Settings()  # environment and defaults
    env_set = env_only.model_dump(exclude_defaults=True)
    merged = _deep_merge(file_data, env_set)
    if resolved_home is not None:
        merged["home"] = resolved_home
    merged = _deep_merge(merged, overrides)
    with _named_errors(str(config_path) if file_data else "settings"):
        return Settings.model_validate(merged)
