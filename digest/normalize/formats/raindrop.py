"""Raindrop.io's CSV export: `id,title,note,excerpt,url,folder,tags,created,cover,
highlights,favorite`; the note is the curator's, the highlights one per line."""

from __future__ import annotations

import re

from digest.model import SourceFormat
from digest.normalize import exports
from digest.normalize.common import Draft, Dump

NAME: SourceFormat = "raindrop"
_COLUMNS = {"title", "note", "excerpt", "url", "tags", "created"}


def sniff(dump: Dump) -> bool:
    return set(exports.csv_header(dump)) >= _COLUMNS


def _highlights(text: str | None) -> tuple[str, ...]:
    """`Highlight:...` blocks (a `Note:` of the reader's under each is left out)."""
    found = re.split(r"(?:^|\n)\s*Highlight:\s*", text or "")
    return tuple(x.split("\nNote:")[0].strip() for x in found if x.strip())


def parse(dump: Dump) -> tuple[Draft, ...]:
    items = [
        exports.Item(url=row["url"], title=row.get("title") or None,
                     saved=exports.day(row.get("created")), tags=exports.tags(row.get("tags")),
                     excerpt=row.get("excerpt") or None, note=row.get("note") or None,
                     highlights=_highlights(row.get("highlights")))
        for row in exports.read_csv(dump.text, dump.name) if row.get("url")
    ]
    return exports.drafts(items, dump, NAME)
