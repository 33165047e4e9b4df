"""Omnivore's export: the `metadata_*.json` lists (`slug`, `savedAt`, `labels`,
`description`, `publishedAt`, `author`); the articles' Markdown comes in separate files."""

from __future__ import annotations

from digest.model import SourceFormat
from digest.normalize import exports
from digest.normalize.common import Draft, Dump

NAME: SourceFormat = "omnivore"
_KEYS = ("url", "title", "slug", "savedAt")


def sniff(dump: Dump) -> bool:
    return exports.json_list(dump, *_KEYS) is not None


def parse(dump: Dump) -> tuple[Draft, ...]:
    entries = exports.json_list(dump, *_KEYS) or []
    items = [
        exports.Item(
            url=str(entry["url"]), title=str(entry.get("title") or "") or None,
            saved=exports.day(entry.get("savedAt")),
            published=exports.day(entry.get("publishedAt")),
            tags=exports.tags(entry.get("labels")),
            excerpt=str(entry.get("description") or "") or None,
            author=str(entry.get("author") or "") or None,
        )
        for entry in entries if isinstance(entry, dict) and entry.get("url")
    ]
    return exports.drafts(items, dump, NAME)
