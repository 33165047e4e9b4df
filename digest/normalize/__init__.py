"""The normalize stage: raw dumps (any app, language, encoding) -> front-matter Markdown.

`parse_dump` is the pure core (bytes in, document out); `normalize` walks the
inbox, writes article files and never touches the dumps themselves.

The parsers are imported on first use: a re-run with nothing new never needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digest.normalize.run import NormalizeReport, normalize
from digest.normalize.state import STATE_FILE

if TYPE_CHECKING:
    from digest.model import ArticleDocument


def parse_dump(data: bytes, name: str) -> ArticleDocument:
    """Normalise one raw dump; `name` is recorded as its source file (see core.parse_dump).
    A dump holding many articles (a read-later export) gives its first."""
    return parse_dump_all(data, name)[0]


def parse_dump_all(data: bytes, name: str) -> tuple[ArticleDocument, ...]:
    """Every article of one raw dump: one, or one per item of an export."""
    from digest.normalize.core import parse_dump as parse

    return parse(data, name)


__all__ = ["STATE_FILE", "NormalizeReport", "normalize", "parse_dump", "parse_dump_all"]
