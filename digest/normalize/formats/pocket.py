"""Pocket's exports: the HTML file (`<a href time_added tags>` in lists per state) and the
CSV file (`title,url,time_added,tags,status`, tags joined with `|`)."""

from __future__ import annotations

import re
from html import unescape

from digest.model import SourceFormat
from digest.normalize import exports
from digest.normalize.common import Draft, Dump

NAME: SourceFormat = "pocket"
_CSV = {"title", "url", "time_added", "tags", "status"}
_LINK = re.compile(r"<a\s([^>]*)>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _is_html(dump: Dump) -> bool:
    head = dump.text[:2000].casefold()
    return "<title>pocket export</title>" in head or "<h1>unread</h1>" in head


def sniff(dump: Dump) -> bool:
    return set(exports.csv_header(dump)) >= _CSV or _is_html(dump)


def links(text: str) -> list[tuple[dict[str, str], str]]:
    """(attributes, text) of every link in an export page (Pocket's, or a bookmark file)."""
    found = []
    for match in _LINK.finditer(text):
        attributes = {m[1].casefold(): unescape(m[2] if m[2] is not None else m[3])
                      for m in _ATTRIBUTE.finditer(match[1])}
        found.append((attributes, " ".join(unescape(re.sub(r"<[^>]+>", "", match[2])).split())))
    return found


def parse(dump: Dump) -> tuple[Draft, ...]:
    if _is_html(dump):
        items = [
            exports.Item(url=a["href"], title=title or None, saved=exports.day(a.get("time_added")),
                         tags=exports.tags(a.get("tags")))
            for a, title in links(dump.text) if a.get("href", "").startswith("http")
        ]
    else:
        items = [
            exports.Item(url=row["url"], title=row.get("title") or None,
                         saved=exports.day(row.get("time_added")),
                         tags=exports.tags(row.get("tags"), "|"))
            for row in exports.read_csv(dump.text, dump.name) if row.get("url")
        ]
    return exports.drafts(items, dump, NAME)
