"""Settings are declared as data, each documented in the README, each read from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import SETTINGS, from_environment, secret_key

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_documented(setting: object) -> None:
    assert f"`{setting.env}`" in README  # type: ignore[attr-defined]
    assert setting.help  # type: ignore[attr-defined]


def test_the_readme_opens_with_the_two_commands() -> None:
    head = "\n".join(README.splitlines()[:15])
    assert "make run" in head and "make test" in head


def test_environment_overrides_defaults() -> None:
    values = from_environment({"BEARINGS_ALLOWED_ORIGINS": "https://a.example, https://b.example/",
                               "BEARINGS_RETENTION_DAYS": "7", "BEARINGS_AUTO_MIGRATE": "off"})
    assert values["ALLOWED_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert values["RETENTION_DAYS"] == 7 and values["AUTO_MIGRATE"] is False
    assert from_environment({})["RATE_LIMIT"] == "120/minute"


def test_a_missing_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = secret_key(tmp_path)
    assert len(first) == 64 and secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
