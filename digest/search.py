"""The site's search index: `search/data/`, read by the default theme's search.js.

Articles are numbered oldest first and cut into chunks of CHUNK on average (`chunks_of`: where
their sources say, so an insertion moves no other article's chunk); each chunk has its documents,
its terms spread over BUCKETS files by their first two characters (so a query word needs one
small file per chunk and prefix search works) and its text in groups (see search_chunk for the
files). A chunk's files depend on its own articles only: an edited article rewrites its chunk,
and a new article usually only the last one. (An index built from the rendered pages as a whole
has to be built again from all of them after any edit.) How text becomes terms is in
search_text, shared with the page's search-text.js; search_write writes chunks and the base.

A query word would need one file from every chunk, and a browser asks for at most six at a
time: 40 requests took ~0.15 s at 10,000 articles. So a site of more than OVERLAY chunks also
has a base, `base/<bucket>.gz`, every chunk's terms of a bucket in one file, and the chunks it
holds keep empty bucket files. An edit does not touch the base: its chunk writes its own
bucket files again and leaves the base (meta.json's "base" lists the chunks it still
answers for), so a word takes one file from the base plus one from each chunk outside it.
A complete build writes the base again when more than OVERLAY chunks are outside it.

meta.json, the contract with search.js: {"format", "chunks", "buckets", "documents",
"text_group", "publications", "tags", "languages", "months", "stemmers": {language: Snowball
algorithm}, "stop_words": {language: [word, ...]}, "base": [chunk, ...]}.
"""

from __future__ import annotations

import json
import os
import pickle
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from digest.cache import BuildCache
from digest.collect import UNSORTED, Entry, place
from digest.errors import Problem
from digest.load import Article
from digest.model import PartialDate
from digest.search_chunk import BUCKETS, TEXT_GROUP, file_names
from digest.search_chunk import bucket_of as bucket_of
from digest.search_chunk import language as language_of
from digest.search_stopwords import stop_words
from digest.search_text import STEMMERS
from digest.search_text import terms_of as terms_of
from digest.search_write import STATE as _STATE
from digest.search_write import SUBDIR as SUBDIR
from digest.search_write import (
    Analyser,
    Job,
    Reuse,
    analyser_of,
    base_files,
    listing_of,
    members_of,
    write_base,
    write_chunks,
)
from digest.write import read_manifest, write_file

FORMAT = 3
CHUNK = 64
OVERLAY = 6  # most chunks answering for themselves; a site of more has a base


def index_site(
    output: Path,
    entries: Sequence[Entry],
    body_of: Callable[[Article], str],
    cache: BuildCache,
    previous: set[str],
    jobs: int = 1,
    *,
    language: str = "en",
    known: Sequence[Indexed] | None = None,
) -> tuple[set[str], set[str], Problem | None]:
    """Index the published articles (`entries`, newest first, as the catalog holds them;
    `language`: the site's, for articles that do not name theirs).

    Returns the index's files (relative to `output`), those written this time, and a
    problem or None. A chunk whose articles are those the cache recorded for it, and whose
    files are all in place, is not read or written at all; the others are written by
    `jobs` forked processes when there are several. `known`, when given, is what the
    index needs to know of each entry (in the same order), so that only the entries of the
    chunks written are read (`entries` may read them on demand, digest.recollect).
    """
    listed = list(known) if known is not None else [indexed_of(e) for e in entries]
    listed.reverse()  # oldest first: a new article joins the last chunk
    cuts = cuts_of([x.source for x in listed])
    before, base_before = _load_state(cache, language) or ({}, set())
    # The digests of articles `known` did not read: as the last build indexed them.
    digests = dict(member for listing in before.values() for member in members_of(listing)
                   ) if any(x.digest is None for x in listed) else {}
    last = len(listed) - 1

    def chunk(number: int) -> list[Entry]:
        start, end = cuts[number]
        prefetch = getattr(entries, "prefetch", None)  # one query for the chunk
        if prefetch is not None:
            prefetch(range(last - end + 1, last - start + 1))
        return [entries[last - k] for k in range(start, end)]

    listings: dict[str, set[str]] = {}

    def present(names: Iterable[str]) -> bool:
        # A listing per chunk's folder, not a stat per file: ~10,000 files at 10k.
        for name in names:
            where, _, file = name.rpartition("/")
            found = listings.get(where)
            if found is None:
                found = listings[where] = _files_in(os.path.join(output, where))
            if name not in previous or file not in found:
                return False
        return True

    if not present(base_files()):
        base_before = set()
    state: dict[int, str] = {}
    files: set[str] = set()
    stale: set[int] = set()
    for number, (start, end) in enumerate(cuts):
        members = tuple((x.source, x.digest or digests.get(x.source, ""))
                        for x in listed[start:end])
        chunk_files = _chunk_files(number, end - start)
        files.update(chunk_files)
        state[number] = listing_of(members)
        if before.get(number) != state[number] or not present(chunk_files):
            stale.add(number)
    base = (base_before & set(state)) - stale
    if len(cuts) <= OVERLAY:
        base = set()
    elif len(cuts) - len(base) > OVERLAY:
        base = set(state)  # the base is written again, from every chunk
    rebase = bool(base) and not base <= base_before - stale  # the base's files hold those
    # A chunk whose articles and files are as they were, and which the base holds now, only
    # gives the base its terms: its text files stay, its cache entry too.
    todo: list[Job] = []
    for number in sorted(state):
        if number in stale or (number in base) != (number in base_before) or (
                rebase and number in base):
            read = {e.article.source: e for e in chunk(number)}
            state[number] = listing_of(tuple((s, read[s].article.digest)
                                             for s, _ in members_of(state[number])))
            todo.append((number, members_of(state[number]), read, number in base,
                         number in stale or number not in base))
    written: set[str] = set()
    try:
        written, _, buckets = write_chunks(output, todo, Reuse(cache, before),
                                            analyser_of(body_of, language), cache, jobs)
        if base:
            files.update(base_files())
        if rebase:
            written |= write_base(output, buckets, jobs)
        files.add(f"{SUBDIR}/meta.json")
        written |= _write_meta(output, listed, len(cuts), language, base)
    except OSError as exc:
        cache.set_blob(_STATE, None)  # the next build writes every chunk again
        return files | {f for f in previous if f.startswith(SUBDIR + "/")}, written, Problem(
            str(output / SUBDIR), f"search: cannot write the index: {exc.strerror or exc}",
            hint="the pages were built; free some space or fix the folder, then build again")
    for number in set(before) - set(state):
        cache.set_blob(f"{_STATE}/{number}", None)
    _save_state(cache, state, base, language)
    return files, written, None


def _rebase_meta(output: Path, base: set[int]) -> set[str]:
    """meta.json with the chunks the base holds changed; ValueError when it cannot be read."""
    name = f"{SUBDIR}/meta.json"
    meta = json.loads((output / name).read_bytes())
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(name)
    meta["base"] = sorted(base)
    return {name} if write_file(output, name, _json(meta)) else set()


def _write_meta(output: Path, listed: Sequence[Indexed], chunks: int, language: str,
                base: set[int]) -> set[str]:
    """meta.json: what the search page needs before the first query (its filters, stemmers
    and stop words); rewritten only when its bytes change."""
    langs = sorted({language_of(x.lang, language) for x in listed} or {language.lower()})
    codes = sorted({lang.split("-")[0] for lang in langs})
    meta = {
        "format": FORMAT, "chunks": chunks, "buckets": BUCKETS, "documents": len(listed),
        "text_group": TEXT_GROUP,
        "publications": sorted({x.publication for x in listed}),
        "tags": sorted({tag for x in listed for tag in x.tags}),
        "languages": langs,
        "months": sorted({d.iso[:7] for x in listed if (d := x.date)}),
        "stemmers": {code: STEMMERS[code] for code in codes if code in STEMMERS},
        "stop_words": {code: sorted(words) for code in codes if (words := stop_words(code))},
        "base": sorted(base),
    }
    name = f"{SUBDIR}/meta.json"
    return {name} if write_file(output, name, _json(meta)) else set()


def _reindex(
    output: Path,
    changed: Iterable[Article],
    analyser: Analyser,
    cache: BuildCache,
    article_pattern: str,
    language: str,
) -> tuple[set[str], bool, set[int], bool] | None:
    """Rewrite the chunks of edited articles that kept their place in the site; a chunk the
    base held leaves it (the base is not rewritten).

    Returns the files written, whether what the filters offer may have changed, the chunks
    the base still holds and whether that changed; or None when the cache cannot say where
    the articles are (the caller then runs the complete build, whose index_site puts
    everything right).
    """
    loaded = _load_state(cache, language)
    if loaded is None:
        return None
    state, base = loaded
    edits: dict[int, dict[str, Entry]] = {}
    for article in changed:
        number = _chunk_holding(state, article.source)
        if number is not None:  # else not published (a draft): not in the index
            edits.setdefault(number, {})[article.source] = place(article, article_pattern)
    todo: list[Job] = []
    listings: dict[int, str] = {}
    for number, fresh in sorted(edits.items()):
        members = tuple((s, fresh[s].article.digest if s in fresh else d)
                        for s, d in members_of(state[number]))
        listings[number] = listing_of(members)
        if listings[number] != state[number]:  # else touched, not changed
            todo.append((number, members, fresh, False, True))
    reuse = Reuse(cache, {number: state[number] for number in edits})
    try:
        written, filters, _ = write_chunks(output, todo, reuse, analyser, cache, 1)
    except (OSError, LookupError):
        cache.set_blob(_STATE, None)
        return None  # the complete build reports it, or finds what the cache lost
    left = {number for number, *_ in todo} & base
    if todo:
        state.update(listings)
        base -= left
        _save_state(cache, state, base, language)
    return written, filters, base, bool(left)


def update_index(
    output: Path,
    changed: Sequence[Article],
    entries: Sequence[Entry],
    body_of: Callable[[Article], str],
    cache: BuildCache,
    article_pattern: str,
    *,
    or_all: bool,
    language: str = "en",
) -> tuple[set[str] | None, tuple[Problem, ...]]:
    """`_reindex`, then, when it cannot and `or_all`, `index_site` over all `entries`:
    (the files written or None, problems)."""
    done = _reindex(output, changed, analyser_of(body_of, language), cache, article_pattern,
                    language)
    written = None if done is None else done[0]
    try:
        if done is not None and done[3] and not done[1]:
            # Only the base's chunks changed: the rest of meta.json stays (reading every
            # article for it took 0.3 s at 10k).
            done[0].update(_rebase_meta(output, done[2]))
        elif done is not None and done[1]:
            # A tag, language or date changed: the filters may offer others.
            listed = [indexed_of(e) for e in reversed(entries)]
            done[0].update(_write_meta(output, listed, len(cuts_of([x.source for x in listed])),
                                       language, done[2]))
    except (OSError, ValueError):  # ValueError: a meta.json that cannot be read
        cache.set_blob(_STATE, None)
        written = None
    if written is not None or not or_all:
        return written, ()
    _, written, problem = index_site(output, entries, body_of, cache, read_manifest(output),
                                     language=language)
    return written, () if problem is None else (problem,)


def chunks_of(ordered: Sequence[Entry]) -> list[Sequence[Entry]]:
    """The articles, oldest first, cut into chunks (`cuts_of`)."""
    return [ordered[start:end] for start, end in cuts_of([e.article.source for e in ordered])]


def cuts_of(sources: Sequence[str]) -> list[tuple[int, int]]:
    """Where articles (by source, oldest first) are cut into chunks of CHUNK on average:
    each chunk's (start, end).

    A chunk ends after an article whose source's hash says so (`ends_chunk`), or when it
    holds four times CHUNK. The cuts depend on the articles and not on the order they came
    in, so a clean build cuts where an incremental one did; an article added or deleted in
    the middle of the years changes its own chunk, and the numbers (and files) of the
    chunks after it only when it is or was a cut, one time in CHUNK, or when its chunk was
    or becomes full. (Chunks of a fixed size would shift every later one.)"""
    longest = CHUNK * 4
    cuts: list[tuple[int, int]] = []
    start = 0
    for end, source in enumerate(sources, 1):
        if end - start >= longest or ends_chunk(source):
            cuts.append((start, end))
            start = end
    if start < len(sources):
        cuts.append((start, len(sources)))
    return cuts


def ends_chunk(source: str) -> bool:
    """Whether the article at `source` ends its chunk: one in CHUNK does."""
    return zlib.crc32(source.encode()) % CHUNK == 0


class Indexed(NamedTuple):
    """What the index's listing and meta.json need of an article, short of its text."""

    source: str
    digest: str | None  # None: as the last build indexed it
    lang: str | None
    publication: str  # its name
    tags: tuple[str, ...]
    date: PartialDate | None


def indexed_of(entry: Entry) -> Indexed:
    article = entry.article
    meta = article.meta
    return Indexed(article.source, article.digest, meta.lang,
                   meta.publication or UNSORTED, meta.tags, meta.date)


def _chunk_files(number: int, count: int) -> list[str]:
    return [f"{SUBDIR}/{number}/{name}" for name in file_names(count)]


def _files_in(folder: str) -> set[str]:
    """The names of the regular files in `folder` (none when it cannot be listed)."""
    try:
        with os.scandir(folder) as listing:
            return {entry.name for entry in listing if entry.is_file()}
    except OSError:
        return set()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _chunk_holding(state: dict[int, str], source: str) -> int | None:
    # A source is a path, a digest is hexadecimal: a match is always the source itself.
    needle = source + "\0"
    for number, listing in state.items():
        if listing.startswith(needle) or "\0" + needle in listing:
            return number
    return None


def _save_state(cache: BuildCache, state: dict[int, str], base: set[int], language: str
                ) -> None:
    cache.set_blob(_STATE, pickle.dumps((FORMAT, language, state, sorted(base)), protocol=5))


def _load_state(cache: BuildCache, language: str) -> tuple[dict[int, str], set[int]] | None:
    """Where the articles are, as the last build indexed them, and the chunks its base
    holds; None when it indexed them for another site language (articles without `lang`
    are stemmed in the site's)."""
    blob = cache.blob(_STATE)
    if blob is None:
        return None
    try:
        form, indexed_in, state, base = pickle.loads(blob)
    except Exception:  # a damaged blob is no state: the complete build writes every chunk
        return None
    if form != FORMAT or indexed_in != language or not isinstance(state, dict) or not all(
            isinstance(n, int) and isinstance(listing, str) for n, listing in state.items()
    ) or not isinstance(base, list) or not all(isinstance(n, int) for n in base):
        return None  # written by another version, or damaged
    return state, set(base)
