"""The views of articles, editions and an article's tags (digest.views makes them).

Each reads what is not plain data through its Views (an edition's articles, a tag's
count) or a loader (an article's body), which note the read for the page being rendered
(digest.reads). Fields starting with `_` are private: templates cannot read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from digest.model import EditionPeriod, PartialDate
from digest.reads import Item, record
from digest.view_types import PublicationRef, RelatedView, printed_date

if TYPE_CHECKING:
    from digest.collect import Edition
    from digest.views import Views


@dataclass(frozen=True)
class ArticleView:
    url: str
    title: str
    kicker: str | None
    publication: PublicationRef
    date: PartialDate | None
    edition: str | None
    lang: str
    author: str | None
    standfirst: str | None
    excerpt: str
    reading_time: int | None
    truncated: bool
    source_url: str | None
    tags: tuple[ArticleTag, ...]
    related: tuple[RelatedView, ...]
    note: str | None
    featured: bool
    # published, or in the dev server's preview also draft or held (marked there)
    status: str
    # full, excerpt or headline (digest.rights): in the last two, `body_html` holds the
    # quoted excerpt or nothing, and `excerpt` the same words or nothing
    rights: str
    extra: dict[str, Any]
    # The body is fetched when a page shows it (from memory, or from the build cache);
    # reading it is recorded as reading ("body", source).
    _load_body: Callable[[], str] = field(repr=False, compare=False)
    _body_item: Item = field(repr=False, compare=False)
    # The items are made once per view: the records of kept macro results share them.
    _summary_item: Item = field(repr=False, compare=False)

    @property
    def draft(self) -> bool:
        return self.status == "draft"

    @property
    def edition_label(self) -> str | None:
        """The printed edition (`edition`) when it says something the date does not
        (another day, the month of a magazine issue, "Issue 12"); None when it only
        repeats the date, as Magzter's edition labels do."""
        if not self.edition:
            return None
        if self.date is not None and printed_date(self.edition) == self.date:
            return None
        return self.edition

    @property
    def body(self) -> str:
        record(self._body_item)
        return self._load_body()

    @property
    def body_html(self) -> Markup:
        # Marked safe on access: Markup() copies the string, and keeping a second copy of
        # every body in memory would cost ~60 MB on a 10,000-article site.
        record(self._body_item)
        return Markup(self._load_body())


@dataclass(frozen=True)
class EditionGroup:
    publication: PublicationRef
    articles: tuple[ArticleView, ...]


@dataclass(frozen=True)
class EditionView:
    key: str
    period: EditionPeriod
    label: str
    url: str
    count: int
    _views: Views = field(repr=False, compare=False)
    _edition: Edition = field(repr=False, compare=False)

    @property
    def groups(self) -> tuple[EditionGroup, ...]:
        return self._views.edition_groups(self._edition)

    @cached_property
    def publications(self) -> tuple[PublicationRef, ...]:
        """The publications of `groups`, in the same order, without reading any article:
        a list of editions (the archive) shows these for hundreds of them."""
        return tuple(self._views.publication_ref(slug) for slug, _ in self._edition.groups)


@dataclass(frozen=True)
class ArticleTag:
    """A tag as an article shows it. Its count is read, and recorded as the tag's, only
    when a template asks for it: an article added under a tag changes the pages that show
    the tag's count, not every page that shows one of the tag's articles."""

    name: str
    slug: str
    url: str
    _count: Callable[[], int] = field(repr=False, compare=False)

    @property
    def count(self) -> int:
        return self._count()
