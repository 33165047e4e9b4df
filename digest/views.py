"""The values templates see (docs/theming.md), built from the Catalog in one place.

Views are frozen and built on demand, once per process: an edition's article list is
only materialised when a template reads `groups`, so an archive that shows labels and
counts stays cheap.

Views are the only door from templates to the catalog, and every door notes what it
opened for the page being rendered (digest.reads): handing out an article's view notes
its summary, reading its body notes the body, an edition notes the edition, and so on.
`Views.value` gives the digest of each such item now, which is what a later build
compares to decide which pages to render again. Fields starting with `_` are private:
templates cannot read them (digest.template_calls).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import NamedTuple

from digest.collect import Catalog, Edition, Group
from digest.config import SiteConfig
from digest.dates import format_style, format_week
from digest.load import Article
from digest.reads import Item, record
from digest.view_objects import ArticleTag, ArticleView, EditionGroup, EditionView
from digest.view_types import (
    ChildLink,
    Indexes,
    PageView,
    Pagination,
    PublicationRef,
    PublicationSummary,
    RelatedView,
    TagRef,
    canonical_url,
    related_view,
)

__all__ = [
    "ArticleView", "ChildLink", "EditionGroup", "EditionView", "Indexes", "PageView",
    "Pagination", "PublicationRef", "PublicationSummary", "RelatedView", "TagRef", "Views",
    "canonical_url",
]


class _ArticleInputs(NamedTuple):
    article: Article
    url: str
    status: str
    publication: PublicationRef
    tags: tuple[ArticleTag, ...]
    language: str


class Views:
    """Builds and memoises views for one catalog."""

    def __init__(
        self, catalog: Catalog, config: SiteConfig, bodies: Callable[[Article], str]
    ) -> None:
        self.catalog = catalog
        self.bodies = bodies
        self.config = config  # as pages read it: SiteConfig.recorded()
        self._articles: dict[int, ArticleView] = {}
        self._editions: dict[int, EditionView] = {}
        # Every view made here, by id: alive as long as this object, so templates' macro
        # results can be kept per view (see digest.theme._MacroMemo).
        self.stable: dict[int, object] = {}
        self._tag_index = {g.slug: g for g in catalog.tags}
        self._indexes = Indexes(tags=bool(catalog.tags))
        self._groups: dict[str, tuple[EditionGroup, ...]] = {}
        self._positions: dict[str, int] | None = None
        # Made once per build: an incremental build's check takes the value of every summary.
        self._tag_refs: dict[str, tuple[ArticleTag | None]] = {}
        self._tag_lists: dict[tuple[str, ...], tuple[ArticleTag, ...]] = {}
        self._publication_refs: dict[str, PublicationRef] = {}
        self._texts: dict[int, tuple[object, str]] = {}
        self._language_read: str | None = None
        self._edition_at: dict[str, int] | None = None

    @property
    def language(self) -> str:
        return self.config.language

    @property
    def feed_atom(self) -> bool:
        return self.config.feeds.atom

    @property
    def indexes(self) -> Indexes:
        record(("indexes", ""))
        return self._indexes

    def article(self, index: int) -> ArticleView:
        view = self._view(index)
        record(view._summary_item)
        return view

    def _view(self, index: int) -> ArticleView:
        view = self._articles.get(index)
        if view is None:
            view = self._articles[index] = self._article(index)
            self.stable[id(view)] = view
        return view

    def articles(self, indexes: tuple[int, ...]) -> tuple[ArticleView, ...]:
        self._prefetch(indexes)
        return tuple(self.article(i) for i in indexes)

    def _prefetch(self, indexes: tuple[int, ...]) -> None:
        missing = [i for i in indexes if i not in self._articles]
        prefetch = getattr(self.catalog.entries, "prefetch", None)
        if len(missing) > 1 and prefetch is not None:
            prefetch(missing)  # an incremental build's entries: one query for a whole list

    def _made_from(self, index: int) -> _ArticleInputs:
        """Everything an article's view is made from: the article (what of it a summary
        shows is its `summary_digest`) and what the catalog says about it."""
        entry = self.catalog.entries[index]
        return _ArticleInputs(entry.article, entry.url, entry.status,
                              self._publication_of(entry.publication),
                              self._tags_of(entry.article.meta.tags), self._language())

    def _tags_of(self, names: tuple[str, ...]) -> tuple[ArticleTag, ...]:
        """The tags an article with these tag names shows: one tuple per list of names, so
        that its text is kept too (`_text`); many articles share theirs."""
        found = self._tag_lists.get(names)
        if found is None:
            found = self._tag_lists[names] = tuple(dict.fromkeys(
                ref for name in names if (ref := self._tag_ref(name))))
        return found

    def _summary_text(self, index: int) -> str:
        """The text of what `_made_from` gives, for the summary's value."""
        made = self._made_from(index)
        return "\0".join([made.article.summary_digest, *map(self._text, made[1:])])

    def _text(self, part: object) -> str:
        """repr(part), kept for the refs many articles share (their publication, their
        tags): by identity, with the ref held so that its id is never another's."""
        if isinstance(part, str):
            return part
        kept = self._texts.get(id(part))
        if kept is None:
            text = ("(" + ",".join(map(self._text, part)) + ")" if isinstance(part, tuple)
                    else repr(part))
            kept = self._texts[id(part)] = (part, text)
        return kept[1]

    def _tag_ref(self, name: str) -> ArticleTag | None:
        """The tag `name` as an article shows it (None: no such tag); one per name."""
        found = self._tag_refs.get(name)
        if found is None:
            from digest.urls import slugify

            group = self._tag_index.get(slugify(name))
            ref = None if group is None else ArticleTag(
                group.name, group.slug, group.url, functools.partial(self._tag_count, group))
            found = self._tag_refs[name] = (ref,)
        return found[0]

    def _publication_of(self, slug: str) -> PublicationRef:
        found = self._publication_refs.get(slug)
        if found is None:
            found = self._publication_refs[slug] = self.publication_ref(slug)
        return found

    def _language(self) -> str:
        # The language as the summary's value holds it (any change of it is a change of
        # every summary), read once rather than recorded per article.
        if self._language_read is None:
            self._language_read = self.language
        return self._language_read

    def _article(self, index: int) -> ArticleView:
        # Reads nothing but what _made_from gives: the summary's value is a digest of that.
        made = self._made_from(index)
        article = made.article
        meta = article.meta
        return ArticleView(
            url=made.url, title=meta.title, kicker=meta.kicker,
            publication=made.publication, date=meta.date,
            edition=meta.edition, lang=meta.lang or made.language, author=meta.author,
            standfirst=meta.standfirst, excerpt=article.excerpt,
            reading_time=article.reading_time, truncated=meta.truncated, source_url=meta.url,
            tags=made.tags, related=tuple(related_view(s) for s in meta.related),
            note=meta.note,
            featured=meta.featured, status=made.status, rights=article.rights,
            extra=dict(meta.extra or {}),
            _load_body=functools.partial(self.bodies, article),
            _body_item=("body", article.source),
            _summary_item=("summary", article.source),
        )

    def edition_groups(self, edition: Edition) -> tuple[EditionGroup, ...]:
        groups = self._groups.get(edition.key)
        if groups is None:
            self._prefetch(edition.entries)  # its groups are often of one article each
            groups = self._groups[edition.key] = tuple(
                EditionGroup(self.publication_ref(slug), self.articles(items))
                for slug, items in edition.groups
            )
        else:  # made for another page: this one reads the same articles
            for group in groups:
                for view in group.articles:
                    record(view._summary_item)
        return groups

    def publication_ref(self, slug: str) -> PublicationRef:
        # Only shown as part of an article or an edition, whose values include it.
        group = self.catalog.publications[self.catalog.publication_index[slug]]
        return PublicationRef(group.name, group.slug, group.url)

    def publication_summary(self, group: Group) -> PublicationSummary:
        record(("publication", group.slug))
        return self._publication_summary(group)

    def _publication_summary(self, group: Group) -> PublicationSummary:
        latest = self.catalog.located[group.entries[0]].where.date
        feed = group.url + "feed.xml" if self.feed_atom else None
        return PublicationSummary(
            group.name, group.slug, group.url, len(group.entries), latest, feed
        )

    def publication_summaries(self) -> tuple[PublicationSummary, ...]:
        record(("publications", ""))
        return tuple(self.publication_summary(g) for g in self.catalog.publications)

    def tag_ref(self, group: Group) -> TagRef:
        record(("tag", group.slug))
        return TagRef(group.name, group.slug, group.url, len(group.entries))

    def _tag_count(self, group: Group) -> int:
        record(("tag", group.slug))
        return len(group.entries)

    def tag_refs(self) -> tuple[TagRef, ...]:
        record(("tags", ""))
        return tuple(self.tag_ref(g) for g in self.catalog.tags)

    def group(self, kind: str, slug: str) -> Group:
        """The publication or tag a list page shows (see `publication_summary`, `tag_ref`)."""
        if kind == "publication":
            return self.catalog.publications[self.catalog.publication_index[slug]]
        return self._tag_index[slug]

    def edition(self, index: int | None) -> EditionView | None:
        if index is None or not 0 <= index < len(self.catalog.editions):
            return None
        view = self._editions.get(index)
        if view is None:
            ed = self.catalog.editions[index]
            view = EditionView(ed.key, ed.period, self.edition_label(ed), ed.url,
                               len(ed.entries), self, ed)
            self._editions[index] = view
            self.stable[id(view)] = view
        record(("edition", view.key))
        return view

    def editions(self, indexes: tuple[int, ...]) -> tuple[EditionView, ...]:
        return tuple(v for v in (self.edition(i) for i in indexes) if v is not None)

    def edition_label(self, edition: Edition) -> str:
        if edition.period == "weekly":
            return format_week(edition.start, edition.end, self.language)
        if edition.period == "monthly":
            return format_style(edition.start, "month", self.language)
        return format_style(edition.start, "long", self.language)

    def month_label(self, year: int, month: int) -> str:
        return format_style(datetime.date(year, month, 1), "month", self.language)

    # What each recorded item is worth now. Reprs of the views themselves, so that a field
    # added to a view is part of its value without being listed anywhere else.

    def value(self, item: Item) -> str | None:
        """A digest of what `item` shows now; None when the catalog has no such thing."""
        kind, name = item
        if kind in ("summary", "body"):
            index = self.position(name)
            if index is None:
                return None
            if kind == "body":
                return self.catalog.entries[index].article.digest
            # What the view is made from rather than the view: no view to make, and the
            # article's own fields are in its summary digest.
            return _hash(self._summary_text(index))
        if kind == "edition":
            if self._edition_at is None:
                self._edition_at = {e.key: n for n, e in enumerate(self.catalog.editions)}
            at = self._edition_at.get(name)
            if at is None:
                return None
            ed = self.catalog.editions[at]
            source = self._source_of
            return _hash(repr((
                ed.period, ed.url, ed.start, ed.end, self.edition_label(ed),
                [(self.publication_ref(slug), [source(i) for i in items])
                 for slug, items in ed.groups])))
        if kind == "publication":
            pub = self.catalog.publication_index.get(name)
            if pub is None:
                return None
            return _hash(repr(self._publication_summary(self.catalog.publications[pub])))
        if kind == "tag":
            group = self._tag_index.get(name)
            return None if group is None else _hash(repr(self.tag_ref(group)))
        if kind == "publications":
            return _hash(repr([g.slug for g in self.catalog.publications]))
        if kind == "tags":
            return _hash(repr([g.slug for g in self.catalog.tags]))
        if kind == "indexes":
            return _hash(repr(self._indexes))
        return None

    def values(self, items: list[Item]) -> list[str | None]:
        """`value` of many items: a build after another takes that of every item pages
        read, most of them summaries, so those take a shorter way here."""
        position = self._position_of().get
        summary_text = self._summary_text
        out: list[str | None] = []
        for item in items:
            if item[0] == "summary":
                index = position(item[1])
                out.append(None if index is None else _hash(summary_text(index)))
            else:
                out.append(self.value(item))
        return out

    def position(self, source: str) -> int | None:
        return self._position_of().get(source)

    def _position_of(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {s: i for i, s in enumerate(self.catalog.sources)}
        return self._positions

    def _source_of(self, index: int) -> str:
        return self.catalog.sources[index]


def _hash(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
