"""Article list -> Catalog: every article placed at its URL, grouped for the list pages.

Sorting and grouping happen once here, so planning and rendering only look things up.
Indexes into `Catalog.entries` are how the later stages refer to articles. Grouping needs
no more of an article than where it is placed (`arrange`): a build after a few files were
added or deleted groups the others from their cached placements (digest.recollect).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple, Protocol, TypeVar, cast

from digest.config import SiteConfig
from digest.load import Article
from digest.model import STATUSES, EditionPeriod, PartialDate, Status
from digest.placement import Placement, placement
from digest.urls import article_url, fill, iso_week, slugify

UNSORTED = "Unsorted"  # the publication of articles that name none (check reports them)


# The placement fields that order an article within its edition's publication group and
# nothing else: a change of these alone keeps every list but that edition's order.
WITHIN_EDITION = ("featured", "order")


def lists_of(where: Placement, shown: frozenset[Status]) -> tuple[object, ...]:
    """What of a placement decides which lists an article is in: every field but those
    of WITHIN_EDITION, the status only as shown or not (a field added to Placement is
    here without being named)."""
    return (*(value for name, value in zip(where._fields, where, strict=True)
              if name not in WITHIN_EDITION and name != "status"), where.status in shown)


def shown_statuses(*, drafts: bool, serving: bool) -> frozenset[Status]:
    """The statuses a build shows. Only what is published leaves the machine (drafts when
    asked for); the dev server shows held articles too, each marked, so the curator sees
    what waits. Rejected articles are shown nowhere."""
    shown: set[Status] = {"published"}
    if drafts:
        shown.add("draft")
    if serving and drafts:
        shown.add("held")
    return frozenset(shown)


class Located(Protocol):
    """What collecting and planning know of an entry: where it is and what places it."""

    @property
    def url(self) -> str: ...
    @property
    def publication(self) -> str: ...  # slug
    @property
    def where(self) -> Placement: ...


@dataclass(frozen=True)
class Entry:
    """An article placed in the site."""

    article: Article
    url: str
    publication: str  # slug
    where: Placement

    @property
    def status(self) -> Status:
        return self.where.status


class Placed(NamedTuple):
    """An entry known by its placement alone, its article left in the build cache."""

    url: str
    publication: str  # slug
    where: Placement


@dataclass(frozen=True)
class Edition:
    key: str  # 2025-10-01, 2025-w40, 2025-10
    period: EditionPeriod
    url: str
    start: datetime.date
    end: datetime.date
    month: tuple[int, int]  # the month whose archive lists it
    groups: tuple[tuple[str, tuple[int, ...]], ...]  # (publication slug, entries), display order

    @cached_property
    def entries(self) -> tuple[int, ...]:
        return tuple(i for _, items in self.groups for i in items)


@dataclass(frozen=True)
class Group:
    """A publication or a tag and its articles, newest first."""

    name: str
    slug: str
    url: str
    entries: tuple[int, ...]


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    url: str
    editions: tuple[int, ...]
    issues: tuple[int, ...]


@dataclass(frozen=True)
class Catalog:
    entries: Sequence[Entry]  # newest first (read on demand in an incremental build)
    editions: tuple[Edition, ...]  # newest first
    edition_of: dict[int, int]
    issues: tuple[int, ...]  # month-only entries outside editions, newest first
    publications: tuple[Group, ...]  # by name
    publication_index: dict[str, int]
    tags: tuple[Group, ...]  # by name
    months: tuple[Month, ...]  # newest first; empty months are left out
    years: tuple[tuple[int, str, tuple[int, ...]], ...]  # (year, url, month indexes)
    # How many articles are kept off this site, by status (build's summary says so).
    withheld: tuple[tuple[Status, int], ...] = ()
    # The entries as placed, when `entries` reads articles on demand (digest.recollect).
    placed: Sequence[Located] | None = None

    @property
    def located(self) -> Sequence[Located]:
        """The entries as collecting and planning see them, without reading an article."""
        return self.entries if self.placed is None else self.placed

    # What the indexes stand for in page fingerprints (digest.plan), looked up once.
    @cached_property
    def sources(self) -> tuple[str, ...]:
        """Each entry's article source, in the catalog's order."""
        known = getattr(self.entries, "sources", None)  # an incremental build's entries
        if known is not None:
            return tuple(known)
        return tuple([e.article.source for e in self.entries])

    @cached_property
    def edition_keys(self) -> tuple[str, ...]:
        return tuple([e.key for e in self.editions])


def collect(articles: Iterable[Article], config: SiteConfig, *, shown: frozenset[Status]
            ) -> Catalog:
    """Place, sort and group the articles of the statuses shown."""
    pattern = config.permalinks["article"]
    return arrange([place(a, pattern) for a in articles], config, shown=shown)


L = TypeVar("L", bound=Located)


def arrange(placed: Iterable[L], config: SiteConfig, *, shown: frozenset[Status],
            entries: Callable[[list[L]], Sequence[Entry]] | None = None) -> Catalog:
    """Sort and group placed articles of the statuses shown. Without `entries` they are
    the catalog's entries; with it, it makes them from the shown ones, newest first (read
    on demand, digest.recollect), and the catalog keeps them as placed."""
    links = config.permalinks
    placed = list(placed)
    located = sorted((e for e in placed if e.where.status in shown), key=_newest_first)
    left_out = [e.where.status for e in placed if e.where.status not in shown]
    withheld = tuple((s, n) for s in STATUSES if (n := left_out.count(s)))
    period = config.edition_period
    by_key: dict[str, list[int]] = defaultdict(list)
    issues: list[int] = []
    for index, entry in enumerate(located):
        date = entry.where.date
        if date is None:
            continue
        if date.day is None and period != "monthly":
            issues.append(index)  # a magazine issue belongs to its month, not to a day
        else:
            by_key[_edition_key(date, period)].append(index)
    editions = [_edition(key, items, located, period, links) for key, items in by_key.items()]
    editions.sort(key=lambda e: e.start, reverse=True)
    edition_of = {i: n for n, ed in enumerate(editions) for i in ed.entries}
    publications = _groups(
        ((e.publication, _publication_name(e), i) for i, e in enumerate(located)),
        lambda slug: fill(links["publication"], publication=slug),
    )
    tags = _groups(
        ((slugify(t), t, i) for i, e in enumerate(located) for t in e.where.tags),
        lambda slug: fill(links["tag"], tag=slug),
    )
    months = _months(editions, issues, located, period, links["month"])
    years: dict[int, list[int]] = defaultdict(list)
    for n, month in enumerate(months):
        years[month.year].append(n)
    return Catalog(
        entries=(tuple(cast(list[Entry], located)) if entries is None
                 else entries(located)),
        editions=tuple(editions),
        edition_of=edition_of,
        issues=tuple(issues),
        publications=publications,
        publication_index={g.slug: n for n, g in enumerate(publications)},
        tags=tags,
        months=months,
        years=tuple(
            (y, fill(links["year"], year=f"{y:04d}"), tuple(ms))
            for y, ms in sorted(years.items(), reverse=True)
        ),
        withheld=withheld,
        placed=None if entries is None else tuple(located),
    )


def _publication_name(entry: Located) -> str:
    return entry.where.publication or UNSORTED


def place(article: Article, pattern: str) -> Entry:
    """The entry of one article, whose URL comes from the `article` permalink pattern."""
    url, pub, where = locate(placement(article), pattern)
    return Entry(article, url, pub, where)


def locate(where: Placement, pattern: str) -> Placed:
    """Where the article placed so goes: its URL, from the `article` permalink pattern."""
    pub = _publication_slug(where.publication or UNSORTED)
    return Placed(article_url(pattern, pub, where.date, where.slug), pub, where)


@lru_cache(maxsize=4096)
def _publication_slug(name: str) -> str:
    return slugify(name)


def _newest_first(entry: Located) -> tuple[int, int, int, str]:
    """The catalog's order of entries: newest first, and within a day by file path.

    The path (publication folder, then the date and the headline's slug the file was
    named with) rather than the title: retitling an article never reshuffles its edition,
    and an edit that keeps an article's date and publication keeps the site's structure.
    """
    date = entry.where.date
    year, month, day = date.sort_key if date else (0, 0, 0)
    return (-year, -month, -day, entry.where.source)


def _edition_key(date: PartialDate, period: EditionPeriod) -> str:
    if period == "monthly" or date.day is None:
        return f"{date.year:04d}-{date.month:02d}"
    if period == "weekly":
        year, week = iso_week(date)
        return f"{year:04d}-w{week:02d}"
    return date.iso


def _edition(
    key: str, items: list[int], entries: Sequence[Located], period: EditionPeriod,
    links: dict[str, str],
) -> Edition:
    if period == "weekly" and "-w" in key:
        year, week = int(key[:4]), int(key[6:])
        start = datetime.date.fromisocalendar(year, week, 1)
        end = start + datetime.timedelta(days=6)
        thursday = start + datetime.timedelta(days=3)  # ISO: a week belongs to its Thursday
        url = fill(links["week"], year=f"{year:04d}", week=f"{week:02d}")
        month = (thursday.year, thursday.month)
    elif len(key) == 7:
        start = datetime.date(int(key[:4]), int(key[5:7]), 1)
        end = (start + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
        url = fill(links["month"], year=key[:4], month=key[5:7])
        month = (start.year, start.month)
    else:
        start = end = datetime.date.fromisoformat(key)
        url = fill(links["day"], year=key[:4], month=key[5:7], day=key[8:10])
        month = (start.year, start.month)
    return Edition(key, period, url, start, end, month, _grouped(items, entries))


def regroup(edition: Edition, entries: Sequence[Entry]) -> Edition:
    """The edition with its groups ordered again from its entries' placements: after a
    change of WITHIN_EDITION fields, which moves no article out of its edition."""
    return dataclasses.replace(edition, groups=_grouped(sorted(edition.entries), entries))


def _grouped(items: list[int], entries: Sequence[Located]
             ) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """An edition's entries (in catalog order) by publication, in display order."""
    by_pub: dict[str, list[int]] = defaultdict(list)
    for i in items:
        by_pub[entries[i].publication].append(i)
    for group in by_pub.values():
        # Featured first, then the curator's order, then the catalog's (the order the
        # indexes came in: most groups have nothing else and are left as they are).
        wheres = [entries[i].where for i in group]
        if any(w.featured or w.order is not None for w in wheres):
            group.sort(key=lambda i: (not entries[i].where.featured,
                                      entries[i].where.order is None,
                                      entries[i].where.order or 0, i))
    names = {slug: _publication_name(entries[g[0]]).casefold() for slug, g in by_pub.items()}
    order = sorted(
        by_pub, key=lambda s: (not entries[by_pub[s][0]].where.featured, names[s], s)
    )
    return tuple((s, tuple(by_pub[s])) for s in order)


def _groups(
    items: Iterable[tuple[str, str, int]], url_of: Callable[[str], str]
) -> tuple[Group, ...]:
    names: dict[str, str] = {}
    members: dict[str, list[int]] = defaultdict(list)
    for slug, name, index in items:
        names.setdefault(slug, name)  # the newest spelling of a name wins
        if not members[slug] or members[slug][-1] != index:
            members[slug].append(index)
    return tuple(
        Group(names[s], s, url_of(s), tuple(members[s]))
        for s in sorted(names, key=lambda s: (names[s].casefold(), s))
    )


def _months(
    editions: list[Edition], issues: list[int], entries: Sequence[Located], period: EditionPeriod,
    pattern: str,
) -> tuple[Month, ...]:
    editions_in: dict[tuple[int, int], list[int]] = defaultdict(list)
    issues_in: dict[tuple[int, int], list[int]] = defaultdict(list)
    for n, edition in enumerate(editions):
        editions_in[edition.month].append(n)
    for i in issues:
        date = entries[i].where.date
        assert date is not None
        issues_in[(date.year, date.month)].append(i)
    keys = sorted(set(editions_in) | set(issues_in), reverse=True)
    return tuple(
        Month(y, m, fill(pattern, year=f"{y:04d}", month=f"{m:02d}"),
              tuple(editions_in[(y, m)]), tuple(issues_in[(y, m)]))
        for y, m in keys
    )
