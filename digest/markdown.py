"""Markdown -> HTML for article bodies.

CommonMark plus tables and strikethrough. markdown-it-pyrs (Rust) is used when it is
installed and raw HTML is off: it is an order of magnitude faster and gives
byte-identical HTML for this feature set (tests/test_render.py compares both on a varied
corpus). Links that leave the
site get `rel="noopener"` in a post-processing step shared by both engines, so the
engines only have to agree on plain CommonMark output.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable
from functools import lru_cache

_FEATURES = ["table", "strikethrough"]
_EXTERNAL_LINK = re.compile(r'<a href="((?:https?:)?//[^"]*)"(?![^>]*\brel=)')

_RUST_RULES = [
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
]

Renderer = Callable[[str], str]


@lru_cache(maxsize=4)
def _python_renderer(raw_html: bool) -> Renderer:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": raw_html}).enable(_FEATURES)
    return md.render


@lru_cache(maxsize=4)
def _rust_renderer(raw_html: bool) -> Renderer | None:
    # With raw HTML allowed the engines differ (whitespace after HTML blocks), so the
    # Rust engine only renders sites that keep raw HTML off, the default.
    if raw_html or os.environ.get("DIGEST_MARKDOWN") == "python":
        return None
    try:
        import markdown_it_pyrs
    except ImportError:
        return None
    # Its "commonmark" preset always passes raw HTML through, so start from "zero" and
    # name the CommonMark rules without the HTML ones: raw HTML is then escaped as text.
    rules = _RUST_RULES + _FEATURES
    md = markdown_it_pyrs.MarkdownIt("zero").enable_many(rules)  # type: ignore[arg-type]
    render: Renderer = md.render
    return render


def engine(raw_html: bool = False) -> str:
    """Which engine renders: `rust` or `python`, for cache keys. Found without importing
    the Rust one (10 ms of a build that finds nothing changed); one that is installed but
    fails to import leaves Python rendering under its name, which gives the same HTML."""
    if raw_html or os.environ.get("DIGEST_MARKDOWN") == "python":
        return "python"
    return "rust" if importlib.util.find_spec("markdown_it_pyrs") is not None else "python"


def render_markdown(text: str, *, raw_html: bool = False) -> str:
    """Safe HTML for a Markdown body; raw HTML only when the site allows it, sanitised."""
    render = _rust_renderer(raw_html) or _python_renderer(raw_html)
    html = render(text)
    if raw_html:
        html = _sanitise(html)
    return _EXTERNAL_LINK.sub(r'<a href="\1" rel="noopener"', html)


def render_python(text: str, *, raw_html: bool = False) -> str:
    """The pure-Python engine only: the reference the Rust engine is tested against."""
    html = _python_renderer(raw_html)(text)
    if raw_html:
        html = _sanitise(html)
    return _EXTERNAL_LINK.sub(r'<a href="\1" rel="noopener"', html)


def _sanitise(html: str) -> str:
    import nh3

    # link_rel=None: nh3 would otherwise add rel to every link, internal ones too.
    cleaned: str = nh3.clean(html, link_rel=None)
    return cleaned
