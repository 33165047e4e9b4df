"""Changed article files -> the pages to render again, without collecting or planning.

When every changed file keeps its placement (`digest.placement`: the one list of what
decides where an article appears), the site has the structure the last complete build
planned. When only the fields that order an edition changed (`collect.WITHIN_EDITION`:
featured, order), it has that structure but for the order of those editions: they are
grouped again, and their article pages' neighbours declared again (digest.plan).

The pages to render again are then exactly those that read a changed article when they
were last rendered (digest.reads: its body, or its summary when that changed too) or a
re-ordered edition, and everything rendering them needs is in the snapshot that build
left in the cache: the catalog without its entries, the specs of its pages and, per
article and per edition, the pages that read it. Entries are read from the cache only
when a page being rendered asks for them, so a one-article edit costs a few rows, not
the whole site.

Anything else (an added, deleted or moved article, a changed theme, config or flag, a
file with problems, a missing or unreadable snapshot) gives None: the complete build
runs, and writes a new snapshot when it has no problems.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections import defaultdict
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from digest.cache import ArticleRow, BuildCache
from digest.collect import (
    WITHIN_EDITION,
    Catalog,
    Edition,
    lists_of,
    place,
    regroup,
)
from digest.entries import CachedEntries
from digest.load import Article, ReadOptions, parse_article, row_of
from digest.model import STATUSES, Status
from digest.placement import placement
from digest.plan import ArticlePage, PageSpec, neighbours, page_spec
from digest.reads import Item
from digest.scan import Stamp

if TYPE_CHECKING:
    from digest.build_inputs import Inputs
    from digest.build_state import BuildState
    from digest.config import SiteConfig

_MAX_CHANGED = 64  # beyond this, a complete build is as quick and simpler to trust
_CHUNK = 64  # pages or entries per stored chunk of the snapshot


@dataclass(frozen=True)
class Snapshot:
    """The head of what the last complete build left for incremental builds."""

    key: str  # the site salt and theme stamp it was planned with
    skeleton: Catalog  # without entries
    sources: tuple[str, ...]  # the catalog's entries, in its order
    pages: int
    article_pages: tuple[int, ...]  # by entry: the number of its article page
    edition_readers: dict[str, tuple[int, ...]]  # by edition key: the pages that read it


@dataclass(frozen=True)
class Delta:
    catalog: Catalog  # entries read from the cache on demand
    stale: tuple[PageSpec, ...]
    numbers: tuple[int, ...]  # of the stale pages, in the snapshot
    changed: tuple[tuple[str, Stamp, Article], ...]
    rows: tuple[ArticleRow, ...]  # the changed articles' cache rows
    pages: int  # pages in the whole site
    head: Snapshot  # the snapshot's head for this structure (re-ordered editions included)
    editions: frozenset[str] = frozenset()  # keys of the editions re-ordered
    respecified: tuple[tuple[int, PageSpec], ...] = ()  # pages declared again, by number
    new_head: bool = False  # `head` is not the stored one (editions or counts changed)


def save_snapshot(
    cache: BuildCache, key: str, catalog: Catalog, pages: Sequence[PageSpec],
    reads: Sequence[Iterable[int]], items: Mapping[int, Item],
) -> Snapshot:
    """Record the structure of a complete build without problems; `reads[n]`: the numbers
    of what page n read, `items`: the items those numbers stand for (only the articles'
    summaries and bodies and the editions matter here). It counts once
    `BuildCache.publish_snapshot` ran; its head is stored as "snapshot-saved" until then."""
    full: dict[int, list[int]] = defaultdict(list)
    summary: dict[int, list[int]] = defaultdict(list)
    # One lookup per number read (a complete build's pages read some 300,000 at 10k).
    of_item: dict[Item, list[int]] = {}
    sources = catalog.sources
    for i, source in enumerate(sources):
        of_item[("body", source)] = full[i]
        of_item[("summary", source)] = summary[i]
    of_edition: dict[str, list[int]] = {ed.key: [] for ed in catalog.editions}
    for edition_key, pages_of in of_edition.items():
        of_item[("edition", edition_key)] = pages_of
    readers = {number: found for number, item in items.items()
               if (found := of_item.get(item)) is not None}
    wanted = readers.keys()
    for n, numbers in enumerate(reads):
        # Most of what a page reads is no article nor edition (templates, strings, config
        # keys): the intersection leaves those out in C, a loop over them took 0.1 s at 10k.
        for number in wanted & numbers:
            readers[number].append(n)
    article_pages = [-1] * len(sources)
    for n, spec in enumerate(pages):
        if isinstance(spec.data, ArticlePage):
            article_pages[spec.data.index] = n
    entries = len(sources)
    head = Snapshot(key, dataclasses.replace(catalog, entries=(), placed=None),
                    sources, len(pages),
                    tuple(article_pages), {k: tuple(v) for k, v in of_edition.items()})
    cache.save_snapshot(
        pickle.dumps(head, protocol=5),
        ((c, pickle.dumps(pages[c * _CHUNK:(c + 1) * _CHUNK], protocol=5))
         for c in range(-(-len(pages) // _CHUNK))),
        ((c, pickle.dumps([(full.get(i, []), summary.get(i, []))
                           for i in range(c * _CHUNK, min(entries, (c + 1) * _CHUNK))],
                          protocol=5))
         for c in range(-(-entries // _CHUNK))),
    )
    return head


def save_replanned(cache: BuildCache, delta: Delta, reads: Mapping[int, Iterable[Item]]
                   ) -> bool:
    """Note in the snapshot what an incremental build changed: the pages it declared
    again, its re-ordered editions, and what the pages it rendered read now (`add_reads`).
    False when the snapshot could not be updated."""
    try:
        if delta.respecified:
            chunks = {c: list(pickle.loads(data)) for c, data in cache.chunks(
                "specs", (n // _CHUNK for n, _ in delta.respecified)).items()}
            for n, spec in delta.respecified:
                chunks[n // _CHUNK][n % _CHUNK] = spec
            cache.set_chunks("specs", {c: pickle.dumps(specs, protocol=5)
                                       for c, specs in chunks.items()})
    except Exception:
        return False
    return add_reads(cache, delta.head, reads, "snapshot", changed=delta.new_head)


def add_reads(cache: BuildCache, head: Snapshot, reads: Mapping[int, Iterable[Item]],
              key: str, *, changed: bool = False) -> bool:
    """Note in the snapshot whose head is stored under `key` what pages (by number) read
    when they were rendered: a page may read another article's body or edition than
    before. Readers are only ever added: a page noted for something it no longer reads is
    rendered again for nothing, never missed. `changed`: the head is not the stored one.
    False when the snapshot could not be updated."""
    of_edition = head.edition_readers
    added = {(name, n) for n, items in reads.items() for kind, name in items
             if kind == "edition" and name in of_edition and n not in of_edition[name]}
    if added:
        of_edition = dict(of_edition)
        for name, n in added:
            of_edition[name] = (*of_edition[name], n)
        head = dataclasses.replace(head, edition_readers=of_edition)
    if added or changed:
        cache.set_blob(key, pickle.dumps(head, protocol=5))
    return _add_readers(cache, head.sources, reads)


def _add_readers(cache: BuildCache, sources: Sequence[str],
                 reads: Mapping[int, Iterable[Item]]) -> bool:
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


def replan(state: BuildState, inputs: Inputs, config: SiteConfig, shown: frozenset[Status]
           ) -> Delta | None:
    """The pages to render again after article edits, or None when a complete build must run."""
    cache, key, known, stamps = state.cache, inputs.build_key, inputs.known, inputs.stamps
    root, options, salt = config.root, ReadOptions.of(config), inputs.salt
    article_pattern = config.permalinks["article"]
    head = snapshot_head(cache, key, state.memo)
    # The files the snapshot was made from are those of the cached rows: a complete build
    # drops the snapshot before it changes any row, and an incremental one updates the
    # rows of the files it read only after writing their pages.
    if head is None or known.keys() != stamps.keys():
        return None  # added or deleted files change the structure
    todo = sorted(s for s, st in stamps.items() if s in inputs.force or known[s] != st)
    if len(todo) > _MAX_CHANGED:
        return None
    entries = CachedEntries(head.sources, cache, article_pattern)
    position = {s: i for i, s in enumerate(head.sources)}
    changed: list[tuple[str, Stamp, Article]] = []
    rows: list[ArticleRow] = []
    edited: list[tuple[int, bool]] = []  # (entry, whether lists show it differently too)
    skeleton = head.skeleton
    withheld = dict(skeleton.withheld)
    reordered: set[int] = set()  # editions
    for source in todo:
        new = parse_article(root, source, options)
        old = cache.article(source)
        if not isinstance(new, Article) or not isinstance(old, Article):
            return None  # problems are reported by the complete build
        before, after = placement(old), placement(new)
        if before != after:
            if lists_of(before, shown) != lists_of(after, shown):
                return None
            if before.status not in shown:  # and after.status: counted apart
                if withheld.get(before.status, 0) < 1:
                    return None  # counts that do not add up: count them anew
                withheld[before.status] -= 1
                withheld[after.status] = withheld.get(after.status, 0) + 1
            at = position.get(source)
            edition = None if at is None else skeleton.edition_of.get(at)
            if edition is not None and any(getattr(before, f) != getattr(after, f)
                                           for f in WITHIN_EDITION):
                reordered.add(edition)
        changed.append((source, stamps[source], new))
        rows.append((source, stamps[source], *row_of(new)))
        if source in position and old.digest != new.digest:  # else: a draft, or a touch
            entries.replace(position[source], place(new, article_pattern))
            edited.append((position[source], old.summary_digest != new.summary_digest))
    stale = _readers(cache, edited)
    if stale is None:
        return None
    skeleton = dataclasses.replace(
        skeleton, withheld=tuple((st, withheld[st]) for st in STATUSES if withheld.get(st)))
    editions = list(skeleton.editions)
    for n in sorted(reordered):
        entries.prefetch(editions[n].entries)
        again = regroup(editions[n], entries)
        if again.groups == editions[n].groups:
            reordered.discard(n)
        else:
            editions[n] = again
            stale.update(head.edition_readers.get(again.key, ()))
    catalog = dataclasses.replace(skeleton, entries=entries, editions=tuple(editions))
    neighbours_of = [(i, editions[n]) for n in sorted(reordered) for i in editions[n].entries
                     if head.article_pages[i] >= 0]
    specs = _specs(cache, stale | {head.article_pages[i] for i, _ in neighbours_of})
    if specs is None:
        return None
    if neighbours_of:  # the articles their specs name, with one query
        entries.prefetch({i for n in stale for i in _named(specs.get(n))}
                         | {i for i, _ in neighbours_of
                            for i in _named(specs[head.article_pages[i]])})
    respecified = _respecify(catalog, salt, specs, head.article_pages, neighbours_of)
    specs.update(respecified)
    stale.update(respecified)
    keys = frozenset(editions[n].key for n in reordered)
    new_head = bool(keys) or skeleton.withheld != head.skeleton.withheld
    if new_head:
        head = dataclasses.replace(head, skeleton=dataclasses.replace(catalog, entries=(),
                                                                      placed=None))
    return Delta(catalog, tuple(specs[n] for n in sorted(stale)), tuple(sorted(stale)),
                 tuple(changed), tuple(rows), head.pages, head, keys,
                 tuple(sorted(respecified.items())), new_head)


def _named(spec: PageSpec | None) -> tuple[int, ...]:
    data = spec.data if spec is not None else None
    if not isinstance(data, ArticlePage):
        return ()
    return (data.index, *(i for i in (data.previous, data.next) if i is not None), *data.more)


def _respecify(catalog: Catalog, salt: str, specs: Mapping[int, PageSpec],
               article_pages: Sequence[int], entries: Iterable[tuple[int, Edition]]
               ) -> dict[int, PageSpec]:
    """The article pages of re-ordered editions whose neighbours changed, declared again."""
    out: dict[int, PageSpec] = {}
    for i, edition in entries:
        n = article_pages[i]
        spec = specs[n]
        data = spec.data
        assert isinstance(data, ArticlePage)
        previous, following = neighbours(edition.entries, i)
        if (previous, following) != (data.previous, data.next):
            data = dataclasses.replace(data, previous=previous, next=following)
            out[n] = page_spec(salt, catalog, spec.url, spec.kind, spec.template, spec.origin,
                               data)
    return out


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


def _specs(cache: BuildCache, numbers: set[int]) -> dict[int, PageSpec] | None:
    chunks = cache.chunks("specs", (n // _CHUNK for n in numbers))
    try:
        loaded = {c: pickle.loads(data) for c, data in chunks.items()}
        specs = {n: loaded[n // _CHUNK][n % _CHUNK] for n in numbers}
    except Exception:
        return None
    return specs if all(isinstance(s, PageSpec) for s in specs.values()) else None


def snapshot_head(cache: BuildCache, key: str, memo: MutableMapping[str, Any]
                  ) -> Snapshot | None:
    """The head of the snapshot the last build left, if it was planned with `key`."""
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
