"""/editions.xml: an Atom feed (RFC 4287) with one entry per edition, newest first.

Each entry's content is the edition as the e-mail shows it (digest.email_render, the
theme's `email.html` with its CSS inlined), so a feed reader or an RSS-to-email service
gets one item per issue rather than one per article. It is rendered through the views
like a template page: what it reads is recorded (digest.reads), and an edit to any
article it shows renders it again. Deterministic: `updated` comes from article dates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from digest.config import SiteConfig
from digest.email_render import Rendered, render_html, ui_string
from digest.feeds import atom_head, atom_id, escape, quoteattr
from digest.plan import EditionFeedPage, PageSpec
from digest.theme import Theme
from digest.urls import absolute
from digest.views import Views

_EPOCH = "1970-01-01T00:00:00Z"
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)


def render_edition_feed(
    spec: PageSpec, views: Views, theme: Theme, config: SiteConfig,
    keep: Callable[[str, Callable[[], Rendered]], Rendered] = lambda _key, make: make(),
) -> bytes:
    """The feed; `keep` may give an edition's e-mail kept from an earlier build while what
    it read is worth the same (digest.fragments)."""
    data = spec.data
    assert isinstance(data, EditionFeedPage), spec
    entries: list[str] = []
    stamps: list[str] = []
    for n in data.editions:
        edition = views.edition(n)
        assert edition is not None, n
        # Its articles first: an incremental build reads them from the cache in one query
        # here, rather than one by one as a kept e-mail's reads are compared.
        dates = [a.date for g in edition.groups for a in g.articles if a.date is not None]
        rendered = keep(f"edition-feed {edition.key}", functools.partial(
            render_html, theme, views, config, n, channel="feed"))
        found = _BODY.search(rendered.html)
        content = (found[1] if found else rendered.html).strip()
        newest = max(dates, key=lambda d: d.sort_key) if dates else None
        updated = _stamp(newest.year, newest.month, newest.day or 1) if newest else _EPOCH
        start = views.catalog.editions[n].start
        stamps.append(updated)
        link = absolute(config.base_url, edition.url)
        entries += [
            "  <entry>\n",
            f"    <id>{escape(atom_id(config, edition.url))}</id>\n",
            f"    <title>{escape(rendered.subject)}</title>\n",
            f"    <updated>{updated}</updated>\n",
            f"    <published>{_stamp(start.year, start.month, start.day)}</published>\n",
            f'    <link rel="alternate" type="text/html" href={quoteattr(link)}/>\n',
            f'    <content type="html">{escape(content)}</content>\n',
            "  </entry>\n",
        ]
    title = f"{config.title}: {ui_string(theme, config, 'editions')}"
    head = atom_head(config, spec.url, title, max(stamps) if stamps else _EPOCH, "/")
    return "".join([*head, *entries, "</feed>\n"]).encode()


def _stamp(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"
