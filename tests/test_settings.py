"""Settings typos are errors that name the key and the nearest valid one (settings.yaml, XUEFA_ variables)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from xuefa.cli import cli
from xuefa.settings import SettingsError, load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_misspelt_key_in_the_settings_file_names_the_file_the_key_and_the_nearest(tmp_path: Path) -> None:
    config = write(tmp_path / "settings.yaml", "kb:\n  retrieval:\n    candidatez: 50\nchat:\n  top_k: 3\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(home=tmp_path, config=config)
    message = str(caught.value)
    assert str(config) in message
    assert "kb.retrieval.candidatez" in message and "kb.retrieval.candidates" in message


@pytest.mark.parametrize(("yaml_text", "wrong", "nearest"), [
    ("adminpassword: x\n", "adminpassword", "admin_password"),
    ("chat:\n  llm:\n    base_ulr: http://x\n", "chat.llm.base_ulr", "chat.llm.base_url"),
    ("quiz:\n  exam_pass_shar: 0.5\n", "quiz.exam_pass_shar", "quiz.exam_pass_share"),
    ("ingest:\n  max_file_megabytes: 5\n", "ingest.max_file_megabytes", "ingest.max_file_mb"),
])
def test_every_section_refuses_unknown_keys(tmp_path: Path, yaml_text: str, wrong: str, nearest: str) -> None:
    with pytest.raises(SettingsError, match=rf"{wrong}.*{nearest}"):
        load_settings(home=tmp_path, config=write(tmp_path / "settings.yaml", yaml_text))


def test_a_misspelt_environment_variable_is_named_with_the_nearest(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XUEFA_CHAT__TOPK", "3")
    with pytest.raises(SettingsError, match=r"XUEFA_CHAT__TOPK.*chat\.top_k"):
        load_settings(home=tmp_path)
    monkeypatch.delenv("XUEFA_CHAT__TOPK")
    monkeypatch.setenv("XUEFA_CHATT__TOP_K", "3")
    with pytest.raises(SettingsError, match=r"XUEFA_CHATT__TOP_K.*XUEFA_CHAT__TOP_K"):
        load_settings(home=tmp_path)


def test_valid_settings_and_the_variables_that_are_not_settings_still_load(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XUEFA_CHAT__TOP_K", "4")
    monkeypatch.setenv("XUEFA_TEST_DATABASE_URL", "postgresql://nowhere/x")
    config = write(tmp_path / "settings.yaml", "quiz:\n  seed: 7\n")
    monkeypatch.setenv("XUEFA_SETTINGS", str(config))
    settings = load_settings(home=tmp_path)
    assert (settings.chat.top_k, settings.quiz.seed) == (4, 7)


def test_the_command_reports_a_typo_as_an_error_not_a_traceback(tmp_path: Path) -> None:
    config = write(tmp_path / "settings.yaml", "chat:\n  topk: 3\n")
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "--config", str(config), "laws"])
    assert result.exit_code != 0
    assert "chat.topk" in result.output and "chat.top_k" in result.output
    assert "Traceback" not in result.output
