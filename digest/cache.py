"""The disposable build cache: `.digest-cache/` next to the output folder.

One SQLite file holds, per article file, its stamp (mtime_ns, size) and the loaded
article, and, per page, the fingerprint of the inputs it was rendered from. The whole
file is keyed on the digest version, the Markdown engine and the config fingerprint: a
different key, a corrupt file or any read error means an empty cache, never a wrong site.
SQLite (rather than one pickle) lets a one-article rebuild update one row.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    source TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
"""
CACHE_DIR = ".digest-cache"


@dataclass(frozen=True)
class Stamp:
    mtime_ns: int
    size: int


class BuildCache:
    """Rows in, rows out; every method tolerates a broken database by forgetting it."""

    def __init__(self, folder: Path | None, key: str) -> None:
        self.key = key
        self._db: sqlite3.Connection | None = None
        if folder is not None:
            self._db = self._open(folder / "cache.sqlite", key)

    @staticmethod
    def _open(path: Path, key: str) -> sqlite3.Connection | None:
        for _attempt in range(2):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # disposable: speed over durability
                db.executescript(_SCHEMA)
                row = db.execute("SELECT value FROM info WHERE key='key'").fetchone()
                if row is None or row[0] != key:
                    db.executescript("DELETE FROM articles; DELETE FROM pages; DELETE FROM info;")
                    db.execute("INSERT INTO info VALUES ('key', ?)", (key,))
                return db
            except sqlite3.Error:
                with contextlib.suppress(OSError):
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(path) + suffix).unlink(missing_ok=True)
        return None

    def _rows(self, sql: str) -> list[Any]:
        if self._db is None:
            return []
        try:
            return self._db.execute(sql).fetchall()
        except sqlite3.Error:
            self._forget()
            return []

    def _forget(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.executescript("DELETE FROM articles; DELETE FROM pages;")
                self._db.close()
        self._db = None

    def articles(self) -> dict[str, tuple[Stamp, Any]]:
        out: dict[str, tuple[Stamp, Any]] = {}
        for source, mtime_ns, size, data in self._rows("SELECT * FROM articles"):
            try:
                out[source] = (Stamp(mtime_ns, size), pickle.loads(data))
            except Exception:  # any unpickling failure: that row is simply not cached
                continue
        return out

    def info(self, key: str) -> str | None:
        rows = self._rows(f"SELECT value FROM info WHERE key='{key}'") if key.isidentifier() else []
        return str(rows[0][0]) if rows else None

    def set_info(self, key: str, value: str) -> None:
        if self._db is None:
            return
        try:
            self._db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)", (key, value))
        except sqlite3.Error:
            self._forget()

    def pages(self) -> dict[str, str]:
        return dict(self._rows("SELECT url, fingerprint FROM pages"))

    def update(
        self,
        articles: Iterable[tuple[str, Stamp, bytes]] = (),  # (source, stamp, pickled article)
        dropped_articles: Iterable[str] = (),
        pages: Mapping[str, str] | None = None,
        dropped_pages: Iterable[str] = (),
    ) -> None:
        if self._db is None:
            return
        try:
            db = self._db
            db.execute("BEGIN")
            db.executemany("DELETE FROM articles WHERE source=?", ((s,) for s in dropped_articles))
            db.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)",
                ((s, st.mtime_ns, st.size, data) for s, st, data in articles),
            )
            db.executemany("DELETE FROM pages WHERE url=?", ((u,) for u in dropped_pages))
            if pages:
                db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", pages.items())
            db.execute("COMMIT")
        except sqlite3.Error:
            self._forget()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def open_cache(output_dir: Path, key: str, *, enabled: bool = True) -> BuildCache:
    """The cache for a site whose output is `output_dir`; a sibling folder, never inside it."""
    return BuildCache(output_dir.parent / CACHE_DIR if enabled else None, key)
