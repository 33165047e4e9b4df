"""The catalog's entries, read from the build cache on demand.

Builds that start from what the last one left (digest.incremental, digest.recollect) know
every entry's source, and often its place, but read an article only when a page being
rendered asks for it: a few rows, not the whole site.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import overload

from digest.cache import BuildCache
from digest.collect import Entry, Placed, place
from digest.load import Article


class CachedEntries(Sequence[Entry]):
    """The catalog's entries, each read from the build cache the first time it is asked
    for; those of `fresh` articles (just read from their files) are not."""

    def __init__(self, sources: tuple[str, ...], cache: BuildCache, pattern: str,
                 fresh: Mapping[str, Article] | None = None,
                 placed: Sequence[Placed] | None = None) -> None:
        self.sources = sources  # each entry's source, without reading it
        self._cache = cache
        self._pattern = pattern
        self._made: dict[int, Entry] = {}
        self._fresh = fresh or {}
        self._placed = placed  # each entry's place, when known: not found again

    def _entry(self, index: int, article: Article) -> Entry:
        if self._placed is None:
            return place(article, self._pattern)
        url, publication, where = self._placed[index]
        return Entry(article, url, publication, where)

    def replace(self, index: int, entry: Entry) -> None:
        self._made[index] = entry

    def __len__(self) -> int:
        return len(self.sources)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self.sources)
        entry = self._made.get(index)
        if entry is None:
            source = self.sources[index]
            article = self._fresh.get(source) or self._cache.article(source)
            if not isinstance(article, Article):
                raise LookupError(f"{source} is missing from the build cache")
            entry = self._made[index] = self._entry(index, article)
        return entry

    def prefetch(self, indexes: Iterable[int]) -> None:
        """Read these entries with one query (views call this for a list they show)."""
        wanted = {self.sources[i]: i for i in indexes if i not in self._made}
        for source in wanted.keys() & self._fresh.keys():
            index = wanted.pop(source)
            self._made[index] = self._entry(index, self._fresh[source])
        for source, article in self._cache.articles_of(wanted).items():
            if isinstance(article, Article):
                self._made[wanted[source]] = self._entry(wanted[source], article)

    def __iter__(self) -> Iterator[Entry]:
        return (self[i] for i in range(len(self.sources)))
