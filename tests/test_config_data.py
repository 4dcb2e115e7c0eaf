"""The 'data' setting (the labelled corpora) is read as every setting is: flag, environment,
config file."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file of its own, no $SOUNDING_DATA, and no ../shared/data to fall back on."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SOUNDING_CONFIG", str(path))
    monkeypatch.delenv("SOUNDING_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    return path


def _corpora(folder: Path) -> Path:
    (folder / "tweeteval").mkdir(parents=True)
    return folder


def test_the_data_folder_comes_from_the_config_file(config: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.cli.enrich import data_folder

    from_file = _corpora(tmp_path / "from-file")
    config.write_text(f'data = "{from_file}"\n', encoding="utf-8")
    assert data_folder(None) == from_file
    from_env = _corpora(tmp_path / "from-env")
    monkeypatch.setenv("SOUNDING_DATA", str(from_env))
    assert data_folder(None) == from_env  # the environment wins over the file
    from_flag = _corpora(tmp_path / "from-flag")
    assert data_folder(from_flag) == from_flag  # and the flag over both


def test_eval_names_the_config_files_data_folder_when_it_has_no_corpora(
        cli, config: Path, tmp_path: Path) -> None:
    config.write_text(f'data = "{tmp_path / "nowhere"}"\n', encoding="utf-8")
    result = cli("eval", "reaction")
    assert result.code == 1 and "nowhere: no tweeteval/ or umsab/ folder in it" in result.err
    assert str(tmp_path / "nowhere") in result.err


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "-1"])
def test_a_number_of_seconds_that_is_none_is_refused_by_its_name(
        config: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """'abc' crashed as an unexpected ValueError; 'nan' collected in a busy loop."""
    from sounding.config import resolve_seconds
    from sounding.errors import ConfigError

    monkeypatch.setenv("SOUNDING_COLLECT_EVERY", value)
    with pytest.raises(ConfigError, match=f"^setting 'collect_every' is '{value}': expected "
                                          "a number of seconds ≥ 0$"):
        resolve_seconds("collect_every")
    monkeypatch.setenv("SOUNDING_COLLECT_EVERY", "0")
    assert resolve_seconds("collect_every") == 0.0


def test_a_list_in_the_config_file_is_a_comma_separated_setting(config: Path) -> None:
    from sounding.config import resolve

    config.write_text('languages = ["fr", "en"]\n', encoding="utf-8")
    assert resolve("languages") == "fr,en"
