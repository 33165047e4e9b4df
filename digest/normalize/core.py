"""parse_dump: raw bytes in, ArticleDocuments out. Pure: no files, no clock.

`draft_dump` does all of it but the language detection (`common.complete`), which
needs the language model: normalize drafts dumps while the model is loading.
"""

from __future__ import annotations

import hashlib

from digest.model import ArticleDocument
from digest.normalize import textfix
from digest.normalize.common import Draft, Dump, complete
from digest.normalize.sniff import non_text


def decode_text(data: bytes, name: str) -> str:
    """Decoded text with line ends fixed (raises DigestError for empty or binary input,
    naming the format of a document, image or archive that is not text)."""
    kind = non_text(data)
    if kind is not None:
        from digest.errors import DigestError

        what, advice = kind
        raise DigestError.at(name, f"{what}, not text: {advice}")
    return textfix.decode(data, name).replace("\r\n", "\n").replace("\r", "\n")


def parse_dump(data: bytes, name: str) -> tuple[ArticleDocument, ...]:
    """Every article of one raw dump (one, or one per item of an export); `name` is
    recorded as its source file.

    Raises DigestError for empty, binary or unreadable input and for invalid
    front matter in a Markdown file.
    """
    text = decode_text(data, name)
    sha256 = hashlib.sha256(data).hexdigest()
    return tuple(complete(d) for d in draft_dump(text, name, sha256))


def draft_dump(text: str, name: str, sha256: str, *, fetch: bool = False) -> tuple[Draft, ...]:
    """`text` as decode_text gives it; raises DigestError as parse_dump does."""
    from digest.normalize.formats import detect

    repaired = textfix.repair(text)
    if not repaired.strip():
        from digest.errors import DigestError

        raise DigestError.at(
            name, "the file has no text", hint="delete it or paste the article into it"
        )
    dump = Dump(name, sha256, text, tuple(repaired.split("\n")), fetch)
    return detect(dump).parse(dump)
