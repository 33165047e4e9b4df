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
    """Normalise one raw dump; `name` is recorded as its source file (see core.parse_dump)."""
    from digest.normalize.core import parse_dump as parse

    return parse(data, name)


__all__ = ["STATE_FILE", "NormalizeReport", "normalize", "parse_dump"]
