"""The plain values templates see besides articles and editions (docs/theming.md):
references to publications and tags, pages' own facts, and the helpers that make them.
digest.views builds them; they read nothing on their own, so they record nothing."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from digest.model import PartialDate, RelatedStory
from digest.urls import absolute


@dataclass(frozen=True)
class PublicationRef:
    name: str
    slug: str
    url: str


@dataclass(frozen=True)
class PublicationSummary:
    name: str
    slug: str
    url: str
    count: int
    latest: PartialDate | None
    feed_url: str | None


@dataclass(frozen=True)
class TagRef:
    name: str
    slug: str
    url: str
    count: int


@dataclass(frozen=True)
class RelatedView:
    """A story of the dump's "more stories" block; `date` is a PartialDate when it reads as
    one (shown like every other date), else the text as written."""

    title: str
    summary: str | None
    publication: str | None
    date: PartialDate | str | None
    reading_time: int | None


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    prev_url: str | None
    next_url: str | None
    first_url: str
    last_url: str


@dataclass(frozen=True)
class ChildLink:
    label: str
    url: str
    count: int


@dataclass(frozen=True)
class Indexes:
    """Which index pages the site has besides the ones it always has (home, archive,
    publications): a template links to one only when it exists."""

    tags: bool


@dataclass(frozen=True)
class PageView:
    url: str
    kind: str
    title: str
    lang: str
    canonical: str | None  # None unless base_url is a full address

    @property
    def locale(self) -> str:
        """`lang` as Open Graph writes a locale: `en_US`, `de_DE`, `pt_BR`."""
        return _og_locale(self.lang)


def related_view(story: RelatedStory) -> RelatedView:
    date = PartialDate.parse(story.date) if story.date else None
    return RelatedView(story.title, story.summary, story.publication, date or story.date,
                       story.reading_time)


@functools.lru_cache(maxsize=1024)
def printed_date(label: str) -> PartialDate | None:
    from digest.normalize.dates import parse_date  # localised dates: only for labels shown

    return parse_date(label)


def canonical_url(base_url: str, path: str) -> str | None:
    """The page's published address; None when base_url is only a path, since a relative
    canonical link is worse than none."""
    from digest.config import is_absolute_url

    return absolute(base_url, path) if is_absolute_url(base_url) else None


@functools.lru_cache(maxsize=64)
def _og_locale(lang: str) -> str:
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return lang.replace("-", "_")
    territory = locale.territory
    if territory is None:  # `en` -> `en_US`: the language's most likely country (CLDR)
        table = get_global("likely_subtags")
        likely = str(table.get(f"{locale.language}_{locale.script}") or table.get(
            locale.language, ""))
        territory = next((p for p in likely.split("_")[1:] if p.isupper() and len(p) == 2), None)
    return f"{locale.language}_{territory}" if territory else locale.language
