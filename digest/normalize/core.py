"""parse_dump: raw bytes in, ArticleDocument out. Pure: no files, no clock.

`draft_text` does all of it but the language detection (`common.complete`), which
needs the language model: normalize drafts dumps while the model is loading.
"""

from __future__ import annotations

import hashlib

from digest.model import ArticleDocument
from digest.normalize import (
    html,
    magzter,
    markdown,
    newsletter,
    plaintext,
    pressreader,
    textfix,
    zinio,
)
from digest.normalize.common import Draft, complete, draft
from digest.normalize.sniff import non_text, sniff


def decode_text(data: bytes, name: str) -> str:
    """Decoded text with line ends fixed (raises DigestError for empty or binary input,
    naming the format of a document, image or archive that is not text)."""
    kind = non_text(data)
    if kind is not None:
        from digest.errors import DigestError

        what, advice = kind
        raise DigestError.at(name, f"{what}, not text: {advice}")
    return textfix.decode(data, name).replace("\r\n", "\n").replace("\r", "\n")


def parse_dump(data: bytes, name: str) -> ArticleDocument:
    """Normalise one raw dump; `name` is recorded as its source file.

    Raises DigestError for empty, binary or unreadable input and for invalid
    front matter in a Markdown file.
    """
    text = decode_text(data, name)
    sha256 = hashlib.sha256(data).hexdigest()
    return parse_text(text, name, sha256)


def parse_text(text: str, name: str, sha256: str) -> ArticleDocument:
    return complete(draft_text(text, name, sha256))


def draft_text(text: str, name: str, sha256: str) -> Draft:
    """`text` as decode_text gives it; raises DigestError as parse_dump does."""
    repaired = textfix.repair(text)
    if not repaired.strip():
        from digest.errors import DigestError

        raise DigestError.at(
            name, "the file has no text", hint="delete it or paste the article into it"
        )
    lines = repaired.split("\n")
    kind = sniff(text, lines)
    if kind == "markdown":
        return markdown.draft(text.lstrip("\ufeff"), name, sha256)
    if kind == "email":
        extract = newsletter.parse(text)
    elif kind == "html":
        extract = html.parse(text)
    elif kind == "magzter":
        extract = magzter.parse(lines)
    elif kind == "pressreader":
        extract = pressreader.parse(lines)
    elif kind == "zinio":
        extract = zinio.parse(lines)
    else:
        extract = plaintext.parse(lines)
    return draft(extract, name, sha256)
