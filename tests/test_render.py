"""Markdown rendering (both engines agree byte for byte) and HTML validity of pages."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pytest
from test_build_support import build_site, copy_site

from digest import markdown

CORPUS = [
    "plain *em* **strong** `code` ~~gone~~ <b>raw</b> & < > \"quotes\"",
    "# H1\n\n## H2 with `code`\n\nSetext\n======\n\nOther\n---",
    "- a\n- b\n  - nested\n\n1. one\n2. two\n\n3) three",
    "> quote\n> > nested\n\n    indented code\n\n```python\nx = '<y>'\n```",
    "| a | b |\n|:--|--:|\n| 1 | **2** |\n| x \\| y | |",
    "[link](https://example.com \"title\") [rel](/archive/) [ref][r] <https://auto.example>\n\n"
    "[r]: https://ref.example\n\n![img](pic.png 'alt')",
    "hard  \nbreak\\\nother &copy; &#35; &nbsp; \\*not em\\*",
    "***\n\n___\n\n* * *\n\ntext<div>block</div>\n\n<div>\nhtml block\n</div>",
    "Ünïcödé — “curly” ‘quotes’ … 日本語 <script>alert(1)</script>",
    "1. item\n\n   para in item\n\n   ```\n   code in item\n   ```\n2. next",
    "*a **b** c* _d_ __e__ ***f*** [*link*](http://x.y/a_b_c)",
    "",
    "   \n\n  leading spaces\n\ttab",
]


def test_rust_engine_matches_python_engine() -> None:
    if markdown.engine() != "rust":
        # A dependency wherever its wheel exists, CI included: only a hand-made venv lacks it.
        if os.environ.get("CI"):
            pytest.fail("markdown-it-pyrs is not installed: pip install -e '.[test]'")
        pytest.skip("markdown-it-pyrs not installed")
    # Each snippet alone, and every pair: features meeting each other across blocks.
    corpus = CORPUS + [a + "\n\n" + b for a in CORPUS for b in CORPUS]
    corpus += [a + "\n" + b for a in CORPUS for b in CORPUS]
    for text in corpus:
        assert markdown.render_markdown(text) == markdown.render_python(text), text


def test_raw_html_sites_use_the_python_engine() -> None:
    assert markdown.engine(raw_html=True) == "python"


def test_raw_html_is_escaped_unless_allowed_and_then_sanitised() -> None:
    text = "<b>bold</b> <script>alert(1)</script> <a href='https://x.example' onclick='y'>x</a>"
    assert "&lt;b&gt;" in markdown.render_markdown(text)
    allowed = markdown.render_markdown(text, raw_html=True)
    assert "<b>bold</b>" in allowed
    assert "<script>" not in allowed and "onclick" not in allowed


def test_external_links_get_noopener() -> None:
    html = markdown.render_markdown("[a](https://x.example) [b](/local/) [c](//cdn.example)")
    assert '<a href="https://x.example" rel="noopener">' in html
    assert '<a href="/local/">' in html
    assert '<a href="//cdn.example" rel="noopener">' in html


@pytest.mark.parametrize("theme", ["plain", "default"])
def test_built_pages_are_valid_html(tmp_path: Path, theme: str) -> None:
    import html5lib

    site = copy_site("basic", tmp_path)
    if theme == "default":
        (site / "site.yaml").write_text(
            (site / "site.yaml").read_text().replace("theme: plain", "theme: default"))
    build_site(site)
    pages = sorted((site / "_site").rglob("*.html"))
    assert len(pages) > 30
    for path in pages:
        parser = html5lib.HTMLParser(strict=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                parser.parse(path.read_bytes())
            except html5lib.html5parser.ParseError as exc:
                pytest.fail(f"{path.relative_to(site)}: {exc}")


@pytest.mark.parametrize("attribute", [
    'data-page="{{ page.url }}"',  # reads the page: never kept
    'data-page="{{ url(\'/\') }}"',  # links: depends on the page's depth
    'data-page="{{ url(\'/\')|urlencode }}"',  # a transformed link
])
def test_macros_that_depend_on_the_page_are_rendered_for_each_page(
    tmp_path: Path, attribute: str
) -> None:
    """Macro results are kept across the pages of a build only for macros that read
    nothing but build-wide globals and link nothing; others run again on every page."""
    root = copy_site("basic", tmp_path)
    config = root / "site.yaml"
    config.write_text(config.read_text().replace("theme: plain", "theme: default"))
    default = Path(__file__).resolve().parent.parent / "themes" / "default" / "templates"
    macros = (default / "partials" / "macros.html").read_text()
    marked = macros.replace('<span class="reading-time">',
                            f'<span class="reading-time" {attribute}>')
    assert marked != macros
    (root / "templates" / "partials").mkdir(parents=True)
    (root / "templates" / "partials" / "macros.html").write_text(marked)
    report = build_site(root)
    assert not report.problems
    site = root / "_site"
    seen = 0
    for page in site.rglob("index.html"):
        rel = page.parent.relative_to(site).as_posix()
        url = "/" if rel == "." else f"/{rel}/"
        expected = url if "page.url" in attribute else "../" * (url.count("/") - 1) + "index.html"
        for found in re.findall(r'data-page="([^"]*)"', page.read_text()):
            seen += 1
            assert found == expected, page
    assert seen > 5


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_template_error_is_reported_once_with_the_pages_it_broke(
    tmp_path: Path, jobs: int
) -> None:
    root = copy_site("basic", tmp_path)
    article = root / "themes" / "plain" / "templates" / "article.html"
    lines = article.read_text().splitlines(keepends=True)
    lines.insert(4, "{{ foo }}\n")  # line 5
    article.write_text("".join(lines))
    published = [p for p in (root / "content" / "articles").rglob("*.md")
                 if "status: draft" not in p.read_text()]
    report = build_site(root, jobs=jobs)
    broken = [p for p in report.problems if p.path.endswith("article.html")]
    assert len(broken) == 1, [str(p) for p in report.problems]
    [problem] = broken
    assert (problem.path, problem.line) == ("themes/plain/templates/article.html", 5)
    count = int(re.search(r"'foo' is undefined \(in (\d+) pages, e\.g\. /\S+/\)$",
                          problem.message)[1])  # type: ignore[index]
    assert count == len(published) > 1


def test_raw_html_keeps_internal_links_without_rel_and_both_engines_agree() -> None:
    # nh3 would add rel="noopener noreferrer" to every link: only external ones get rel.
    text = "<b>bold</b> [home](/archive/) [out](https://x.example) <script>x()</script>"
    html = markdown.render_markdown(text, raw_html=True)
    assert '<a href="/archive/">home</a>' in html
    assert '<a href="https://x.example" rel="noopener">out</a>' in html
    assert "<b>bold</b>" in html and "<script>" not in html
    assert markdown.render_python(text, raw_html=True) == html
