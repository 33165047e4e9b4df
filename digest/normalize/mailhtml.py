"""An e-mail's HTML part as Markdown blocks, in the order the reader sees them.

A newsletter is all content (no site around it to tell apart), laid out in tables that
defeat article extractors: every block-level element becomes a paragraph, with its bold
and italic text; headings, list items, quotes and images keep their kind. What the
reader never sees (hidden preview text, tracking pixels) is gone first (htmlbody.py);
masthead and footer are left to mailbody.py, which finds them by position and shape.
"""

from __future__ import annotations

import re
from typing import Any

from digest.normalize import htmlbody
from digest.normalize.textfix import Markup, escape_inline, escape_markdown

_SKIP = frozenset((
    "head", "script", "style", "title", "noscript", "template", "svg", "button", "select",
    "input", "textarea", "map", "object", "iframe",
))
_BLOCKS = frozenset((
    "p", "div", "td", "th", "tr", "table", "tbody", "thead", "tfoot", "h1", "h2", "h3", "h4",
    "h5", "h6", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "figure", "figcaption",
    "section", "article", "header", "footer", "center", "pre", "hr", "main", "aside", "nav",
    "address", "body", "html",
))
_STYLE = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_SPACE = re.compile(r"\s+")


class _Writer:
    def __init__(self) -> None:
        self.blocks: list[Markup] = []
        self.runs: list[tuple[str, str]] = []
        self.kind = ""

    def add(self, text: str | None, style: str) -> None:
        if text:
            self.runs.append((_SPACE.sub(" ", text), style))

    def flush(self) -> None:
        runs, self.runs = self.runs, []
        plain = " ".join("".join(t for t, _ in runs).split())
        if not plain:
            return
        if self.kind == "figcaption" and self.blocks and "](" in self.blocks[-1] and (
            "\n" not in self.blocks[-1]
        ):
            image = self.blocks.pop()
            self.blocks.append(Markup(f"{image}\n*{escape_inline(plain)}*", plain))
            return
        if self.kind.startswith("h") and self.kind[1:].isdigit():
            self.blocks.append(Markup(f"## {escape_inline(plain)}", plain))
            return
        nested = self.kind in ("li", "blockquote")  # not at a line's start: no block escape
        written = _written(runs, plain, nested)
        if self.kind == "li":
            written = f"- {written}"
        elif self.kind == "blockquote":
            written = f"> {written}"
        self.blocks.append(Markup(written, plain))

    def image(self, element: Any) -> None:
        if htmlbody.is_tiny(element):
            return
        # The caption comes as the <figcaption> after the image (see flush).
        block = htmlbody.image(element.get("src") or "", element.get("alt"), None, {})
        if block is not None:
            self.flush()
            self.blocks.append(block)


def _written(runs: list[tuple[str, str]], plain: str, nested: bool) -> str:
    if not any(style for _, style in runs):
        return escape_inline(plain) if nested else escape_markdown(plain)
    out = []
    for text, style in runs:
        core = text.strip()
        if style and core:
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            out.append(f"{lead}{style}{escape_inline(core)}{style}{trail}")
        else:
            out.append(escape_inline(text))
    return " ".join("".join(out).split())


def blocks(html: str) -> list[Markup]:
    """The mail's blocks; empty when the HTML cannot be read."""
    import lxml.html  # type: ignore[import-untyped]

    cleaned, _ = htmlbody.clean_html(html)
    try:
        tree = lxml.html.document_fromstring(cleaned)
    except (ValueError, lxml.etree.ParserError):
        return []
    writer = _Writer()
    _visit(writer, tree, "")
    writer.flush()
    return writer.blocks


def _visit(writer: _Writer, element: Any, style: str) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if not tag or tag in _SKIP:
        return
    if tag == "img":
        writer.image(element)
        return
    if tag == "br":
        writer.flush()
        return
    block = tag in _BLOCKS
    outer = writer.kind
    if block:
        writer.flush()
        if tag in ("li", "blockquote", "figcaption") or (tag[0] == "h" and tag[1:].isdigit()):
            writer.kind = tag
    inner = _STYLE.get(tag, style)
    writer.add(element.text, inner)
    for child in element:
        _visit(writer, child, inner)
        writer.add(child.tail, inner)
    if block:
        writer.flush()
        writer.kind = outer
