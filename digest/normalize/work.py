"""Parsing dumps: pure work on bytes, in this process or in forked worker processes.

Many dumps are parsed in two rounds of forked workers. The language model takes ~1 s
to load and nearly every dump needs it, but only at the end (common.complete): while
this process loads it (on one CPU), a first round of `jobs - 1` workers drafts as many
dumps as it can (all the parsing but the languages). Workers forked after that share
the loaded model; they complete the drafts and parse the other dumps whole.

A large dump (a read-later export of thousands of items) is always drafted in the first
round, and its items are then shared out between all the workers of the second.

Results come back in the order of the jobs whatever the number of workers, and drafting
first gives the same document as parsing whole, so what a run writes, and the order it
reports problems in, never depends on `jobs` or on timing. A dump whose parsing fails
with anything but a DigestError (a bug, a missing library) is a one-line problem for
that dump alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import mmap
import signal
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from digest.errors import DigestError, Problem

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

    from digest.model import ArticleDocument
    from digest.normalize.common import Draft
    from digest.normalize.duplicates import Marks

_PARALLEL_FROM = 64  # dumps; below this, starting workers costs more than it saves
_PARALLEL_BYTES = 1_000_000  # or this much to read (an export of thousands of items)
_MAX_CHUNK = 16  # dumps per task: few round trips, and a short tail for the last worker
_ITEMS_PER_TASK = 250  # an export's articles are finished by several workers, this many a task


@dataclass(frozen=True)
class Job:
    key: str  # the dump's path relative to content/
    data: bytes
    sha: str  # sha256 of `data`
    fetch: bool = False  # `--fetch`: a link's page may be fetched


@dataclass(frozen=True)
class Drafted:
    """A dump parsed but for its languages, or its problems."""

    key: str
    sha: str
    fingerprint: str = ""  # sha256 of the text with whitespace collapsed: finds duplicates
    drafts: tuple[Draft, ...] = ()
    paths: tuple[str, ...] = ()  # each draft's article path (which no language changes)
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Article:
    """One article of a parsed dump, with the costly parts of writing it already done."""

    key: str  # its record in the state file: the dump's key, `key#item` for an export item
    sha: str  # of the dump's bytes, or of the item
    markdown: str  # the document dumped
    path: str  # its article path before any clash is resolved
    marks: Marks
    fields: dict[str, str]  # a short hash of each field: the base of a later merge
    link: bool  # only a link: `--fetch` may fill it in
    # Sent back only when asked for (--force merges it with the curator's fields): it is
    # most of what a worker would otherwise pickle.
    document: ArticleDocument | None = None


@dataclass(frozen=True)
class Parsed:
    """One dump parsed: its articles, or its problems."""

    key: str
    sha: str
    fingerprint: str = ""
    articles: tuple[Article, ...] = ()
    problems: tuple[Problem, ...] = ()
    many: bool = False  # an export: its articles are items, keyed `key#item`


def _failed(key: str, exc: Exception) -> tuple[Problem, ...]:
    """A bug or a broken installation, said in one line for the dump it happened in."""
    if isinstance(exc, ImportError):
        return (Problem(key, f"cannot read it: a library digest needs is missing ({exc}); "
                             "reinstall digest"),)
    return (Problem(key, f"internal error while reading it ({type(exc).__name__}: {exc}); "
                         "please report this"),)


def draft_job(job: Job) -> Drafted:
    """Everything that does not need the language model."""
    from digest.normalize.core import decode_text, draft_dump
    from digest.normalize.paths import article_path
    from digest.normalize.textfix import fingerprint_text

    try:
        text = decode_text(job.data, job.key)
        drafts = draft_dump(text, job.key, job.sha, fetch=job.fetch)
        fingerprint = hashlib.sha256(fingerprint_text(text).encode("utf-8")).hexdigest()
        paths = tuple(article_path(d.document.meta) for d in drafts)
    except DigestError as exc:
        return Drafted(job.key, job.sha, problems=exc.problems)
    except Exception as exc:  # never let one dump stop the run
        return Drafted(job.key, job.sha, problems=_failed(job.key, exc))
    return Drafted(job.key, job.sha, fingerprint, drafts, paths)


def finish_job(drafted: Drafted, keep_document: bool) -> Parsed:
    from digest.frontmatter_dump import dump_document
    from digest.normalize.common import complete
    from digest.normalize.duplicates import marks
    from digest.normalize.merge import field_hashes

    if not drafted.drafts:
        return Parsed(drafted.key, drafted.sha, problems=drafted.problems)
    try:
        articles = []
        many = drafted.drafts[0].item is not None
        for draft, path in zip(drafted.drafts, drafted.paths, strict=True):
            document = complete(draft)
            key = f"{drafted.key}#{draft.item}" if many else drafted.key
            source = document.meta.source
            sha = source.sha256 if many and source is not None else drafted.sha
            markdown = dump_document(document)
            articles.append(Article(
                key, sha, markdown, path,
                marks(document, "" if many else drafted.fingerprint, _address(draft.item)),
                field_hashes(markdown),
                source is not None and source.format == "link" and not document.body,
                document if keep_document else None,
            ))
    except Exception as exc:  # never let one dump stop the run
        return Parsed(drafted.key, drafted.sha, problems=_failed(drafted.key, exc))
    return Parsed(drafted.key, drafted.sha, drafted.fingerprint, tuple(articles), many=many)


def _address(item: str | None) -> str | None:
    """An export item's key is its canonical address (`item-N` when it has none)."""
    return item if item and not item.startswith("item-") else None


def parse_job(job: Job, keep_document: bool) -> Parsed:
    """Pure (bytes in, text out), so it can run in a worker process."""
    return finish_job(draft_job(job), keep_document)


# What forked workers work on: inherited with the fork, so only an index goes to a
# worker and no dump or draft is pickled through a pipe on its way there.
_JOBS: list[Job] = []
_DRAFTED: dict[int, Drafted] = {}
_KEEP_DOCUMENT = False
# One byte of memory shared with the workers: set, they skip what is left of their tasks.
_STOP = mmap.mmap(-1, 1)


def _draft_range(indices: range) -> list[tuple[int, Drafted]]:
    drafted = []
    for index in indices:
        # Once told to stop, small dumps are left to be parsed whole below; a large one is
        # drafted here in any case, so that its items can be shared out between workers.
        if _STOP[0] and len(_JOBS[index].data) < _PARALLEL_BYTES:
            continue
        try:
            drafted.append((index, draft_job(_JOBS[index])))
        except Exception:  # a bug in a parser: met again, in order, when parsed whole
            continue
    return drafted


def _finish_unit(unit: tuple[int, int, int | None]) -> Parsed | None:
    """Finish job `index` (the drafts `start:end` of it, for an export's share)."""
    if _STOP[0]:
        return None
    index, start, end = unit
    drafted = _DRAFTED.get(index) or draft_job(_JOBS[index])
    if end is not None:
        drafted = dataclasses.replace(
            drafted, drafts=drafted.drafts[start:end], paths=drafted.paths[start:end])
    return finish_job(drafted, _KEEP_DOCUMENT)


def _units(count: int, workers: int) -> list[tuple[int, int, int | None]]:
    """What pool B finishes: each job whole, an export's items in shares."""
    units: list[tuple[int, int, int | None]] = []
    for index in range(count):
        drafted = _DRAFTED.get(index)
        items = len(drafted.drafts) if drafted is not None else 0
        if items <= _ITEMS_PER_TASK:
            units.append((index, 0, None))
            continue
        share = max(_ITEMS_PER_TASK, items // (workers * 4))
        units.extend((index, at, min(at + share, items)) for at in range(0, items, share))
    return units


def _joined(parts: list[Parsed]) -> Parsed:
    """One dump's result from the shares its articles were finished in."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    problems = tuple(p for part in parts for p in part.problems)
    if problems:
        return Parsed(first.key, first.sha, problems=problems)
    articles = tuple(a for part in parts for a in part.articles)
    return dataclasses.replace(first, articles=articles)


def _ignore_interrupt() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool and says so;
    # workers stay quiet instead of each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[Pool]:
    """Forked workers that are always shut down cleanly, however the block is left.

    They are told to stop, then closed and joined: their last results are read. A
    `terminate` while a worker is writing a result can hang (the worker holds the lock
    of the result pipe that no one reads any more).
    """
    import multiprocessing

    _STOP[0] = 0
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt)
    try:
        yield pool
    finally:
        _STOP[0] = 1
        pool.close()
        pool.join()


def parse_all(
    jobs: list[Job], workers: int, *, keep_document: bool
) -> Generator[Parsed, None, None]:
    """Parse every job, in `workers` forked processes when there is enough to do: many
    dumps, or a large one (an export's items are shared out between the workers)."""
    large = sum(len(job.data) for job in jobs) >= _PARALLEL_BYTES
    if not large:
        workers = min(workers, len(jobs))
    if workers < 2 or (len(jobs) < _PARALLEL_FROM and not large) or not _can_fork():
        for job in jobs:
            yield parse_job(job, keep_document)
        return
    from digest.normalize.common import load_language_model

    global _JOBS, _DRAFTED, _KEEP_DOCUMENT
    _JOBS, _KEEP_DOCUMENT = jobs, keep_document
    chunk = max(1, min(_MAX_CHUNK, len(jobs) // (workers * 4)))
    try:
        drafters = max(1, min(workers - 1, len(jobs)))  # a CPU is left for loading the model
        with _pool(drafters) as pool:
            ranges = [range(at, min(at + chunk, len(jobs))) for at in range(0, len(jobs), chunk)]
            drafts = pool.imap_unordered(_draft_range, ranges)  # one range a task
            load_language_model()
            _STOP[0] = 1  # what is not drafted yet is parsed whole below
            _DRAFTED = {index: drafted for batch in drafts for index, drafted in batch}
        # The drafting workers have exited, and with them that pool's threads: the
        # workers forked now have the model and nothing else running.
        units = _units(len(jobs), workers)
        with _pool(workers) as pool:
            parts: list[Parsed] = []
            for unit, parsed in zip(units, pool.imap(_finish_unit, units, chunksize=chunk),
                                    strict=True):
                assert parsed is not None  # only None once told to stop
                parts.append(parsed)
                if unit[2] is None or unit[2] >= len(_DRAFTED[unit[0]].drafts):
                    yield _joined(parts)  # the job's last share
                    parts = []
    finally:
        _JOBS, _DRAFTED = [], {}
