"""wallabag's JSON export: a list of entries with the article's HTML `content`, `tags`,
`created_at` (saved), `published_at` and `published_by`."""

from __future__ import annotations

from digest.model import SourceFormat
from digest.normalize import exports, mailhtml
from digest.normalize.common import Draft, Dump

NAME: SourceFormat = "wallabag"
_KEYS = ("url", "title", "content", "created_at")


def sniff(dump: Dump) -> bool:
    return exports.json_list(dump, *_KEYS) is not None


def _authors(value: object) -> str | None:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v) or None
    return str(value) if value else None


def parse(dump: Dump) -> tuple[Draft, ...]:
    entries = exports.json_list(dump, *_KEYS) or []
    items = [
        exports.Item(
            url=str(entry["url"]), title=str(entry.get("title") or "") or None,
            saved=exports.day(entry.get("created_at")),
            published=exports.day(entry.get("published_at")),
            tags=exports.tags(entry.get("tags")),
            text=tuple(mailhtml.blocks(str(entry.get("content") or ""))),
            author=_authors(entry.get("published_by")),
        )
        for entry in entries if isinstance(entry, dict) and entry.get("url")
    ]
    return exports.drafts(items, dump, NAME)
