"""A site made by `digest init` works first time: normalize, build and check all succeed,
and no page links to an index page the site does not have."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from digest.cli import main


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


def digest(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), prog_name="digest")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def _normalize_build_check() -> Result:
    digest("normalize")
    digest("build")
    return digest("check")


def _set(site_yaml: Path, old: str, new: str) -> None:
    text = site_yaml.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    site_yaml.write_text(text.replace(old, new), encoding="utf-8")


def test_init_normalize_build_check_succeeds(in_tmp: Path) -> None:
    digest("init", "s")
    os.chdir("s")
    checked = _normalize_build_check()
    assert checked.stdout == "no problems found\n"
    assert "not normalised" not in checked.stderr
    assert not (in_tmp / "s" / "_site" / "tags").exists()  # no article has tags


@pytest.mark.parametrize("theme", ["default", "broadsheet"])
def test_without_search_and_feeds_nothing_links_to_them(in_tmp: Path, theme: str) -> None:
    digest("init", "s")
    os.chdir("s")
    site_yaml = in_tmp / "s" / "site.yaml"
    _set(site_yaml, "theme: default", f"theme: {theme}")
    _set(site_yaml, "search: true", "search: false")
    _set(site_yaml, "atom: true", "atom: false")
    _set(site_yaml, "json: true", "json: false")
    checked = _normalize_build_check()
    assert checked.stdout == "no problems found\n"
    out = in_tmp / "s" / "_site"
    assert not (out / "search").exists() and not (out / "feed.xml").exists()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "search/" not in home and "feed." not in home and "tags/" not in home


def test_the_tags_link_follows_the_tags_index(in_tmp: Path) -> None:
    """Adding or removing the only tag changes the navigation of every page, including the
    pages of other articles, which do not show the tagged one."""
    digest("init", "s")
    os.chdir("s")
    articles = in_tmp / "s" / "content" / "articles"
    (articles / "a.md").write_text(
        "---\ntitle: Tagged\npublication: Alpha\ndate: 2025-10-01\ntags: [ports]\n---\n\nA\n",
        encoding="utf-8")
    (articles / "b.md").write_text(
        "---\ntitle: Plain\npublication: Beta\ndate: 2025-09-01\n---\n\nB\n", encoding="utf-8")
    digest("build")
    out = in_tmp / "s" / "_site"
    (other,) = (out / "beta").glob("*/index.html")
    assert (out / "tags" / "index.html").is_file()
    assert "tags/index.html" in other.read_text(encoding="utf-8")
    assert digest("check").stdout == "no problems found\n"

    (articles / "a.md").write_text(
        "---\ntitle: Tagged\npublication: Alpha\ndate: 2025-10-01\n---\n\nA\n", encoding="utf-8")
    digest("build")
    assert not (out / "tags").exists()
    assert "tags/index.html" not in other.read_text(encoding="utf-8")
    assert digest("check").stdout == "no problems found\n"
