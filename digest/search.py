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
    if not changed and old and all((output / f).is_file() for f in old):
        return old, None
    try:
        from pagefind.service import _must_get_executable

        binary = str(_must_get_executable())
    except Exception as exc:  # any failure to find it has one remedy
        return old, Problem("site.yaml", f"search: cannot find the Pagefind binary ({exc})",
                            hint="pip install 'pagefind[bin]', or set `search: false`")
    temp = output.parent / f".{output.name}.pagefind-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    try:
        result = subprocess.run(
            [binary, "--site", str(output), "--output-path", str(temp), "--keep-index-url",
             "--silent"],
            capture_output=True, text=True, timeout=600, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(temp, ignore_errors=True)
        return old, Problem("site.yaml", f"search: Pagefind did not run: {exc}")
    if result.returncode != 0 or not temp.is_dir():
        shutil.rmtree(temp, ignore_errors=True)
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        return old, Problem("site.yaml", f"search: Pagefind failed: {detail[0]}",
                            hint="the site was built without an updated search index")
    target = output / SUBDIR
    retired = output.parent / f".{output.name}.pagefind-old-{os.getpid()}"
    if target.exists():
        target.rename(retired)
    temp.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    files = {
        (Path(dirpath) / name).relative_to(output).as_posix()
        for dirpath, _, names in os.walk(target) for name in names
    }
    return files, None
