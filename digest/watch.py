"""Watch the site's sources and fold each burst of file events into one batch.

Three filters stand between a file event and a rebuild:
1. the event kind: watchdog >= 4 also reports reads (`opened`, `closed_no_write`), and
   reacting to those would rebuild every time the server reads a file;
2. the path: editor swap, backup and temp files, and anything outside the watched
   sources (the output and cache folders above all) never count, while the target of
   a rename does, so an atomic save is seen as a change of the real file;
3. the content: a path whose file is exactly as it was when the last build started
   (the trailing `closed` of a write, or an article normalize just wrote) is dropped,
   so a save never rebuilds twice and a build never triggers itself.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

# `attrib` (a chmod, or an atime update) and read events change nothing a build uses.
CHANGE_EVENTS = frozenset({"created", "modified", "moved", "deleted", "closed"})
QUIET = 0.05  # seconds without events before a burst counts as finished
MAX_WAIT = 0.5  # seconds: a constant stream of events still rebuilds this often

_NOISE = re.compile(
    r"""^(
        \..*                       # hidden: .file.swp, .#lock, .goutputstream-X, .DS_Store
      | .*~                        # backups: file~
      | 49\d\d                     # vim's "can I write here" probe (4913, 4914, ...)
      | \#.*\#                     # emacs auto-save
      | .*\.(sw[a-p]|swx|tmp|temp|bak|part|crdownload)
      | .*___jb_(tmp|old)___       # JetBrains safe write
    )$""",
    re.VERBOSE | re.IGNORECASE,
)


def is_editor_noise(name: str) -> bool:
    """True for the swap, backup and temp files editors write beside a file they save."""
    return bool(_NOISE.match(name))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@dataclass(frozen=True)
class WatchScope:
    """What counts as a source: files under `folders`, the single `files`, minus `ignored`."""

    folders: tuple[Path, ...]
    files: tuple[Path, ...] = ()
    ignored: tuple[Path, ...] = ()

    def wants(self, path: Path) -> bool:
        if is_editor_noise(path.name) or any(_inside(path, i) for i in self.ignored):
            return False
        return path in self.files or any(_inside(path, f) for f in self.folders)


def changed_paths(event: FileSystemEvent, scope: WatchScope) -> list[Path]:
    """The source paths one watchdog event changes (none for reads and directories)."""
    if event.event_type not in CHANGE_EVENTS:
        return []
    # A directory created or modified says nothing its files' own events do not, but one
    # moved or deleted may take files with it without an event per file.
    if event.is_directory and event.event_type not in ("moved", "deleted"):
        return []
    raw = [event.src_path]
    if event.event_type == "moved":
        raw.append(event.dest_path)
    paths = [Path(os.path.abspath(os.fsdecode(p))) for p in raw if p]
    return [p for p in paths if scope.wants(p)]


Signature = tuple[int, int, int, str] | None


def signature(path: Path) -> Signature:
    """What a file is now: None when missing; inode, size, mtime and a content digest."""
    try:
        stat = path.stat()
        if not path.is_file():
            return (stat.st_ino, -1, stat.st_mtime_ns, "")
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, digest)


class Seen:
    """The signature of every path as the last build that used it saw it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[Path, Signature] = {}

    def record(self, paths: Iterable[Path]) -> None:
        now = {p: signature(p) for p in paths}
        with self._lock:
            self._seen.update(now)

    def new(self, paths: Iterable[Path]) -> set[Path]:
        """The paths that differ from what was recorded (all of them when never recorded)."""
        with self._lock:
            return {p for p in paths if p not in self._seen or self._seen[p] != signature(p)}


@dataclass(frozen=True)
class Batch:
    paths: frozenset[Path]
    first_event: float  # time.monotonic() of the burst's first event, for latency reports


class Debouncer:
    """Collects paths; a batch is due after QUIET seconds of calm or MAX_WAIT in all."""

    def __init__(
        self, quiet: float = QUIET, max_wait: float = MAX_WAIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.quiet, self.max_wait, self.clock = quiet, max_wait, clock
        self.cond = threading.Condition()
        self._paths: set[Path] = set()
        self._first = self._last = 0.0

    def add(self, paths: Iterable[Path]) -> None:
        paths = set(paths)
        if not paths:
            return
        with self.cond:
            now = self.clock()
            if not self._paths:
                self._first = now
            self._paths |= paths
            self._last = now
            self.cond.notify_all()

    def wait_time(self) -> float | None:
        """Seconds until the pending batch is due (0 when due), None when nothing is pending."""
        with self.cond:
            if not self._paths:
                return None
            due = min(self._last + self.quiet, self._first + self.max_wait)
            return max(0.0, due - self.clock())

    def take(self) -> Batch | None:
        """The pending batch if it is due, else None."""
        with self.cond:
            if not self._paths or self.wait_time() != 0.0:
                return None
            batch = Batch(frozenset(self._paths), self._first)
            self._paths = set()
            return batch


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher.dispatch(event)


class Watcher:
    """Observes a WatchScope and calls `on_batch` (from its own thread) once per burst.

    `on_batch` runs in the watcher's thread, one at a time: events that arrive while it
    runs form the next batch, so builds never overlap.
    """

    def __init__(
        self, scope: WatchScope, on_batch: Callable[[Batch], None], *, poll: bool = False,
        debouncer: Debouncer | None = None, seen: Seen | None = None,
        warm_up: Callable[[], None] | None = None,
    ) -> None:
        self.scope = scope
        self.on_batch = on_batch
        self.poll = poll
        self.debouncer = debouncer or Debouncer()
        self.seen = seen or Seen()
        self.warm_up = warm_up
        self.warmed = threading.Event()
        self._stopping = threading.Event()
        self._observer: Any = None
        self._thread: threading.Thread | None = None
        self._warmer: threading.Thread | None = None

    def dispatch(self, event: FileSystemEvent) -> None:
        """Feed one watchdog event (the observer calls this; tests may too)."""
        if event.is_directory and event.event_type in ("created", "moved"):
            self._watch_new_folder(event)
        self.debouncer.add(changed_paths(event, self.scope))

    def _watch_new_folder(self, event: FileSystemEvent) -> None:
        # A source folder made after start (the site's first templates/ override) is only
        # seen as an entry of the site folder: watch it, and take what is already in it.
        raw = event.dest_path if event.event_type == "moved" else event.src_path
        folder = Path(os.path.abspath(os.fsdecode(raw)))
        if folder not in self.scope.folders or self._observer is None:
            return
        self._observer.schedule(_Handler(self), str(folder), recursive=True)
        self.debouncer.add(p for p in folder.rglob("*") if p.is_file() and self.scope.wants(p))

    def next_batch(self) -> Batch | None:
        """Wait for the next batch of really changed paths; None once stopping."""
        cond = self.debouncer.cond
        while not self._stopping.is_set():
            with cond:
                wait = self.debouncer.wait_time()
                if wait != 0.0:
                    cond.wait(wait)
                    continue
                batch = self.debouncer.take()
            if batch is not None:
                paths = self.seen.new(batch.paths)
                self.seen.record(paths)
                if paths:
                    return Batch(frozenset(paths), batch.first_event)
        return None

    def start(self) -> None:
        self._observer = self._schedule(self.scope)
        self._thread = threading.Thread(target=self._run, name="digest-watch", daemon=True)
        self._thread.start()
        # Slow first-time work (lazy imports, data loads) beside the builds, not before them.
        self._warmer = threading.Thread(target=self._warm, name="digest-warm-up", daemon=True)
        self._warmer.start()

    def rescope(self, scope: WatchScope) -> None:
        """Watch other folders (after site.yaml changed the theme or output)."""
        if scope == self.scope or self._observer is None:
            self.scope = scope
            return
        old, self.scope = self._observer, scope
        self._observer = self._schedule(scope)
        if old is not None:
            old.stop()
            old.join()

    def _schedule(self, scope: WatchScope) -> Any:
        observer = PollingObserver(timeout=0.5) if self.poll else Observer(timeout=0.1)
        handler = _Handler(self)
        watched: list[Path] = []
        for folder in sorted({f for f in scope.folders if f.is_dir()}):
            if not any(_inside(folder, w) for w in watched):
                observer.schedule(handler, str(folder), recursive=True)
                watched.append(folder)
        # Single files (site.yaml) are seen through their folder, without recursing into it.
        for parent in sorted({f.parent for f in scope.files if f.parent.is_dir()}):
            if not any(_inside(parent, w) for w in watched):
                observer.schedule(handler, str(parent), recursive=False)
        observer.daemon = True
        observer.start()
        return observer

    def _warm(self) -> None:
        try:
            if self.warm_up is not None:
                self.warm_up()
        finally:
            self.warmed.set()

    def _run(self) -> None:
        while (batch := self.next_batch()) is not None:
            self.on_batch(batch)

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        with self.debouncer.cond:
            self.debouncer.cond.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout)
        # A build in progress cannot be interrupted; the thread is a daemon, so it
        # never keeps the process alive.
        for thread in (self._thread, self._warmer):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout)
