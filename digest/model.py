"""The values passed between pipeline stages, on one screen.

normalize: raw dump -> ArticleDocument (written as front-matter Markdown)
load:      front-matter Markdown -> Article (meta + rendered body)
collect / plan / render / write: see the build modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

# The formats normalize reads (one module each, digest/normalize/formats/): reading apps,
# saved pages (html, mhtml), browser copies of pages (web), e-mail, a bare link, and
# read-later exports (each item one article).
SourceFormat = Literal[
    "magzter", "zinio", "html", "mhtml", "web", "email", "pressreader", "markdown", "text",
    "link", "pocket", "instapaper", "readwise", "wallabag", "raindrop", "omnivore", "bookmarks",
]
# published: on the site; draft: the curator's work in progress (`build --drafts`);
# held: waiting for review (normalize holds what it flagged), released when its `review`
# notes are cleared; rejected: never shown, kept so a re-normalise does not bring it back.
Status = Literal["published", "draft", "held", "rejected"]
STATUSES: tuple[Status, ...] = ("published", "draft", "held", "rejected")
RightsMode = Literal["full", "excerpt", "headline"]
RIGHTS_MODES: tuple[RightsMode, ...] = ("full", "excerpt", "headline")
EditionPeriod = Literal["daily", "weekly", "monthly"]

# A day or a month; a time of day after the date (`2025-10-01T08:30:00+02:00`) is accepted
# and dropped: editions are per day, and the time a dump gives is rarely the story's.
_PARTIAL_DATE = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?$"
)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A story's date: a day, or only a month for a monthly magazine issue."""

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate | None:
        """`YYYY-MM-DD` or `YYYY-MM`; None when the text is neither or not a real date."""
        import datetime

        match = _PARTIAL_DATE.match(text.strip())
        if not match:
            return None
        year, month = int(match[1]), int(match[2])
        day = int(match[3]) if match[3] else None
        try:
            datetime.date(year, month, day or 1)
        except ValueError:
            return None
        return cls(year, month, day)

    @property
    def iso(self) -> str:
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def sort_key(self) -> tuple[int, int, int]:
        # A month-only issue sorts at the end of its month, after the days it covers.
        return (self.year, self.month, self.day if self.day is not None else 32)

    def __str__(self) -> str:
        return self.iso


@dataclass(frozen=True)
class RelatedStory:
    """One entry of the "more stories" block of a dump."""

    title: str
    summary: str | None = None
    publication: str | None = None
    date: str | None = None
    reading_time: int | None = None


@dataclass(frozen=True)
class SourceInfo:
    """Where an article came from: the raw dump it was normalised from."""

    file: str
    format: SourceFormat
    sha256: str
    ui_language: str | None = None


@dataclass(frozen=True)
class ArticleMeta:
    """The front matter of an article file: what normalize writes and load reads."""

    title: str
    publication: str | None = None
    date: PartialDate | None = None
    kicker: str | None = None
    edition: str | None = None
    lang: str | None = None
    author: str | None = None
    standfirst: str | None = None
    url: str | None = None
    reading_time: int | None = None
    truncated: bool = False
    tags: tuple[str, ...] = ()
    related: tuple[RelatedStory, ...] = ()
    source: SourceInfo | None = None
    review: tuple[str, ...] = ()
    duplicate_of: str | None = None
    # The day a read-later service saved it (an export's item), beside `date`, the day
    # the publication put it out.
    saved: PartialDate | None = None
    # Curator fields: never overwritten by a re-normalise.
    note: str | None = None
    featured: bool = False
    # Position within its publication's group in an edition (the desk's move up/down):
    # ordered articles first, by this number; the others after them, as before.
    order: int | None = None
    status: Status = "published"
    # How much of the text may be published: the site's policy for the publication
    # unless the curator says otherwise here (digest.rights).
    rights: RightsMode | None = None
    # A theme's own fields (`extra:` in front matter, any keys): templates see them as
    # `article.extra`. A default rather than a factory, so older cached articles read back.
    extra: dict[str, Any] | None = None

    @property
    def effective_status(self) -> Status:
        """The status that decides where the article goes: a hold lasts as long as there
        is something to review."""
        if self.status == "held" and not self.review:
            return "published"
        return self.status


CURATOR_FIELDS = ("note", "featured", "order", "status", "rights", "tags", "extra")


@dataclass(frozen=True)
class ArticleDocument:
    """An article file: front matter plus a Markdown body."""

    meta: ArticleMeta
    body: str
    # Line of the file on which the body starts, for error messages.
    body_line: int = field(default=1, compare=False)
