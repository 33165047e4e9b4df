"""The pages of a complete build: the stale ones rendered and written, and what they read.

A page is stale when it is new, its fingerprint (its place in the site, digest.plan)
changed, its file is gone, or something it read when it was last rendered (digest.reads)
has another value now.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digest.build_state import BuildState, ItemTable, item_numbers
from digest.config import SiteConfig
from digest.errors import Problem
from digest.urls import output_file

if TYPE_CHECKING:
    from digest.plan import PageSpec, Plan
    from digest.reads import Item
    from digest.render import Renderer


@dataclass(frozen=True)
class Rendered:
    files: set[str]  # the output files of the plan's pages (less new ones that failed)
    written: int
    changed: set[str]  # URLs written
    rows: dict[str, tuple[str, bytes]]  # cache rows of the pages rendered without problems
    failed: set[str]  # URLs of pages that could not be rendered (rendered again next time)
    items: ItemTable  # what they read
    problems: tuple[Problem, ...]


def render_stale(
    site_plan: Plan, renderer: Renderer, items: ItemTable, gone: Callable[[], set[str]],
    config: SiteConfig, state: BuildState, jobs: int, progress: bool, previous: set[str],
    stage: Callable[[str], contextlib.AbstractContextManager[None]],
) -> Rendered:
    """Render and write the stale pages: new, moved, having read what changed, or (asked
    last, rendered after the others) gone from the output folder."""
    from digest import dates
    from digest.render import page_problems, progress_bar, render_all

    out = config.output_dir
    with stage("plan"):
        before = state.pages
        changed_items = items.changed()
        stale = [
            s for s in site_plan.pages
            if (row := before.get(s.url)) is None or row[0] != s.fingerprint
            or (changed_items and not changed_items.isdisjoint(item_numbers(row[1])))
        ]
    files = {output_file(s.url) for s in site_plan.pages}
    changed_urls: set[str] = set()
    written = 0
    rows: dict[str, tuple[str, bytes]] = {}
    spec_of = {s.url: s for s in stale}
    failed: list[tuple[str, Problem]] = []

    def run(specs: list[PageSpec], advance: Callable[[int], None] | None) -> None:
        nonlocal written
        for outcome in render_all(specs, renderer, out, jobs, advance, previous,
                                  items.number):
            if outcome.problem is not None:
                failed.append((outcome.url, outcome.problem))
                if outcome.file not in previous:
                    files.discard(outcome.file)  # keep an older good copy, if any
                continue
            # Numbered at once: 12,000 pages' sets of items would hold ~70 MB until the end.
            numbers = outcome.numbers
            if numbers is None:
                numbers = items.numbers(outcome.reads)
            spec = spec_of[outcome.url]  # its URL string, not the worker's copy
            rows[spec.url] = (spec.fingerprint, numbers)
            if outcome.written:
                written += 1
                changed_urls.add(outcome.url)

    with stage("render"), progress_bar(progress, len(stale)) as advance:
        run(stale, advance)
    with stage("render"):
        missing = gone()
        late = [s for s in site_plan.pages
                if s.url in missing and s.url not in spec_of] if missing else []
        spec_of.update((s.url, s) for s in late)
        if late:
            with progress_bar(progress, len(late)) as advance:
                run(late, advance)
    dates.save(state.cache)
    return Rendered(files, written, changed_urls, rows, {url for url, _ in failed}, items,
                     tuple(page_problems(failed)))


def reads_by_number(site_plan: Plan, rendered: Rendered) -> dict[int, list[Item]]:
    """What the pages rendered read, by their numbers in the plan."""
    rows = rendered.rows
    item_of = {n: item for item, (n, _) in rendered.items.known.items()}
    return {n: [item_of[k] for k in item_numbers(rows[spec.url][1])]
            for n, spec in enumerate(site_plan.pages) if spec.url in rows}


def gone_pages(out: Path, pages: dict[str, tuple[str, bytes]]) -> set[str]:
    """The URLs of the pages rendered before whose files are missing now."""
    folder = str(out)
    return {url for url in pages if not os.path.exists(os.path.join(folder, output_file(url)))}
