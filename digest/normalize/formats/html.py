"""Saved web pages: trafilatura finds the article text, the page's own metadata the rest.

The date comes only from what the page declares (article:published_time,
JSON-LD datePublished, <time datetime>), never from a guess in the text.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from digest.model import SourceFormat
from digest.normalize import htmlbody, lexicon, pagelines, textfix
from digest.normalize.common import Draft, Dump, Extract, one
from digest.normalize.dates import parse_date
from digest.normalize.textfix import Markup

_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr")
)
# Class names of a kicker (the line over the headline) and of a standfirst.
_KICKER_CLASS = re.compile(lexicon.alternation("kicker_class"))
_LEAD_CLASS = re.compile(lexicon.alternation("lead_class"))
_NOT_ARTICLE = re.compile(r"section|breadcrumb|categor|nav|menu|cookie|consent|tag|promo|related")
_SNIFF = re.compile(r"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|article[\s>])", re.I)


NAME: SourceFormat = "html"


def sniff(dump: Dump) -> bool:
    text = dump.text
    head = text[:4096].lstrip()
    if _SNIFF.search(head):
        return True
    closing = re.findall(r"</(p|div|span|a|li)>", text[:20000], re.I)
    return head.startswith("<") and len(closing) >= 5


class _Meta(HTMLParser):
    """Collects <meta>, <title>, <time datetime>, <html lang> and JSON-LD blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.times: list[str] = []
        self.lang: str | None = None
        self.canonical: str | None = None
        self.base: str | None = None
        self.json_ld: list[str] = []
        self.kickers: list[str] = []  # elements styled as a kicker, before the <h1>
        self.leads: list[str] = []  # elements styled as a standfirst
        self._in: str | None = None
        self._seen_h1 = False
        self._capture: list[str] | None = None  # the list the text being read goes to
        self._capture_tag = ""
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if self._capture is not None and tag == self._capture_tag:
            self._depth += 1
        elif self._capture is None and tag not in _VOID:
            self._start_capture(tag, values.get("class", "").lower())
        if tag == "h1":
            self._seen_h1 = True
        if tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop") or ""
            key = key.lower()
            if key and values.get("content") and key not in self.meta:
                self.meta[key] = values["content"].strip()
        elif tag == "html" and values.get("lang"):
            self.lang = values["lang"]
        elif tag == "time" and values.get("datetime"):
            self.times.append(values["datetime"])
        elif tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        elif tag == "link" and values.get("rel", "").lower() == "canonical":
            self.canonical = values.get("href") or None
        elif tag == "title" and not self.title:
            self._in = "title"
        elif tag == "script" and "ld+json" in values.get("type", "").lower():
            self._in = "ld"
            self.json_ld.append("")

    def _start_capture(self, tag: str, classes: str) -> None:
        if not classes or _NOT_ARTICLE.search(classes):
            return
        if not self._seen_h1 and _KICKER_CLASS.search(classes):
            self.kickers.append("")
            self._capture = self.kickers
        elif _LEAD_CLASS.search(classes) and tag in ("p", "div", "h2", "span", "section"):
            self.leads.append("")
            self._capture = self.leads
        else:
            return
        self._capture_tag, self._depth = tag, 0

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "script"):
            self._in = None
        if self._capture is not None and tag == self._capture_tag:
            if self._depth == 0:
                self._capture = None
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._capture[-1] += data
        if self._in == "title":
            self.title += data
        elif self._in == "ld":
            self.json_ld[-1] += data


def _ld_items(blocks: list[str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for block in blocks:
        try:
            data = json.loads(block)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                items.append(node)
                if isinstance(node.get("@graph"), list):
                    stack.extend(node["@graph"])
    return [i for i in items if "headline" in i or "datePublished" in i]


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse(dump: Dump) -> tuple[Draft, ...]:
    return one(extract(dump.text), dump)


def extract(text: str, address: str | None = None) -> Extract:
    """`address`: where the page was saved from, when the saved file says so (.mhtml)."""
    meta = _Meta()
    try:
        meta.feed(text)
        meta.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        pass
    ld = _ld_items(meta.json_ld)
    article = ld[0] if ld else {}
    get = meta.meta.get
    page_title = " ".join(meta.title.split())
    publication = get("og:site_name") or _name(article.get("publisher"))
    title = get("og:title") or _name(article.get("headline")) or get("twitter:title") or page_title
    if title == page_title and publication:  # `Headline | Site` -> `Headline`
        title = re.sub(rf"\s*[|\-–—:]\s*{re.escape(publication)}\s*$", "", title)
    date = None
    for candidate in (
        get("article:published_time"), article.get("datePublished"), *meta.times,
        get("date"), get("dc.date"), get("pubdate"),
    ):
        if isinstance(candidate, str) and (date := parse_date(candidate[:10])):
            break
    extra = _fallback(text) if not (publication and meta.meta.get("author")) else {}
    url = get("og:url") or meta.canonical or extra.get("url") or address
    body = htmlbody.extract(textfix.repair(text), meta.base or url, drop=pagelines.is_chrome)
    kicker, standfirst, body_text = _head_of_body(
        body.paragraphs, title, meta, get("og:description") or get("description")
    )
    author = get("author") or get("article:author") or _name(article.get("author"))
    author = author or extra.get("author")
    if author and author.startswith("http"):
        author = _name(article.get("author")) or extra.get("author")
    return Extract(
        format="html",
        title=title or extra.get("title"),
        paragraphs=tuple(body_text),
        publication=publication or extra.get("sitename"),
        date=date,
        author=author,
        kicker=kicker,
        standfirst=standfirst,
        url=url,
        truncated=body.truncated,
        lang_hint=meta.lang,
        review=() if body_text else ("no article text found in the page",),
    )


def _squash(text: str) -> str:
    return " ".join(text.split())


def _plain(block: str) -> str:
    """A block's text without its Markdown (see textfix.Markup)."""
    return block.plain if isinstance(block, Markup) else block


def _same(a: str, b: str | None) -> bool:
    return b is not None and _squash(_plain(a)).casefold() == _squash(b).casefold()


def _head_of_body(
    lines: list[str], title: str | None, meta: _Meta, description: str | None
) -> tuple[str | None, str | None, list[str]]:
    """Kicker, standfirst and the body without them (and without the title repeated).

    The standfirst is the page's own lead paragraph (styled as one, or the first
    paragraph when it starts like the description), else the description.
    """
    kickers = [k for k in map(_squash, reversed(meta.kickers)) if 0 < len(k.split()) <= 8]
    kicker = kickers[0] if kickers else None
    lead = next((x for x in map(_squash, meta.leads) if len(x.split()) >= 5), None)
    head = 0
    while head < min(len(lines), 4):
        line = lines[head]
        if _same(line, kicker) or _same(line, title):
            head += 1
        elif (  # a short line right before the title: a kicker without a class name
            kicker is None and head + 1 < len(lines) and _same(lines[head + 1], title)
            and len(_plain(line).split()) <= 5
            and not _plain(line).rstrip().endswith((".", "!", "?"))
        ):
            kicker, head = _plain(line), head + 1
        else:
            break
    body = lines[head:]
    stem = (description or "").rstrip(" .…").casefold()
    if lead is None and body and stem and _plain(body[0]).casefold().startswith(stem):
        lead = _plain(body[0])
    standfirst = lead if lead and len(lead) >= len(description or "") else description
    body = [
        x for i, x in enumerate(body) if not (i < 3 and (_same(x, lead) or _same(x, standfirst)))
    ]
    return kicker, standfirst, body


def _fallback(text: str) -> dict[str, str]:
    """trafilatura's own metadata, for pages without og: tags (never its date guess)."""
    import trafilatura

    document = trafilatura.extract_metadata(text)
    if document is None:
        return {}
    found = {k: getattr(document, k, None) for k in ("title", "author", "sitename", "url")}
    return {k: v for k, v in found.items() if isinstance(v, str) and v}
