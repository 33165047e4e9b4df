"""PageSpec -> bytes, through the theme; and the loop that renders and writes them.

Template errors become Problems naming the template, its line and the page being
rendered; the other pages render anyway. Many pages are rendered in several processes
(digest.render_pool).
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
from array import array
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2

from digest.collect import Catalog
from digest.config import SiteConfig, config_value
from digest.errors import Problem, display_path
from digest.files import link_files_from_page
from digest.load import Article
from digest.plan import (
    ArchivePage,
    ArticlePage,
    EditionFeedPage,
    EditionPage,
    FeedPage,
    HomePage,
    ListPage,
    PageSpec,
)
from digest.reads import FIXED_KINDS, THEME_KINDS, Item, record, recording
from digest.template_calls import forget_macros, memoise_macros, stop_memoising
from digest.theme import Theme
from digest.theme_files import shown_path
from digest.urls import output_file, relative
from digest.views import ChildLink, PageView, Pagination, Views, canonical_url
from digest.write import write_file

if TYPE_CHECKING:
    from digest.fragments import Fragments

T = TypeVar("T")

_PARALLEL_MIN = 64
MEMOISE_FROM = 64  # pages rendered: below this, macro results are not kept (Renderer)


@dataclass(frozen=True)
class Outcome:
    url: str
    file: str
    written: bool
    problem: Problem | None = None
    # What the page read (digest.reads): as items when rendered here; from a forked worker,
    # as the numbers `render_all`'s `number` gave them (array('I') bytes).
    reads: frozenset[Item] = frozenset()
    numbers: bytes | None = None


@contextlib.contextmanager
def progress_bar(enabled: bool, total: int) -> Iterator[Callable[[int], None] | None]:
    if not enabled or total < 50:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("rendering"), BarColumn(), MofNCompleteColumn(),
                  transient=True) as bar:
        task = bar.add_task("render", total=total)
        yield lambda n: bar.advance(task, n)


class Renderer:
    """Everything a page needs; built once per build, shared by forked workers."""

    def __init__(
        self, catalog: Catalog, config: SiteConfig, theme: Theme,
        bodies: Callable[[Article], str] | None = None, *, memoise: bool = True,
        fragments: Fragments | None = None,
    ) -> None:
        self.catalog = catalog
        # Pages read the config through `recorded()`: each key read is an item of theirs.
        self.config = config.recorded()
        self._config = config  # for the items' values, taken outside any page
        self.theme = theme
        self.bodies = bodies or _in_memory
        self.views = Views(catalog, self.config, self.bodies)
        self.articles_prefix = display_path(config.articles_dir, config.root)
        # Keeping macro results pays across many pages; for a few it costs more (each
        # kept call is recorded apart, and its result copied) than it saves.
        self.memoise = memoise
        self.fragments = fragments  # parts of pages kept between builds
        self._values: dict[Item, str | None] = {}
        # A forked worker's numbering of the items its pages read (empty in the parent).
        self._local: dict[Item, int] = {}
        self._new: list[tuple[Item, str | None]] = []

    def value(self, item: Item) -> str | None:
        """What an item pages can read is worth now (digest.reads), from the stage that owns
        it: the theme for templates, strings and assets, the views for the rest."""
        try:
            return self._values[item]
        except KeyError:
            found = self._values[item] = self._value(item)
            return found

    def values(self, items: list[Item]) -> list[str | None]:
        """`value` of each of many items, taken the views' shorter way where they can."""
        known = self._values
        theirs = [item for item in items if item not in known and item[0] not in FIXED_KINDS]
        known.update(zip(theirs, self.views.values(theirs), strict=True))
        return [known[item] if item in known else self.value(item) for item in items]

    def _value(self, item: Item) -> str | None:
        if item[0] in THEME_KINDS:
            return self.theme.value(item)
        if item[0] == "config":
            return config_value(self._config, item[1])
        return self.views.value(item)

    def keep(self, key: str, make: Callable[[], T]) -> T:
        """`make()`, or the part kept under `key` by an earlier build while what it read is
        worth the same now (digest.fragments)."""
        if self.fragments is None:
            return make()
        return self.fragments.keep(key, make, self.value)

    def add_values(self, values: Iterable[tuple[Item, str | None]]) -> None:
        self._values.update(values)

    def local_numbers(self, reads: frozenset[Item]) -> bytes:
        """In a forked worker: the page's reads as numbers of this worker's own; items met
        for the first time wait in `_new` to be sent once, with their values."""
        local = self._local
        numbers = array("I")
        for item in reads:
            n = local.get(item)
            if n is None:  # once per item and worker: its value is not kept here
                n = local[item] = len(local)
                self._new.append((item, self._value(item)))
            numbers.append(n)
        return numbers.tobytes()

    def sent(self) -> list[tuple[Item, str | None]]:
        new, self._new = self._new, []
        return new

    def render(self, spec: PageSpec) -> tuple[bytes | Problem, frozenset[Item]]:
        """The page's bytes (or what went wrong), and what it read."""
        with recording() as reads:
            result = self._render(spec)
        return result, frozenset(reads)

    def _render(self, spec: PageSpec) -> bytes | Problem:
        if spec.template is None and not isinstance(spec.data, EditionFeedPage):
            from digest.feeds import render_feed  # a body edit in a new process needs no feed

            if isinstance(spec.data, FeedPage):  # digest's own code: it reads the articles
                entries = self.catalog.entries
                for i in spec.data.entries:  # all of each: its body, and its place (url)
                    source = entries[i].article.source
                    record(("body", source))
                    record(("summary", source))
            return render_feed(spec, self.catalog, self.config, self.bodies)
        try:
            if isinstance(spec.data, EditionFeedPage):  # the theme's e-mail, through views
                from digest.edition_feed import render_edition_feed

                return render_edition_feed(spec, self.views, self.theme, self.config,
                                           self.keep)
            assert spec.template is not None
            template = self.theme.env.get_template(spec.template)
            context = self._context(spec)
            if spec.kind == "404" or not self.memoise:  # a 404's links start from the base
                return template.render(context).encode("utf-8")
            memoise_macros(self.theme.env, self.views.stable, spec.url)
            try:
                return template.render(context).encode("utf-8")
            finally:
                stop_memoising()
        except jinja2.TemplateSyntaxError as exc:
            where = self._display(exc.filename or spec.template or "email.html")
            return Problem(where, exc.message or "syntax error", exc.lineno)
        except jinja2.TemplateNotFound as exc:
            return Problem(spec.template or "email.html", f"template {exc.name!r} not found",
                           hint="add it to the theme or site templates/")
        except Exception as exc:  # only template failures become problems
            frame = _template_frame(exc)
            if frame is None:
                raise  # a bug in digest, not in the theme: keep the traceback
            filename, line = frame
            message = f"{type(exc).__name__}: {exc}" if not isinstance(
                exc, jinja2.TemplateError) else str(exc)
            return Problem(self._display(filename), message, line)

    def _display(self, filename: str) -> str:
        return shown_path(Path(filename), self.config.root)

    def _context(self, spec: PageSpec) -> dict[str, Any]:
        v = self.views
        c = self.catalog
        data = spec.data
        title = self.config.title
        lang = self.config.language
        ctx: dict[str, Any] = {}
        if isinstance(data, HomePage):
            ctx = {"edition": v.edition(data.edition), "issues": v.articles(data.issues),
                   "earlier": v.editions(data.earlier)}
        elif isinstance(data, EditionPage):
            edition = v.edition(data.index)
            assert edition is not None
            ctx = {"edition": edition, "previous": v.edition(data.previous),
                   "next": v.edition(data.next)}
            title = edition.label
        elif isinstance(data, ArchivePage):
            ctx = self._archive(data)
            title = ctx["label"]
        elif isinstance(data, ListPage):
            group = v.group(data.group, data.slug)
            first = group.url
            page_url: Callable[[int], str] = lambda n: first if n == 1 else f"{first}page/{n}/"  # noqa: E731
            ctx = {
                data.group: (v.publication_summary(group) if data.group == "publication"
                             else v.tag_ref(group)),
                "articles": v.articles(data.entries),
                "pagination": Pagination(
                    data.page, data.pages,
                    page_url(data.page - 1) if data.page > 1 else None,
                    page_url(data.page + 1) if data.page < data.pages else None,
                    first, page_url(data.pages)),
            }
            title = group.name
        elif isinstance(data, ArticlePage):
            article = v.article(data.index)
            body = article.body  # read once: it may come from the build cache
            # Links relative to the article's file point at the files published beside it.
            body = link_files_from_page(body, c.entries[data.index].article.source,
                                        self.articles_prefix, spec.url)
            if 'href="/' in body or 'src="/' in body:
                body = _relative_links(body, spec.url)
            article = dataclasses.replace(article, _load_body=lambda: body)
            ctx = {"article": article,
                   "previous": None if data.previous is None else v.article(data.previous),
                   "next": None if data.next is None else v.article(data.next),
                   "more": v.articles(data.more)}
            title, lang = article.title, article.lang
        elif spec.kind == "publications":
            ctx = {"publications": v.publication_summaries()}
        elif spec.kind == "tags":
            ctx = {"tags": v.tag_refs()}
        ctx["page"] = PageView(spec.url, spec.kind, title, lang,
                               canonical_url(self.config.base_url, spec.url))
        ctx["indexes"] = v.indexes
        return ctx

    def _archive(self, data: ArchivePage) -> dict[str, Any]:
        v = self.views
        if data.level == "month":
            label = v.month_label(data.year, data.month)
            children: tuple[ChildLink, ...] = ()
        else:
            label = (str(data.year) if data.level == "year"
                     else self._string("nav_archive", "Archive"))
            children = tuple(
                ChildLink(v.month_label(y, m) if m else str(y), url, count)
                for y, m, url, count in data.children
            )
        return {"level": data.level, "label": label, "editions": v.editions(data.editions),
                "issues": v.articles(data.issues), "children": children}

    def _string(self, key: str, default: str) -> str:
        try:
            return str(self.theme.env.globals["t"](key))  # type: ignore[operator]
        except jinja2.TemplateError:
            return default


def page_problems(failed: list[tuple[str, Problem]]) -> list[Problem]:
    """Each distinct template error once, with the pages it broke: one typo in a template
    breaks every page that uses it, and 25 copies of a message hide the other problems."""
    pages: dict[Problem, list[str]] = {}
    for url, problem in failed:
        pages.setdefault(problem, []).append(url)
    grouped = []
    for problem, urls in pages.items():
        first = min(urls)
        where = (f"while rendering {first}" if len(urls) == 1
                 else f"in {len(urls)} pages, e.g. {first}")
        grouped.append(dataclasses.replace(problem, message=f"{problem.message} ({where})"))
    return grouped


def _in_memory(article: Article) -> str:
    assert article.body_html is not None, article.source
    return article.body_html


_SITE_LINK = re.compile(r'(href|src)="(/[^/"][^"]*|/)"')


def _relative_links(body: str, page_url: str) -> str:
    """Site-absolute links written in Markdown (`/archive/`), made relative to the page."""
    return _SITE_LINK.sub(lambda m: f'{m[1]}="{relative(page_url, m[2])}"', body)


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost traceback frame that is a template line (Jinja rewrites them so)."""
    import traceback  # only on failures: a one-page rebuild should not pay for it

    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2", ".jinja")):
            found = (frame.filename, frame.lineno or 0)
    return found


def render_all(
    specs: list[PageSpec], renderer: Renderer, out_dir: Path, jobs: int,
    advance: Callable[[int], None] | None = None, previous: Container[str] | None = None,
    number: Callable[[Item], int] | None = None,
) -> Iterator[Outcome]:
    """Render and write every spec, in `jobs` forked processes when it pays off.

    `previous`: the files the last build wrote (its manifest); a page not among them is
    written without first comparing it with what is on disk. `number`: the parent's
    numbering of items, which pages rendered by workers come back with (`Outcome.numbers`:
    a worker numbers items its own way and sends each item once, with its value)."""
    try:
        yield from _render_all(specs, renderer, out_dir, jobs, advance, previous, number)
    finally:
        forget_macros()


def _render_all(
    specs: list[PageSpec], renderer: Renderer, out_dir: Path, jobs: int,
    advance: Callable[[int], None] | None, previous: Container[str] | None,
    number: Callable[[Item], int] | None,
) -> Iterator[Outcome]:
    if jobs <= 1 or len(specs) < _PARALLEL_MIN:
        for spec in specs:
            yield render_and_write(renderer, out_dir, spec, previous)
            if advance:
                advance(1)
        return
    from digest.render_pool import render_in_processes

    # Views are made by each process as its pages need them: making them all here first
    # would be serial work the workers then wait for.
    yield from render_in_processes(specs, renderer, out_dir, jobs, advance, previous, number)


def render_and_write(
    renderer: Renderer, out_dir: Path, spec: PageSpec, previous: Container[str] | None = None,
    *, local: bool = False,
) -> Outcome:
    file = output_file(spec.url)
    result, reads = renderer.render(spec)
    if isinstance(result, Problem):
        return Outcome(spec.url, file, False, result)
    try:
        written = write_file(out_dir, file, result,
                             fresh=previous is not None and file not in previous)
    except OSError as exc:
        return Outcome(spec.url, file, False, Problem(file, f"cannot write: {exc}"))
    if local:  # in a worker: numbers travel back, not sets of tuples of strings
        return Outcome(spec.url, file, written, None, frozenset(), renderer.local_numbers(reads))
    return Outcome(spec.url, file, written, None, reads)


if sys.platform == "win32":  # pragma: no cover - fork is not available there
    _PARALLEL_MIN = 1 << 62
