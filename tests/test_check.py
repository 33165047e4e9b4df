"""digest check: content problems and broken links, as `path:line: message`."""

from __future__ import annotations

from pathlib import Path

from test_build_support import build_site, copy_site

from digest.check import check
from digest.config import load_config


def test_clean_site_has_no_problems(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    assert check(load_config(site)) == []


def test_unbuilt_site(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    assert [p.message for p in check(load_config(site))] == ["the site is not built"]


def test_content_problems(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    (site / "content/articles/loose.md").write_text(
        "---\ntitle: Loose\nreview: [check the date]\n"
        "duplicate_of: guardian/2025-10-02-rail-strike.md\n---\n\nx\n")
    build_site(site)
    messages = {(p.path, p.message) for p in check(load_config(site))}
    loose = "content/articles/loose.md"
    assert (loose, "no `date`: the article is in no edition") in messages
    assert (loose, "no `publication`") in messages
    assert (loose, "needs review: check the date") in messages
    assert (loose, "marked as a duplicate of guardian/2025-10-02-rail-strike.md") in messages


def test_broken_links_and_anchors_name_file_and_line(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    page = site / "_site/2025/10/01/index.html"
    text = page.read_text().replace(
        "<main id=\"main\">",
        '<main id="main">\n<a href="../nowhere/index.html">x</a>\n<a href="index.html#nope">y</a>'
        '\n<a href="../../../index.html#main">ok</a>\n<a href="/abs/">z</a>',
    )
    page.write_text(text)
    found = [str(p) for p in check(load_config(site))]
    line = text.splitlines().index('<main id="main">') + 2
    assert found == [
        f"_site/2025/10/01/index.html:{line}: broken link '../nowhere/index.html': "
        "2025/10/nowhere/index.html does not exist",
        f"_site/2025/10/01/index.html:{line + 1}: broken anchor 'index.html#nope': "
        "no id 'nope' in 2025/10/01/index.html",
        f"_site/2025/10/01/index.html:{line + 3}: link '/abs/' is absolute: "
        "it breaks under file:// and subpaths",
    ]
