"""Readwise Reader's CSV export: `Title,URL,ID,Document tags,Saved date,Reading progress,
Location,Seen` (tags written as a list)."""

from __future__ import annotations

from digest.model import SourceFormat
from digest.normalize import exports
from digest.normalize.common import Draft, Dump

NAME: SourceFormat = "readwise"
_COLUMNS = {"Title", "URL", "Document tags", "Saved date"}


def sniff(dump: Dump) -> bool:
    return set(exports.csv_header(dump)) >= _COLUMNS


def parse(dump: Dump) -> tuple[Draft, ...]:
    items = [
        exports.Item(url=row["URL"], title=row.get("Title") or None,
                     saved=exports.day(row.get("Saved date")),
                     tags=exports.tags(row.get("Document tags")),
                     author=row.get("Author") or None,
                     excerpt=row.get("Summary") or None)
        for row in exports.read_csv(dump.text, dump.name) if row.get("URL")
    ]
    return exports.drafts(items, dump, NAME)
