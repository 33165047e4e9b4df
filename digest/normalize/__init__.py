"""The normalize stage: raw dumps (any app, language, encoding) -> front-matter Markdown.

`parse_dump` is the pure core (bytes in, document out); `normalize` walks the
inbox, writes article files and never touches the dumps themselves.
"""

from __future__ import annotations

from digest.normalize.core import parse_dump
from digest.normalize.run import NormalizeReport, normalize
from digest.normalize.state import STATE_FILE

__all__ = ["STATE_FILE", "NormalizeReport", "normalize", "parse_dump"]
