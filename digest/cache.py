"""The disposable build cache: `.digest-cache/` next to the output folder.

One SQLite file holds, per article file, its stamp (mtime_ns, size) and the loaded
article; per page, its fingerprint (its place in the site) and what it read while it
rendered, as numbers of `items`; per item read (digest.reads), a digest of its value
then. The whole file is keyed on the digest version, the Markdown engine, the config
fingerprint and the code that writes and reads it (`code_key`): a different key, a
corrupt file or any read error means an empty cache, never a wrong site. SQLite (rather
than one pickle) lets a one-article rebuild update a few rows.

Each output folder has a cache of its own: its page rows, snapshot and search state
describe that folder's files. The dev server's preview is built into `preview/` inside
this folder (see `preview_output`), a site folder of its own with its cache and records
beside it, so `digest serve` and `digest build` never read or drop each other's rows,
and each stays incremental after the other ran.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from digest.scan import Stamp

_INFO = "CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
# An article row holds the loaded article without its body, the body apart, and its
# placement (digest.placement): a rebuild reads every row but only the bodies of the pages
# it renders, and one that follows a few added files reads only the placements.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    source TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL,
    body TEXT NOT NULL, place BLOB NOT NULL
);
-- Every stamp at once without walking the rows' pages (an incremental build's first read),
-- and every placement (digest.recollect).
CREATE INDEX IF NOT EXISTS article_stamps ON articles (source, mtime_ns, size);
CREATE INDEX IF NOT EXISTS article_places ON articles (source, place);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, reads BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, value TEXT,
    UNIQUE (name, kind)
);
CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS specs (chunk INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS readers (chunk INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""
_TABLES = ("articles", "pages", "items", "blobs", "specs", "readers")
CACHE_DIR = ".digest-cache"
PREVIEW_DIR = "preview"  # inside CACHE_DIR: where `digest serve` builds


def preview_output(output: str) -> str:
    """The dev server's output folder for a site whose `output:` is `output` (both
    relative to the site): `.digest-cache/preview/<name>` in the cache folder beside it.

    It keeps the output's name, and its own cache, manifest and compiled templates
    land beside it in `.digest-cache/preview/` (`open_cache`, digest.write), apart
    from the deploy folder's."""
    path = Path(output)
    return (path.parent / CACHE_DIR / PREVIEW_DIR / path.name).as_posix()


def code_key(package: Path | None = None) -> str:
    """A digest of the code that writes and reads the cache: the source of every module of
    the package (not its subpackages, such as normalize/): the dataclasses it pickles, what
    pages record as read and how values are taken. Another version of any of them gives
    another key, so an older cache is dropped, never unpickled into the wrong shape or
    compared with values taken another way. Reading the files costs about a millisecond:
    importing the modules to inspect their dataclasses cost a nothing-changed build 20 ms."""
    from digest.hashing import sha1_hex

    folder = package or Path(__file__).resolve().parent
    parts = [_SCHEMA.encode()]
    for path in sorted(folder.glob("*.py")):
        parts.append(path.name.encode() + b"\0")
        with contextlib.suppress(OSError):
            parts.append(path.read_bytes())
    return sha1_hex(b"".join(parts))[:16]


# An article as the cache stores it: (source, stamp, the article pickled without its
# body, the body, its placement row), made by digest.load.row_of.
ArticleRow = tuple[str, Stamp, bytes, str, bytes]


class BuildCache:
    """Rows in, rows out; every method tolerates a broken database by forgetting it.

    Thread-safe: the dev server's watcher thread builds while another thread may close
    the cache (a new session's `BuildState.forget_all`), and Python's sqlite3 crashes the
    process when one connection is closed or used by two threads at once. Every use of a
    connection holds `_lock`; a closed cache answers like an empty one."""

    def __init__(self, folder: Path | None, key: str) -> None:
        self.key = key
        self._db: sqlite3.Connection | None = None
        self._path: Path | None = None
        self._reader: tuple[int, sqlite3.Connection] | None = None
        self._lock_of: tuple[int, threading.RLock] = (os.getpid(), threading.RLock())
        if folder is not None:
            self._path = folder / "cache.sqlite"
            self._db = self._open(self._path, key)

    @property
    def _lock(self) -> threading.RLock:
        """This process's lock: a forked child gets a new one, as another thread of the
        parent may have held the inherited one at the fork, for ever in the child."""
        pid = os.getpid()
        if self._lock_of[0] != pid:
            self._lock_of = (pid, threading.RLock())
        return self._lock_of[1]

    @staticmethod
    def _open(path: Path, key: str) -> sqlite3.Connection | None:
        for _attempt in range(2):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # disposable: speed over durability
                db.executescript(_INFO)
                row = db.execute("SELECT value FROM info WHERE key='key'").fetchone()
                if row is None or row[0] != key:
                    db.executescript("".join(f"DROP TABLE IF EXISTS {t};" for t in _TABLES)
                                     + " DELETE FROM info;")
                    db.execute("INSERT INTO info VALUES ('key', ?)", (key,))
                db.executescript(_SCHEMA)
                return db
            except sqlite3.Error:
                with contextlib.suppress(OSError):
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(path) + suffix).unlink(missing_ok=True)
        return None

    def in_child(self) -> BuildCache:
        """This cache for a forked child (digest.aside): connections of its own. The
        parent's stay open and unused here: closing a copy could end the parent's locks."""
        child = BuildCache(None, self.key)
        if self._path is not None and self._db is not None:
            child._path = self._path
            child._db = self._open(self._path, self.key)
        return child

    @property
    def holds_bodies(self) -> bool:
        """Whether pages can read article bodies from here (an open database)."""
        return self._db is not None and self._path is not None

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            if self._db is None:
                return []
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error:
                self._forget()
                return []

    def _forget(self) -> None:
        with self._lock:
            if self._db is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._db.executescript("".join(f"DELETE FROM {t};" for t in _TABLES))
                    self._db.close()
            self._db = None

    def articles(self) -> dict[str, tuple[Stamp, Any]]:
        out: dict[str, tuple[Stamp, Any]] = {}
        for source, mtime_ns, size, data in self._rows(
                "SELECT source, mtime_ns, size, data FROM articles"):
            try:
                out[source] = (Stamp(mtime_ns, size), pickle.loads(data))
            except Exception:  # any unpickling failure: that row is simply not cached
                continue
        return out

    def stamps(self) -> dict[str, tuple[int, int]]:
        """(mtime_ns, size) of every cached article's file when it was read."""
        return {s: (m, z) for s, m, z in self._rows("SELECT source, mtime_ns, size FROM articles")}

    def placements(self) -> list[tuple[str, bytes]]:
        """(source, placement row) of every cached article (digest.placement)."""
        return self._rows("SELECT source, place FROM articles")

    def body(self, source: str) -> str | None:
        """The stored body of one article; None when the cache cannot say."""
        row = self._read("SELECT body FROM articles WHERE source=?", source)
        return None if row is None else str(row[0])

    def article(self, source: str) -> Any | None:
        """One cached article (without its body), or None."""
        return self.articles_of([source]).get(source)

    def articles_of(self, sources: Iterable[str]) -> dict[str, Any]:
        """Several cached articles (without bodies) by source; unreadable ones left out."""
        wanted = list(sources)
        out: dict[str, Any] = {}
        for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
            part = wanted[start:start + 500]
            marks = ",".join("?" * len(part))
            for source, data in self._read_all(
                    f"SELECT source, data FROM articles WHERE source IN ({marks})", *part):
                try:
                    out[source] = pickle.loads(data)
                except Exception:
                    continue
        return out

    def _read(self, sql: str, *params: Any) -> Any | None:
        rows = self._read_all(sql, *params)
        return rows[0] if rows else None

    def _read_all(self, sql: str, *params: Any) -> list[Any]:
        """Rows read by this process's own connection: forked render workers read too,
        and a SQLite connection must not be used across a fork, nor closed in the child."""
        with self._lock:
            if self._path is None or self._db is None:
                return []
            pid = os.getpid()
            try:
                if self._reader is None or self._reader[0] != pid:
                    self._reader = (pid, sqlite3.connect(self._path, check_same_thread=False))
                return self._reader[1].execute(sql, params).fetchall()
            except sqlite3.Error:
                return []

    # The snapshot: what an incremental build needs of the last complete build (see
    # digest.incremental), in chunks of consecutive items so that a small edit reads a few
    # rows and a complete build writes a few hundred. Only whole snapshots are written.

    def save_snapshot(
        self, head: bytes, specs: Iterable[tuple[int, bytes]], readers: Iterable[tuple[int, bytes]]
    ) -> None:
        """Replace the snapshot. It counts once `publish_snapshot` ran: a build saves it
        while its output may still be written (and the search index found to fail)."""
        def write(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM specs")
            db.execute("DELETE FROM readers")
            db.executemany("INSERT INTO specs VALUES (?, ?)", specs)
            db.executemany("INSERT INTO readers VALUES (?, ?)", readers)
            db.execute("DELETE FROM blobs WHERE key IN ('snapshot', 'snapshot-saved')")
            db.execute("INSERT INTO blobs VALUES ('snapshot-saved', ?)", (head,))

        self._transaction(write)

    def publish_snapshot(self) -> None:
        def write(db: sqlite3.Connection) -> None:
            if db.execute("SELECT 1 FROM blobs WHERE key='snapshot-saved'").fetchone():
                db.execute("DELETE FROM blobs WHERE key='snapshot'")
                db.execute("UPDATE blobs SET key='snapshot' WHERE key='snapshot-saved'")

        self._transaction(write)

    def drop_snapshot(self) -> None:
        def write(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM blobs WHERE key IN ('snapshot', 'snapshot-saved')")

        self._transaction(write)

    def snapshot(self) -> bytes | None:
        return self.blob("snapshot")

    def blob(self, key: str) -> bytes | None:
        row = self._read("SELECT value FROM blobs WHERE key=?", key)
        return None if row is None else bytes(row[0])

    def set_blob(self, key: str, value: bytes | None) -> None:
        """Store (or, with None, drop) one named blob."""

        def write(db: sqlite3.Connection) -> None:
            if value is None:
                db.execute("DELETE FROM blobs WHERE key=?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?)", (key, value))

        self._transaction(write)

    def chunks(self, table: str, numbers: Iterable[int]) -> dict[int, bytes]:
        """Chunks of the snapshot's `specs` or `readers`, by number."""
        assert table in ("specs", "readers")
        wanted = sorted(set(numbers))
        out: dict[int, bytes] = {}
        for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
            part = tuple(wanted[start:start + 500])
            marks = ",".join("?" * len(part))
            out.update(self._rows(f"SELECT chunk, data FROM {table} WHERE chunk IN ({marks})",
                                  part))
        return out

    def info(self, key: str) -> str | None:
        rows = self._rows(f"SELECT value FROM info WHERE key='{key}'") if key.isidentifier() else []
        return str(rows[0][0]) if rows else None

    def set_info(self, key: str, value: str) -> None:
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)", (key, value))
            except sqlite3.Error:
                self._forget()

    def pages(self) -> dict[str, tuple[str, bytes]]:
        """url -> (fingerprint, the numbers of the items it read, as array('I') bytes)."""
        return {url: (fp, bytes(reads))
                for url, fp, reads in self._rows("SELECT url, fingerprint, reads FROM pages")}

    def items(self) -> dict[tuple[str, str], tuple[int, str | None]]:
        """(kind, name) -> (number, value digest) of every item pages read."""
        return {(kind, name): (n, value)
                for n, kind, name, value in self._rows("SELECT id, kind, name, value FROM items")}

    def items_of(self, names: Iterable[str]) -> dict[tuple[str, str], tuple[int, str | None]]:
        """The items with these names (of any kind)."""
        wanted = sorted(set(names))
        out: dict[tuple[str, str], tuple[int, str | None]] = {}
        for start in range(0, len(wanted), 500):
            part = tuple(wanted[start:start + 500])
            marks = ",".join("?" * len(part))
            for n, kind, name, value in self._rows(
                    f"SELECT id, kind, name, value FROM items WHERE name IN ({marks})", part):
                out[(kind, name)] = (n, value)
        return out

    def last_item(self) -> int:
        rows = self._rows("SELECT max(id) FROM items")
        return int(rows[0][0] or 0) if rows else 0

    def set_items(self, rows: Iterable[tuple[int, str, str, str | None]]) -> None:
        """(number, kind, name, value) rows, added or replaced."""
        def write(db: sqlite3.Connection) -> None:
            db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?)", rows)

        self._transaction(write)

    def set_chunks(self, table: str, chunks: Mapping[int, bytes]) -> None:
        assert table in ("specs", "readers")
        def write(db: sqlite3.Connection) -> None:
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", chunks.items())

        self._transaction(write)

    def update(
        self,
        articles: Iterable[ArticleRow] = (),
        dropped_articles: Iterable[str] = (),
        pages: Mapping[str, tuple[str, bytes]] | None = None,
        dropped_pages: Iterable[str] = (),
    ) -> None:
        def write(db: sqlite3.Connection) -> None:
            db.executemany("DELETE FROM articles WHERE source=?", ((s,) for s in dropped_articles))
            db.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?)",
                ((s, st.mtime_ns, st.size, data, body, place)
                 for s, st, data, body, place in articles),
            )
            db.executemany("DELETE FROM pages WHERE url=?", ((u,) for u in dropped_pages))
            if pages:
                db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
                               ((url, fp, reads) for url, (fp, reads) in pages.items()))

        self._transaction(write)

    def _transaction(self, write: Callable[[sqlite3.Connection], None]) -> None:
        """All of `write` or nothing; any SQLite error forgets the cache (it is disposable)."""
        with self._lock:
            if self._db is None:
                return
            db = self._db
            try:
                db.execute("BEGIN")
                try:
                    write(db)
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except sqlite3.Error:
                self._forget()

    def close(self) -> None:
        with self._lock:  # after a transaction another thread is in, never during it
            if self._reader is not None and self._reader[0] == os.getpid():
                with contextlib.suppress(sqlite3.Error):
                    self._reader[1].close()
            self._reader = None
            if self._db is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._db.close()
                self._db = None


def open_cache(output_dir: Path, key: str, *, enabled: bool = True) -> BuildCache:
    """The cache for a site whose output is `output_dir`; a sibling folder, never inside it."""
    return BuildCache(output_dir.parent / CACHE_DIR if enabled else None, key)
