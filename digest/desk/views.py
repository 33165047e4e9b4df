"""The desk's pages: what each shows, rendered with the desk's own templates.

Templates autoescape, so everything from files (titles, notes, raw dumps) is text on the
page, never markup.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from digest.collect import UNSORTED, Catalog, Edition
from digest.model import RIGHTS_MODES, STATUSES, ArticleMeta
from digest.urls import slugify

from .index import DeskIndex, Entry

_HERE = Path(__file__).resolve().parent
_RAW_LIMIT = 256 * 1024  # bytes of a raw dump shown; the rest is named, not shown
_INBOX_LIMIT = 500  # articles listed in the inbox at once
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Card:
    """One article with its controls."""

    id: str
    version: str
    source: str
    meta: ArticleMeta
    tags: str  # as typed in the Tags field
    status: str  # the status written
    shown: str  # what the site does with it: published, draft, held, rejected
    default_rights: str  # the publication's mode, when the article names none
    url: str
    can_up: bool = False
    can_down: bool = False


def render(template: str, **context: Any) -> bytes:
    return _ENV.get_template(template).render(**context).encode("utf-8")


def card(index: DeskIndex, entry: Entry, up: bool = False, down: bool = False) -> Card:
    meta = entry.meta
    default = index.site.rights.mode_of(_without_rights(meta))
    return Card(entry.id, entry.version, entry.source, meta, ", ".join(meta.tags),
                meta.status, meta.effective_status, default, index.url_of(entry), up, down)


def _without_rights(meta: ArticleMeta) -> ArticleMeta:
    from dataclasses import replace

    return replace(meta, rights=None)


def _common(index: DeskIndex, view: str) -> dict[str, Any]:
    catalog = index.catalog()
    tags = sorted({t for e in index.entries() for t in e.meta.tags}, key=str.casefold)
    publications = sorted({e.meta.publication for e in index.entries() if e.meta.publication},
                          key=str.casefold)
    return {
        "view": view, "all_tags": tags, "publications": publications,
        "statuses": STATUSES, "rights_modes": RIGHTS_MODES,
        "open_edition": catalog.editions[0].key if catalog.editions else None,
    }


def inbox_page(index: DeskIndex) -> bytes:
    waiting = index.inbox()
    return render(
        "inbox.html", **_common(index, "inbox"), title="Inbox", total=len(waiting),
        items=[(card(index, w.entry), w.reasons) for w in waiting[:_INBOX_LIMIT]],
        problems=sorted(index.problems.items()),
    )


def article_page(index: DeskIndex, entry: Entry, text: str) -> bytes:
    waiting = index.inbox()
    position = next((n for n, w in enumerate(waiting) if w.entry.id == entry.id), None)
    if position is not None:
        around: list[Entry] = [w.entry for w in waiting]
    else:
        edition = index.edition_of(entry)
        around = _edition_entries(index, edition) if edition else [entry]
        position = next((n for n, e in enumerate(around) if e.id == entry.id), 0)
    previous = around[position - 1] if position > 0 else None
    following = around[position + 1] if position + 1 < len(around) else None
    reasons = next((w.reasons for w in waiting if w.entry.id == entry.id), ())
    raw_name, raw = _raw_dump(index, entry)
    return render(
        "article.html", **_common(index, "article"), title=entry.meta.title,
        card=card(index, entry), text=text, raw_name=raw_name, raw=raw, reasons=reasons,
        previous=previous, following=following, in_inbox=bool(reasons),
    )


def _edition_entries(index: DeskIndex, edition: Edition) -> list[Entry]:
    catalog = index.catalog()
    found = [index.get(index.id_of(catalog.entries[i].article.source)) for i in edition.entries]
    return [e for e in found if e is not None]


def edition_page(index: DeskIndex, key: str | None) -> bytes | None:
    catalog = index.catalog()
    editions = catalog.editions
    if key is None:
        edition = editions[0] if editions else None
    else:
        edition = next((e for e in editions if e.key == key), None)
        if edition is None:
            return None
    return render(
        "edition.html", **_common(index, "editions"),
        title=f"Edition {edition.key}" if edition else "Editions",
        edition=edition, editions=[(e.key, _label(e)) for e in editions],
        groups=_groups(index, catalog, edition) if edition else [],
    )


def _label(edition: Edition) -> str:
    if edition.start == edition.end:
        return edition.start.isoformat()
    return f"{edition.key} ({edition.start.isoformat()} to {edition.end.isoformat()})"


def _groups(index: DeskIndex, catalog: Catalog, edition: Edition
            ) -> list[tuple[str, str, list[Card]]]:
    out = []
    for slug, members in edition.groups:
        entries = [index.get(index.id_of(catalog.entries[i].article.source)) for i in members]
        found = [e for e in entries if e is not None]
        cards = []
        for n, entry in enumerate(found):
            # Featured articles lead their group whatever their order: a move never
            # crosses that line.
            up = n > 0 and found[n - 1].meta.featured == entry.meta.featured
            down = n + 1 < len(found) and found[n + 1].meta.featured == entry.meta.featured
            cards.append(card(index, entry, up, down))
        name = found[0].meta.publication if found and found[0].meta.publication else UNSORTED
        out.append((slug, name, cards))
    return out


def group_of(index: DeskIndex, entry: Entry) -> list[Entry] | None:
    """The articles of the entry's publication in its edition, in the reader's order."""
    edition = index.edition_of(entry)
    if edition is None:
        return None
    catalog = index.catalog()
    slug = slugify(entry.meta.publication or UNSORTED)
    for group, members in edition.groups:
        if group == slug:
            found = [index.get(index.id_of(catalog.entries[i].article.source))
                     for i in members]
            return [e for e in found if e is not None]
    return None


def _raw_dump(index: DeskIndex, entry: Entry) -> tuple[str | None, str | None]:
    """The raw dump the article was normalised from, as text; (name, None) when gone."""
    source = entry.meta.source
    if source is None:
        return None, None
    content = index.site.content_dir
    path = content / source.file
    real = os.path.realpath(path)
    if not real.startswith(os.path.realpath(content) + os.sep):
        return source.file, None  # never shown from outside content/
    try:
        with open(real, "rb") as handle:
            data = handle.read(_RAW_LIMIT + 1)
    except OSError:
        return source.file, None
    text = _decode(data[:_RAW_LIMIT])
    if len(data) > _RAW_LIMIT:
        text += f"\n[… the rest of the file is not shown: it is larger than {_RAW_LIMIT:,} bytes]"
    return source.file, text


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("latin-1")


def denied_page(reason: str) -> bytes:
    return render("denied.html", reason=reason)


def not_found_page(what: str) -> bytes:
    return render("denied.html", reason=what)
