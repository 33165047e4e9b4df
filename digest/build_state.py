"""What one process remembers between builds of one site: `BuildState`, and its cache key.

`digest build` and `digest check` share it; the dev server keeps one per output folder
for as long as it runs, so its rebuilds read nothing twice.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest import __version__
from digest.cache import BuildCache, code_key, open_cache
from digest.config import SiteConfig
from digest.load import Article
from digest.markdown import engine
from digest.reads import Item
from digest.scan import Stamp

if TYPE_CHECKING:
    from digest.collect import Catalog
    from digest.incremental import Snapshot
    from digest.plan import PageSpec
    from digest.theme import Theme


@dataclass
class BuildState:
    """What one process remembers between builds of one site, and its build cache.

    Mutable and never shared between sites; one per output folder (`BuildState.of`).
    The cache's key says which cache rows this state may read: the digest version, the
    Markdown engine, the site config and the shape of the pickled values (`state_key`).
    """

    key: str
    cache: BuildCache
    stamps: dict[str, Stamp] | None = None  # of the article files, at the last build
    theme: Theme | None = None
    memo: dict[str, Any] = field(default_factory=dict)  # the snapshot head, unpickled once
    _articles: dict[str, tuple[Stamp, Article]] | None = None
    _pages: dict[str, tuple[str, bytes]] | None = None
    _items: dict[Item, tuple[int, str | None]] | None = None

    @classmethod
    def of(cls, config: SiteConfig) -> BuildState:
        """The state of this site's output folder: the one kept in this process while its
        key holds, else a new one on the cache."""
        key = state_key(config)
        out = config.output_dir.resolve()
        state = _STATES.get(out)
        if state is None or state.key != key:
            if state is not None:
                state.cache.close()
            state = _STATES[out] = cls(key, open_cache(out, key))
        return state

    @staticmethod
    def forget_all() -> None:
        """Close every state's cache and forget them (what a new process starts with)."""
        for state in _STATES.values():
            state.cache.close()
        _STATES.clear()

    # Read from the cache only when needed: a build with nothing to do never unpickles them.
    @property
    def articles(self) -> dict[str, tuple[Stamp, Article]]:
        if self._articles is None:
            self._articles = self.cache.articles()
        return self._articles

    @property
    def pages(self) -> dict[str, tuple[str, bytes]]:
        """url -> (fingerprint, numbers of the items it read) of each page rendered."""
        if self._pages is None:
            self._pages = self.cache.pages()
        return self._pages

    def items(self) -> dict[Item, tuple[int, str | None]]:
        """(kind, name) -> (number, value digest) of every item pages read (digest.reads)."""
        if self._items is None:
            self._items = self.cache.items()
        return self._items

    def forget_items(self) -> None:
        self._items = None

    def note_articles(self, read: Iterable[tuple[str, Stamp, Article]], gone: Iterable[str]
                      ) -> None:
        """Articles read from their files, and files gone, outside `articles`' load."""
        if self._articles is not None:
            self._articles.update((source, (stamp, a)) for source, stamp, a in read)
            for source in gone:
                self._articles.pop(source, None)

    def note_last_build(self, done_key: str, pages: int,
                        withheld: tuple[tuple[str, int], ...]) -> None:
        """What a build with nothing to do reports again: the pages, and what is withheld."""
        kept = ",".join(f"{status}={n}" for status, n in withheld)
        self.cache.set_info("last_build", f"{done_key} {pages} {kept}".strip())

    def last_build(self, done_key: str) -> tuple[int, tuple[tuple[str, int], ...]] | None:
        """(pages, withheld) of the last build without problems, if it had this key
        (build_inputs.Inputs.done_key)."""
        text = self.cache.info("last_build") or ""
        if not text.startswith(done_key + " "):
            return None
        pages, _, withheld = text.removeprefix(done_key + " ").partition(" ")
        counts = (item.partition("=") for item in withheld.split(",") if item)
        return int(pages), tuple((status, int(n)) for status, _, n in counts)

    def bodies(self, config: SiteConfig) -> Callable[[Article], str]:
        """Where pages get article bodies: parsed this time, or read from the build cache."""
        from digest.load import ReadOptions, parse_article

        cache = self.cache

        def body_of(article: Article) -> str:
            if article.body_html is not None:
                return article.body_html
            body = cache.body(article.source)
            if body is None:  # the cache could not say after all: parse the file again
                again = parse_article(config.root, article.source, ReadOptions.of(config))
                body = (again.body_html or "") if isinstance(again, Article) else ""
            return body

        return body_of

    def record_pages(self, rows: dict[str, tuple[str, bytes]], dropped: Iterable[str] = ()
                     ) -> None:
        dropped = list(dropped)
        if self._pages is not None:
            for url in dropped:
                self._pages.pop(url, None)
            self._pages.update(rows)
        if rows or dropped:
            self.cache.update((), (), rows, dropped)

    def record_build(
        self, pages: Sequence[PageSpec], rows: dict[str, tuple[str, bytes]],
        failed: Collection[str], items: ItemTable, gone: Collection[str],
    ) -> None:
        """Record a complete build here and, for the next process, in the cache: the pages
        rendered and what they read, the values of the items they read, the articles
        gone."""
        planned = {s.url for s in pages}
        dropped = [url for url in self.pages if url not in planned or url in failed]
        if gone:
            self.cache.update((), gone)
        self.cache.set_items(items.rows())
        self.record_pages(rows, dropped)

    def save_snapshot(self, cache: BuildCache, build_key: str, catalog: Catalog,
                      pages: Sequence[PageSpec], items: ItemTable) -> Snapshot:
        """Save the snapshot incremental builds start from (digest.incremental), with what
        each page read when it was last rendered: the pages a build renders after it is
        saved add what they read then (`incremental.add_reads`)."""
        from digest.incremental import save_snapshot

        recorded = self.pages
        no_reads = item_numbers(b"")
        reads = [item_numbers(row[1]) if (row := recorded.get(spec.url)) else no_reads
                 for spec in pages]
        return save_snapshot(cache, build_key, catalog, pages, reads,
                             {n: item for item, (n, _) in items.known.items()})


# The process's memory between builds (the dev server builds again and again): the only
# module state of the build, by output folder.
_STATES: dict[Path, BuildState] = {}


def state_key(config: SiteConfig) -> str:
    """What the build cache's rows depend on besides the files they record."""
    # The articles' rows depend on how files are read (the rights cut them); the pages'
    # rows on what they record reading, site.yaml's keys included (SiteConfig.recorded).
    return (f"{__version__}|{code_key()}|{engine(config.raw_html)}|{config.raw_html}"
            f"|{config.rights!r}")


class ItemTable:
    """The items pages read (digest.reads), numbered as in the cache's items table, with
    the value each had when the pages that read it were rendered."""

    def __init__(self, known: dict[Item, tuple[int, str | None]],
                 value: Callable[[Item], str | None],
                 values: Callable[[list[Item]], list[str | None]] | None = None,
                 may_change: Callable[[Item], bool] | None = None) -> None:
        self.known = known
        self.value = value  # now
        self.values = values  # now, of many at once
        # Which items can be worth another value now (digest.recollect); None: any.
        self.may_change = may_change
        self.last = max((n for n, _ in known.values()), default=0)
        self.new: list[Item] = []
        self._changed: set[int] | None = None

    def changed(self) -> set[int]:
        """The numbers of the known items whose value is another now."""
        if self._changed is None:
            items = list(self.known)
            if self.may_change is not None:
                items = list(filter(self.may_change, items))
            now = self.values(items) if self.values is not None else map(self.value, items)
            self._changed = {n for (n, before), value in zip(
                                 map(self.known.__getitem__, items), now, strict=True)
                             if value is None or value != before}
        return self._changed

    def note_changed(self, numbers: set[int]) -> None:
        """What `changed` is, found by a forked child (digest.aside): the values it took
        stay there, and only those of the items it names are taken here again."""
        self._changed = numbers

    def number(self, item: Item) -> int:
        entry = self.known.get(item)
        if entry is None:
            self.last += 1
            entry = self.known[item] = (self.last, None)
            self.new.append(item)
        return entry[0]

    def numbers(self, reads: Iterable[Item]) -> bytes:
        return array("I", [self.number(item) for item in reads]).tobytes()

    def rows(self) -> list[tuple[int, str, str, str | None]]:
        """Cache rows of the items new since the table was read, and of those whose
        value changed; `known` holds the values now."""
        fresh = set(self.new)
        changed = self._changed
        out = []
        for item, (n, before) in self.known.items():
            if changed is not None and n not in changed and item not in fresh:
                continue  # its value is the one stored
            now = self.value(item)
            if item in fresh or (now != before and now is not None):
                self.known[item] = (n, now)
                out.append((n, item[0], item[1], now))
        self.new = []
        return out


def item_numbers(data: bytes) -> array[int]:
    numbers = array("I")
    numbers.frombytes(data)
    return numbers
