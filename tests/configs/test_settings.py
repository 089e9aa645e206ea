from __future__ import annotations

from pathlib import Path

import pytest

from callqa.configs.settings import BUNDLED_MODEL, load_settings
from callqa.domain.errors import SettingsError
from callqa.domain.records import ChannelLayout


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("CALLQA_SETTINGS_FILE", "CALLQA_TRANSCRIPTION__DEVICE"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.transcription.model == BUNDLED_MODEL
    assert settings.transcription.device == "auto"
    assert settings.default_channel_layout is None


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_TRANSCRIPTION__DEVICE", "cpu")
    monkeypatch.setenv("CALLQA_TRANSCRIPTION__CPU_THREADS", "2")
    monkeypatch.setenv("CALLQA_DEFAULT_CHANNEL_LAYOUT", "agent_right")
    settings = load_settings()
    assert settings.transcription.device == "cpu" and settings.transcription.cpu_threads == 2
    assert settings.default_channel_layout == ChannelLayout.AGENT_RIGHT


def test_yaml_file_in_configs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs/settings.yaml").write_text(
        "transcription:\n  beam_size: 2\n  vad:\n    threshold: 0.6\naudio:\n"
        "  max_duration_seconds: 60\n"
    )
    settings = load_settings()
    assert settings.transcription.beam_size == 2
    assert settings.transcription.vad.threshold == 0.6
    assert settings.audio.max_duration_seconds == 60
    monkeypatch.setenv("CALLQA_TRANSCRIPTION__BEAM_SIZE", "3")  # environment beats the file
    assert load_settings().transcription.beam_size == 3


def test_invalid_value_names_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_TRANSCRIPTION__DEVICE", "tpu")
    with pytest.raises(SettingsError, match=r"transcription\.device"):
        load_settings()


def test_unknown_key_in_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("transcription:\n  beam: 2\n")
    monkeypatch.setenv("CALLQA_SETTINGS_FILE", str(path))
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "transcription.beam" in str(caught.value) and str(path) in str(caught.value)


def test_broken_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("transcription: [unclosed\n")
    monkeypatch.setenv("CALLQA_SETTINGS_FILE", str(path))
    with pytest.raises(SettingsError, match=str(path)):
        load_settings()


def test_missing_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_SETTINGS_FILE", str(tmp_path / "none.yaml"))
    with pytest.raises(SettingsError, match="not found"):
        load_settings()
