"""A bare link: a file that is a web address, with the curator's note or not (also a
Windows `.url` shortcut or a macOS `.webloc`). It becomes an article with `url`, the
note as `note`, held until the curator decides; with `--fetch` the page is fetched and
read as a saved page (fetch.py).
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import unquote, urlsplit

from digest.model import SourceFormat
from digest.normalize.common import Draft, Dump, Extract, one

NAME: SourceFormat = "link"
LINK_NOTE = ("only a link: fetch the page with `digest normalize --fetch`, paste the "
             "article's text, or clear this note to publish the link as it is")
_URL = re.compile(r"^<?(https?://[^\s<>\"]+?)>?[.,;]?$", re.IGNORECASE)
_SHORTCUT = re.compile(r"^URL=(https?://\S+)$|<string>(https?://[^<\s]+)</string>",
                       re.IGNORECASE | re.MULTILINE)
_MAX_NOTE_WORDS = 120
_ID = re.compile(r"^[\d_-]+$|^[0-9a-f]{8,}$|^(index|amp|article|story|news)$", re.IGNORECASE)


def _split(dump: Dump) -> tuple[str, str | None] | None:
    """(address, note) when the dump is a link and at most a short note."""
    shortcut = _SHORTCUT.search(dump.text[:4000])
    if shortcut and ("[InternetShortcut]" in dump.text[:200] or "<plist" in dump.text[:400]):
        return shortcut[1] or shortcut[2], None
    filled = [x for x in dump.lines if x]
    links = [i for i, x in enumerate(filled) if _URL.match(x)]
    if len(links) != 1 or links[0] not in (0, len(filled) - 1):
        return None
    note_lines = [x for i, x in enumerate(filled) if i != links[0]]
    if sum(len(x.split()) for x in note_lines) > _MAX_NOTE_WORDS:
        return None  # an article with its address, not a link with a note
    match = _URL.match(filled[links[0]])
    assert match is not None
    return match[1], " ".join(note_lines) or None


def sniff(dump: Dump) -> bool:
    return _split(dump) is not None


def title_from(url: str) -> str:
    """`https://x.example/news/2024/harbour-cranes-light-up` -> `Harbour cranes light up`."""
    parts = urlsplit(url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    for segment in reversed(segments):
        stem = re.sub(r"\.(s?html?|php|aspx?)$", "", segment, flags=re.IGNORECASE)
        words = [w for w in re.split(r"[-_+.\s]+", stem) if w and not _ID.match(w)]
        if len(words) >= 2:
            text = " ".join(words)
            return text[0].upper() + text[1:]
    return (parts.hostname or url).removeprefix("www.")


def parse(dump: Dump) -> tuple[Draft, ...]:
    found = _split(dump)
    assert found is not None  # sniffed
    url, note = found
    if dump.fetch:
        from digest.normalize.fetch import fetch
        from digest.normalize.formats import html

        page = html.extract(fetch(url, dump.name), url)
        return one(dataclasses.replace(page, format=NAME, url=page.url or url, note=note), dump)
    return one(Extract(
        format=NAME, title=title_from(url), url=url, note=note, review=(LINK_NOTE,),
    ), dump)
