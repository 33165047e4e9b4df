"""Files digest writes itself: Atom (RFC 4287), JSON Feed 1.1, sitemap.xml, robots.txt.

Deterministic by construction: a feed's `updated` is its newest article's date, never
the clock, so building twice gives the same bytes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from digest import __version__
from digest.collect import UNSORTED, Catalog, Entry
from digest.config import SiteConfig
from digest.load import Article
from digest.model import PartialDate
from digest.plan import FeedPage, PageSpec, SitemapPage
from digest.urls import absolute

_EPOCH = "1970-01-01T00:00:00Z"


# The same as xml.sax.saxutils' escape and quoteattr, which import urllib.request (and
# with it ssl and http): a tenth of a second of start-up for a few replacements.
def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


def render_feed(
    spec: PageSpec, catalog: Catalog, config: SiteConfig, bodies: Callable[[Article], str]
) -> bytes:
    """The bytes of a file that is not a template page."""
    data = spec.data
    if spec.kind == "robots":
        return _robots(config).encode()
    if isinstance(data, SitemapPage):
        return _sitemap(data, config).encode()
    assert isinstance(data, FeedPage), spec
    entries = [catalog.entries[i] for i in data.entries]
    if data.format == "json":
        return _json_feed(spec.url, data, entries, config, bodies).encode()
    return _atom(spec.url, data, entries, config, bodies).encode()


def _timestamp(date: PartialDate | None) -> str | None:
    if date is None:
        return None
    return f"{date.year:04d}-{date.month:02d}-{date.day or 1:02d}T00:00:00Z"


def _newest(entries: list[Entry]) -> str:
    stamps = [s for e in entries if (s := _timestamp(e.article.meta.date))]
    return max(stamps) if stamps else _EPOCH


def atom_id(config: SiteConfig, path: str) -> str:
    link = absolute(config.base_url, path)
    if link.startswith(("http://", "https://")):
        return link
    # Atom ids must be IRIs: without a base_url, a stable UUID from the site and path.
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"digest:{config.title}:{path}"))


def atom_head(config: SiteConfig, url: str, title: str, updated: str, link: str) -> list[str]:
    """An Atom feed's opening and its own elements, up to its first entry: the feed at
    `url`, the HTML page at `link`."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>\n',
        f"  <id>{escape(atom_id(config, url))}</id>\n",
        f"  <title>{escape(title)}</title>\n",
    ]
    if config.description:
        out.append(f"  <subtitle>{escape(config.description)}</subtitle>\n")
    return [
        *out,
        f"  <updated>{updated}</updated>\n",
        f"  <author><name>{escape(config.author or config.title)}</name></author>\n",
        f'  <link rel="self" type="application/atom+xml" '
        f"href={quoteattr(absolute(config.base_url, url))}/>\n",
        f'  <link rel="alternate" type="text/html" '
        f"href={quoteattr(absolute(config.base_url, link))}/>\n",
        f'  <generator version="{escape(__version__)}">digest</generator>\n',
    ]


def _atom(
    url: str, data: FeedPage, entries: list[Entry], config: SiteConfig,
    bodies: Callable[[Article], str],
) -> str:
    updated = _newest(entries)
    out = atom_head(config, url, data.title, updated, data.link)
    for entry in entries:
        meta = entry.article.meta
        stamp = _timestamp(meta.date) or updated
        out += [
            "  <entry>\n",
            f"    <id>{escape(atom_id(config, entry.url))}</id>\n",
            f"    <title>{escape(meta.title)}</title>\n",
            f"    <updated>{stamp}</updated>\n",
        ]
        if meta.date is not None:
            out.append(f"    <published>{stamp}</published>\n")
        if meta.author:
            out.append(f"    <author><name>{escape(meta.author)}</name></author>\n")
        out.append(f'    <link rel="alternate" type="text/html" '
                   f"href={quoteattr(absolute(config.base_url, entry.url))}/>\n")
        for tag in meta.tags:
            out.append(f"    <category term={quoteattr(tag)}/>\n")
        if meta.url:
            out.append(f'    <link rel="related" type="text/html" href={quoteattr(meta.url)}'
                       f" title={quoteattr(_publication(entry))}/>\n")
        if entry.article.excerpt:
            out.append(f"    <summary>{escape(entry.article.excerpt)}</summary>\n")
        out.append(f'    <content type="html">{escape(_content(entry, bodies))}</content>\n')
        out.append("  </entry>\n")
    out.append("</feed>\n")
    return "".join(out)


def _json_feed(
    url: str, data: FeedPage, entries: list[Entry], config: SiteConfig,
    bodies: Callable[[Article], str],
) -> str:
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": data.title,
        "home_page_url": absolute(config.base_url, data.link),
        "feed_url": absolute(config.base_url, url),
        "language": config.language,
    }
    if config.description:
        feed["description"] = config.description
    if config.author:
        feed["authors"] = [{"name": config.author}]
    items = []
    for entry in entries:
        meta = entry.article.meta
        item: dict[str, object] = {
            "id": atom_id(config, entry.url),
            "url": absolute(config.base_url, entry.url),
            "title": meta.title,
            "content_html": _content(entry, bodies),
            "_digest": {"publication": _publication(entry), "rights": entry.article.rights},
        }
        if entry.article.excerpt:
            item["summary"] = entry.article.excerpt
        if (stamp := _timestamp(meta.date)) is not None:
            item["date_published"] = stamp
        if meta.author:
            item["authors"] = [{"name": meta.author}]
        if meta.tags:
            item["tags"] = list(meta.tags)
        if meta.lang:
            item["language"] = meta.lang
        if meta.url:
            item["external_url"] = meta.url
        items.append(item)
    feed["items"] = items
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def _publication(entry: Entry) -> str:
    return entry.where.publication or UNSORTED


def _content(entry: Entry, bodies: Callable[[Article], str]) -> str:
    """An entry's HTML: the curator's note, the text its rights allow (digest.rights), and
    in every mode who published it, when, and the link to the original. No words of the
    site's language here (feeds have no theme): names, the date and the address."""
    from html import escape as html_escape

    meta = entry.article.meta
    parts = []
    if meta.note:
        parts.append(f'<aside class="note"><p>{html_escape(meta.note)}</p></aside>\n')
    parts.append(bodies(entry.article))
    source = [f"<cite>{html_escape(_publication(entry))}</cite>"]
    if meta.author:
        source.append(html_escape(meta.author))
    if meta.date is not None:
        source.append(meta.date.iso)
    if meta.url:
        shown = meta.url.split("://", 1)[-1].rstrip("/")
        source.append(f'<a href="{html_escape(meta.url)}">{html_escape(shown)}</a>')
    parts.append(f'<p class="attribution">— {" · ".join(source)}</p>\n')
    return "".join(parts)


def _sitemap(data: SitemapPage, config: SiteConfig) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for url, lastmod in sorted(data.urls):
        modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        out.append(f"  <url><loc>{escape(absolute(config.base_url, url))}</loc>{modified}</url>\n")
    out.append("</urlset>\n")
    return "".join(out)


def _robots(config: SiteConfig) -> str:
    text = "User-agent: *\nAllow: /\n"
    sitemap = absolute(config.base_url, "/sitemap.xml")
    if sitemap.startswith(("http://", "https://")):
        text += f"Sitemap: {sitemap}\n"
    return text
