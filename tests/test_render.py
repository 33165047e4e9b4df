"""Markdown rendering (both engines agree byte for byte) and HTML validity of pages."""

from __future__ import annotations

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
