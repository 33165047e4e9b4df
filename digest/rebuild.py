"""A few edited articles -> their pages rendered again, with the snapshot's structure.

The incremental half of `digest.build`: `replan` (digest.incremental) found the pages
that read what changed; this renders them, updates the search index and records what
they read now. Anything unexpected gives None, and the complete build runs instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from digest.build import BuildReport
from digest.build_state import BuildState, ItemTable
from digest.config import SiteConfig
from digest.errors import Problem
from digest.fragments import Fragments
from digest.incremental import Delta
from digest.reads import Item
from digest.render import MEMOISE_FROM
from digest.theme import Theme
from digest.write import writing


def rebuild_changed(
    delta: Delta, state: BuildState, config: SiteConfig, theme: Theme, jobs: int,
    serving: bool, stage: Callable[[str], contextlib.AbstractContextManager[None]],
    timings: dict[str, float],
) -> BuildReport | None:
    """Render the pages a few edited articles changed; None: run the complete build."""
    from digest import dates
    from digest.incremental import save_replanned
    from digest.render import Renderer, render_all

    out = config.output_dir
    changed_urls: set[str] = set()
    reads: dict[str, frozenset[Item]] = {}
    with stage("render"):
        fragments = Fragments(state.cache)
        renderer = Renderer(delta.catalog, config, theme, state.bodies(config),
                            memoise=len(delta.stale) >= MEMOISE_FROM, fragments=fragments)
        try:
            for outcome in render_all(list(delta.stale), renderer, out, jobs):
                if outcome.problem is not None:
                    return None  # the complete build reports it with its context
                reads[outcome.url] = outcome.reads
                if outcome.written:
                    changed_urls.add(outcome.url)
        except LookupError:  # the cache lost an entry after all
            return None
        fragments.save()
    dates.save(state.cache)
    pages_written = len(changed_urls)
    pending = None
    if config.search:
        from digest.search import update_index

        def search() -> tuple[set[str] | None, tuple[Problem, ...]]:
            # Under serve, a chunk that cannot be updated in place sends the whole index
            # to be checked; a one-shot build runs the complete build instead.
            return update_index(
                out, [a for _, _, a in delta.changed], delta.catalog.entries,
                state.bodies(config), state.cache, config.permalinks["article"],
                or_all=serving, language=config.language)

        if serving:
            # The reload shows the pages at once; the index follows a tenth of a second later.
            def pending() -> tuple[Problem, ...]:
                with writing(out):
                    return search()[1]
        else:
            with stage("search"):
                written, _ = search()
            if written is None:
                return None
            changed_urls |= {"/" + f for f in written}
    with stage("cache"):
        state.cache.update(delta.rows)
        state.note_articles(delta.changed, ())
        known = state.cache.items_of({name for items in reads.values() for _, name in items})
        stored = dict(known)

        def values(item: Item) -> str | None:
            # The edit kept every list: only the articles' own items and the re-ordered
            # editions can have changed.
            kind = item[0]
            if (kind != "summary" and kind != "body" and item in stored
                    and not (kind == "edition" and item[1] in delta.editions)):
                return stored[item][1]
            return renderer.value(item)

        items = ItemTable(known, values)
        items.last = max(items.last, state.cache.last_item())
        fingerprint = {s.url: s.fingerprint for s in delta.stale}
        rows = {url: (fingerprint[url], items.numbers(page_reads))
                for url, page_reads in reads.items()}
        state.cache.set_items(items.rows())
        state.forget_items()
        state.record_pages(rows)
        number = {spec.url: n for spec, n in zip(delta.stale, delta.numbers, strict=True)}
        if not save_replanned(state.cache, delta,
                              {number[url]: items for url, items in reads.items()}):
            state.cache.drop_snapshot()
    return BuildReport(
        pages_written=pages_written,
        pages_unchanged=delta.pages - pages_written,
        pages_total=delta.pages,
        problems=(),
        timings=timings,
        changed_urls=frozenset(changed_urls),
        withheld=delta.catalog.withheld,
        pending=pending,
    )
