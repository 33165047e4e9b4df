"""Date labels in the site's language: made by Babel, remembered between builds.

Importing Babel and loading a locale cost a one-shot build about 0.1 s. The labels of
earlier builds are kept in the build cache (`saved`, `remember`), so an edit whose
pages show dates the site already had never loads Babel at all.
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import pickle
from functools import lru_cache
from typing import Any

from digest.cache import BuildCache

SKELETONS = {"long": "yMMMMd", "short": "yMMMd", "month": "yMMMM", "year": "y"}

_known: dict[tuple[Any, ...], str] = {}
_new: dict[tuple[Any, ...], str] = {}  # made in this process and not yet saved


def format_style(value: datetime.date, style: str, language: str) -> str:
    """`value` in one of the SKELETONS' styles."""
    key = (value, style, language)
    label = _known.get(key)
    if label is None:
        from babel.dates import format_skeleton

        label = str(format_skeleton(SKELETONS[style], value, locale=_locale(language)))
        _known[key] = _new[key] = label
    return label


def format_week(start: datetime.date, end: datetime.date, language: str) -> str:
    """A weekly edition's label: a date range."""
    key = (start, end, language)
    label = _known.get(key)
    if label is None:
        from babel.dates import format_interval

        label = str(format_interval(start, end, "yMMMd", locale=_locale(language)))
        _known[key] = _new[key] = label
    return label


_BLOB = "dates"  # in the build cache


def load(cache: BuildCache) -> None:
    """Take the labels an earlier build kept in the cache."""
    remember(cache.blob(_BLOB))


def save(cache: BuildCache) -> None:
    """Keep the labels made since the last save in the cache, for the next process."""
    blob = saved()
    if blob is not None:
        cache.set_blob(_BLOB, blob)


def remember(blob: bytes | None) -> None:
    """Take the labels `saved` by an earlier process (unless Babel changed since)."""
    if blob is None:
        return
    try:
        stamp, labels = pickle.loads(blob)
    except Exception:  # a damaged cache entry: the labels are made again
        return
    if stamp == _babel_stamp() and isinstance(labels, dict):
        for key, label in labels.items():
            if isinstance(key, tuple) and isinstance(label, str):
                _known.setdefault(key, label)


def unsaved() -> dict[tuple[Any, ...], str]:
    """Labels made since the last `saved()` (forked render workers send theirs back)."""
    return dict(_new)


def add(labels: dict[tuple[Any, ...], str]) -> None:
    """Labels a render worker made."""
    for key, label in labels.items():
        if key not in _known:
            _known[key] = _new[key] = label


def saved() -> bytes | None:
    """Every label, for the build cache; None when nothing is new since the last call."""
    if not _new:
        return None
    _new.clear()
    return pickle.dumps((_babel_stamp(), _known), protocol=5)


@lru_cache(maxsize=64)
def _locale(language: str) -> Any:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def _babel_stamp() -> str:
    # Babel's own files, found without importing it: an upgrade may word dates otherwise.
    spec = importlib.util.find_spec("babel")
    origin = spec.origin if spec is not None else None
    return f"{origin}:{os.stat(origin).st_mtime_ns}" if origin else ""
