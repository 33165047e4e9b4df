"""Parts of pages kept from one build to the next, by what they read.

A part made while a page renders is recorded like the page (digest.reads). It is used
again, instead of being made again, while every item it read has the value it had when
it was made; its reads then count for the page that uses it, as if it had been made
again. So a kept part is never staler than a page would be: the same record decides.

The edition feed is the user: it renders each of its editions as an e-mail (~9 ms each,
with the CSS inlined), and an added article, or an edit to one of the newest editions,
renders the feed again while most of its editions are what they were.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

from digest.cache import BuildCache
from digest.reads import Item, record_all, recording

T = TypeVar("T")

_BLOB = "fragments"
Kept = tuple[tuple[tuple[Item, "str | None"], ...], Any]  # (each read and its value, part)


class Fragments:
    """The parts the last build kept, read from the build cache when first asked for, and
    those this build used or made (what `save` keeps for the next)."""

    def __init__(self, cache: BuildCache) -> None:
        self._cache = cache
        self._pid = os.getpid()
        self._stored: dict[str, Kept] | None = None
        self.used: dict[str, Kept] = {}

    def keep(self, key: str, make: Callable[[], T], value: Callable[[Item], str | None]
             ) -> T:
        """`make()`, or the part kept under `key` while everything it read is worth the same
        now (`value`: what an item is worth in this build)."""
        if os.getpid() != self._pid:  # a forked render worker: its cache is the parent's
            return make()
        found = self._load().get(key)
        if found is not None and all(value(item) == was for item, was in found[0]):
            record_all(item for item, _ in found[0])
            self.used[key] = found
            part: T = found[1]
            return part
        with recording() as reads:
            part = make()
        self.used[key] = (tuple((item, value(item)) for item in sorted(reads)), part)
        return part

    def _load(self) -> dict[str, Kept]:
        if self._stored is None:
            data = self._cache.blob(_BLOB)
            try:
                stored = pickle.loads(data) if data is not None else {}
            except Exception:  # a damaged row is no row: the parts are made again
                stored = {}
            self._stored = stored if isinstance(stored, dict) else {}
        return self._stored

    def save(self) -> None:
        """Keep what this build used or made, when the parts were asked for and changed
        (the parts no page uses any more are dropped with them)."""
        if os.getpid() != self._pid or self._stored is None or self.used == self._stored:
            return
        self._cache.set_blob(_BLOB, pickle.dumps(self.used, protocol=5))
        self._stored = dict(self.used)
