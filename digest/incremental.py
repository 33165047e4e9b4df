"""Changed article files -> the pages to render again, without collecting or planning.

When every changed file keeps its place in the site (same date, publication, tags,
status, featured flag and slug: the catalog's order is by date and path, not by title),
the site has the structure the last complete build planned. The pages
to render again are then exactly those whose inputs showed a changed article
(`Plan.shows`: in full for a body edit, or its summary too), and everything rendering
them needs is in the snapshot that build left in the cache: the catalog without its
entries, the specs of its pages and, per article, the pages that show it. Entries are
read from the cache only when a page being rendered asks for them, so a one-article
edit costs a few rows, not the whole site.

Anything else (an added, deleted or moved article, a changed theme, config or flag, a
file with problems, a missing or unreadable snapshot) gives None: the complete build
runs, and writes a new snapshot when it has no problems.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from digest.cache import BuildCache, Stamp
from digest.collect import Catalog, Entry, place
from digest.load import Article, parse_article, row_of
from digest.plan import PageSpec, Plan

_MAX_CHANGED = 64  # beyond this, a complete build is as quick and simpler to trust
_CHUNK = 64  # pages or entries per stored chunk of the snapshot


@dataclass(frozen=True)
class Snapshot:
    """The head of what the last complete build left for incremental builds."""

    key: str  # the site salt and theme stamp it was planned with
    skeleton: Catalog  # without entries
    sources: tuple[str, ...]  # the catalog's entries, in its order
    pages: int


@dataclass(frozen=True)
class Delta:
    catalog: Catalog  # entries read from the cache on demand
    stale: tuple[PageSpec, ...]
    changed: tuple[tuple[str, Stamp, Article], ...]
    rows: tuple[tuple[str, Stamp, bytes, str], ...]  # the changed articles' cache rows
    pages: int  # pages in the whole site


def save_snapshot(cache: BuildCache, key: str, catalog: Catalog, site_plan: Plan) -> None:
    """Record the structure of a complete build without problems."""
    pages = site_plan.pages
    ids = {spec.url: n for n, spec in enumerate(pages)}
    full: dict[int, list[int]] = defaultdict(list)
    summary: dict[int, list[int]] = defaultdict(list)
    for url, shows in site_plan.shows.items():
        n = ids[url]
        for i in shows.full:
            full[i].append(n)
        for i in shows.summary:
            summary[i].append(n)
    entries = len(catalog.entries)
    head = Snapshot(key, dataclasses.replace(catalog, entries=()),
                    tuple(e.article.source for e in catalog.entries), len(pages))
    cache.save_snapshot(
        pickle.dumps(head, protocol=5),
        ((c, pickle.dumps(pages[c * _CHUNK:(c + 1) * _CHUNK], protocol=5))
         for c in range(-(-len(pages) // _CHUNK))),
        ((c, pickle.dumps([(full.get(i, []), summary.get(i, []))
                           for i in range(c * _CHUNK, min(entries, (c + 1) * _CHUNK))],
                          protocol=5))
         for c in range(-(-entries // _CHUNK))),
    )


def replan(
    cache: BuildCache,
    key: str,
    known: Mapping[str, tuple[int, int]],
    root: Path,
    stamps: Mapping[str, Stamp],
    force: frozenset[str],
    *,
    raw_html: bool,
    article_pattern: str,
) -> Delta | None:
    """The pages to render again after article edits, or None when a complete build must run.

    `known` holds the stamps of the cached articles (`BuildCache.stamps`)."""
    head = _head(cache, key)
    # The files the snapshot was made from are those of the cached rows: a complete build
    # drops the snapshot before it changes any row, and an incremental one updates the
    # rows of the files it read only after writing their pages.
    if head is None or known.keys() != stamps.keys():
        return None  # added or deleted files change the structure
    todo = sorted(s for s, st in stamps.items() if s in force or known[s] != st)
    if len(todo) > _MAX_CHANGED:
        return None
    entries = _Entries(head.sources, cache, article_pattern)
    position = {s: i for i, s in enumerate(head.sources)}
    changed: list[tuple[str, Stamp, Article]] = []
    rows: list[tuple[str, Stamp, bytes, str]] = []
    shown: list[tuple[int, bool]] = []  # (entry, whether lists show it differently too)
    for source in todo:
        new = parse_article(root, source, raw_html)
        old = cache.article(source)
        if not isinstance(new, Article) or not isinstance(old, Article):
            return None  # problems are reported by the complete build
        if _placement(old) != _placement(new):
            return None
        changed.append((source, stamps[source], new))
        rows.append((source, stamps[source], *row_of(new)))
        if source in position and old.digest != new.digest:  # else: a draft, or a touch
            entries.replace(position[source], place(new, article_pattern))
            shown.append((position[source], old.summary_digest != new.summary_digest))
    stale = _readers(cache, shown)
    specs = _specs(cache, stale) if stale is not None else None
    if specs is None:
        return None
    catalog = dataclasses.replace(head.skeleton, entries=entries)
    return Delta(catalog, tuple(specs), tuple(changed), tuple(rows), head.pages)


def _readers(cache: BuildCache, shown: list[tuple[int, bool]]) -> set[int] | None:
    """The pages (by number) showing these entries: in full, or also in lists."""
    chunks = cache.chunks("readers", (i // _CHUNK for i, _ in shown))
    pages: set[int] = set()
    try:
        for i, listed in shown:
            full, summary = pickle.loads(chunks[i // _CHUNK])[i % _CHUNK]
            pages.update(full)
            if listed:
                pages.update(summary)
    except Exception:  # a missing or damaged chunk: plan the site instead
        return None
    return pages


def _specs(cache: BuildCache, numbers: set[int]) -> list[PageSpec] | None:
    chunks = cache.chunks("specs", (n // _CHUNK for n in numbers))
    try:
        loaded = {c: pickle.loads(data) for c, data in chunks.items()}
        specs = [loaded[n // _CHUNK][n % _CHUNK] for n in sorted(numbers)]
    except Exception:
        return None
    return specs if all(isinstance(s, PageSpec) for s in specs) else None


def _head(cache: BuildCache, key: str) -> Snapshot | None:
    global _LAST_HEAD
    data = cache.snapshot()
    if data is None:
        return None
    if _LAST_HEAD is not None and _LAST_HEAD[0] == data:
        head: object = _LAST_HEAD[1]  # the dev server's builds: unpickled once per snapshot
    else:
        try:
            head = pickle.loads(data)
        except Exception:  # a damaged snapshot is no snapshot
            return None
    if not isinstance(head, Snapshot):
        return None
    _LAST_HEAD = (data, head)
    return head if head.key == key else None


_LAST_HEAD: tuple[bytes, Snapshot] | None = None


def _placement(article: Article) -> tuple[Any, ...]:
    """What decides where and in which order an article is listed (see collect)."""
    meta = article.meta
    return (meta.date, meta.publication, meta.tags, meta.status, meta.featured, article.slug)


class _Entries(Sequence[Entry]):
    """The catalog's entries, each read from the build cache the first time it is asked for."""

    def __init__(self, sources: tuple[str, ...], cache: BuildCache, pattern: str) -> None:
        self._sources = sources
        self._cache = cache
        self._pattern = pattern
        self._made: dict[int, Entry] = {}

    def replace(self, index: int, entry: Entry) -> None:
        self._made[index] = entry

    def __len__(self) -> int:
        return len(self._sources)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self._sources)
        entry = self._made.get(index)
        if entry is None:
            article = self._cache.article(self._sources[index])
            if not isinstance(article, Article):
                raise LookupError(f"{self._sources[index]} is missing from the build cache")
            entry = self._made[index] = place(article, self._pattern)
        return entry

    def prefetch(self, indexes: Iterable[int]) -> None:
        """Read these entries with one query (views call this for a list they show)."""
        wanted = {self._sources[i]: i for i in indexes if i not in self._made}
        for source, article in self._cache.articles_of(wanted).items():
            if isinstance(article, Article):
                self._made[wanted[source]] = place(article, self._pattern)

    def __iter__(self) -> Iterator[Entry]:
        return (self[i] for i in range(len(self._sources)))
