"""build(config) -> BuildReport: run the stages in order and time them.

load -> collect -> plan -> render+write (only stale pages) -> static -> search -> prune.
State that makes rebuilds cheap (loaded articles, page fingerprints, the compiled theme)
lives in a per-output session kept in this process, so the dev server can call build()
again and again, and in the disposable cache next to the output for one-shot builds.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from digest import __version__
from digest.cache import BuildCache, Stamp, open_cache
from digest.config import SiteConfig
from digest.errors import Problem
from digest.files import article_files, files_stamp, plain_static, publish
from digest.load import Article, Loaded, load, parse_article, rescan, scan
from digest.markdown import engine
from digest.theme_files import theme_chain, theme_stamp
from digest.urls import output_file
from digest.write import (
    check_output,
    finish_output,
    has_manifest,
    prepare_output,
    read_manifest,
    write_file,
)

if TYPE_CHECKING:
    from digest.incremental import Delta
    from digest.theme import Theme

NOT_FOUND_PAGE = "404.html"  # relative to output_folder(config)
_MEMOISE_FROM = 64  # pages rendered: below this, macro results are not kept (render.py)


def output_folder(config: SiteConfig) -> Path:
    """Where build() writes the site (for the dev server)."""
    return config.output_dir


@dataclass(frozen=True)
class BuildReport:
    pages_written: int
    pages_unchanged: int
    pages_total: int
    problems: tuple[Problem, ...]
    timings: dict[str, float] = field(hash=False)
    changed_urls: frozenset[str] = frozenset()
    # Work a serving build leaves for after the reload (updating the search index):
    # returns its problems. A one-shot build does everything before it returns.
    pending: Callable[[], tuple[Problem, ...]] | None = field(
        default=None, compare=False, repr=False)

    def summary(self) -> str:
        seconds = sum(self.timings.values())
        text = (f"built {self.pages_total:,} pages ({self.pages_written:,} written, "
                f"{self.pages_unchanged:,} unchanged) in {seconds:.2f} s")
        if self.problems:
            text += f"; {len(self.problems)} problem(s)"
        return text


@dataclass
class _Session:
    """What one process remembers between builds of one site (mutable, never shared)."""

    key: str
    cache: BuildCache
    stamps: dict[str, Stamp] | None = None  # of the article files, at the last build
    _articles: dict[str, tuple[Stamp, Article]] | None = None
    _pages: dict[str, str] | None = None
    theme: Theme | None = None

    # Read from the cache only when needed: a build with nothing to do never unpickles them.
    @property
    def articles(self) -> dict[str, tuple[Stamp, Article]]:
        if self._articles is None:
            self._articles = self.cache.articles()
        return self._articles

    @property
    def pages(self) -> dict[str, str]:
        if self._pages is None:
            self._pages = self.cache.pages()
        return self._pages

    def record_changes(self, delta: Delta) -> None:
        """An incremental build's articles and pages, here and in the cache. Its pages'
        fingerprints are forgotten: the next complete plan renders them anew."""
        stale = {spec.url: "" for spec in delta.stale}
        self.cache.update(delta.rows, (), stale, ())
        if self._pages is not None:
            self._pages.update(stale)
        if self._articles is not None:
            self._articles.update((s, (st, a)) for s, st, a in delta.changed)


_SESSIONS: dict[Path, _Session] = {}


def _session(config: SiteConfig, key: str) -> _Session:
    out = config.output_dir.resolve()
    session = _SESSIONS.get(out)
    if session is None or session.key != key:
        if session is not None:
            session.cache.close()
        cache = open_cache(out, key)
        session = _Session(key, cache)
        _SESSIONS[out] = session
    return session


def build(
    config: SiteConfig,
    *,
    drafts: bool = False,
    jobs: int | None = None,
    progress: bool = False,
    serving: bool = False,
    changed: frozenset[Path] | None = None,
) -> BuildReport:
    """Build the site into its output folder; user problems are in the report."""
    # Python's cycle collector would walk the growing heap of articles, views and specs
    # again and again while they are made (a third of a 10k-article rebuild); they hold
    # no garbage cycles worth chasing. While pages render it runs again, but frozen objects
    # are out of its sight (which also keeps forked workers from copying the pages it
    # would touch).
    was_enabled = gc.isenabled()
    gc.disable()

    def resume_collector() -> None:
        gc.freeze()
        if was_enabled:
            gc.enable()

    try:
        return _build(config, drafts, jobs, progress, serving, changed, resume_collector)
    finally:
        if not serving:
            # A one-shot build is nearly the whole process: what it made joins the oldest
            # generation in one step (freeze, then unfreeze). Left young, it was all
            # traversed by the first collection after the build, 10-15 ms at 10k even
            # after a one-page edit. The dev server lets its garbage be collected young.
            gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _build(
    config: SiteConfig,
    drafts: bool,
    jobs: int | None,
    progress: bool,
    serving: bool,
    changed: frozenset[Path] | None,
    resume_collector: Callable[[], None],
) -> BuildReport:
    timings: dict[str, float] = {}

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

    jobs = jobs or os.cpu_count() or 1
    out = config.output_dir
    problems: list[Problem] = []
    with stage("theme"):
        chain = theme_chain(config)
        check_output(config.root, out, chain[1:])
        key = f"{__version__}|{engine(config.raw_html)}|{config.fingerprint}|{config.raw_html}"
        session = _session(config, key)
        stamp = theme_stamp(chain)
    with stage("load"):
        force = frozenset(_sources(changed or frozenset(), config.root))
        # The dev server says what changed; anything else is scanned for.
        seen = session.stamps if changed is not None else None
        stamps = (None if seen is None else
                  rescan(seen, changed or (), config.articles_dir, config.root))
        if stamps is None:
            stamps = scan(config.articles_dir, config.root)
        session.stamps = stamps
        salt = f"{key}|serving={serving}|drafts={drafts}"
        # The theme, config and flags, hashed; the articles' part is their cache rows,
        # which hold the stamp of each file when it was last read.
        # Files beside the articles (images) are copied by complete builds: any change to
        # them gives another key, so the build does not stop early nor re-render only pages.
        site_files = article_files(config.articles_dir)
        build_key = hashlib.sha1(pickle.dumps((salt, stamp, files_stamp(site_files)),
                                              protocol=5)).hexdigest()
        known = session.cache.stamps()
        last = session.cache.info("last_build")
        if not force and last and last.startswith(build_key + " ") and known == stamps and (
                has_manifest(out)):
            # Nothing that any page depends on changed since a build without problems.
            total = int(last.split()[1])
            return BuildReport(0, total, total, (), timings)
        session.cache.set_info("last_build", "")
    # Only now: a build with nothing to do needs neither the templates nor Jinja.
    from digest import dates
    from digest.collect import collect
    from digest.incremental import replan, save_snapshot
    from digest.plan import plan
    from digest.render import Renderer, page_problems, render_all
    from digest.theme import load_theme

    with stage("theme"):
        if session.theme is None:
            dates.load(session.cache)
        if session.theme is None or session.theme.stamp != stamp:
            session.theme = load_theme(config, serving=serving)
        elif session.theme.env.globals["serving"] != serving:
            session.theme.env.globals["serving"] = serving
        theme = session.theme
    with stage("replan"):
        # Like the nothing-changed check: an output folder that was emptied is built whole.
        delta = replan(
            session.cache, build_key, known, config.root, stamps, force,
            raw_html=config.raw_html,
            article_pattern=config.permalinks["article"],
        ) if has_manifest(out) else None
    if delta is not None:
        report = _rebuild_changed(delta, session, config, theme, jobs, serving, stage, timings)
        if report is not None:
            if not report.problems:
                session.cache.set_info("last_build", f"{build_key} {report.pages_total}")
            return report
    # The complete build changes the cache's rows: until it ends well, no snapshot.
    session.cache.drop_snapshot()
    with stage("load"):
        loaded = load(config.articles_dir, config.root, session.articles,
                      raw_html=config.raw_html, jobs=jobs, force=force, stamps=stamps,
                      save=lambda rows: session.cache.update(articles=rows),
                      keep_bodies=not session.cache.holds_bodies)
        problems += loaded.problems
    with stage("collect"):
        catalog = collect(loaded.articles, config, drafts=drafts)
    with stage("plan"):
        site_plan = plan(catalog, config, theme.template_hash, theme.body_templates, salt)
        problems += site_plan.problems
        prepare_output(out)
        previous = read_manifest(out)
        rendered_before = session.pages
        folder = str(out)
        stale = [
            s for s in site_plan.pages
            if rendered_before.get(s.url) != s.fingerprint
            or not os.path.exists(os.path.join(folder, output_file(s.url)))
        ]
    files = {output_file(s.url) for s in site_plan.pages}
    changed_urls: set[str] = set()
    written = 0
    rendered: dict[str, str] = {}
    fingerprint_of = {s.url: s.fingerprint for s in stale}
    resume_collector()
    failed: list[tuple[str, Problem]] = []
    with stage("render"):
        renderer = Renderer(catalog, config, theme, _bodies(session, config))
        with _progress(progress, len(stale)) as advance:
            for outcome in render_all(stale, renderer, out, jobs, advance,
                                      previous):
                if outcome.problem is not None:
                    failed.append((outcome.url, outcome.problem))
                    session.pages.pop(outcome.url, None)  # retried next build
                    if outcome.file not in previous:
                        files.discard(outcome.file)  # keep an older good copy, if any
                    continue
                rendered[outcome.url] = fingerprint_of[outcome.url]
                if outcome.written:
                    written += 1
                    changed_urls.add(outcome.url)
    problems += page_problems(failed)
    dates.save(session.cache)
    with stage("static"):
        for _name, (path, site_path) in sorted(theme.assets.items()):
            rel = site_path.lstrip("/")
            files.add(rel)
            try:
                if write_file(out, rel, path.read_bytes()):
                    changed_urls.add(site_path)
            except OSError as exc:  # a full disk or a read-only output, like pages
                problems.append(Problem(rel, f"cannot write: {exc}"))
        copied, copied_now, copy_problems = publish(
            out, (*plain_static(theme.assets), *site_files.items()),
            {output_file(s.url) for s in site_plan.pages}, config.root)
        files |= copied
        changed_urls |= {"/" + rel for rel in copied_now}
        problems += copy_problems
    if config.search:
        with stage("search"):
            from digest.search import index_site

            search_files, search_written, problem = index_site(
                out, catalog.entries, _bodies(session, config), session.cache, previous, jobs)
            files |= search_files
            changed_urls |= {"/" + f for f in search_written}
            problems += [problem] if problem is not None else []
    with stage("write"):
        for rel in finish_output(out, files, previous):
            changed_urls.add("/" + rel.removesuffix("index.html"))
    with stage("cache"):
        _remember(session, {s.url for s in site_plan.pages}, rendered, loaded)
    if not problems:
        with stage("cache"):
            save_snapshot(session.cache, build_key, catalog, site_plan)
        session.cache.set_info("last_build", f"{build_key} {len(site_plan.pages)}")
    return BuildReport(
        pages_written=written,
        pages_unchanged=len(site_plan.pages) - written,
        pages_total=len(site_plan.pages),
        problems=tuple(sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))),
        timings=timings,
        changed_urls=frozenset(changed_urls),
    )


def _rebuild_changed(
    delta: Delta, session: _Session, config: SiteConfig, theme: Theme, jobs: int,
    serving: bool, stage: Callable[[str], contextlib.AbstractContextManager[None]],
    timings: dict[str, float],
) -> BuildReport | None:
    """Render the pages a few edited articles changed; None: run the complete build."""
    from digest import dates
    from digest.render import Renderer, render_all

    out = config.output_dir
    changed_urls: set[str] = set()
    with stage("render"):
        renderer = Renderer(delta.catalog, config, theme, _bodies(session, config),
                            memoise=len(delta.stale) >= _MEMOISE_FROM)
        try:
            for outcome in render_all(list(delta.stale), renderer, out, jobs):
                if outcome.problem is not None:
                    return None  # the complete build reports it with its context
                if outcome.written:
                    changed_urls.add(outcome.url)
        except LookupError:  # the cache lost an entry after all
            return None
    dates.save(session.cache)
    pages_written = len(changed_urls)
    pending = None
    if config.search:
        from digest.search import update_index

        def search() -> tuple[set[str] | None, tuple[Problem, ...]]:
            # Under serve, a chunk that cannot be updated in place sends the whole index
            # to be checked; a one-shot build runs the complete build instead.
            return update_index(
                out, [a for _, _, a in delta.changed], delta.catalog.entries,
                _bodies(session, config), session.cache, config.permalinks["article"],
                or_all=serving)

        if serving:
            # The reload shows the pages at once; the index follows a tenth of a second later.
            def pending() -> tuple[Problem, ...]:
                return search()[1]
        else:
            with stage("search"):
                written, _ = search()
            if written is None:
                return None
            changed_urls |= {"/" + f for f in written}
    with stage("cache"):
        session.record_changes(delta)
    return BuildReport(
        pages_written=pages_written,
        pages_unchanged=delta.pages - pages_written,
        pages_total=delta.pages,
        problems=(),
        timings=timings,
        changed_urls=frozenset(changed_urls),
        pending=pending,
    )


def _remember(
    session: _Session, planned: set[str], rendered: dict[str, str], loaded: Loaded
) -> None:
    """Record this build in the session and, for the next process, in the cache."""
    dropped_pages = [url for url in session.pages if url not in planned]
    for url in dropped_pages:
        del session.pages[url]
    session.pages.update(rendered)
    if loaded.gone or rendered or dropped_pages:
        session.cache.update((), loaded.gone, rendered, dropped_pages)


def _bodies(session: _Session, config: SiteConfig) -> Callable[[Article], str]:
    """Where pages get article bodies: parsed this time, or read from the build cache."""

    def body_of(article: Article) -> str:
        if article.body_html is not None:
            return article.body_html
        body = session.cache.body(article.source)
        if body is None:  # the cache could not say after all: parse the file again
            again = parse_article(config.root, article.source, config.raw_html)
            body = (again.body_html or "") if isinstance(again, Article) else ""
        return body

    return body_of


def _sources(paths: frozenset[Path], root: Path) -> Iterator[str]:
    for path in paths:
        try:
            yield path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[int], None] | None]:
    if not enabled or total < 50:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("rendering"), BarColumn(), MofNCompleteColumn(),
                  transient=True) as bar:
        task = bar.add_task("render", total=total)
        yield lambda n: bar.advance(task, n)
