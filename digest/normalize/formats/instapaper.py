"""Instapaper's CSV export: `URL,Title,Selection,Folder,Timestamp` (and `Tags` in newer
ones); `Selection` is the text the reader highlighted or the article's excerpt."""

from __future__ import annotations

from digest.model import SourceFormat
from digest.normalize import exports
from digest.normalize.common import Draft, Dump

NAME: SourceFormat = "instapaper"
_COLUMNS = {"URL", "Title", "Selection", "Folder", "Timestamp"}


def sniff(dump: Dump) -> bool:
    return set(exports.csv_header(dump)) >= _COLUMNS


def parse(dump: Dump) -> tuple[Draft, ...]:
    items = [
        exports.Item(url=row["URL"], title=row.get("Title") or None,
                     saved=exports.day(row.get("Timestamp")), tags=exports.tags(row.get("Tags")),
                     excerpt=row.get("Selection") or None)
        for row in exports.read_csv(dump.text, dump.name) if row.get("URL")
    ]
    return exports.drafts(items, dump, NAME)
