"""The site's language: the UI strings the theme has for it, the fallback it says it
uses when it has none, and dates that follow the language whatever the strings."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.config import load_config
from digest.theme import load_theme
from digest.theme_files import theme_chain, ui_language, ui_language_warning

ARTICLE = "---\ntitle: Tram line backed\npublication: The Herald\ndate: 2025-10-01\n---\n\nText.\n"


@pytest.mark.parametrize(("language", "shown"), [
    ("en", "en"), ("de", "de"), ("de-AT", "de"), ("nb", "en"), ("pt-BR", "pt"),
    ("zh-Hant-TW", "en"),
])
def test_the_ui_falls_back_to_the_base_language_then_english(
    make_site: Callable[..., Path], language: str, shown: str
) -> None:
    config = load_config(make_site(config=f"language: {language}\n"))
    assert ui_language(theme_chain(config), config.language) == shown
    warning = ui_language_warning(config)
    if shown == language:
        assert warning is None
    else:
        assert warning is not None and (warning.path, warning.line) == ("site.yaml", 1)
        assert f'no UI strings for "{language}"' in warning.message
        assert f'menus and labels are in "{shown}"' in warning.message
        assert f"i18n/{shown}.yaml to i18n/{language}.yaml" in (warning.hint or "")


def test_a_sites_own_strings_for_its_language_silence_the_warning(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(config="title: x\nlanguage: nb\n")
    (root / "i18n").mkdir()
    (root / "i18n" / "nb.yaml").write_text("nav_archive: Arkiv\n", encoding="utf-8")
    config = load_config(root)
    assert ui_language_warning(config) is None
    theme = load_theme(config, serving=False)
    translate = theme.env.globals["t"]
    assert translate("nav_archive") == "Arkiv"  # type: ignore[operator]
    assert translate("nav_latest") == "Latest"  # type: ignore[operator]  # the rest: English


@pytest.mark.parametrize(("language", "archive", "month"), [
    ("nb", "Archive", "oktober"), ("de-AT", "Archiv", "Oktober"), ("fr", "Archives", "octobre"),
])
def test_dates_follow_the_language_when_the_strings_fall_back(
    make_site: Callable[..., Path], language: str, archive: str, month: str
) -> None:
    theme = load_theme(load_config(make_site(config=f"language: {language}\n")), serving=False)
    assert theme.env.globals["t"]("nav_archive") == archive  # type: ignore[operator]
    label = theme.env.globals["format_date"](datetime.date(2025, 10, 1))  # type: ignore[operator]
    assert month in label


def test_build_and_check_warn_without_failing(make_site: Callable[..., Path]) -> None:
    root = make_site(config="title: x\nlanguage: nb\n", articles={"herald/tram.md": ARTICLE})
    runner = CliRunner()
    for command in ("build", "check"):
        result = runner.invoke(main, [command, "--site", str(root)])
        assert result.exit_code == 0, result.output
        assert ('site.yaml:2: warning: the theme has no UI strings for "nb": its menus and '
                'labels are in "en"') in result.stderr
    html = (root / "_site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nb"' in html and "oktober" in html
