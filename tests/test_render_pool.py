"""Pages rendered in several processes: the parent renders too, and a worker's failure
is the build's error, never a hang."""

from __future__ import annotations

import os
from multiprocessing.context import ForkProcess
from pathlib import Path

import pytest
from test_build_support import build_site, copy_site, tree

from digest import render, render_pool


def _many_articles(site: Path, count: int = 120) -> None:
    folder = site / "content/articles/ledger"
    folder.mkdir(parents=True)
    for n in range(count):
        day = 1 + n % 28
        (folder / f"2025-08-{day:02d}-story-{n}.md").write_text(
            f"---\ntitle: Story {n} <b>\npublication: The Ledger\ndate: 2025-08-{day:02d}\n"
            f"tags: [t{n % 5}]\n---\n\nText {n} & more.\n")


def test_pages_render_in_the_parent_and_one_worker_fewer_than_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = copy_site("basic", tmp_path / "serial")
    _many_articles(serial)
    build_site(serial, jobs=1)

    parallel = copy_site("basic", tmp_path / "parallel")
    _many_articles(parallel)
    started: list[ForkProcess] = []
    start = ForkProcess.start

    def note(process: ForkProcess) -> None:
        if getattr(process, "_target", None) is render_pool._serve:
            started.append(process)
        start(process)

    rendered_by: set[int] = set()
    render_and_write = render.render_and_write

    def spy(*args: object, **kwargs: object) -> render.Outcome:
        rendered_by.add(os.getpid())
        return render_and_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ForkProcess, "start", note)
    monkeypatch.setattr(render, "render_and_write", spy)
    monkeypatch.setattr(render, "_PARALLEL_MIN", 1)
    assert build_site(parallel, jobs=3).problems == ()
    assert len(started) == 2
    assert os.getpid() in rendered_by  # the parent rendered pages of its own
    assert tree(parallel / "_site") == tree(serial / "_site")


@pytest.mark.parametrize("failure", ["exception", "exit"])
def test_a_worker_that_fails_stops_the_build_with_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    site = copy_site("basic", tmp_path)
    _many_articles(site)
    parent = os.getpid()
    render_and_write = render.render_and_write

    def broken(*args: object, **kwargs: object) -> render.Outcome:
        if os.getpid() != parent:
            if failure == "exit":
                os._exit(3)  # killed, say by the system running out of memory
            raise ValueError("a bug in digest")
        return render_and_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render_and_write", broken)
    monkeypatch.setattr(render, "_PARALLEL_MIN", 1)
    expected = "a bug in digest" if failure == "exception" else "stopped unexpectedly"
    with pytest.raises(RuntimeError, match=expected):
        build_site(site, jobs=2)
