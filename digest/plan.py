"""Catalog + config -> every page of the site, each declared by its place in the site.

A page's fingerprint is its structure: its URL, kind and template, the build's salt, and
its data with every index into the catalog replaced by what it points at (an article's
source, an edition's key), found from the fields' declared types (`EntryIx`,
`EditionIx`). What the page shows of those articles, editions and templates is not
predicted here: the page records it while it renders (digest.reads).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from digest.collect import Catalog
from digest.config import SiteConfig, is_absolute_url
from digest.errors import Problem
from digest.hashing import sha1_hex
from digest.model import PartialDate

_MORE = 5
EDITIONS_FEED = "/editions.xml"
_HOME_EARLIER = 30

# Indexes into Catalog.entries and Catalog.editions. A field of a page's data declared
# with one of these (alone, optional or in a tuple) is resolved to the article's source
# or the edition's key in the page's fingerprint: indexes shift when an article is added.
# Everything of a page's structure is in its data: the renderer derives no neighbours
# or lists from an index, so the fingerprint covers all of it.
EntryIx = int
EditionIx = int


@dataclass(frozen=True)
class HomePage:
    edition: EditionIx | None
    issues: tuple[EntryIx, ...]
    earlier: tuple[EditionIx, ...]


@dataclass(frozen=True)
class EditionPage:
    index: EditionIx
    previous: EditionIx | None  # the older edition
    next: EditionIx | None


@dataclass(frozen=True)
class ArchivePage:
    level: str  # month, year, all
    year: int
    month: int
    editions: tuple[EditionIx, ...]
    issues: tuple[EntryIx, ...]
    children: tuple[tuple[int, int, str, int], ...]  # (year, month or 0, url, count)


@dataclass(frozen=True)
class ListPage:
    group: str  # publication, tag
    slug: str
    page: int
    pages: int
    entries: tuple[EntryIx, ...]


@dataclass(frozen=True)
class ArticlePage:
    index: EntryIx
    previous: EntryIx | None
    next: EntryIx | None
    more: tuple[EntryIx, ...]


@dataclass(frozen=True)
class IndexPage:
    """/publications/, /tags/, /search/, /404.html: nothing of their own."""


@dataclass(frozen=True)
class FeedPage:
    format: str  # atom, json
    title: str
    link: str  # the HTML page the feed belongs to
    entries: tuple[EntryIx, ...]


@dataclass(frozen=True)
class EditionFeedPage:
    """/editions.xml: one entry per edition, each the edition as the e-mail shows it
    (digest.edition_feed), rendered through the theme's views so its reads are recorded."""

    editions: tuple[EditionIx, ...]


@dataclass(frozen=True)
class SitemapPage:
    urls: tuple[tuple[str, str | None], ...]  # (page, the newest date it shows, ISO)


PageData = (
    HomePage | EditionPage | ArchivePage | ListPage | ArticlePage | IndexPage | FeedPage
    | EditionFeedPage | SitemapPage
)


@dataclass(frozen=True)
class PageSpec:
    url: str
    kind: str
    template: str | None  # None: digest writes the file itself (feeds, sitemap, robots)
    origin: str  # what declared the page, to name both sides of a path clash
    data: PageData
    fingerprint: str


@dataclass(frozen=True)
class Plan:
    pages: tuple[PageSpec, ...]
    problems: tuple[Problem, ...]


def plan(catalog: Catalog, config: SiteConfig, salt: str) -> Plan:
    """Declare every output; a path claimed twice is a problem naming both sources."""
    planner = _Planner(catalog, config, salt)
    specs = planner.all()
    seen: dict[str, PageSpec] = {}
    problems: list[Problem] = []
    for spec in specs:
        first = seen.get(spec.url)
        if first is None:
            seen[spec.url] = spec
        else:
            problems.append(Problem(
                spec.origin, f"{spec.url} is also the page of {first.origin}",
                hint="rename one of them, or change `permalinks` in site.yaml",
            ))
    return Plan(tuple(seen.values()), tuple(problems))


def _index_fields(kind: type) -> tuple[tuple[str, str], ...]:
    """The fields of a page data class that hold catalog indexes: (name, EntryIx|EditionIx)."""
    found = _INDEX_FIELDS.get(kind)
    if found is None:
        found = _INDEX_FIELDS[kind] = tuple(
            (f.name, "EntryIx" if "EntryIx" in str(f.type) else "EditionIx")
            for f in dataclasses.fields(kind)
            if "EntryIx" in str(f.type) or "EditionIx" in str(f.type))
    return found


_INDEX_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def resolved(data: PageData, catalog: Catalog) -> dict[str, Any]:
    """The page's data with its catalog indexes replaced by what they point at."""
    if type(data) is ArticlePage:  # most pages: the same dict, made the short way
        names = catalog.sources
        previous, following = data.previous, data.next
        return {"index": names[data.index],
                "previous": None if previous is None else names[previous],
                "next": None if following is None else names[following],
                "more": tuple(map(names.__getitem__, data.more))}
    out = dict(data.__dict__)
    for name, kind in _index_fields(type(data)):
        value = out[name]
        if value is None:
            continue
        if kind == "EntryIx":
            names = catalog.sources
        else:
            names = catalog.edition_keys
            if isinstance(value, int) and not 0 <= value < len(names):
                out[name] = None
                continue
        out[name] = (names[value] if isinstance(value, int)
                     else tuple(map(names.__getitem__, value)))
    return out


def shown_entries(data: PageData, catalog: Catalog) -> Iterator[int]:
    """Every article the page's data points at, directly or through an edition."""
    for name, kind in _index_fields(type(data)):
        value = getattr(data, name)
        values = () if value is None else (value,) if isinstance(value, int) else value
        for i in values:
            if kind == "EntryIx":
                yield i
            elif 0 <= i < len(catalog.editions):
                yield from catalog.editions[i].entries


def page_spec(salt: str, catalog: Catalog, url: str, kind: str, template: str | None,
              origin: str, data: PageData) -> PageSpec:
    """The page, fingerprinted by what its data points at (sources, edition keys), not by
    the catalog's indexes, which an article added before it shifts."""
    if type(data) is ArticlePage:  # most pages: the sources joined, without a dict's repr
        names = catalog.sources
        previous, following = data.previous, data.next
        # Sources are never empty, so "" stands for no neighbour unambiguously.
        text = "\0".join((salt, url, kind, template or "", "ArticlePage", names[data.index],
                          "" if previous is None else names[previous],
                          "" if following is None else names[following],
                          *map(names.__getitem__, data.more)))
    else:
        text = "\0".join((salt, url, kind, template or "", type(data).__name__,
                          repr(resolved(data, catalog))))
    return PageSpec(url, kind, template, origin, data, sha1_hex(text.encode()))


def neighbours(siblings: tuple[int, ...], i: int) -> tuple[int | None, int | None]:
    """An article page's previous and next article: those beside it in its edition."""
    at = _position(siblings, i)
    return (siblings[at - 1] if at > 0 else None,
            siblings[at + 1] if 0 <= at < len(siblings) - 1 else None)


class _Planner:
    def __init__(self, catalog: Catalog, config: SiteConfig, salt: str) -> None:
        self.c = catalog
        self.config = config
        self.salt = salt
        self._at: dict[int, int] = {}
        self._issues_of: dict[tuple[int, int], tuple[int, ...]] = {}

    def spec(self, url: str, kind: str, template: str | None, origin: str,
             data: PageData) -> PageSpec:
        return page_spec(self.salt, self.c, url, kind, template, origin, data)

    def all(self) -> list[PageSpec]:
        c = self.c
        pages = [self.home()]
        pages += [self.edition(n) for n in range(len(c.editions))]
        pages += self.archives()
        pages += self.lists()
        pages += self.articles()
        pages.append(self.spec("/search/", "search", "search.html", "search page", IndexPage())
                     ) if self.config.search else None
        pages.append(self.spec("/404.html", "404", "404.html", "404 page", IndexPage()))
        pages += self.feeds()
        if is_absolute_url(self.config.base_url):  # a sitemap lists full addresses only
            pages.append(self.sitemap(pages))
        pages.append(self.spec("/robots.txt", "robots", None, "robots.txt", IndexPage()))
        return pages

    def sitemap(self, pages: list[PageSpec]) -> PageSpec:
        """Every HTML page, with its article's date or the newest date of those it lists."""
        entries = self.c.located
        editions = self.c.editions
        urls = []
        iso: dict[PartialDate | None, str | None] = {None: None}  # one per day, not per page
        for page in pages:
            if not page.template or page.kind == "404":
                continue
            data = page.data
            # Entries are newest first, undated ones last: the first shown is the newest.
            if type(data) is ArticlePage:  # most pages: one look-up, no iterator
                first: int | None = data.index
            elif type(data) is EditionPage:  # not the neighbours it links to
                first = min(editions[data.index].entries, default=None)
            else:
                first = min(shown_entries(data, self.c), default=None)
            date = None if first is None else entries[first].where.date
            text = iso.get(date, "")
            if text == "":
                assert date is not None
                text = iso[date] = date.iso
            urls.append((page.url, text))
        return self.spec("/sitemap.xml", "sitemap", None, "sitemap", SitemapPage(tuple(urls)))

    def home(self) -> PageSpec:
        c = self.c
        latest = 0 if c.editions else None
        month = None
        located = c.located
        if located and located[0].where.date:
            date = located[0].where.date
            month = (date.year, date.month)
        issues = tuple(
            i for i in c.issues
            if (d := located[i].where.date) is not None and (d.year, d.month) == month
        )
        earlier = tuple(range(1, min(len(c.editions), _HOME_EARLIER + 1)))
        return self.spec("/", "home", "home.html", "home page", HomePage(latest, issues, earlier))

    def edition(self, n: int) -> PageSpec:
        ed = self.c.editions[n]
        data = EditionPage(n, n + 1 if n + 1 < len(self.c.editions) else None,
                           n - 1 if n else None)
        return self.spec(ed.url, "edition", "edition.html", f"edition {ed.key}", data)

    def archives(self) -> list[PageSpec]:
        c = self.c
        t = "archive.html"
        edition_urls = {ed.url for ed in c.editions}
        out = []
        for month in c.months:
            if month.url in edition_urls:
                continue  # monthly editions are their month's page
            data = ArchivePage("month", month.year, month.month, month.editions, month.issues, ())
            out.append(self.spec(month.url, "archive", t,
                                 f"archive {month.year}-{month.month:02d}", data))
        years = []
        for year, url, month_ids in c.years:
            months = [c.months[m] for m in month_ids]
            children = tuple(
                (m.year, m.month, m.url,
                 sum(len(c.editions[n].entries) for n in m.editions) + len(m.issues))
                for m in months
            )
            editions = tuple(n for m in months for n in m.editions)
            issues = tuple(i for m in months for i in m.issues)
            years.append((year, url, sum(ch[3] for ch in children)))
            data = ArchivePage("year", year, 0, editions, issues, children)
            out.append(self.spec(url, "archive", t, f"archive {year}", data))
        data = ArchivePage("all", 0, 0, tuple(range(len(c.editions))), c.issues,
                           tuple((y, 0, url, count) for y, url, count in years))
        out.append(self.spec("/archive/", "archive", t, "archive", data))
        return out

    def lists(self) -> list[PageSpec]:
        c = self.c
        out = [self.spec("/publications/", "publications", "publications.html",
                         "publications page", IndexPage())]
        if c.tags:
            out.append(self.spec("/tags/", "tags", "tags.html", "tags page", IndexPage()))
        for kind, groups in (("publication", c.publications), ("tag", c.tags)):
            template = f"{kind}.html"
            for group in groups:
                size = self.config.page_size
                pages = max(1, -(-len(group.entries) // size))
                for page in range(1, pages + 1):
                    items = group.entries[(page - 1) * size : page * size]
                    url = group.url if page == 1 else f"{group.url}page/{page}/"
                    data = ListPage(kind, group.slug, page, pages, items)
                    out.append(self.spec(url, kind, template, f"{kind} {group.name!r}", data))
        return out

    def articles(self) -> list[PageSpec]:
        c = self.c
        t = "article.html"
        out = []
        # Positions computed once: looking each article up in its lists was quadratic.
        self._at.clear()
        for group in c.publications:
            for at, x in enumerate(group.entries):
                self._at[x] = at
        self._issues_of.clear()
        located = c.located
        for x in c.issues:
            d = located[x].where.date
            if d is not None:
                key = (d.year, d.month)
                self._issues_of[key] = (*self._issues_of.get(key, ()), x)
        for i, entry in enumerate(located):
            data = ArticlePage(i, *neighbours(self._siblings(i), i), self._more(i))
            out.append(self.spec(entry.url, "article", t, entry.where.source, data))
        return out

    def _siblings(self, i: int) -> tuple[int, ...]:
        c = self.c
        n = c.edition_of.get(i)
        if n is not None:
            return c.editions[n].entries
        date = c.located[i].where.date
        if date is not None and date.day is None:
            return self._issues_of.get((date.year, date.month), ())
        return ()

    def _more(self, i: int) -> tuple[int, ...]:
        c = self.c
        group = c.publications[c.publication_index[c.located[i].publication]].entries
        at = self._at[i]
        # The next (older) stories of the publication, topped up with newer ones.
        after = group[at + 1 : at + 1 + _MORE]
        before = group[max(0, at - (_MORE - len(after))) : at]
        return tuple(after) + tuple(before)

    def feeds(self) -> list[PageSpec]:
        c = self.c
        feeds = self.config.feeds
        latest = tuple(range(min(len(c.located), feeds.items)))
        out = []
        title = self.config.title
        if feeds.atom:
            out.append(self._feed("/feed.xml", "atom", title, "/", latest))
            for group in c.publications:
                out.append(self._feed(group.url + "feed.xml", "atom", f"{title}: {group.name}",
                                      group.url, group.entries[: feeds.items]))
        if feeds.json:
            out.append(self._feed("/feed.json", "json", title, "/", latest))
        if feeds.editions:  # also when there is none yet: the home page links to it
            shown = tuple(range(min(len(c.editions), feeds.editions)))
            out.append(self.spec(EDITIONS_FEED, "editions-feed", None, f"feed {EDITIONS_FEED}",
                                 EditionFeedPage(shown)))
        return out

    def _feed(self, url: str, fmt: str, title: str, link: str, items: tuple[int, ...]) -> PageSpec:
        return self.spec(url, "feed", None, f"feed {url}", FeedPage(fmt, title, link, items))


def _position(items: tuple[int, ...], x: int) -> int:
    try:
        return items.index(x)
    except ValueError:
        return -1
