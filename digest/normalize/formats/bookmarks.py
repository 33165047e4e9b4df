"""The Netscape bookmark file browsers and most read-later tools export:
`<DT><A HREF=... ADD_DATE=... TAGS=...>title</A>`, with an optional `<DD>` description."""

from __future__ import annotations

import re
from html import unescape

from digest.model import SourceFormat
from digest.normalize import exports
from digest.normalize.common import Draft, Dump
from digest.normalize.formats.pocket import links

NAME: SourceFormat = "bookmarks"
_ENTRY = re.compile(r"<dt>\s*(<a\s.*?</a>)(?:\s*<dd>([^<]*))?", re.IGNORECASE | re.DOTALL)


def sniff(dump: Dump) -> bool:
    return "<!doctype netscape-bookmark-file" in dump.text[:400].casefold()


def parse(dump: Dump) -> tuple[Draft, ...]:
    items = []
    for entry in _ENTRY.finditer(dump.text):
        for attributes, title in links(entry[1]):
            if not attributes.get("href", "").startswith("http"):
                continue
            description = " ".join(unescape(entry[2] or "").split()) or None
            items.append(exports.Item(
                url=attributes["href"], title=title or None,
                saved=exports.day(attributes.get("add_date")),
                tags=exports.tags(attributes.get("tags")), excerpt=description,
            ))
    return exports.drafts(items, dump, NAME)
