"""build(config) -> BuildReport: the stages in order, each a call with typed values.

    theme -> load -> collect -> plan -> search -> render (stale pages only) -> static -> prune

Only stale pages are rendered (digest.build_pages). An edit that moves no article skips
collect and plan altogether (digest.incremental); after a few files were added or deleted,
the site is grouped from the placements the cache keeps, without reading every article
(digest.recollect). A complete build after another finds the changed items and writes the
search index in a forked child while it plans and renders, and saves the snapshot in
another while it renders (digest.aside). What makes
rebuilds cheap (loaded articles, what each page read, the compiled theme) is a
`BuildState`: kept in this process for the dev server, and in the disposable cache next
to the output for one-shot builds; `digest check` shares it.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from digest.build_inputs import scan_inputs
from digest.build_state import BuildState, ItemTable
from digest.cache import BuildCache
from digest.config import SiteConfig
from digest.errors import Problem
from digest.load import ReadOptions, load
from digest.scan import Ahead
from digest.theme_files import theme_chain, theme_stamp
from digest.write import (
    check_output,
    finish_output,
    has_manifest,
    prepare_output,
    read_manifest,
    writing,
)

if TYPE_CHECKING:
    from digest.theme import Theme

NOT_FOUND_PAGE = "404.html"  # relative to output_folder(config)


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
    # Articles kept off the site, by status: (held, 2), (rejected, 1)...
    withheld: tuple[tuple[str, int], ...] = ()
    # Work a serving build leaves for after the reload (updating the search index):
    # returns its problems. A one-shot build does everything before it returns.
    pending: Callable[[], tuple[Problem, ...]] | None = field(
        default=None, compare=False, repr=False)

    def summary(self) -> str:
        seconds = sum(self.timings.values())
        text = (f"built {self.pages_total:,} pages ({self.pages_written:,} written, "
                f"{self.pages_unchanged:,} unchanged) in {seconds:.2f} s")
        if self.withheld:
            kept = ", ".join(f"{n:,} {status}" for status, n in self.withheld)
            text += f"; not published: {kept} (digest check lists them)"
        if self.problems:
            text += f"; {len(self.problems)} problem(s)"
        return text


def build(
    config: SiteConfig,
    *,
    drafts: bool = False,
    jobs: int | None = None,
    progress: bool = False,
    serving: bool = False,
    changed: frozenset[Path] | None = None,
    ahead: Ahead | None = None,
) -> BuildReport:
    """Build the site into its output folder; user problems are in the report. `ahead`:
    the articles' scan, started before this module was imported (scan.scan_ahead)."""
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
        with writing(config.output_dir):
            return _build(config, drafts, jobs, progress, serving, changed, ahead,
                          resume_collector)
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
    ahead: Ahead | None,
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
    with stage("theme"):
        chain = theme_chain(config)
        check_output(config.root, out, chain[1:])
        state = BuildState.of(config)
        stamp = theme_stamp(chain)
    with stage("load"):
        inputs = scan_inputs(config, state, changed, serving, drafts, stamp, ahead)
        if inputs.unchanged is not None:  # nothing that any page reads changed
            pages, withheld = inputs.unchanged
            return BuildReport(0, pages, pages, (), timings, withheld=withheld)
    # Only now: a build with nothing to do needs neither the templates nor Jinja.
    from digest.collect import collect, shown_statuses
    from digest.fragments import Fragments
    from digest.incremental import replan
    from digest.plan import plan
    from digest.render import Renderer

    shown = shown_statuses(drafts=drafts, serving=serving)
    with stage("theme"):
        theme = _theme(config, state, stamp, serving)
    with stage("replan"):
        # Like the nothing-changed check: an output folder that was emptied is built whole.
        delta = replan(state, inputs, config, shown) if has_manifest(out) else None
    if delta is not None:
        from digest.rebuild import rebuild_changed

        report = rebuild_changed(delta, state, config, theme, jobs, serving, stage, timings)
        if report is not None:
            if not report.problems:
                state.note_last_build(inputs.done_key, report.pages_total, report.withheld)
            return report
    from digest.aside import Aside
    from digest.build_outputs import Written, write_search, write_static
    from digest.build_pages import gone_pages, reads_by_number, render_stale
    from digest.incremental import add_reads
    from digest.recollect import recollect

    with stage("load"):
        # A few files added or deleted: the others' placements are enough to group the site.
        again = recollect(state, inputs, config, shown) if has_manifest(out) else None
    # The complete build changes the cache's rows: until it ends well, no snapshot.
    state.cache.drop_snapshot()
    if again is not None:
        with stage("load"):
            state.cache.update(again.rows)  # the gone ones' rows go with the records
            state.note_articles(again.read, again.gone)
        catalog, gone = again.catalog, again.gone
        loaded_problems: tuple[Problem, ...] = ()
    else:
        with stage("load"):
            loaded = load(config.articles_dir, config.root, state.articles,
                          options=ReadOptions.of(config), jobs=jobs, force=inputs.force,
                          stamps=inputs.stamps,
                          save=lambda rows: state.cache.update(articles=rows),
                          keep_bodies=not state.cache.holds_bodies)
        with stage("collect"):
            catalog = collect(loaded.articles, config, shown=shown)
        gone, loaded_problems = loaded.gone, loaded.problems
    with stage("write"):
        prepare_output(out)
        previous = read_manifest(out)
    fragments = Fragments(state.cache)
    renderer = Renderer(catalog, config, theme, state.bodies(config), fragments=fragments)
    items = ItemTable(state.items(), renderer.value, renderer.values,
                      None if again is None else again.may_change)
    # What changed and the search index are found beside the pages when a build follows
    # another (digest.aside); a first build indexes before its pages, so that its forked
    # render workers copy a smaller heap. Serving, the index is left to `pending`.
    # The pages whose files are gone come second: they are rendered after the others,
    # so that looking for them (a stat per page) keeps nothing waiting.
    known = None if again is None else again.indexed
    parent = os.getpid()

    def own_cache() -> BuildCache:
        return state.cache if os.getpid() == parent else state.cache.in_child()

    beside = Aside([items.changed, lambda: gone_pages(out, state.pages), lambda: write_search(
        config, catalog, state, own_cache(), previous, jobs, stage, known)],
        fork=jobs > 1 and not serving and bool(state.pages))
    with stage("plan"):
        site_plan = plan(catalog, config, inputs.salt)
    resume_collector()
    # The snapshot is saved beside the pages too, from what each page read when it was
    # last rendered; those rendered now add what they read after (incremental.add_reads).
    snapshot = Aside([lambda: state.save_snapshot(
        own_cache(), inputs.build_key, catalog, site_plan.pages, items)],
        fork=beside.forked and not site_plan.problems)
    if serving:
        from digest.search import SUBDIR

        searched = Written({f for f in previous if f.startswith(SUBDIR + "/")}, set(), ())
    elif not beside.forked:
        searched = write_search(config, catalog, state, state.cache, previous, jobs, stage,
                                known)
    with stage("plan"):
        items.note_changed(beside.result(0))
    rendered = render_stale(site_plan, renderer, items, lambda: beside.result(1), config,
                            state, jobs, progress, previous, stage)
    with stage("cache"):
        fragments.save()
    with stage("static"):
        # Only the files an article the site shows links to (digest.files).
        linked = {f for e in catalog.located for f in e.where.files}
        static = write_static(config, theme, site_plan,
                         {k: v for k, v in inputs.site_files.items() if k in linked})
    pages_files = {*rendered.files, *static.files}
    problems = (*loaded_problems, *site_plan.problems, *rendered.problems, *static.problems)

    def remember(problems: tuple[Problem, ...]) -> None:
        with stage("cache"):  # the snapshot is saved, and counts once settled
            state.record_build(site_plan.pages, rendered.rows, rendered.failed,
                               rendered.items, gone)
            if problems:
                snapshot.close()
                return
            head = snapshot.result(0)
            if snapshot.forked and not add_reads(
                    state.cache, head, reads_by_number(site_plan, rendered), "snapshot-saved"):
                state.cache.drop_snapshot()

    def settle(problems: tuple[Problem, ...]) -> None:
        # The output is finished: the snapshot counts if the build had no problems.
        with stage("cache"):
            if problems:
                state.cache.drop_snapshot()
            else:
                state.cache.publish_snapshot()
                state.note_last_build(inputs.done_key, len(site_plan.pages),
                                      catalog.withheld)

    if beside.forked:
        remember(problems)  # while the child ends the index
        with stage("search"):
            searched = beside.result(2)
    with stage("write"):
        pruned = {"/" + rel.removesuffix("index.html")
                  for rel in finish_output(out, pages_files | searched.files, previous)}
    problems = (*problems, *searched.problems)

    def pending() -> tuple[Problem, ...]:
        with writing(out):
            later = write_search(config, catalog, state, state.cache, previous, jobs, stage,
                                 known)
        with stage("write"):
            finish_output(out, pages_files | later.files, read_manifest(out))
        remember((*problems, *later.problems))
        settle((*problems, *later.problems))
        return later.problems

    if not serving:
        if not beside.forked:
            remember(problems)
        settle(problems)
    report = BuildReport(
        pages_written=rendered.written,
        pages_unchanged=len(site_plan.pages) - rendered.written,
        pages_total=len(site_plan.pages),
        problems=tuple(sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))),
        timings=timings,
        changed_urls=frozenset(rendered.changed | static.changed | searched.changed | pruned),
        withheld=catalog.withheld,
        pending=pending if serving else None,
    )
    return report


def _theme(config: SiteConfig, state: BuildState, stamp: tuple[tuple[str, int, int], ...],
           serving: bool) -> Theme:
    from digest import dates
    from digest.theme import load_theme

    if state.theme is None:
        dates.load(state.cache)
    if (state.theme is None or state.theme.stamp != stamp
            or state.theme.config != config.fingerprint):
        state.theme = load_theme(config, serving=serving)
    elif state.theme.env.globals["serving"] != serving:
        state.theme.env.globals["serving"] = serving
    return state.theme
