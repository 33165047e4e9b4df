"""The body of an HTML page or e-mail as Markdown: paragraphs with their bold and italic
text, subheadings, lists, quotes, and figures as images with absolute addresses and
their captions. trafilatura finds the article; its XML is written out here, every text
escaped, so nothing in the page becomes markup of its own.

Before that, what a reader never sees is removed: hidden elements (an e-mail's preview
text), tracking pixels (images of a pixel or two, or hidden ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urljoin

from digest.normalize import chrome
from digest.normalize.textfix import Markup, escape_inline, escape_markdown

_HIDDEN = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|max-height\s*:\s*0|opacity\s*:\s*0(?![.\d])"
    r"|mso-hide\s*:\s*all|font-size\s*:\s*0(?![.\d])",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")
_STYLES = {"#b": "**", "#strong": "**", "#i": "*", "#em": "*"}


@dataclass(frozen=True)
class Body:
    paragraphs: list[str]  # Markup blocks
    truncated: bool


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _absolute(src: str | None, base: str | None) -> str | None:
    if not src or src.startswith("data:"):
        return None
    url = urljoin(base, src.strip()) if base else src.strip()
    return url if _is_web(url) else None


def is_tiny(element: Any) -> bool:
    """A tracking pixel: an image one or two pixels wide or high."""
    for key in ("width", "height"):
        value = (element.get(key) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= 2:
            return True
    return bool(re.search(r"(width|height)\s*:\s*[012]px", element.get("style") or ""))


def clean_html(html: str) -> tuple[str, dict[str, str]]:
    """The page without what a reader never sees, and each figure's caption by the image's
    address as written in the page."""
    import lxml.html  # type: ignore[import-untyped]

    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html, {}
    for element in list(tree.iter()):
        if not isinstance(element.tag, str):
            continue
        hidden = _HIDDEN.search(element.get("style") or "") or element.get("hidden") is not None
        pixel = element.tag == "img" and is_tiny(element)
        if (hidden or pixel) and element.getparent() is not None:
            element.drop_tree()
    captions: dict[str, str] = {}
    for figure in tree.iter("figure"):
        image = next(figure.iter("img"), None)
        caption = next(figure.iter("figcaption"), None)
        if image is not None and caption is not None:
            src = image.get("src") or image.get("data-src") or ""
            text = " ".join(caption.text_content().split())
            if src and text:
                captions[src] = text
    return lxml.html.tostring(tree, encoding="unicode"), captions


def extract(html: str, base: str | None, drop: Any = None) -> Body:
    """The article's blocks; `drop(text)` says which paragraphs are page chrome."""
    import trafilatura
    from lxml import etree

    cleaned, captions = clean_html(html)
    xml = trafilatura.extract(
        cleaned, output_format="xml", include_images=True, include_formatting=True,
        include_links=False, include_comments=False, include_tables=False,
        favor_precision=True, deduplicate=False, url=base,
    )
    if not xml:
        return Body([], False)
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return Body([], False)
    # Keyed on the address decoded: the cleaned page writes `a b.jpg` as `a%20b.jpg`.
    absolute = {unquote(url): text for src, text in captions.items()
                if (url := _absolute(src, base))}
    main = root.find("main")
    blocks: list[str] = []
    truncated = False
    shown: set[str] = set()  # captions under an image: not again as a paragraph
    for element in main if main is not None else []:
        block = _block(element, base, absolute)
        if block is None:
            continue
        plain = block.plain
        key = "".join(plain.split()).casefold()
        if element.tag == "graphic":
            shown.add(key)
        elif key in shown:
            continue
        if chrome.is_paywall(plain):
            truncated = True
        elif drop is None or element.tag == "graphic" or not drop(plain):
            blocks.append(block)
    return Body(blocks, truncated)


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _runs(element: Any) -> tuple[str, str]:
    """(Markdown, plain text) of a paragraph with its bold and italic runs."""
    parts: list[tuple[str, str]] = []

    def add(text: str | None, style: str) -> None:
        if text:
            parts.append((_SPACE.sub(" ", text), style))

    add(element.text, "")
    for child in element:
        style = _STYLES.get(child.get("rend", ""), "") if child.tag == "hi" else ""
        add("".join(child.itertext()), style)
        add(child.tail, "")
    markdown: list[str] = []
    for text, style in parts:
        core = text.strip()
        if style and core:
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            markdown.append(f"{lead}{style}{escape_inline(core)}{style}{trail}")
        else:
            markdown.append(escape_inline(text))
    written = " ".join("".join(markdown).split())
    plain = " ".join("".join(t for t, _ in parts).split())
    if parts and not parts[0][1] and written == escape_inline(plain):
        written = escape_markdown(plain)  # no formatting: escaped as any dump text
    return written, plain


def _block(element: Any, base: str | None, captions: dict[str, str]) -> Markup | None:
    tag = element.tag
    if tag == "p":
        written, plain = _runs(element)
        return Markup(written, plain) if plain else None
    if tag == "head":
        plain = _text(element)
        return Markup(f"## {escape_inline(plain)}", plain) if plain else None
    if tag == "list":
        items = [_text(item) for item in element.iter("item")]
        items = [item for item in items if item]
        marker = "1." if element.get("rend") == "ol" else "-"
        lines = [f"{marker} {escape_inline(item)}" for item in items]
        return Markup("\n".join(lines), " ".join(items)) if items else None
    if tag == "quote":
        plain = _text(element)
        return Markup(f"> {escape_inline(plain)}", plain) if plain else None
    if tag == "graphic":
        return image(element.get("src"), element.get("alt"), base, captions)
    return None


def image(
    src: str | None, alt: str | None, base: str | None, captions: dict[str, str]
) -> Markup | None:
    """`![alt](https://...)` with its caption under it; None without an absolute address."""
    url = _absolute(src, base)
    if url is None:
        return None
    url = unquote(url)
    caption = captions.get(url) or ""
    alt_text = " ".join((alt or "").split()) or caption
    safe = quote(url, safe=":/?&=#%~+,;@!$'*")
    written = f"![{escape_inline(alt_text)}]({safe})"
    if caption:
        written += f"\n*{escape_inline(caption)}*"
    return Markup(written, caption or alt_text)
