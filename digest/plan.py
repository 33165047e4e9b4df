"""Catalog + config -> every page of the site, declared with the inputs it shows.

A page's fingerprint hashes everything that can change its bytes: the template files it
uses (transitively), the UI strings and assets, the config, and the articles it shows
(their bodies only when its templates show bodies). A page whose fingerprint matches the
last build, and whose file is still there, is not rendered at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from digest.collect import Catalog
from digest.config import SiteConfig, is_absolute_url
from digest.errors import Problem
from digest.urls import slugify

_MORE = 5
_HOME_EARLIER = 30


@dataclass(frozen=True)
class HomePage:
    edition: int | None
    issues: tuple[int, ...]
    earlier: tuple[int, ...]


@dataclass(frozen=True)
class EditionPage:
    index: int


@dataclass(frozen=True)
class ArchivePage:
    level: str  # month, year, all
    year: int
    month: int
    editions: tuple[int, ...]
    issues: tuple[int, ...]
    children: tuple[tuple[int, int, str, int], ...]  # (year, month or 0, url, count)


@dataclass(frozen=True)
class ListPage:
    group: str  # publication, tag
    index: int
    page: int
    pages: int
    entries: tuple[int, ...]


@dataclass(frozen=True)
class ArticlePage:
    index: int
    previous: int | None
    next: int | None
    more: tuple[int, ...]


@dataclass(frozen=True)
class IndexPage:
    """/publications/, /tags/, /search/, /404.html: nothing of their own."""


@dataclass(frozen=True)
class FeedPage:
    format: str  # atom, json
    title: str
    link: str  # the HTML page the feed belongs to
    entries: tuple[int, ...]


@dataclass(frozen=True)
class SitemapPage:
    urls: tuple[tuple[str, str | None], ...]  # (page, the newest date it shows, ISO)


PageData = (
    HomePage | EditionPage | ArchivePage | ListPage | ArticlePage | IndexPage | FeedPage
    | SitemapPage
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
class Shows:
    """The catalog entries a page shows: in full (body included), or their summary only."""

    # Tuples, not frozensets: one Shows per page, and at 10,000 pages frozensets (216
    # bytes even for one entry) held 13 MB of the planner's memory during render.
    full: tuple[int, ...]
    summary: tuple[int, ...]


@dataclass(frozen=True)
class Plan:
    pages: tuple[PageSpec, ...]
    problems: tuple[Problem, ...]
    # Per page URL; made from the same inputs as the fingerprints, so an incremental
    # build that re-renders the pages showing an article re-renders every page it changes.
    shows: dict[str, Shows]


def plan(
    catalog: Catalog,
    config: SiteConfig,
    template_hash: Callable[[str], str],
    body_templates: frozenset[str],
    salt: str,
) -> Plan:
    """Declare every output; a path claimed twice is a problem naming both sources."""
    planner = _Planner(catalog, config, template_hash, body_templates, salt)
    specs = planner.all()
    shows = planner.shows
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
    return Plan(tuple(seen.values()), tuple(problems),
                {url: shows[url] for url in seen} if not problems else {})


class _Planner:
    def __init__(
        self, catalog: Catalog, config: SiteConfig, template_hash: Callable[[str], str],
        body_templates: frozenset[str], salt: str,
    ) -> None:
        self.c = catalog
        self.config = config
        self.template_hash = template_hash
        self.body_templates = body_templates
        self.salt = salt
        self._at: dict[int, int] = {}
        self.shows: dict[str, Shows] = {}
        # The entries the inputs of the page being declared read (see `spec`).
        self._full: set[int] = set()
        self._summary: set[int] = set()
        self._issues_of: dict[tuple[int, int], tuple[int, ...]] = {}
        tag_counts = {g.slug: len(g.entries) for g in catalog.tags}
        pub_names = {g.slug: g.name for g in catalog.publications}
        # What a list shows of each article: its summary, its publication's name and the
        # counts of its tags (all visible in an ArticleView).
        self.summary: list[str] = []
        self.full: list[str] = []
        for entry in catalog.entries:
            extra = pub_names[entry.publication] + repr(
                [tag_counts.get(slugify(t)) for t in entry.article.meta.tags]
            )
            self.summary.append(entry.article.summary_digest + extra)
            self.full.append(entry.article.digest + extra)

    def spec(self, url: str, kind: str, template: str | None, origin: str, data: PageData,
             *inputs: str) -> PageSpec:
        uses = template or ""
        if url not in self.shows:  # a clashing second page is reported, not planned
            self.shows[url] = Shows(tuple(self._full), tuple(self._summary))
        self._full.clear()
        self._summary.clear()
        # Every page's navigation links to the tags index only while there is one.
        text = "\0".join((self.salt, url, kind, uses, self.template_hash(uses) if uses else "",
                          _describe(data), repr(bool(self.c.tags)), *inputs))
        return PageSpec(url, kind, template, origin, data, hashlib.sha1(text.encode()).hexdigest())

    def sigs(self, template: str, indexes: tuple[int, ...]) -> str:
        return self.shown(template in self.body_templates, indexes)

    def shown(self, full: bool, indexes: tuple[int, ...] | list[int]) -> str:
        """The inputs of showing these entries, noted for the page being declared."""
        (self._full if full else self._summary).update(indexes)
        table = self.full if full else self.summary
        return "|".join(table[i] for i in indexes)

    def edition_sig(self, template: str, index: int | None) -> str:
        if index is None or not 0 <= index < len(self.c.editions):
            return "-"
        ed = self.c.editions[index]
        return ed.key + ":" + self.sigs(template, ed.entries)

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
        entries = self.c.entries
        urls = []
        for page in pages:
            if not page.template or page.kind == "404":
                continue
            if isinstance(page.data, ArticlePage):
                shown: tuple[int, ...] = (page.data.index,)
            elif isinstance(page.data, EditionPage):  # not the neighbours it links to
                shown = self.c.editions[page.data.index].entries
            else:
                seen = self.shows.get(page.url)
                shown = (*seen.full, *seen.summary) if seen else ()
            dates = [d for i in shown if (d := entries[i].article.meta.date) is not None]
            newest = max(dates, key=lambda d: d.sort_key).iso if dates else None
            urls.append((page.url, newest))
        return self.spec("/sitemap.xml", "sitemap", None, "sitemap", SitemapPage(tuple(urls)))

    def home(self) -> PageSpec:
        c = self.c
        latest = 0 if c.editions else None
        month = None
        if c.entries and c.entries[0].article.meta.date:
            date = c.entries[0].article.meta.date
            month = (date.year, date.month)
        issues = tuple(
            i for i in c.issues
            if (d := c.entries[i].article.meta.date) is not None and (d.year, d.month) == month
        )
        earlier = tuple(range(1, min(len(c.editions), _HOME_EARLIER + 1)))
        data = HomePage(latest, issues, earlier)
        t = "home.html"
        return self.spec("/", "home", t, "home page", data, self.edition_sig(t, latest),
                         self.sigs(t, issues), *(self.edition_sig(t, n) for n in earlier))

    def edition(self, n: int) -> PageSpec:
        t = "edition.html"
        ed = self.c.editions[n]
        return self.spec(ed.url, "edition", t, f"edition {ed.key}", EditionPage(n),
                         self.edition_sig(t, n), self.edition_sig(t, n + 1),
                         self.edition_sig(t, n - 1 if n else None))

    def archives(self) -> list[PageSpec]:
        c = self.c
        t = "archive.html"
        edition_urls = {ed.url for ed in c.editions}
        out = []
        for month in c.months:
            if month.url in edition_urls:
                continue  # monthly editions are their month's page
            count = sum(len(c.editions[n].entries) for n in month.editions) + len(month.issues)
            data = ArchivePage("month", month.year, month.month, month.editions, month.issues, ())
            out.append(self.spec(month.url, "archive", t, f"archive {month.year}-{month.month:02d}",
                                 data, str(count), self.sigs(t, month.issues),
                                 *(self.edition_sig(t, n) for n in month.editions)))
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
            out.append(self.spec(url, "archive", t, f"archive {year}", data,
                                 self.sigs(t, issues), *(self.edition_sig(t, n) for n in editions)))
        data = ArchivePage("all", 0, 0, tuple(range(len(c.editions))), c.issues,
                           tuple((y, 0, url, count) for y, url, count in years))
        out.append(self.spec("/archive/", "archive", t, "archive", data, self.sigs(t, c.issues),
                             *(self.edition_sig(t, n) for n in range(len(c.editions)))))
        return out

    def lists(self) -> list[PageSpec]:
        c = self.c
        out = [self.spec("/publications/", "publications", "publications.html",
                         "publications page", IndexPage(),
                         repr([(g.name, g.slug, len(g.entries),
                                c.entries[g.entries[0]].article.meta.date)
                               for g in c.publications]))]
        if c.tags:
            out.append(self.spec("/tags/", "tags", "tags.html", "tags page", IndexPage(),
                                 repr([(g.name, g.slug, len(g.entries)) for g in c.tags])))
        for kind, groups in (("publication", c.publications), ("tag", c.tags)):
            template = f"{kind}.html"
            for n, group in enumerate(groups):
                size = self.config.page_size
                pages = max(1, -(-len(group.entries) // size))
                for page in range(1, pages + 1):
                    items = group.entries[(page - 1) * size : page * size]
                    url = group.url if page == 1 else f"{group.url}page/{page}/"
                    data = ListPage(kind, n, page, pages, items)
                    # The page shows the group's size too, which changes with articles on
                    # other pages of the group.
                    out.append(self.spec(url, kind, template, f"{kind} {group.name!r}", data,
                                         group.name, str(len(group.entries)),
                                         self.sigs(template, items)))
        return out

    def articles(self) -> list[PageSpec]:
        c = self.c
        t = "article.html"
        body = t in self.body_templates
        out = []
        # Positions computed once: looking each article up in its lists was quadratic.
        self._at.clear()
        for group in c.publications:
            for at, x in enumerate(group.entries):
                self._at[x] = at
        self._issues_of.clear()
        for x in c.issues:
            d = c.entries[x].article.meta.date
            if d is not None:
                key = (d.year, d.month)
                self._issues_of[key] = (*self._issues_of.get(key, ()), x)
        for i, entry in enumerate(c.entries):
            siblings = self._siblings(i)
            at = _position(siblings, i)
            prev = siblings[at - 1] if at > 0 else None
            nxt = siblings[at + 1] if 0 <= at < len(siblings) - 1 else None
            more = self._more(i)
            shown = [x for x in (prev, nxt) if x is not None] + list(more)
            data = ArticlePage(i, prev, nxt, more)
            out.append(self.spec(
                entry.url, "article", t, entry.article.source, data,
                self.shown(True, [i]), self.shown(body, shown),
                repr((prev is not None, nxt is not None, len(more))),
            ))
        return out

    def _siblings(self, i: int) -> tuple[int, ...]:
        c = self.c
        n = c.edition_of.get(i)
        if n is not None:
            return c.editions[n].entries
        date = c.entries[i].article.meta.date
        if date is not None and date.day is None:
            return self._issues_of.get((date.year, date.month), ())
        return ()

    def _more(self, i: int) -> tuple[int, ...]:
        c = self.c
        group = c.publications[c.publication_index[c.entries[i].publication]].entries
        at = self._at[i]
        # The next (older) stories of the publication, topped up with newer ones.
        after = group[at + 1 : at + 1 + _MORE]
        before = group[max(0, at - (_MORE - len(after))) : at]
        return tuple(after) + tuple(before)

    def feeds(self) -> list[PageSpec]:
        c = self.c
        feeds = self.config.feeds
        latest = tuple(range(min(len(c.entries), feeds.items)))
        out = []
        title = self.config.title
        if feeds.atom:
            out.append(self._feed("/feed.xml", "atom", title, "/", latest))
            for group in c.publications:
                out.append(self._feed(group.url + "feed.xml", "atom", f"{title}: {group.name}",
                                      group.url, group.entries[: feeds.items]))
        if feeds.json:
            out.append(self._feed("/feed.json", "json", title, "/", latest))
        return out

    def _feed(self, url: str, fmt: str, title: str, link: str, items: tuple[int, ...]) -> PageSpec:
        data = FeedPage(fmt, title, link, items)
        return self.spec(url, "feed", None, f"feed {url}", data, self.shown(True, items))


def _position(items: tuple[int, ...], x: int) -> int:
    try:
        return items.index(x)
    except ValueError:
        return -1


def _describe(data: PageData) -> str:
    """What of a page's data changes its bytes, leaving out indexes into the catalog
    (they shift whenever an article is added; the articles' own digests are inputs)."""
    if isinstance(data, ListPage):
        return repr((data.group, data.page, data.pages))
    if isinstance(data, ArchivePage):
        return repr((data.level, data.year, data.month, data.children))
    if isinstance(data, FeedPage):
        return repr((data.format, data.title, data.link))
    if isinstance(data, SitemapPage):
        return repr(data)
    return type(data).__name__
