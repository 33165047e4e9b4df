"""Changed article files -> the pages to render again, without collecting or planning.

When every changed file keeps its placement (`collect.placement`: the one list of what
decides where an article appears), the site has the structure the last complete build
planned. The pages to render again are then exactly those that read a changed article
when they were last rendered (digest.reads: its body, or its summary when that changed
too), and everything rendering them needs is in the snapshot that build left in the
cache: the catalog without its entries, the specs of its pages and, per article, the
pages that read it. Entries are read from the cache only when a page being rendered asks
for them, so a one-article edit costs a few rows, not the whole site.

Anything else (an added, deleted or moved article, a changed theme, config or flag, a
file with problems, a missing or unreadable snapshot) gives None: the complete build
runs, and writes a new snapshot when it has no problems.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from digest.cache import BuildCache, Stamp
from digest.collect import Catalog, Entry, place, placement
from digest.load import Article, ReadOptions, parse_article, row_of
from digest.plan import PageSpec
from digest.reads import Item

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
    numbers: tuple[int, ...]  # of the stale pages, in the snapshot
    changed: tuple[tuple[str, Stamp, Article], ...]
    rows: tuple[tuple[str, Stamp, bytes, str], ...]  # the changed articles' cache rows
    pages: int  # pages in the whole site


def save_snapshot(
    cache: BuildCache, key: str, catalog: Catalog, pages: Sequence[PageSpec],
    reads: Sequence[Iterable[Item]],
) -> None:
    """Record the structure of a complete build without problems; `reads[n]`: what page
    n read (only its articles' summaries and bodies matter here)."""
    full: dict[int, list[int]] = defaultdict(list)
    summary: dict[int, list[int]] = defaultdict(list)
    # One lookup per item read (a complete build's pages read some 300,000 at 10k).
    readers: dict[Item, list[int]] = {}
    for i, e in enumerate(catalog.entries):
        readers[("body", e.article.source)] = full[i]
        readers[("summary", e.article.source)] = summary[i]
    for n, items in enumerate(reads):
        for item in items:
            of_item = readers.get(item)
            if of_item is not None:
                of_item.append(n)
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


def add_readers(cache: BuildCache, sources: Sequence[str],
                reads: Mapping[int, Iterable[Item]]) -> bool:
    """Note in the snapshot what the pages an incremental build rendered read now (a page
    may read another article's body than before). Readers are only ever added: a page
    noted for an article it no longer reads is rendered again for nothing, never missed.
    False when the snapshot could not be updated."""
    position = {s: i for i, s in enumerate(sources)}
    wanted: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    for n, items in reads.items():
        for kind, name in items:
            if kind == "body" or kind == "summary":
                i = position.get(name)
                if i is not None:
                    wanted[i // _CHUNK].append((i % _CHUNK, n, kind == "body"))
    if not wanted:
        return True
    chunks = cache.chunks("readers", wanted)
    changed: dict[int, bytes] = {}
    try:
        for c, notes in wanted.items():
            table = pickle.loads(chunks[c])
            before = repr(table)
            for at, n, body in notes:
                pages = table[at][0 if body else 1]
                if n not in pages:
                    pages.append(n)
            if repr(table) != before:
                changed[c] = pickle.dumps(table, protocol=5)
    except Exception:
        return False
    if changed:
        cache.set_chunks("readers", changed)
    return True


def replan(
    cache: BuildCache,
    key: str,
    known: Mapping[str, tuple[int, int]],
    root: Path,
    stamps: Mapping[str, Stamp],
    force: frozenset[str],
    *,
    options: ReadOptions,
    article_pattern: str,
    memo: MutableMapping[str, Any],
) -> Delta | None:
    """The pages to render again after article edits, or None when a complete build must run.

    `known` holds the stamps of the cached articles (`BuildCache.stamps`)."""
    head = _head(cache, key, memo)
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
        new = parse_article(root, source, options)
        old = cache.article(source)
        if not isinstance(new, Article) or not isinstance(old, Article):
            return None  # problems are reported by the complete build
        if placement(old) != placement(new):
            return None
        changed.append((source, stamps[source], new))
        rows.append((source, stamps[source], *row_of(new)))
        if source in position and old.digest != new.digest:  # else: a draft, or a touch
            entries.replace(position[source], place(new, article_pattern))
            shown.append((position[source], old.summary_digest != new.summary_digest))
    stale = _readers(cache, shown)
    specs = _specs(cache, stale) if stale is not None else None
    if specs is None or stale is None:
        return None
    catalog = dataclasses.replace(head.skeleton, entries=entries)
    return Delta(catalog, tuple(specs), tuple(sorted(stale)), tuple(changed), tuple(rows),
                 head.pages)


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


def _head(cache: BuildCache, key: str, memo: MutableMapping[str, Any]) -> Snapshot | None:
    data = cache.snapshot()
    if data is None:
        return None
    last = memo.get("head")
    if last is not None and last[0] == data:
        head: object = last[1]  # the dev server's builds: unpickled once per snapshot
    else:
        try:
            head = pickle.loads(data)
        except Exception:  # a damaged snapshot is no snapshot
            return None
    if not isinstance(head, Snapshot):
        return None
    memo["head"] = (data, head)
    return head if head.key == key else None


class _Entries(Sequence[Entry]):
    """The catalog's entries, each read from the build cache the first time it is asked for."""

    def __init__(self, sources: tuple[str, ...], cache: BuildCache, pattern: str) -> None:
        self.sources = sources  # each entry's source, without reading it
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
