"""The Pagefind search index of the built site (offline: the bundled binary).

The index is built into a temporary folder and swapped in only when Pagefind succeeds,
so a failure is a clear problem and the previous index stays usable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from digest.errors import Problem

SUBDIR = "pagefind"


def index_site(output: Path, previous: set[str], changed: bool) -> tuple[set[str], Problem | None]:
    """(files of the index, relative to output; a problem or None)."""
    old = {f for f in previous if f.startswith(SUBDIR + "/")}
    # Work folders live inside the output, so the final rename never crosses file
    # systems; ones left by a killed build are removed first.
    for stale in output.glob(".pagefind-*"):
        shutil.rmtree(stale, ignore_errors=True)
    if not changed and old and all((output / f).is_file() for f in old):
        return old, None
    try:
        from pagefind.service import _must_get_executable

        binary = str(_must_get_executable())
    except Exception as exc:  # any failure to find it has one remedy
        return old, Problem("site.yaml", f"search: cannot find the Pagefind binary ({exc})",
                            hint="pip install 'pagefind[bin]', or set `search: false`")
    temp = output / f".pagefind-new-{os.getpid()}"
    try:
        result = subprocess.run(
            [binary, "--site", str(output), "--output-path", str(temp), "--keep-index-url",
             "--silent"],
            capture_output=True, text=True, timeout=600, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(temp, ignore_errors=True)
        return old, Problem("site.yaml", f"search: Pagefind did not run: {exc}")
    incomplete = _incomplete(temp)
    if result.returncode != 0 or incomplete:
        shutil.rmtree(temp, ignore_errors=True)
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [incomplete]
        free = shutil.disk_usage(output).free
        if free < _LOW_SPACE:
            detail = [f"no space left on the disk ({free // 1024} KiB free)"]
        return old, Problem("site.yaml", f"search: Pagefind failed: {detail[0]}",
                            hint="the site was built without an updated search index")
    target = output / SUBDIR
    retired = output / f".pagefind-old-{os.getpid()}"
    try:
        if target.exists():
            target.rename(retired)
        temp.rename(target)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        return old, Problem(str(target), f"search: cannot install the index: {exc.strerror}")
    shutil.rmtree(retired, ignore_errors=True)
    files = {
        (Path(dirpath) / name).relative_to(output).as_posix()
        for dirpath, _, names in os.walk(target) for name in names
    }
    return files, None


_LOW_SPACE = 1024 * 1024  # below this, a failed index is put down to the full disk
_REQUIRED = ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json")


def _incomplete(index: Path) -> str:
    """Why a fresh index cannot be used ('' when it can).

    Pagefind exits 0 even when its writes fail (a full disk leaves empty files), so
    the index is checked: the files the search page loads exist, and none is empty.
    """
    if not index.is_dir():
        return "no index written"
    missing = [name for name in _REQUIRED if not (index / name).is_file()]
    if missing:
        return f"index incomplete: {missing[0]} missing"
    for dirpath, _, names in os.walk(index):
        for name in names:
            if os.path.getsize(os.path.join(dirpath, name)) == 0:
                return f"index incomplete: {name} is empty"
    return ""
