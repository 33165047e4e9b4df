"""content/articles/**/*.md -> Article: parse front matter, render Markdown.

Unchanged files (same mtime_ns and size) come from the cache; the rest are parsed in
`jobs` forked worker processes when there are enough of them to pay for the fork. A
file that cannot be read or parsed becomes a Problem and the others load anyway.
"""

from __future__ import annotations

import dataclasses
import html
import os
import pickle
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest.cache import ArticleRow
from digest.errors import DigestError, Problem
from digest.files import linked_files
from digest.frontmatter import parse_document
from digest.hashing import sha1_hex
from digest.markdown import render_markdown
from digest.model import ArticleMeta, RightsMode
from digest.placement import placement, placement_row
from digest.rights import RightsPolicy, publishable
from digest.scan import ARTICLES, Stamp, scan
from digest.urls import article_slug

if TYPE_CHECKING:
    from digest.config import SiteConfig

_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_EXCERPT_WORDS = 40
_WORDS_PER_MINUTE = 230
_PARALLEL_MIN = 48  # below this, forking costs more than it saves


@dataclass(frozen=True)
class ReadOptions:
    """What decides how an article file becomes an Article, besides the file."""

    raw_html: bool = False
    rights: RightsPolicy = field(default_factory=RightsPolicy)

    @classmethod
    def of(cls, config: SiteConfig) -> ReadOptions:
        return cls(config.raw_html, config.rights)


@dataclass(frozen=True)
class Article:
    """One loaded article file: only what may be published of it (digest.rights)."""

    source: str  # site-relative posix path, as shown in problems
    meta: ArticleMeta
    slug: str
    # None in an article read back from the build cache: the body stays there until a page
    # that shows it is rendered (see `body_of` in digest.build).
    body_html: str | None
    excerpt: str
    reading_time: int | None
    # Hashes of what pages show of this article: everything, and everything but the body.
    digest: str
    summary_digest: str
    rights: RightsMode = "full"  # how much of the text `body_html` and `excerpt` hold
    # The files beside the articles its body links to (output paths): published with it.
    files: tuple[str, ...] = ()

    def __getstate__(self) -> dict[str, Any]:
        # Pickled without its body: the cache stores bodies apart (see row_of), and a
        # copy made with dataclasses.replace just to drop it cost more than the pickling.
        return {**self.__dict__, "body_html": None}


@dataclass(frozen=True)
class Loaded:
    articles: tuple[Article, ...]  # in source order
    problems: tuple[Problem, ...]
    parsed: int  # files parsed this time rather than taken from the cache
    gone: tuple[str, ...]  # files that went away since the last build


def load(
    articles_dir: Path,
    root: Path,
    cached: dict[str, tuple[Stamp, Article]],
    *,
    options: ReadOptions,
    jobs: int,
    force: frozenset[str] = frozenset(),
    stamps: dict[str, Stamp] | None = None,
    save: Callable[[list[ArticleRow]], None] | None = None,
    keep_bodies: bool = True,
) -> Loaded:
    """Load every article below `articles_dir`; `cached` is updated in place.

    `save` receives the newly parsed articles as cache rows (the article pickled without
    its body, and the body), in batches as they arrive, so the cache is filled without
    holding every pickled article in memory at once. Without `keep_bodies` the articles
    are kept without their bodies too (pages read them from the cache), so a 10,000-article
    build does not hold ~60 MB of HTML in every process.
    """
    if stamps is None:
        stamps = scan(articles_dir, root)
    gone = tuple(sorted(set(cached) - set(stamps)))
    for source in gone:
        del cached[source]
    todo = [
        s for s, stamp in stamps.items()
        if s in force or s not in cached or cached[s][0] != stamp
    ]
    problems: list[Problem] = []
    batch: list[ArticleRow] = []
    for source, result in _parse_all(todo, root, options, jobs):
        if not isinstance(result, _Parsed):
            cached.pop(source, None)
            problems.extend(result)
            continue
        if keep_bodies:
            article = result.article or dataclasses.replace(
                pickle.loads(result.data), body_html=result.body)
        else:
            article = pickle.loads(result.data)
        cached[source] = (stamps[source], article)
        if save is not None:
            batch.append((source, stamps[source], result.data, result.body, result.place))
            if len(batch) >= 500:
                save(batch)
                batch = []
    if save is not None and batch:
        save(batch)
    articles = tuple(cached[s][1] for s in sorted(stamps) if s in cached)
    return Loaded(articles, tuple(sorted(problems, key=_problem_key)), len(todo), gone)


def _problem_key(problem: Problem) -> tuple[str, int]:
    return problem.path, problem.line or 0


def sources_of(paths: frozenset[Path], root: Path) -> Iterator[str]:
    """The site-relative names of the files among `paths` (those outside are left out)."""
    for path in paths:
        try:
            yield path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue


@dataclass(frozen=True)
class _Parsed:
    article: Article | None  # None when it came from a worker: unpickle `data`
    data: bytes  # the article pickled without its body, as the cache stores it
    body: str
    place: bytes  # its placement row


def row_of(article: Article) -> tuple[bytes, str, bytes]:
    """An article as the build cache stores it: pickled without its body, the body, and
    its placement (digest.placement)."""
    return (pickle.dumps(article, protocol=5), article.body_html or "",
            placement_row(placement(article), article.meta.lang))


_Result = _Parsed | tuple[Problem, ...]


def _parse_all(
    todo: list[str], root: Path, options: ReadOptions, jobs: int
) -> Iterator[tuple[str, _Result]]:
    # Articles come back pickled (a worker has to pickle them anyway to send them), which
    # is also the form the cache stores: the parent gets its cache rows for free.
    if jobs <= 1 or len(todo) < _PARALLEL_MIN:
        for source in todo:
            result = parse_article(root, source, options)
            if isinstance(result, Article):
                yield source, _Parsed(result, *row_of(result))
            else:
                yield source, result
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    chunk = max(8, min(256, len(todo) // (jobs * 8)))
    global _WORKER_ARGS
    _WORKER_ARGS = (root, options)
    with context.Pool(jobs) as pool:
        for source, sent in zip(
            todo, pool.imap(_parse_in_worker, todo, chunksize=chunk), strict=True
        ):
            if isinstance(sent, list):
                yield source, _Parsed(None, sent[0], sent[1], sent[2])
            else:
                yield source, sent


_WORKER_ARGS: tuple[Path, ReadOptions] = (Path("."), ReadOptions())


def _parse_in_worker(source: str) -> list[Any] | tuple[Problem, ...]:
    root, options = _WORKER_ARGS
    result = parse_article(root, source, options)
    return list(row_of(result)) if isinstance(result, Article) else result


class _NotAFile(Exception):
    pass


def _read_regular_file(path: Path) -> bytes:
    # O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever; the file
    # type is checked on the open descriptor, so a swap after the listing cannot fool it.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _NotAFile(path)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def parse_article(root: Path, source: str, options: ReadOptions
                  ) -> Article | tuple[Problem, ...]:
    """Read and parse one file; problems name the file (site-relative) and line."""
    try:
        text = _read_regular_file(root / source).decode("utf-8-sig")
    except _NotAFile:
        return (Problem(source, "not a regular file (a pipe, device or folder)",
                        hint="articles must be ordinary .md files"),)
    except OSError as exc:
        return (Problem(source, f"cannot read: {exc.strerror or exc}"),)
    except UnicodeDecodeError:
        return (Problem(source, "not UTF-8 text", hint="save the file as UTF-8"),)
    try:
        document = parse_document(text.replace("\r\n", "\n"), source)
    except DigestError as exc:
        return exc.problems
    return make_article(source, document.meta, document.body, options)


def make_article(source: str, meta: ArticleMeta, body: str, options: ReadOptions) -> Article:
    body_html = render_markdown(body, raw_html=options.raw_html) if body.strip() else ""
    # Words of the Markdown source: close enough for a reading time, and far cheaper than
    # stripping the HTML.
    words = len(body.split())
    if meta.standfirst:
        excerpt = meta.standfirst
    else:
        first: list[str] = []
        for paragraph in _PARAGRAPH.finditer(body_html):
            first += html.unescape(_TAG.sub("", paragraph[1])).split()
            if len(first) > _EXCERPT_WORDS:
                break
        excerpt = " ".join(first[:_EXCERPT_WORDS]) + (" …" if len(first) > _EXCERPT_WORDS else "")
    minutes = meta.reading_time
    if minutes is None and words:
        minutes = max(1, round(words / _WORDS_PER_MINUTE))
    # From here on, only what the article's rights allow: the rest is dropped here, before
    # any page, feed or search index could read it.
    mode = options.rights.mode_of(meta)
    shown = publishable(meta, body_html, excerpt, mode, options.rights.excerpt_words)
    meta, body_html, excerpt = shown.meta, shown.body_html, shown.excerpt
    stem = source.rsplit("/", 1)[-1].removesuffix(".md")
    summary = sha1_hex(repr((source, meta, excerpt, minutes, mode)).encode())
    full = sha1_hex((summary + body_html).encode())
    return Article(source, meta, article_slug(stem), body_html, excerpt, minutes, full, summary,
                   mode, linked_files(body_html, source, ARTICLES))
