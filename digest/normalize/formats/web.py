"""A web page copied from the browser: the whole page (select all, copy), its reader
view, or a newsletter's post copied from its web page. See webtext.py for how the
article is found in it."""

from __future__ import annotations

import functools

from digest.model import SourceFormat
from digest.normalize import textfix, webtext
from digest.normalize.common import JOIN_NOTE, Draft, Dump, Extract, one

NAME: SourceFormat = "web"
UPDATED_NOTE = "the date is the page's last update (it shows no other): check it"
_EVIDENCE = 2  # lines only a page has, for text with no reader-view header


@functools.lru_cache(maxsize=8)
def _page(lines: tuple[str, ...]) -> webtext.Page | None:
    return webtext.parse(list(lines))


def sniff(dump: Dump) -> bool:
    page = _page(dump.lines)
    return page is not None and (page.evidence >= _EVIDENCE or page.reader)


def parse(dump: Dump) -> tuple[Draft, ...]:
    page = _page(dump.lines)
    assert page is not None  # sniffed
    body, guessed = textfix.join_broken_lines(page.paragraphs)
    return one(Extract(
        format=NAME, title=page.title, paragraphs=tuple(body), publication=page.publication,
        date=page.date, author=page.author, standfirst=page.standfirst,
        truncated=page.truncated,
        review=((UPDATED_NOTE,) if page.updated else ()) + ((JOIN_NOTE,) if guessed else ()),
    ), dump)
