"""Every format normalize reads: one module each, registered once, tried in this order.

A format module has `NAME` (its `SourceFormat`), `sniff(dump) -> bool` and
`parse(dump) -> tuple[Draft, ...]` (one draft, or one per item of an export). `detect`
asks each `sniff` in turn: shapes that are unambiguous at the very top (front matter,
MIME headers, an export's header row) come first, text that matches nothing is `text`.
"""

from __future__ import annotations

from digest.normalize.common import Dump, Format
from digest.normalize.formats import (
    bookmarks,
    html,
    instapaper,
    link,
    magzter,
    markdown,
    mhtml,
    newsletter,
    omnivore,
    plaintext,
    pocket,
    pressreader,
    raindrop,
    readwise,
    wallabag,
    web,
    zinio,
)

FORMATS: tuple[Format, ...] = (
    markdown,
    mhtml,  # a MIME message too: before e-mail
    newsletter,
    # Exports: a header row, a JSON shape or a doctype at the top tells each apart.
    pocket,
    instapaper,
    readwise,
    raindrop,
    wallabag,
    omnivore,
    bookmarks,
    html,
    magzter,
    pressreader,
    zinio,
    link,  # after the apps: a PressReader copy holds its address too
    web,
    plaintext,  # sniffs anything: always last
)


def detect(dump: Dump) -> Format:
    """The first format whose `sniff` takes the dump (`text` takes any)."""
    return next(f for f in FORMATS if f.sniff(dump))
