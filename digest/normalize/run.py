"""The `digest normalize` verb: inbox files -> article files, safely.

Raw dumps are only read. An article is written only when its bytes change,
atomically; one the curator edited is never overwritten without --force
(see state.py for how edits are recognised), and --force keeps every front-matter
field the curator changed (merge.py). A dump that duplicates an article already known
(duplicates.py) is reported, not written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from digest.errors import DigestError, Problem
from digest.frontmatter import parse_document
from digest.frontmatter_dump import dump_document
from digest.model import ArticleDocument, SourceInfo
from digest.normalize.duplicates import Marks, Seen
from digest.normalize.merge import Merged, merge
from digest.normalize.state import (
    STATE_FILE,
    DumpRecord,
    load_state,
    replace_atomic,
    save_state,
)
from digest.normalize.walk import dump_files
from digest.normalize.work import Article, Job, Parsed, parse_all

if TYPE_CHECKING:
    from digest.config import SiteConfig

# The parsers (and the libraries they load: language model, date parser, encoding
# detector...) are imported inside the functions that parse (work.py): a re-run with
# nothing new only reads the state file and hashes the dumps.

_PROGRESS_FROM = 20  # files; below this a bar only flickers


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass(frozen=True)
class NormalizeReport:
    """What a normalize run did; paths are relative to the site's content/ folder."""

    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    conflicts: tuple[Problem, ...] = ()
    # Every problem, conflicts included, so the command exits non-zero.
    problems: tuple[Problem, ...] = ()
    dry_run: bool = False
    notes: tuple[str, ...] = ()  # said before the summary; not problems

    def summary(self) -> str:
        errors = len(self.problems) - len(self.conflicts)
        verb = "to write" if self.dry_run else "written"
        head = "normalize (dry run)" if self.dry_run else "normalize"
        return (
            f"{head}: {len(self.written)} {verb}, {len(self.unchanged)} unchanged, "
            f"{_plural(len(self.duplicates), 'duplicate')}, "
            f"{_plural(len(self.conflicts), 'conflict')}, {_plural(errors, 'error')}"
        )


@dataclass
class _Run:
    """Mutable bookkeeping of one run (never leaves this module)."""

    config: SiteConfig
    force: bool
    dry_run: bool
    stdout: TextIO | None
    state: dict[str, DumpRecord]
    claimed: dict[str, str]  # article path -> dump key that owns it
    seen: Seen  # every article known, to find duplicates
    fetch: bool = False
    written: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    duplicates: list[str] = dataclasses.field(default_factory=list)
    conflicts: list[Problem] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    dirty: bool = False
    # No record of what normalize wrote, though articles exist: named in a conflict.
    state_missing: bool = False
    content: str = ""  # the content folder, as a string for quick joins

    def __post_init__(self) -> None:
        self.content = os.fspath(self.config.content_dir)

    def items(self, key: str) -> list[str]:
        """The records of the articles an export `key` gave (`key#item`)."""
        prefix = key + "#"
        return sorted(k for k in self.state if k.startswith(prefix))


def normalize(
    config: SiteConfig,
    paths: list[Path] | None,
    *,
    force: bool,
    dry_run: bool,
    stdout: TextIO | None,
    progress: bool,
    jobs: int | None = None,
    fetch: bool = False,
) -> NormalizeReport:
    """Normalise `paths` (default: every file in content/inbox) into content/articles.

    Dumps are parsed in `jobs` forked worker processes (default: one per CPU); what is
    written and reported does not depend on it. With `fetch`, a dump that is only a link
    has its page fetched (see formats/link.py).
    """
    state = load_state(config.content_dir)
    seen = Seen()
    for key, record in sorted(state.items()):
        if record.duplicate_of is None and record.items is None:
            seen.add(key, Marks(record.text, record.url, record.title, record.shape))
    run = _Run(
        config=config, force=force, dry_run=dry_run, stdout=stdout, state=state,
        claimed={r.article: k for k, r in state.items() if r.article}, seen=seen, fetch=fetch,
        state_missing=not state and _has_articles(config.articles_dir),
    )
    files = list(dump_files(config, paths, run.problems))
    todo = [job for file, key in files if (job := _read_new(run, file, key)) is not None]
    workers = jobs or os.cpu_count() or 1
    show = progress and len(todo) >= _PROGRESS_FROM
    # Closed even when writing fails half-way, so no worker outlives the run.
    with contextlib.closing(parse_all(todo, workers, keep_document=force)) as results:
        for parsed in _with_progress(results, len(todo), show):
            _one(run, parsed)
    if run.dirty and not dry_run and stdout is None:
        save_state(config.content_dir, run.state)
    conflicts = tuple(run.conflicts)
    notes = (
        f"{STATE_FILE} is missing or unreadable: existing articles that differ from what "
        "normalize writes now are kept and reported as conflicts, never overwritten",
    ) if run.state_missing and stdout is None else ()
    return NormalizeReport(
        written=tuple(run.written), unchanged=tuple(run.unchanged),
        duplicates=tuple(run.duplicates), conflicts=conflicts,
        problems=tuple(run.problems) + conflicts, dry_run=dry_run, notes=notes,
    )


def _has_articles(folder: Path) -> bool:
    return any(True for _ in folder.rglob("*.md")) if folder.is_dir() else False


def _with_progress(items: Iterator[Parsed], total: int, show: bool) -> Iterator[Parsed]:
    if not show:
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("normalize", total=total)
        for item in items:
            yield item
            bar.advance(task)


def _read_new(run: _Run, file: str, key: str) -> Job | None:
    """The dump to parse; None when it is unreadable or unchanged."""
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        run.problems.append(Problem(key, f"cannot read: {exc.strerror or exc}"))
        return None
    sha = hashlib.sha256(data).hexdigest()
    record = run.state.get(key)
    fresh = record is not None and record.sha256 == sha and not run.force and run.stdout is None
    if fresh and not (run.fetch and record is not None and record.link):
        # Nothing new: decided without parsing, which keeps a re-run fast.
        assert record is not None
        keys = run.items(key) if record.items is not None else [key]
        known = [(k, run.state[k]) for k in keys]
        if all(r.duplicate_of or _exists(run, r.article) for _, r in known):
            for item, found in known:
                if found.duplicate_of is not None:
                    run.duplicates.append(f"{item}: duplicate of {found.duplicate_of}")
                elif found.article:
                    run.unchanged.append(found.article)
            return None
    return Job(key, data, sha, run.fetch)


def _exists(run: _Run, article: str | None) -> bool:
    return bool(article) and os.path.isfile(os.path.join(run.content, article or ""))


def _one(run: _Run, parsed: Parsed) -> None:
    if parsed.problems:
        run.problems.extend(parsed.problems)
        return
    if run.stdout is not None:
        for article in parsed.articles:
            run.stdout.write(article.markdown)
        return
    for article in parsed.articles:
        first = run.seen.first(article.key, article.marks)
        if first is not None:
            run.duplicates.append(f"{article.key}: duplicate of {first}")
            click.echo(f"{article.key}: duplicate of {first}", err=True)
            _record(run, article.key, DumpRecord(
                article.sha, article.marks.fingerprint, duplicate_of=first))
            continue
        run.seen.add(article.key, article.marks)
        _place(run, article)
    if parsed.many:
        _record(run, parsed.key, DumpRecord(
            parsed.sha, parsed.fingerprint, items=len(parsed.articles)))


def _place(run: _Run, article: Article) -> None:
    key, sha, markdown = article.key, article.sha, article.markdown
    record = run.state.get(key)
    rel = record.article if record and record.article else None
    missing = False  # known not to exist: nothing to read
    if rel is None or not os.path.isfile(os.path.join(run.content, rel)):
        rel, missing = _free_path(run, key, sha, article.path)
    target = os.path.join(run.content, rel)
    old = None if missing else _read(target)
    base = record.fields if record is not None and record.article == rel else None
    kept: tuple[str, ...] = ()
    if old is not None and not run.force and _may_hold_edits(record, rel, old, markdown):
        if record is not None and record.article == rel and record.sha256 == sha:
            run.unchanged.append(rel)  # edited, and its dump is as it was: nothing to do
        else:
            run.conflicts.append(_conflict(run, rel))
        return
    if old is not None and (run.force or (record is not None and record.kept)):
        document = article.document or parse_document(markdown, rel)
        merged = _merge(run, rel, old, base, document)
        if merged is not None:
            markdown, kept = dump_document(merged.document), merged.kept
    data = markdown.encode("utf-8")
    if run.dry_run:
        if old != data:
            run.written.append(rel)
            click.echo(f"would write {rel}")
        else:
            run.unchanged.append(rel)
        return
    if old == data:
        run.unchanged.append(rel)
    else:
        replace_atomic(target, data)
        run.written.append(rel)
    marks = article.marks
    _record(run, key, DumpRecord(
        sha, marks.fingerprint, article=rel, written=_sha(data), url=marks.url,
        title=marks.title, shape=marks.shape, fields=article.fields, kept=kept, link=article.link,
    ))
    run.claimed[rel] = key


def _merge(
    run: _Run, rel: str, old: bytes, base: dict[str, str] | None, document: ArticleDocument
) -> Merged | None:
    """The new document with the curator's changes kept; None when the article on disk
    cannot be read (then normalize's own document is written)."""
    try:
        previous = parse_document(old.decode("utf-8-sig"), rel)
    except (DigestError, UnicodeDecodeError):
        return None
    merged = merge(base, previous, document)
    for name, value in merged.conflicts:
        run.conflicts.append(Problem(
            rel, f"`{name}` was changed both in the article and in what normalize reads now: "
            "your value is kept",
            hint=f"normalize now reads {name}: {_show(value)}",
        ))
    return merged


def _show(value: object) -> str:
    text = "(nothing)" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _may_hold_edits(record: DumpRecord | None, rel: str, old: bytes, markdown: str) -> bool:
    """Whether the article on disk may hold the curator's edits, so must not be replaced.

    Only bytes the state file says normalize wrote are its own. Without that record (a
    lost or deleted state file, a fresh clone) an article that differs from what would
    be written now may have been edited: it is never taken for our own earlier output.
    """
    if record is not None and record.article == rel:
        return _sha(old) != record.written
    return old != markdown.encode("utf-8")


def _conflict(run: _Run, rel: str) -> Problem:
    if run.state_missing:
        return Problem(
            rel, f"differs from what normalize writes now, and {STATE_FILE} (the record of "
            "what normalize wrote) is missing or unreadable, so it may hold your edits",
            hint="Keep it as it is (nothing was changed); re-run with --force to re-normalise "
            "it (keeps note, featured, status and tags), or delete the article to start over",
        )
    return Problem(
        rel, "edited since it was normalised; the raw dump changed too",
        hint="Re-run with --force to re-normalise (keeps every field you changed), "
        "or delete the article to start over",
    )


def _free_path(run: _Run, key: str, sha: str, first: str) -> tuple[str, bool]:
    """The article's path, and whether no file is there yet; a short hash is added when
    another dump already has the path."""
    missing = False
    for suffix in ("", sha[:8], sha[:16], sha):
        rel = f"{first.removesuffix('.md')}-{suffix}.md" if suffix else first
        owner = run.claimed.get(rel)
        path = os.path.join(run.content, rel)
        if owner == key:
            break
        if owner is None and not os.path.exists(path):
            missing = True
            break
        source = _source(_read(path), rel) if owner is None else None
        if source is not None and (source.sha256 == sha or source.file == key):
            break  # this dump's article from before the state file was lost
    run.claimed[rel] = key
    return rel, missing


def _source(data: bytes | None, rel: str) -> SourceInfo | None:
    if data is None:
        return None
    try:
        return parse_document(data.decode("utf-8-sig"), rel).meta.source
    except (DigestError, UnicodeDecodeError):
        return None


def _record(run: _Run, key: str, record: DumpRecord) -> None:
    if not run.dry_run and run.state.get(key) != record:
        run.state[key] = record
        run.dirty = True


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


