"""The Pagefind search index of the built site (offline: the bundled binary).

The index is built into a temporary folder and swapped in only when Pagefind succeeds,
so a failure is a clear problem and the previous index stays usable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from digest.errors import Problem

SUBDIR = "pagefind"


def index_site(
    output: Path, previous: set[str], changed: bool, cancel: threading.Event | None = None
) -> tuple[set[str], Problem | None]:
    """(files of the index, relative to output; a problem or None).

    Setting `cancel` stops a running Pagefind at once (the dev server's Ctrl-C).
    """
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
        result = _run(
            [binary, "--site", str(output), "--output-path", str(temp), "--keep-index-url",
             "--silent"],
            cancel or threading.Event(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(temp, ignore_errors=True)
        return old, Problem("site.yaml", f"search: Pagefind did not run: {exc}")
    if result is None:  # cancelled
        shutil.rmtree(temp, ignore_errors=True)
        return old, None
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


def _run(command: list[str], cancel: threading.Event) -> subprocess.CompletedProcess[str] | None:
    """Run Pagefind; None if `cancel` was set first (the process is then killed)."""
    with tempfile.TemporaryFile("w+") as out, subprocess.Popen(
        command, stdout=out, stderr=subprocess.STDOUT, text=True
    ) as process:
        deadline = time.monotonic() + 600
        while process.poll() is None:
            if cancel.wait(0.05):
                process.kill()
                process.wait()
                return None
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise subprocess.TimeoutExpired(command, 600)
        out.seek(0)
        return subprocess.CompletedProcess(command, process.returncode, out.read(), "")


class BackgroundIndexer:
    """Refreshes the index in a thread once builds have been quiet for `delay` seconds.

    The dev server builds without indexing (a whole-site Pagefind run takes seconds on a
    large site); this keeps search current without ever delaying a reload.
    """

    def __init__(self, output: Path, delay: float = 1.5,
                 report: Callable[[Problem | None], None] | None = None) -> None:
        self.output = output
        self.delay = delay
        self.report = report
        self._cancel = threading.Event()
        self._due: float | None = None
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name="digest-search", daemon=True)
        self._thread.start()

    def schedule(self) -> None:
        with self._cond:
            self._due = time.monotonic() + self.delay
            self._cond.notify_all()

    def stop(self) -> None:
        self._cancel.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._cancel.is_set():
            with self._cond:
                while not self._cancel.is_set() and (
                    self._due is None or time.monotonic() < self._due
                ):
                    wait = None if self._due is None else self._due - time.monotonic()
                    self._cond.wait(wait)
                if self._cancel.is_set():
                    return
                self._due = None
            _, problem = index_site(self.output, set(), True, self._cancel)
            if self.report is not None and not self._cancel.is_set():
                self.report(problem)
