"""Writing the output folder safely.

Files are written atomically (temp file + os.replace) and only when their bytes differ,
so unchanged pages keep their mtime and a reader never sees half a page. digest only
deletes inside a folder it made (marked by `.digest-output`) and only files its last
build listed in the manifest.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from digest.errors import DigestError

MARKER = ".digest-output"
MANIFEST = ".digest-manifest.json"
_MARKER_TEXT = "This folder is written by digest: files in it may be replaced or removed.\n"


def check_output(root: Path, output: Path, theme_folders: Iterable[Path] = ()) -> None:
    """Refuse an output folder whose cleaning could destroy something else."""
    out = output.resolve()
    site = root.resolve()
    home = Path.home().resolve()
    if out == Path(out.anchor) or out in (home, site):
        raise DigestError.at("site.yaml", f"output cannot be {out}",
                             hint="use a folder of its own, such as `output: _site`")
    if site.is_relative_to(out) or home.is_relative_to(out):
        raise DigestError.at("site.yaml", f"output {out} contains the site or your home folder")
    protected = [(site / "content").resolve(), *(f.resolve() for f in theme_folders)]
    for folder in protected:
        if out.is_relative_to(folder) or folder.is_relative_to(out):
            raise DigestError.at("site.yaml", f"output {out} overlaps {folder}",
                                 hint="content and themes are never build output")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise DigestError.at(
            "site.yaml", f"output folder {out} has files digest did not write",
            hint="empty it, or pick another `output:` folder",
        )


def prepare_output(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    marker = output / MARKER
    if not marker.is_file():
        marker.write_text(_MARKER_TEXT, encoding="utf-8")


_MADE: set[str] = set()  # folders known to exist, so each is created once per process


def write_file(output: Path, rel: str, data: bytes, *, fresh: bool = False) -> bool:
    """Write `data` to `output/rel` unless it is already there; True when written.

    `fresh`: the caller knows the last build did not write this file (it is not in the
    manifest), so it is written without first reading what may be there.
    Plain os calls on strings: this runs once per page, and pathlib's overhead showed up
    in profiles of 10,000-page builds.
    """
    path = os.path.join(output, rel)
    if not fresh:
        try:
            if os.stat(path).st_size == len(data):
                with open(path, "rb") as handle:
                    if handle.read() == data:
                        return False
        except (FileNotFoundError, NotADirectoryError):
            fresh = True
    if fresh:
        folder = os.path.dirname(path)
        if folder not in _MADE:
            _make_folder(folder)
            _MADE.add(folder)
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        _put(temp, data)
        os.replace(temp, path)
    except FileNotFoundError:
        # The folder went away since we noted it (an output folder deleted between builds).
        _MADE.clear()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _put(temp, data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return True


def _put(path: str, data: bytes) -> None:
    # One open/write/close, without a buffered file object around them.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_EXTRA, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


_O_EXTRA = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _make_folder(folder: str) -> None:
    # Its parent usually exists (made for an earlier page): one mkdir, where
    # os.makedirs would first stat the parent.
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def read_manifest(output: Path) -> set[str]:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(data, list):
        return set()
    return {f for f in data if isinstance(f, str) and _inside(f)}


def _inside(rel: str) -> bool:
    """A manifest entry names a file inside the output: never absolute, never `..`.

    The manifest is a file anyone can edit, and pruning deletes what it names.
    """
    return (
        bool(rel)
        and not rel.startswith("/")
        and "\\" not in rel
        and "\0" not in rel
        and ".." not in rel.split("/")
        and not Path(rel).is_absolute()
    )


def finish_output(output: Path, files: set[str], previous: set[str]) -> list[str]:
    """Delete what the last build wrote and this one did not; record this build's files."""
    stale = sorted(previous - files)
    for rel in stale:
        with contextlib.suppress(OSError):
            (output / rel).unlink()
    for folder in sorted({str(Path(rel).parent) for rel in stale}, key=len, reverse=True):
        path = output / folder
        while path != output and path.is_relative_to(output):
            try:
                path.rmdir()  # only succeeds when empty
            except OSError:
                break
            path = path.parent
    if files != previous or not (output / MANIFEST).is_file():
        write_file(output, MANIFEST, (json.dumps(sorted(files), indent=0) + "\n").encode())
    return stale
