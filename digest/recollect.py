"""A few added, deleted or moved article files -> the catalog, without reading the others.

A complete build groups and plans the whole site, but after the last build succeeded it
needs no more of the articles whose files did not change than their placements: the
build cache keeps each one's beside it (digest.placement), and reading those is a tenth
of unpickling every article. The files that changed are read; the catalog is grouped
from all placements (`collect.arrange`), and its entries are read from the cache only
when a page being rendered asks for them (`incremental.CachedEntries`).

The items pages read (digest.reads) then keep their values but for a known few: the
articles read again or gone, those whose publication or tag another article renamed
(its newest spelling names it), and what the catalog says of editions, publications
and tags, which is valued anew. The theme's and site.yaml's items cannot have changed:
the snapshot's key, which must match, covers them.

Anything else (no snapshot of this key, too many files, a file with problems, an
unreadable row) gives None: the build loads every article.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from digest.cache import ArticleRow
from digest.collect import UNSORTED, Catalog, Placed, arrange, locate
from digest.config import SiteConfig
from digest.entries import CachedEntries
from digest.incremental import snapshot_head
from digest.load import Article, ReadOptions, parse_article, row_of
from digest.model import Status
from digest.placement import placement, placements_of
from digest.reads import FIXED_KINDS, Item
from digest.scan import Stamp
from digest.search import Indexed

if TYPE_CHECKING:
    from digest.build_inputs import Inputs
    from digest.build_state import BuildState

_MAX_FILES = 64  # beyond this, loading every article in parallel workers is as quick


@dataclass(frozen=True)
class Recollected:
    catalog: Catalog  # entries read from the cache on demand
    read: tuple[tuple[str, Stamp, Article], ...]  # the files read, as articles
    rows: tuple[ArticleRow, ...]  # and as cache rows
    gone: tuple[str, ...]  # files deleted since the last build
    touched: frozenset[str]  # articles whose summary or body may be worth another value
    languages: dict[str, str | None]  # by source, of every article

    def indexed(self) -> list[Indexed]:
        """What the search index needs of each entry: the digests of those not read are
        the ones it indexed (their files did not change)."""
        fresh = {source: article.digest for source, _, article in self.read}
        return [Indexed(w.source, fresh.get(w.source), self.languages[w.source],
                        w.publication or UNSORTED, w.tags, w.date)
                for w in (p.where for p in self.catalog.located)]

    def may_change(self, item: Item) -> bool:
        """Whether `item` may be worth another value than after the last build."""
        kind, name = item
        if kind == "summary" or kind == "body":
            return name in self.touched
        return kind not in FIXED_KINDS


def recollect(state: BuildState, inputs: Inputs, config: SiteConfig,
              shown: frozenset[Status]) -> Recollected | None:
    """The catalog of the site after the files that changed since the last build; None
    when the build must load every article."""
    cache, known, stamps = state.cache, inputs.known, inputs.stamps
    head = snapshot_head(cache, inputs.build_key, state.memo)
    if head is None:
        return None
    gone = tuple(sorted(known.keys() - stamps.keys()))
    todo = sorted(s for s, st in stamps.items() if s in inputs.force or known.get(s) != st)
    if len(todo) + len(gone) > _MAX_FILES:
        return None
    rows_read = placements_of(cache.placements())
    if rows_read is None or rows_read.keys() != known.keys():
        return None
    placed = {source: where for source, (where, _) in rows_read.items()}
    lang = {source: language for source, (_, language) in rows_read.items()}
    read: list[tuple[str, Stamp, Article]] = []
    rows: list[ArticleRow] = []
    options = ReadOptions.of(config)
    for source in todo:
        article = parse_article(config.root, source, options)
        if not isinstance(article, Article):
            return None  # the complete build reports its problems
        read.append((source, stamps[source], article))
        rows.append((source, stamps[source], *row_of(article)))
        placed[source] = placement(article)
        lang[source] = article.meta.lang
    for source in gone:
        del placed[source]
    pattern = config.permalinks["article"]
    fresh = {source: article for source, _, article in read}

    def entries(located: list[Placed]) -> CachedEntries:
        return CachedEntries(tuple(p.where.source for p in located), cache, pattern, fresh,
                             located)

    catalog = arrange([locate(where, pattern) for where in placed.values()], config,
                      shown=shown, entries=entries)
    # An article shows its publication's and tags' names: the newest article's spelling.
    before = head.skeleton
    names = {("p", g.slug): g.name for g in before.publications}
    names.update((("t", g.slug), g.name) for g in before.tags)
    sources = catalog.sources
    renamed = {sources[i]
               for kind, groups in (("p", catalog.publications), ("t", catalog.tags))
               for g in groups if names.get((kind, g.slug), g.name) != g.name
               for i in g.entries}
    return Recollected(catalog, tuple(read), tuple(rows), gone,
                       frozenset({*todo, *gone, *renamed}), lang)
