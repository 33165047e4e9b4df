"""What a page read while it rendered: the one record of what it depends on.

Templates reach data only through views (digest.views), the theme's functions (`t`,
`asset`) and the templates the environment loads; each of these notes an item here,
`(kind, name)`, for the page being rendered:

- `("summary", source)`: an article's view, every field but the body
- `("body", source)`: an article's body
- `("edition", key)`, `("publication", slug)`, `("tag", slug)`, `("publications", "")`,
  `("tags", "")`, `("indexes", "")`: what the catalog says of these
- `("template", name)`, `("string", key)`, `("asset", name)`: the theme

A page's record, with a digest of each item's value at the time, is kept in the build
cache; a build re-renders exactly the pages one of whose items has another value now
(`digest.build`). The value of an item comes from the stage that owns the data
(`Views.value`, `Theme.value`), so what is recorded and what is compared cannot drift.

Recording is a module global: one page renders at a time per process, and forked render
workers each have their own copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

Item = tuple[str, str]

# The kinds of items whose values come from the theme and site.yaml, not from articles:
# builds with the same key (digest.build_inputs) find them worth what they were.
THEME_KINDS = ("template", "string", "asset")
FIXED_KINDS = (*THEME_KINDS, "config")

_current: set[Item] | None = None


def record(item: Item) -> None:
    """Note that the page being rendered read `item` (nothing when no page is)."""
    current = _current
    if current is not None:
        current.add(item)


def record_all(items: Iterable[Item]) -> None:
    """Note several items at once: the reads a kept macro result made when it was made."""
    current = _current
    if current is not None:
        current.update(items)


def start_recording() -> tuple[set[Item], set[Item] | None]:
    """`recording()` without a context manager, for a hot path: pass what it returns to
    `stop_recording`."""
    global _current
    outer = _current
    reads: set[Item] = set()
    _current = reads
    return reads, outer


def stop_recording(reads: set[Item], outer: set[Item] | None) -> None:
    global _current
    _current = outer
    if outer is not None:
        outer.update(reads)


@contextmanager
def recording() -> Iterator[set[Item]]:
    """Record the reads of the code run inside; nested records add to the outer one."""
    global _current
    outer = _current
    reads: set[Item] = set()
    _current = reads
    try:
        yield reads
    finally:
        _current = outer
        if outer is not None:
            outer.update(reads)
