"""Writing the search index's chunks and its base (see search.py for what they are).

A chunk is made from its articles' analyses: those the cache keeps (`Reuse`) and those of
fresh or edited articles; a cold build writes chunks in forked workers. A chunk the base
holds gives the base its terms and documents and keeps empty bucket files; the base's files
are packed by forked workers too.
"""

from __future__ import annotations

import contextlib
import pickle
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from digest.cache import BuildCache
from digest.collect import Entry
from digest.load import Article
from digest.search_chunk import (
    BUCKETS,
    Analysis,
    Bucket,
    Doc,
    analyse,
    buckets_of,
    encode,
    merge,
    pack,
    placeholders,
)
from digest.write import clear_temp_files, write_file

SUBDIR = "search/data"
STATE = "search"  # the cache blob: the format and every chunk's listing (see listing_of)

Members = tuple[tuple[str, str], ...]  # a chunk's articles: (source, digest), in order


def base_files() -> list[str]:
    return [f"{SUBDIR}/base/docs.gz"] + [f"{SUBDIR}/base/{b}.gz" for b in range(BUCKETS)]


def write_base(output: Path, chunks: list[tuple[int, _Based]], jobs: int) -> set[str]:
    """The base's files, packed by `jobs` forked processes (6 MB of gzip at 10,000
    articles: 0.9 s in one)."""
    global _BASE
    chunks.sort(key=lambda c: c[0])
    docs: list[object] = []
    for number, (_, rows) in chunks:
        docs += (number, rows)
    _BASE = (output, [docs, *merge([(n, b) for n, (b, _) in chunks])], max(1, jobs))
    try:
        if jobs <= 1:
            return _write_base_part(0)
        with _workers(jobs, output, [f"{SUBDIR}/base"]) as pool:
            return set().union(*pool.map(_write_base_part, range(jobs)))
    finally:
        _BASE = None


@contextlib.contextmanager
def _workers(count: int, output: Path, folders: Iterable[str]) -> Iterator[Any]:
    """A pool of `count` forked writers. When the work fails (a full disk), the pool is
    terminated, which can stop a writer in the middle of a file: the temporary files of
    `folders` are cleared then, or they would stay in the output and be published."""
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(count)
    try:
        yield pool
    except BaseException:
        pool.terminate()
        pool.join()
        for folder in folders:
            clear_temp_files(output / folder)
        raise
    pool.close()
    pool.join()


_BASE: tuple[Path, list[object], int] | None = None  # what _write_base_part packs


def _write_base_part(part: int) -> set[str]:
    assert _BASE is not None
    output, values, parts = _BASE
    names = base_files()
    return {names[k] for k in range(part, len(names), parts)
            if write_file(output, names[k], pack(values[k]))}


Analyser = Callable[[Entry], tuple[Doc, Analysis]]
# a chunk to write: number, articles, fresh ones, whether the base holds it, whether its own
# files may have changed
Job = tuple[int, Members, dict[str, Entry], bool, bool]
_Based = tuple[list[Bucket], list[Doc]]  # what a chunk gives the base
# its number, the files written, its cache blob (None: as it was), whether meta.json may have
# to change, and what it gives the base when the base holds it
_Done = tuple[int, set[str], bytes | None, bool, _Based | None]


def analyser_of(body_of: Callable[[Article], str], language: str) -> Analyser:
    def analyser(entry: Entry) -> tuple[Doc, Analysis]:
        return analyse(entry, body_of(entry.article), language)

    return analyser


class _Chunk:
    """One chunk as the cache keeps it: its articles, their documents and analyses (the
    chunk's files are made from these alone)."""

    def __init__(self, members: list[tuple[str, str]], docs: list[Doc],
                 analyses: list[Analysis]) -> None:
        self.members, self.docs, self.analyses = members, docs, analyses

    def replace(self, index: int, entry: Entry, known: tuple[Doc, Analysis]) -> bool:
        """Put an edited article in; whether what the filters offer may have changed (its
        publication, date, language or tags)."""
        self.members[index] = (entry.article.source, entry.article.digest)
        before = self.docs[index][2:]
        self.docs[index], self.analyses[index] = known
        return before != known[0][2:]

    def indexed(self) -> dict[tuple[str, str], tuple[Doc, Analysis]]:
        """Each article's document and analysis, for a chunk made again around them."""
        return {m: (d, a) for m, d, a in zip(self.members, self.docs, self.analyses, strict=True)}

    def write(self, output: Path, number: int, in_base: bool
              ) -> tuple[set[str], _Based | None]:
        written = set()
        files, buckets = encode(self.docs, self.analyses, own_buckets=not in_base)
        for name, data in files.items():
            if write_file(output, f"{SUBDIR}/{number}/{name}", data):
                written.add(f"{SUBDIR}/{number}/{name}")
        return written, (buckets, self.docs) if in_base else None

    def dumps(self) -> bytes:
        return zlib.compress(pickle.dumps((self.members, self.docs, self.analyses), protocol=5), 1)

    @classmethod
    def loads(cls, blob: bytes) -> _Chunk | None:
        try:
            members, docs, analyses = pickle.loads(zlib.decompress(blob))
        except Exception:  # a damaged blob: its articles are indexed again
            return None
        if not (isinstance(members, list) and isinstance(docs, list)
                and isinstance(analyses, list) and len(members) == len(docs) == len(analyses)
                and all(isinstance(a, Analysis) for a in analyses)):
            return None  # not what this version stores
        return cls(members, docs, analyses)


class Reuse:
    """What earlier builds indexed, read from the cache a chunk at a time when asked for."""

    def __init__(self, cache: BuildCache, state: dict[int, str]) -> None:
        self._cache = cache
        self._state = state
        self._chunk_of: dict[tuple[str, str], int] | None = None
        self._indexed: dict[int, dict[tuple[str, str], tuple[Doc, Analysis]]] = {}

    def chunk(self, number: int) -> _Chunk | None:
        blob = self._cache.blob(f"{STATE}/{number}")
        return None if blob is None else _Chunk.loads(blob)

    def get(self, member: tuple[str, str]) -> tuple[Doc, Analysis] | None:
        """The document row and analysis of an article whose digest is unchanged."""
        if self._chunk_of is None:
            self._chunk_of = {m: n for n, listing in self._state.items()
                              for m in members_of(listing)}
        number = self._chunk_of.get(member)
        if number is None:
            return None
        if number not in self._indexed:
            chunk = self.chunk(number)
            self._indexed[number] = {} if chunk is None else chunk.indexed()
        return self._indexed[number].get(member)


_WORK: tuple[Path, list[Job], Reuse, Analyser] | None = None


def _run(output: Path, todo: list[Job], reuse: Reuse, analyser: Analyser,
         jobs: int) -> Iterator[_Done]:
    """Write the chunks in `todo`, in forked processes when there are several."""
    global _WORK
    if jobs <= 1 or len(todo) < 2:
        for job in todo:
            yield _write_chunk(output, job, reuse, analyser)
        return
    _WORK = (output, todo, reuse, analyser)
    try:
        with _workers(min(jobs, len(todo)), output,
                      [f"{SUBDIR}/{job[0]}" for job in todo]) as pool:
            yield from pool.imap_unordered(_write_job, range(len(todo)))
    finally:
        _WORK = None


def _write_job(index: int) -> _Done:
    assert _WORK is not None
    output, todo, reuse, analyser = _WORK
    return _write_chunk(output, todo[index], reuse, analyser)


def _write_chunk(output: Path, job: Job, reuse: Reuse, analyser: Analyser) -> _Done:
    """Write one chunk's files; LookupError when an article is neither fresh nor reusable."""
    number, members, fresh, in_base, whole = job
    if not whole:
        chunk = reuse.chunk(number)
        if chunk is not None and tuple(chunk.members) == members:
            names = {f"{SUBDIR}/{number}/{name}": data for name, data in placeholders().items()}
            return number, {name for name, data in names.items()
                            if write_file(output, name, data)}, None, False, (
                                buckets_of(chunk.analyses), chunk.docs)
        # else the cache lost it: the chunk is written whole
    chunk = reuse.chunk(number) if len(fresh) < len(members) else None
    if chunk is not None and len(chunk.members) == len(members) and all(
            old == new or (old[0] == new[0] and new[0] in fresh)
            for old, new in zip(chunk.members, members, strict=True)):
        # The same articles, some edited: only theirs are analysed again.
        filters = False
        for index, (old, new) in enumerate(zip(chunk.members, members, strict=True)):
            if old != new:
                filters |= chunk.replace(index, fresh[new[0]], analyser(fresh[new[0]]))
    else:
        docs, analyses = [], []
        for member in members:
            known = reuse.get(member)
            if known is None:
                known = analyser(fresh[member[0]])
            docs.append(known[0])
            analyses.append(known[1])
        chunk = _Chunk(list(members), docs, analyses)
        filters = True
    written, buckets = chunk.write(output, number, in_base)
    return number, written, chunk.dumps(), filters, buckets


def listing_of(members: Members) -> str:
    """A chunk's articles as the cache keeps them: one string, quick to store, load and
    compare (NUL never occurs in a path)."""
    return "\0".join(f"{source}\0{digest}" for source, digest in members)


def members_of(listing: str) -> Members:
    parts = listing.split("\0") if listing else []
    return tuple(zip(parts[::2], parts[1::2], strict=True))


def write_chunks(output: Path, todo: list[Job], reuse: Reuse, analyser: Analyser,
                  cache: BuildCache, jobs: int
                  ) -> tuple[set[str], bool, list[tuple[int, _Based]]]:
    """Write the chunks in `todo` and keep each in the cache: (the files written, whether
    what the filters offer may have changed, the buckets of those the base holds)."""
    if todo:
        # Until the chunks are written, the cache says nothing of where articles are: a
        # build killed meanwhile leaves the next one to check every chunk.
        cache.set_blob(STATE, None)
    written: set[str] = set()
    filters = False
    based: list[tuple[int, _Based]] = []
    for number, names, blob, changed, buckets in _run(output, todo, reuse, analyser, jobs):
        written |= names
        filters |= changed
        if blob is not None:
            cache.set_blob(f"{STATE}/{number}", blob)
        if buckets is not None:
            based.append((number, buckets))
    return written, filters, based
