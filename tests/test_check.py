"""digest check: content problems and broken links, as `path:line: message`."""

from __future__ import annotations

import re
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


def test_links_found_in_no_source_name_the_template_and_the_built_line(tmp_path: Path) -> None:
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
    template = "themes/plain/templates/edition.html"
    built = "_site/2025/10/01/index.html"
    assert found == [
        f'{template}: absolute link "/abs/" (in /2025/10/01/)\n'
        "  it breaks under file:// and subpaths: make it relative"
        f" (the link is at {built}:{line + 3})",
        f'{template}: broken anchor "index.html#nope" (in /2025/10/01/)\n'
        f"  no id 'nope' in 2025/10/01/index.html (the link is at {built}:{line + 1})",
        f'{template}: broken link to "../nowhere/index.html" (in /2025/10/01/)\n'
        f"  2025/10/nowhere/index.html does not exist (the link is at {built}:{line})",
    ]


ARTICLE = """---
title: Links in the body
publication: The Guardian
date: 2025-10-01
---

First paragraph.

A [relative link](../foo/index.html) that goes nowhere.

And a [site link](/nowhere/index.html), made relative when built.
"""


def test_a_broken_link_in_an_article_is_reported_at_its_markdown_line(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    source = "content/articles/guardian/2025-10-01-links.md"
    (site / source).write_text(ARTICLE)
    build_site(site)
    problems = check(load_config(site))
    # Built, the links are relative to the page: the Markdown line is found all the same.
    assert [(p.path, p.line) for p in problems] == [(source, 9), (source, 11)]
    for problem in problems:
        assert re.fullmatch(r'broken link to "[./\w]*/index\.html" '
                            r"\(in /the-guardian/2025-10-01-links/\)", problem.message)
    assert problems[1].message.startswith('broken link to "../../nowhere/index.html"')


def test_a_broken_link_in_a_template_is_reported_once_at_its_line(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    template = site / "themes/plain/templates/article.html"
    lines = template.read_text().splitlines(keepends=True)
    lines.insert(2, '<a href="../../about/index.html">About</a>\n')  # line 3
    template.write_text("".join(lines))
    build_site(site)
    problems = check(load_config(site))
    articles = [p for p in (site / "content/articles").rglob("*.md")
                if "status: draft" not in p.read_text()]
    assert [(p.path, p.line) for p in problems] == [("themes/plain/templates/article.html", 3)]
    assert problems[0].message == (
        f'broken link to "../../about/index.html" (in {len(articles)} pages, '
        "e.g. /monocle/2025-09-issue/)")
    assert problems[0].hint == "about/index.html does not exist"
