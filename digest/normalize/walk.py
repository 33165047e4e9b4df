"""Which files normalize reads: every file under the inbox (or the paths given), hidden
names skipped, each keyed on its path relative to content/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from digest.errors import Problem, display_path

if TYPE_CHECKING:
    from digest.config import SiteConfig


def dump_files(
    config: SiteConfig, paths: list[Path] | None, problems: list[Problem]
) -> Iterator[tuple[str, str]]:
    """(file, key) of every dump to consider; the key is its path relative to content/."""
    content = config.content_dir
    content_real = os.path.realpath(content)
    roots = paths if paths is not None else [config.inbox_dir]
    for root in roots:
        if root.is_dir():
            # One realpath per folder, not per file: a re-run over a big inbox does
            # little else than this walk, reading each dump and hashing it.
            real = os.path.realpath(root)
            for parts, is_link in sorted(_walk(str(root), ())):
                file = os.path.join(root, *parts)
                if is_link:
                    yield file, display_path(Path(file), content)
                else:
                    yield file, _key(os.path.join(real, *parts), content_real, file)
        elif root.is_file():
            yield str(root), display_path(root, content)
        elif paths is not None:
            problems.append(Problem(str(root), "no such file or folder"))


def _walk(folder: str, parts: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], bool]]:
    """Files under `folder` as (relative parts, is a symlink); hidden names skipped.

    Symlinked folders are not entered (as `Path.rglob`); symlinked files are kept.
    """
    try:
        with os.scandir(folder) as entries:
            found = list(entries)
    except (PermissionError, NotADirectoryError, FileNotFoundError):
        return
    for entry in found:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path, (*parts, entry.name))
            elif entry.is_file():
                yield (*parts, entry.name), entry.is_symlink()
        except OSError:
            continue


def _key(real: str, content_real: str, file: str) -> str:
    """As `display_path`, for a file whose real path is already known."""
    if real.startswith(content_real + os.sep):
        return real[len(content_real) + 1:].replace(os.sep, "/")
    return file
