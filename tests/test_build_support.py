"""Helpers shared by the build tests: copy a fixture site, build it, read the output,
serve it to a browser."""

from __future__ import annotations

import dataclasses
import functools
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from digest.build import BuildReport, build
from digest.config import load_config

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"


def copy_site(name: str, dest: Path) -> Path:
    root = dest / name
    shutil.copytree(SITES / name, root)
    return root


def build_site(root: Path, **options: object) -> BuildReport:
    """Build as `digest build` does, or with serving=True as the dev server does: then the
    work it leaves for after the reload (the search index, the cache's records) is run
    too, as the server runs it before its next build."""
    options.setdefault("jobs", 1)
    report = build(load_config(root), **options)  # type: ignore[arg-type]
    if report.pending is not None:
        later = report.pending()
        report = dataclasses.replace(report, problems=(*report.problems, *later), pending=None)
    return report


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file below `folder` (posix relative path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)
    }


def equals_clean_build(site: Path, clean: Path, **options: object) -> bool:
    """Whether a clean build of a copy of `site`'s sources (made in `clean`) builds without
    problems and writes the same files as `site`'s own, incremental, builds did."""
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-*"))
    report = build_site(clean, **options)
    return not report.problems and tree(site / "_site") == tree(clean / "_site")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _StaticServer(ThreadingHTTPServer):
    daemon_threads = True
    # As the dev server's (digest.livereload): with the default backlog of 5, a page that
    # asks for many files at once on a busy machine has connections dropped, which the
    # browser tries again only after a second or more, and a test waiting on the page
    # times out.
    request_queue_size = 128


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on 127.0.0.1 (a free port): its URL, with a slash."""
    httpd = _StaticServer(("127.0.0.1", 0),
                          functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
