"""The files a build writes besides its pages: the theme's assets, the files beside the
articles that the site links to, and the search index (digest.build's last stages)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digest.cache import BuildCache
from digest.config import SiteConfig
from digest.errors import Problem
from digest.files import plain_static, publish
from digest.urls import output_file
from digest.write import write_file

if TYPE_CHECKING:
    from digest.build_state import BuildState
    from digest.collect import Catalog
    from digest.plan import Plan
    from digest.search import Indexed
    from digest.theme import Theme


@dataclass(frozen=True)
class Written:
    """What one of these stages wrote: its files (relative to the output folder), the
    URLs it changed, and its problems."""

    files: set[str]
    changed: set[str]
    problems: tuple[Problem, ...]


def write_static(config: SiteConfig, theme: Theme, site_plan: Plan,
                 site_files: dict[str, Path]) -> Written:
    """The theme's assets under hashed names, and files published under their own."""
    out = config.output_dir
    files: set[str] = set()
    changed: set[str] = set()
    problems: list[Problem] = []
    for _name, (path, site_path) in sorted(theme.assets.items()):
        rel = site_path.lstrip("/")
        files.add(rel)
        try:
            if write_file(out, rel, path.read_bytes()):
                changed.add(site_path)
        except OSError as exc:  # a full disk or a read-only output, like pages
            problems.append(Problem(rel, f"cannot write: {exc}"))
    copied, copied_now, copy_problems = publish(
        out, (*plain_static(theme.assets), *site_files.items()),
        {output_file(s.url) for s in site_plan.pages}, config.root)
    return Written(files | copied, changed | {"/" + rel for rel in copied_now},
                   (*problems, *copy_problems))


def write_search(
    config: SiteConfig, catalog: Catalog, state: BuildState, cache: BuildCache,
    previous: set[str], jobs: int,
    stage: Callable[[str], contextlib.AbstractContextManager[None]],
    known: Callable[[], Sequence[Indexed]] | None = None,
) -> Written:
    """Write the search index; its records go to `cache` (a forked child has its own).
    `known` gives what the index needs of each entry, when the catalog reads them on
    demand."""
    if not config.search:
        return Written(set(), set(), ())
    from digest.search import index_site

    with stage("search"):
        # The index holds the articles' addresses, which come from site.yaml rather than
        # from the articles its chunks are keyed on: other permalinks, a new index.
        links = repr(sorted(config.permalinks.items()))
        if cache.info("search_permalinks") != links:
            cache.set_blob("search", None)
            cache.set_info("search_permalinks", links)
        files, written, problem = index_site(
            config.output_dir, catalog.entries, state.bodies(config), cache,
            previous, jobs, language=config.language,
            known=None if known is None else known())
    return Written(files, {"/" + f for f in written}, (problem,) if problem else ())
