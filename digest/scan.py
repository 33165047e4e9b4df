"""The article files' stamps: what every build reads first, to tell what changed.

`scan` walks the articles folder (a stat per file: 10,000 of them at 10k, as long as
importing the rest of digest); `rescan` brings a scan up to date from the paths the dev
server's watcher saw change; `scan_ahead` runs the walk in a forked child while the
command imports the build and reads site.yaml, so that on two cores the two overlap.

This module imports only the standard library's lightest parts: the child is forked
before the build's own modules are imported.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import stat
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

ARTICLES = "content/articles"  # the articles folder, site-relative (SiteConfig.articles_dir)
PREFIX = "articles/"  # where files beside the articles are published, in the output folder


class Stamp(NamedTuple):
    """When a file was last written, and its size: what tells a build it changed.

    A named tuple rather than a dataclass: a scan makes one per article file, and
    stamps compare equal to the plain tuples the cache stores."""

    mtime_ns: int
    size: int


# A file that cannot be read, or not a regular file (a FIFO or device named *.md would
# block or never end): reading it reports the reason.
UNREADABLE = Stamp(-1, -1)

# (stamps by source, output path -> file beside the articles)
Scanned = tuple[dict[str, Stamp], dict[str, Path]]


def is_beside(file: Path | os.DirEntry[str]) -> bool:
    """Whether a file found beside the articles may be published: a regular file, not a
    symbolic link, and a name that means the same path everywhere; one that cannot even be
    looked at is left out as a link is."""
    try:
        return "\\" not in file.name and not file.is_symlink() and file.is_file()
    except OSError:
        return False


def scan(folder: Path, root: Path, beside: dict[str, Path] | None = None
         ) -> dict[str, Stamp]:
    """Source -> stamp of every article file below `folder`; hidden names are skipped.
    `beside`, when given, is filled as `files.article_files` would fill it, in the same
    walk (a second walk of the articles cost a nothing-changed build 12 ms at 10k).

    Written lean (one dict, plain string ops): this runs over every article before each
    one-shot build, and its Python overhead once cost as much as the stats themselves.
    """
    found: dict[str, Stamp] = {}
    top = len(str(folder)) + 1
    # (folder, its source prefix, whether files beside articles are published from it:
    # not from below a symbolic link, which could publish a file from outside the site)
    stack = [(str(folder), _prefix(folder, root) + "/", beside is not None)]
    regular = stat.S_ISREG
    while stack:
        path, rel, publish = stack.pop()
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            try:
                if entry.is_dir():
                    stack.append((entry.path, rel + name + "/",
                                  publish and not entry.is_symlink()))
                    continue
                if not name.endswith(".md"):
                    if publish and beside is not None and is_beside(entry):
                        beside[PREFIX + entry.path[top:].replace(os.sep, "/")] = Path(
                            entry.path)
                    continue
                st = entry.stat()
            except FileNotFoundError:
                continue  # deleted since it was listed (a save by rename, a checkout)
            except OSError:
                found[rel + name] = UNREADABLE  # a symlink loop or a file we may not read
                continue
            found[rel + name] = (Stamp(st.st_mtime_ns, st.st_size) if regular(st.st_mode)
                                 else UNREADABLE)
    return found


def rescan(
    stamps: dict[str, Stamp], paths: Iterable[Path], folder: Path, root: Path
) -> dict[str, Stamp] | None:
    """The stamps of the last scan, brought up to date for the paths the dev server's
    watcher saw change: the same result as `scan` without a stat per article file.
    None when only a scan can tell (a folder moved or deleted, a path elsewhere)."""
    out = dict(stamps)
    prefix = _prefix(folder, root)
    for path in paths:
        parts = _parts_below(path, folder)
        if parts is None:
            if folder.resolve() in Path(os.path.abspath(path)).resolve().parents:
                return None  # an article spelled another way (a symlink): scan
            continue  # not an article file: templates, the inbox, site.yaml
        if not parts or any(p.startswith(".") for p in parts):
            continue
        source = "/".join((prefix, *parts))
        try:
            st = path.stat()
        except FileNotFoundError:
            if not path.name.endswith(".md"):
                return None  # perhaps a folder of articles that went away
            out.pop(source, None)
            continue
        except OSError:
            if not path.name.endswith(".md"):
                return None
            out[source] = UNREADABLE
            continue
        if stat.S_ISDIR(st.st_mode):
            return None  # a folder moved in: its files are news to the watcher
        if path.name.endswith(".md"):
            out[source] = (Stamp(st.st_mtime_ns, st.st_size) if stat.S_ISREG(st.st_mode)
                           else UNREADABLE)
    return out


def _parts_below(path: Path, folder: Path) -> tuple[str, ...] | None:
    try:
        return path.relative_to(folder).parts
    except ValueError:
        return None


def _prefix(folder: Path, root: Path) -> str:
    return folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)


class Ahead:
    """A scan of a site's articles running in a forked child, read back with `result`.

    The child sends its result down a pipe, marshalled (plain tuples and strings), and
    ends without running the parent's exit handlers. Anything amiss (the child failed,
    the site turned out to keep its articles elsewhere) gives None, and the build scans
    for itself."""

    def __init__(self, folder: Path, root: Path, pid: int = 0, pipe: int | None = None
                 ) -> None:
        self._where = (folder, root)
        self.child = pid  # 0: none (the build scans for itself)
        self._pid = pid  # until it is waited for
        self._pipe = pipe

    def result(self, folder: Path, root: Path) -> Scanned | None:
        """The child's scan, if it scanned `folder` for `root` and ended well."""
        if self._pipe is None or (folder, root) != self._where:
            self.close()
            return None
        with os.fdopen(self._pipe, "rb") as pipe:
            self._pipe = None
            data = pipe.read()
        ended_well = self._wait()
        try:
            sources, numbers, beside = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if not ended_well or len(numbers) != 2 * len(sources):
            return None
        stamps = dict(zip(sources, map(Stamp._make, zip(numbers[::2], numbers[1::2],
                                                         strict=True)), strict=True))
        return stamps, {name: Path(path) for name, path in beside.items()}

    def close(self) -> None:
        """End the child: a result never read is not waited for."""
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
            if self._pid:
                with contextlib.suppress(OSError):
                    os.kill(self._pid, signal.SIGKILL)
        self._wait()

    def _wait(self) -> bool:
        if self._pid == 0:
            return False
        pid, self._pid = self._pid, 0
        try:
            return os.waitpid(pid, 0)[1] == 0
        except ChildProcessError:
            return False

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def scan_ahead(root: Path) -> Ahead:
    """Start scanning the articles of the site at `root` (resolved) in a forked child,
    to be closed once the build ran (it is a context manager). No child where that
    cannot help: no fork (Windows), or a single processor."""
    folder = root / ARTICLES
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return Ahead(folder, root)
    try:
        read, write = os.pipe()
    except OSError:
        return Ahead(folder, root)
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return Ahead(folder, root)
    if pid == 0:  # the child: scan, send, end without the parent's exit handlers
        code = 1
        try:
            os.close(read)
            beside: dict[str, Path] = {}
            stamps = scan(folder, root, beside)
            data = marshal.dumps((list(stamps), [n for s in stamps.values() for n in s],
                                  {name: str(path) for name, path in beside.items()}))
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return Ahead(folder, root, pid, read)
