"""What decides where an article appears: its `Placement`, the site's one structure key.

Collect groups and sorts by these fields only, and an incremental build re-renders only
the pages that read an edited article while every edited article keeps its placement
(digest.incremental). The build cache keeps each article's placement beside the article
(`placement_row`), so that a complete build after a few files were added or deleted can
group the site again without unpickling every article (digest.recollect).
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from digest.model import PartialDate, Status

if TYPE_CHECKING:
    from digest.load import Article


class Placement(NamedTuple):
    """Everything of an article that decides where it appears in the site and in which
    order, and which files beside it are published with it. A new field that places
    articles (an editorial order, rights per publication) is added here, and only here:
    the row form below stores every field (of plain values, or a date)."""

    source: str
    slug: str
    date: PartialDate | None
    publication: str | None
    tags: tuple[str, ...]
    status: Status  # the effective one: a hold ends with its review notes
    featured: bool
    order: int | None
    files: tuple[str, ...]  # beside the articles, published with it (digest.files)


def placement(article: Article) -> Placement:
    meta = article.meta
    return Placement(article.source, article.slug, meta.date, meta.publication, meta.tags,
                     meta.effective_status, meta.featured, meta.order, article.files)


_DATE = Placement._fields.index("date")


def placement_row(where: Placement, lang: str | None) -> bytes:
    """A placement as the build cache stores it, without its source (the row's key), and
    the article's language (the search index's filters list the languages).

    marshal rather than pickle: plain tuples, read back ten thousand at a time in a few
    milliseconds. The cache is the site's own, as trusted as its pickled articles."""
    values: list[Any] = list(where)
    date = where.date
    values[_DATE] = None if date is None else (date.year, date.month, date.day)
    return marshal.dumps((*values[1:], lang))


def placements_of(rows: Iterable[tuple[str, bytes]]
                  ) -> dict[str, tuple[Placement, str | None]] | None:
    """The placements and languages of (source, placement_row) rows; None when one cannot
    be read."""
    dates: dict[tuple[int, int, int | None], PartialDate] = {}  # one object per day
    out: dict[str, tuple[Placement, str | None]] = {}
    loads = marshal.loads
    try:
        for source, data in rows:
            values = [source, *loads(data)]
            lang = values.pop()
            day = values[_DATE]
            if day is not None:
                date = dates.get(day)
                if date is None:
                    date = dates[day] = PartialDate(*day)
                values[_DATE] = date
            out[source] = (Placement(*values), lang)
    except (ValueError, EOFError, TypeError):  # a damaged row: group from the articles
        return None
    return out
