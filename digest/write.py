"""Writing the output folder safely.

Files are written atomically (temp file + os.replace) and only when their bytes differ,
so unchanged pages keep their mtime and a reader never sees half a page. digest only
deletes inside a folder it made and only files its last build listed. What it knows of
the folder (that it made it, and the files it wrote) is kept beside it, in
`.digest-output-<name>.json`, so that deploying the folder deploys the site alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from digest.errors import DigestError

# Where earlier versions kept the marker and the manifest: inside the output folder.
LEGACY_MARKER = ".digest-output"
LEGACY_MANIFEST = ".digest-manifest.json"
_WRITTEN_BY = "digest: the output folder beside this file is written by digest"


def state_file(output: Path) -> Path:
    """The file beside the output folder that says digest made it and lists its files."""
    return output.parent / f".digest-output-{output.name}.json"


def _writing_marker(output: Path) -> Path:
    return output.parent / f".digest-writing-{output.name}"


_TEMP_NAME = re.compile(r"\.\d+\.tmp$")  # write_file's temporary names: `<file>.<pid>.tmp`


@contextlib.contextmanager
def writing(output: Path) -> Iterator[None]:
    """Note beside the output that a build is writing into it. A note left behind means
    the last build was killed mid-write: the temporary files it left are cleared first
    (one walk of the output, only then), so none is ever published."""
    marker = _writing_marker(output)
    if marker.exists() and output.is_dir():
        for folder, _, names in os.walk(output):
            clear_temp_files(folder, names)
    with contextlib.suppress(OSError):
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_bytes(b"")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            marker.unlink()


def clear_temp_files(folder: str | Path, names: Iterable[str] | None = None) -> None:
    """Delete the temporary files `write_file` left in `folder` (not below it): those of a
    writer stopped in the middle of a file. `names`: the folder's entries, if known."""
    try:
        listed = os.listdir(folder) if names is None else names
    except OSError:
        return
    for name in listed:
        if _TEMP_NAME.search(name):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))


def made_by_digest(output: Path) -> bool:
    return state_file(output).is_file() or (output / LEGACY_MARKER).is_file()


def has_manifest(output: Path) -> bool:
    """Whether the last build's file list describes the folder: it is recorded, and the
    folder was not emptied or deleted since (then every page is written again)."""
    if not state_file(output).is_file():
        return False
    try:
        with os.scandir(output) as listing:
            return next(listing, None) is not None
    except OSError:
        return False


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
    if out.is_dir() and not made_by_digest(output) and any(out.iterdir()):
        raise DigestError.at(
            "site.yaml", f"output folder {out} has files digest did not write",
            hint=f"empty it, or pick another `output:` folder (digest records the folders "
            f"it made in {state_file(output).name} beside them)",
        )


def prepare_output(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    legacy = output / LEGACY_MARKER
    if legacy.is_file():
        # A folder an earlier version made: its records move out of the folder.
        if not state_file(output).is_file():
            _write_state(output, _read_names(output / LEGACY_MANIFEST))
        for name in (LEGACY_MANIFEST, LEGACY_MARKER):
            with contextlib.suppress(OSError):
                (output / name).unlink()
    elif not state_file(output).is_file():
        _write_state(output, set())


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
    """The files the last build wrote (relative to the output folder)."""
    path = state_file(output)
    if not path.is_file():
        path = output / LEGACY_MANIFEST  # an earlier version's, until it is migrated
    return _read_names(path)


def _read_names(path: Path) -> set[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if isinstance(data, dict):
        data = data.get("files")
    if not isinstance(data, list):
        return set()
    if set(map(type, data)) <= {str} and _plainly_inside("\n".join(data)):
        return set(data)  # spares a test per name: 15 ms at 24,000
    return {f for f in data if isinstance(f, str) and _inside(f)}


def _plainly_inside(names: str) -> bool:
    """Whether names joined by line breaks hold nothing that `_inside` refuses, nor more
    (a ".." or ":" anywhere, a line break in a name): then every one is inside."""
    return bool(names) and not (
        names.startswith(("/", "\n")) or names.endswith("\n") or "\n/" in names
        or "\n\n" in names or "\\" in names or "\0" in names or ":" in names
        or ".." in names)


def _write_state(output: Path, files: set[str]) -> None:
    data = {"written_by": _WRITTEN_BY, "files": sorted(files)}
    path = state_file(output)
    write_file(path.parent, path.name, (json.dumps(data, indent=0) + "\n").encode())


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
        and not os.path.isabs(rel)  # a string test: Path() cost 60 us an entry at 12k
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
    if files != previous or not state_file(output).is_file():
        _write_state(output, files)
    return stale
