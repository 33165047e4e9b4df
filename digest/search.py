"""The site's search index: `search/data/`, read by the default theme's search.js.

Articles are numbered oldest first and cut into chunks of CHUNK; each chunk has its
documents (`docs.json`) and its terms spread over BUCKETS files by their first two
characters, so a query word needs one small file per chunk and prefix search works.
A chunk's files depend on its own articles only: an edited article rewrites its chunk,
and a new article usually only the last one. (An index built from the rendered pages
as a whole has to be built again from all of them after any edit.)

Format 1, the contract with search.js:
- meta.json: {"format", "chunks", "buckets", "documents", "publications"};
- <chunk>/docs.json: [[url without the leading slash, title, publication, ISO date or "",
  excerpt], ...];
- <chunk>/<bucket>.json: {term: [document index in the chunk, weight, ...]}, indexes
  ascending. Terms are lowercased, NFKD-decomposed text without combining marks,
  lowercased again, cut at everything but letters and digits; a term's bucket is
  (first code point * 31 + second code point, or 0) % BUCKETS.
"""

from __future__ import annotations

import bisect
import html
import json
import os
import pickle
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from digest.cache import BuildCache
from digest.collect import UNSORTED, Entry, place
from digest.errors import Problem
from digest.load import Article
from digest.write import read_manifest, write_file

SUBDIR = "search/data"
FORMAT = 1
CHUNK = 256
BUCKETS = 64
_STATE = "search"  # the cache blob: the format and every chunk's listing (see _listing)
_TITLE_WEIGHT = 10
_LEAD_WEIGHT = 3  # kicker, standfirst, author, tags

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")  # faster than [^\W_]+; underscores are made spaces first

Members = tuple[tuple[str, str], ...]  # a chunk's articles: (source, digest), in order


def index_site(
    output: Path,
    entries: Sequence[Entry],
    body_of: Callable[[Article], str],
    cache: BuildCache,
    previous: set[str],
    jobs: int = 1,
) -> tuple[set[str], set[str], Problem | None]:
    """Index the published articles (`entries`, newest first, as the catalog holds them).

    Returns the index's files (relative to `output`), those written this time, and a
    problem or None. A chunk whose articles are those the cache recorded for it, and whose
    files are all in place, is not read or written at all; the others are written by
    `jobs` forked processes when there are several.
    """
    ordered = list(reversed(entries))  # oldest first: a new article joins the last chunk
    chunks = [ordered[start:start + CHUNK] for start in range(0, len(ordered), CHUNK)]
    before = _load_state(cache) or {}
    state: dict[int, str] = {}
    files: set[str] = set()
    todo: list[_Job] = []
    for number, chunk in enumerate(chunks):
        members = tuple((e.article.source, e.article.digest) for e in chunk)
        chunk_files = _chunk_files(number)
        files.update(chunk_files)
        state[number] = _listing(members)
        if before.get(number) != state[number] or not all(
                n in previous and os.path.isfile(output / n) for n in chunk_files):
            todo.append((number, members, {e.article.source: e for e in chunk}))
    written: set[str] = set()
    try:
        written = _write_chunks(output, todo, _Reuse(cache, before), body_of, cache, jobs)
        meta = {"format": FORMAT, "chunks": len(chunks), "buckets": BUCKETS,
                "documents": len(ordered),
                "publications": sorted({_publication(e) for e in ordered})}
        name = f"{SUBDIR}/meta.json"
        files.add(name)
        if write_file(output, name, _json(meta)):
            written.add(name)
    except OSError as exc:
        cache.set_blob(_STATE, None)  # the next build writes every chunk again
        return files | {f for f in previous if f.startswith(SUBDIR + "/")}, written, Problem(
            str(output / SUBDIR), f"search: cannot write the index: {exc.strerror or exc}",
            hint="the pages were built; free some space or fix the folder, then build again")
    for number in set(before) - set(state):
        cache.set_blob(f"{_STATE}/{number}", None)
    _save_state(cache, state)
    return files, written, None


def _reindex(
    output: Path,
    changed: Iterable[Article],
    body_of: Callable[[Article], str],
    cache: BuildCache,
    article_pattern: str,
) -> set[str] | None:
    """Rewrite the chunks of edited articles that kept their place in the site.

    Returns the files written, or None when the cache cannot say where the articles are
    (the caller then runs the complete build, whose index_site puts everything right).
    """
    state = _load_state(cache)
    if state is None:
        return None
    edits: dict[int, dict[str, Entry]] = {}
    for article in changed:
        number = _chunk_holding(state, article.source)
        if number is not None:  # else not published (a draft): not in the index
            edits.setdefault(number, {})[article.source] = place(article, article_pattern)
    todo: list[_Job] = []
    listings: dict[int, str] = {}
    for number, fresh in sorted(edits.items()):
        members = tuple((s, fresh[s].article.digest if s in fresh else d)
                        for s, d in _members(state[number]))
        listings[number] = _listing(members)
        if listings[number] != state[number]:  # else touched, not changed
            todo.append((number, members, fresh))
    reuse = _Reuse(cache, {number: state[number] for number in edits})
    try:
        written = _write_chunks(output, todo, reuse, body_of, cache, 1)
    except (OSError, LookupError):
        cache.set_blob(_STATE, None)
        return None  # the complete build reports it, or finds what the cache lost
    if todo:
        state.update(listings)
        _save_state(cache, state)
    return written


def update_index(
    output: Path,
    changed: Sequence[Article],
    entries: Sequence[Entry],
    body_of: Callable[[Article], str],
    cache: BuildCache,
    article_pattern: str,
    *,
    or_all: bool,
) -> tuple[set[str] | None, tuple[Problem, ...]]:
    """`_reindex`, then, when it cannot and `or_all`, `index_site` over all `entries`:
    (the files written or None, problems)."""
    written = _reindex(output, changed, body_of, cache, article_pattern)
    if written is not None or not or_all:
        return written, ()
    _, written, problem = index_site(output, entries, body_of, cache, read_manifest(output))
    return written, () if problem is None else (problem,)


Doc = list[str]  # a docs.json row
Weights = dict[str, int]
_Job = tuple[int, Members, dict[str, Entry]]  # a chunk to write: number, articles, fresh ones
_Done = tuple[int, set[str], bytes]  # its number, the files written, its cache blob


class _Chunk:
    """One chunk as the cache keeps it: its articles, documents, postings (term -> [index,
    weight, ...], indexes ascending) and each document's terms, so that replacing one
    article touches only its own postings."""

    def __init__(self, members: list[tuple[str, str]], docs: list[Doc],
                 postings: dict[str, list[int]], terms: list[list[str]]) -> None:
        self.members, self.docs, self.postings, self.terms = members, docs, postings, terms

    @classmethod
    def made(cls, indexed: list[tuple[tuple[str, str], Doc, Weights]]) -> _Chunk:
        postings: dict[str, list[int]] = {}
        for index, (_, _, weights) in enumerate(indexed):
            for term, weight in weights.items():
                found = postings.get(term)
                if found is None:
                    postings[term] = [index, weight]
                else:
                    found += (index, weight)
        return cls([m for m, _, _ in indexed], [d for _, d, _ in indexed], postings,
                   [list(w) for _, _, w in indexed])

    def replace(self, index: int, entry: Entry, weights: Weights) -> None:
        for term in self.terms[index]:
            found = self.postings[term]
            at = found[::2].index(index) * 2
            del found[at:at + 2]
            if not found:
                del self.postings[term]
        for term, weight in weights.items():
            found = self.postings.setdefault(term, [])
            at = bisect.bisect_left(found[::2], index) * 2  # indexes stay ascending
            found[at:at] = (index, weight)
        self.members[index] = (entry.article.source, entry.article.digest)
        self.docs[index] = _doc(entry)
        self.terms[index] = list(weights)

    def indexed(self) -> dict[tuple[str, str], tuple[Doc, Weights]]:
        """Each article's document and weights, for a chunk made again around them."""
        weights: list[Weights] = [{} for _ in self.members]
        for term, found in self.postings.items():
            for at in range(0, len(found), 2):
                weights[found[at]][term] = found[at + 1]
        return {m: (d, w) for m, d, w in zip(self.members, self.docs, weights, strict=True)}

    def write(self, output: Path, number: int) -> set[str]:
        buckets: list[dict[str, list[int]]] = [{} for _ in range(BUCKETS)]
        for term in sorted(self.postings):
            buckets[bucket_of(term)][term] = self.postings[term]
        written = set()
        for name, value in [(f"{SUBDIR}/{number}/docs.json", self.docs)] + [
                (f"{SUBDIR}/{number}/{b}.json", terms) for b, terms in enumerate(buckets)]:
            if write_file(output, name, _json(value)):
                written.add(name)
        return written

    def dumps(self) -> bytes:
        # The terms lists share their strings with the postings' keys: pickled once.
        return pickle.dumps((self.members, self.docs, self.postings, self.terms), protocol=5)

    @classmethod
    def loads(cls, blob: bytes) -> _Chunk | None:
        try:
            members, docs, postings, terms = pickle.loads(blob)
        except Exception:  # a damaged blob: its articles are indexed again
            return None
        if not (isinstance(members, list) and isinstance(docs, list)
                and isinstance(postings, dict) and isinstance(terms, list)
                and len(members) == len(docs) == len(terms)):
            return None  # not what this version stores
        return cls(members, docs, postings, terms)


class _Reuse:
    """What earlier builds indexed, read from the cache a chunk at a time when asked for."""

    def __init__(self, cache: BuildCache, state: dict[int, str]) -> None:
        self._cache = cache
        self._state = state
        self._chunk_of: dict[tuple[str, str], int] | None = None
        self._indexed: dict[int, dict[tuple[str, str], tuple[Doc, Weights]]] = {}

    def chunk(self, number: int) -> _Chunk | None:
        blob = self._cache.blob(f"{_STATE}/{number}")
        return None if blob is None else _Chunk.loads(blob)

    def get(self, member: tuple[str, str]) -> tuple[Doc, Weights] | None:
        """The document row and term weights of an article whose digest is unchanged."""
        if self._chunk_of is None:
            self._chunk_of = {m: n for n, listing in self._state.items()
                              for m in _members(listing)}
        number = self._chunk_of.get(member)
        if number is None:
            return None
        if number not in self._indexed:
            chunk = self.chunk(number)
            self._indexed[number] = {} if chunk is None else chunk.indexed()
        return self._indexed[number].get(member)


_WORK: tuple[Path, list[_Job], _Reuse, Callable[[Article], str]] | None = None


def _run(output: Path, todo: list[_Job], reuse: _Reuse, body_of: Callable[[Article], str],
         jobs: int) -> Iterator[_Done]:
    """Write the chunks in `todo`, in forked processes when there are several."""
    global _WORK
    if jobs <= 1 or len(todo) < 2:
        for job in todo:
            yield _write_chunk(output, job, reuse, body_of)
        return
    import multiprocessing

    _WORK = (output, todo, reuse, body_of)
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(todo))) as pool:
            yield from pool.imap_unordered(_write_job, range(len(todo)))
    finally:
        _WORK = None


def _write_job(index: int) -> _Done:
    assert _WORK is not None
    output, todo, reuse, body_of = _WORK
    return _write_chunk(output, todo[index], reuse, body_of)


def _write_chunk(output: Path, job: _Job, reuse: _Reuse,
                 body_of: Callable[[Article], str]) -> _Done:
    """Write one chunk's files; LookupError when an article is neither fresh nor reusable."""
    number, members, fresh = job
    chunk = reuse.chunk(number) if len(fresh) < len(members) else None
    if chunk is not None and len(chunk.members) == len(members) and all(
            old == new or (old[0] == new[0] and new[0] in fresh)
            for old, new in zip(chunk.members, members, strict=True)):
        # The same articles, some edited: only their postings change.
        for index, (old, new) in enumerate(zip(chunk.members, members, strict=True)):
            if old != new:
                entry = fresh[new[0]]
                chunk.replace(index, entry, _weights(entry.article, body_of(entry.article)))
    else:
        indexed = []
        for member in members:
            known = reuse.get(member)
            if known is None:
                entry = fresh[member[0]]
                known = (_doc(entry), _weights(entry.article, body_of(entry.article)))
            indexed.append((member, *known))
        chunk = _Chunk.made(indexed)
    return number, chunk.write(output, number), chunk.dumps()


def terms_of(text: str) -> list[str]:
    """The index terms of a text, in order (search.js normalises queries the same way)."""
    text = text.lower()
    if not text.isascii():
        # Lowercased again: some letters only decompose to capitals (ℌ -> H).
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if unicodedata.category(c) != "Mn").lower()
    return _WORD.findall(text.replace("_", " ") if "_" in text else text)


def bucket_of(term: str) -> int:
    second = ord(term[1]) if len(term) > 1 else 0
    return (ord(term[0]) * 31 + second) % BUCKETS


def _doc(entry: Entry) -> Doc:
    meta = entry.article.meta
    return [entry.url.lstrip("/"), meta.title, _publication(entry),
            meta.date.iso if meta.date else "", entry.article.excerpt]


def _weights(article: Article, body_html: str) -> Weights:
    meta = article.meta
    weights = Counter(terms_of(html.unescape(_TAG.sub(" ", body_html))))
    for term in terms_of(meta.title):
        weights[term] += _TITLE_WEIGHT
    lead = " ".join(t for t in (meta.kicker, meta.standfirst, meta.author, *meta.tags) if t)
    for term in terms_of(lead):
        weights[term] += _LEAD_WEIGHT
    return dict(weights)


def _publication(entry: Entry) -> str:
    return entry.article.meta.publication or UNSORTED


def _chunk_files(number: int) -> list[str]:
    return [f"{SUBDIR}/{number}/docs.json"] + [
        f"{SUBDIR}/{number}/{b}.json" for b in range(BUCKETS)]


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _listing(members: Members) -> str:
    """A chunk's articles as the cache keeps them: one string, quick to store, load and
    compare (NUL never occurs in a path)."""
    return "\0".join(f"{source}\0{digest}" for source, digest in members)


def _members(listing: str) -> Members:
    parts = listing.split("\0") if listing else []
    return tuple(zip(parts[::2], parts[1::2], strict=True))


def _chunk_holding(state: dict[int, str], source: str) -> int | None:
    # A source is a path, a digest is hexadecimal: a match is always the source itself.
    needle = source + "\0"
    for number, listing in state.items():
        if listing.startswith(needle) or "\0" + needle in listing:
            return number
    return None


def _write_chunks(output: Path, todo: list[_Job], reuse: _Reuse,
                  body_of: Callable[[Article], str], cache: BuildCache, jobs: int) -> set[str]:
    """Write the chunks in `todo` and keep each in the cache; the files written."""
    if todo:
        # Until the chunks are written, the cache says nothing of where articles are: a
        # build killed meanwhile leaves the next one to check every chunk.
        cache.set_blob(_STATE, None)
    written: set[str] = set()
    for number, names, blob in _run(output, todo, reuse, body_of, jobs):
        written |= names
        cache.set_blob(f"{_STATE}/{number}", blob)
    return written


def _save_state(cache: BuildCache, state: dict[int, str]) -> None:
    cache.set_blob(_STATE, pickle.dumps((FORMAT, state), protocol=5))


def _load_state(cache: BuildCache) -> dict[int, str] | None:
    blob = cache.blob(_STATE)
    if blob is None:
        return None
    try:
        form, state = pickle.loads(blob)
    except Exception:  # a damaged blob is no state: the complete build writes every chunk
        return None
    if form != FORMAT or not isinstance(state, dict) or not all(
            isinstance(n, int) and isinstance(listing, str) for n, listing in state.items()):
        return None  # written by another version, or damaged
    return state
