"""Where an article goes: content/articles/<publication>/<date>-<title>.md, safe and unique."""

from __future__ import annotations

import functools

from slugify import slugify

from digest.model import ArticleMeta

_MAX_SLUG = 80


@functools.lru_cache(maxsize=1024)  # publications repeat from one dump to the next
def slug(text: str | None, fallback: str, max_length: int = _MAX_SLUG) -> str:
    value = slugify(text or "", max_length=max_length, word_boundary=True, save_order=True)
    value = value.strip("-.")
    return value or fallback


def article_path(meta: ArticleMeta, suffix: str = "") -> str:
    """Path relative to content/, e.g. `articles/the-guardian/2025-10-01-some-title.md`."""
    folder = slug(meta.publication, "unknown", 60)
    name = slug(meta.title, "untitled")
    if meta.date is not None:
        name = f"{meta.date.iso}-{name}"
    if suffix:
        name = f"{name}-{suffix}"
    return f"articles/{folder}/{name}.md"
