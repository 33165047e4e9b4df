"""The watcher: event kinds, editor-save noise, debounce, and one rebuild per save."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from digest.watch import Batch, Debouncer, Seen, Watcher, WatchScope, changed_paths, is_editor_noise


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for folder in ("content/articles", "content/inbox", "templates", "_site", ".digest-cache"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "site.yaml").write_text("title: T\n")
    return tmp_path


def scope_of(site: Path) -> WatchScope:
    return WatchScope(
        folders=(site / "content", site / "templates"),
        files=(site / "site.yaml",),
        ignored=(site / "_site", site / ".digest-cache"),
    )


@pytest.mark.parametrize("name", [
    ".a.md.swp", ".a.md.swx", ".a.md.swo", "a.md~", "4913", ".#a.md", "#a.md#",
    ".goutputstream-ABC123", "a.md.tmp", "a.md___jb_tmp___", ".DS_Store",
])
def test_editor_files_are_noise(name: str) -> None:
    assert is_editor_noise(name)


@pytest.mark.parametrize("name", ["a.md", "style.css", "base.html", "site.yaml", "2025.md"])
def test_real_files_are_not_noise(name: str) -> None:
    assert not is_editor_noise(name)


def test_only_change_events_count(site: Path) -> None:
    scope, path = scope_of(site), str(site / "content/articles/a.md")
    assert changed_paths(FileOpenedEvent(path), scope) == []
    assert changed_paths(FileClosedNoWriteEvent(path), scope) == []
    for event in (FileCreatedEvent(path), FileModifiedEvent(path), FileClosedEvent(path),
                  FileDeletedEvent(path)):
        assert changed_paths(event, scope) == [Path(path)]


def test_directory_events_count_only_when_files_may_go_with_them(site: Path) -> None:
    scope, folder = scope_of(site), str(site / "content/articles/2025")
    assert changed_paths(DirCreatedEvent(folder), scope) == []
    assert changed_paths(DirModifiedEvent(folder), scope) == []
    assert changed_paths(DirDeletedEvent(folder), scope) == [Path(folder)]


def test_output_cache_and_unwatched_paths_are_ignored(site: Path) -> None:
    scope = scope_of(site)
    for path in ("_site/index.html", ".digest-cache/cache.sqlite", "README.md", "other/x.md"):
        assert changed_paths(FileModifiedEvent(str(site / path)), scope) == []
    assert changed_paths(FileModifiedEvent(str(site / "site.yaml")), scope) == [site / "site.yaml"]


def test_rename_target_counts_and_temp_source_does_not(site: Path) -> None:
    scope = scope_of(site)
    target = site / "content/articles/a.md"
    for temp in (".goutputstream-XYZ", "a.md.tmp", "a.md~", ".#a.md"):
        event = FileMovedEvent(str(target.parent / temp), str(target))
        assert changed_paths(event, scope) == [target]
    # An article renamed to a backup name (vim's backup step) is still a change of it.
    assert changed_paths(FileMovedEvent(str(target), str(target) + "~"), scope) == [target]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_one_batch_after_the_quiet_window() -> None:
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.05, max_wait=0.5, clock=clock)
    for i in range(5):
        debouncer.add([Path(f"/s/{i}.md")])
        clock.now += 0.01
        assert debouncer.take() is None
    clock.now += 0.05
    batch = debouncer.take()
    assert batch is not None and len(batch.paths) == 5 and batch.first_event == 100.0
    assert debouncer.take() is None and debouncer.wait_time() is None


def test_a_constant_stream_still_yields_batches() -> None:
    clock = FakeClock()
    debouncer = Debouncer(quiet=0.05, max_wait=0.5, clock=clock)
    batches = 0
    for _ in range(200):  # an event every 10 ms for 2 s: never quiet
        debouncer.add([Path("/s/a.md")])
        clock.now += 0.01
        batches += debouncer.take() is not None
    assert 3 <= batches <= 4


def _batches(watcher: Watcher, within: float = 0.3) -> list[Batch]:
    found: list[Batch] = []
    timer = threading.Timer(within, watcher.stop)
    timer.start()
    while (batch := watcher.next_batch()) is not None:
        found.append(batch)
    timer.cancel()
    return found


def test_atomic_save_events_give_one_batch_and_trailing_events_none(site: Path) -> None:
    target = site / "content/articles/a.md"
    temp = site / "content/articles/.a.md.tmp"
    watcher = Watcher(scope_of(site), lambda batch: None)
    temp.write_text("---\ntitle: A\n---\n")
    os.replace(temp, target)
    for event in (FileCreatedEvent(str(temp)), FileModifiedEvent(str(temp)),
                  FileClosedEvent(str(temp)), FileMovedEvent(str(temp), str(target)),
                  FileOpenedEvent(str(target)), FileClosedNoWriteEvent(str(target))):
        watcher.dispatch(event)
    first = _batches(watcher)
    assert [b.paths for b in first] == [frozenset({target})]
    # A late `closed` for content the build already saw must not rebuild again.
    watcher = Watcher(scope_of(site), lambda batch: None, seen=watcher.seen)
    watcher.dispatch(FileClosedEvent(str(target)))
    assert _batches(watcher) == []


def test_seen_tells_a_real_change_from_a_repeat(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("one")
    seen = Seen()
    assert seen.new([path]) == {path}
    seen.record([path])
    assert seen.new([path]) == set()
    path.write_text("two")  # same size, maybe the same mtime tick: the digest still differs
    assert seen.new([path]) == {path}
    path.unlink()
    assert seen.new([path]) == {path}


@pytest.mark.parametrize("style", ["atomic", "vim", "in-place"])
def test_real_editor_saves_rebuild_once(site: Path, style: str) -> None:
    target = site / "content/articles/a.md"
    target.write_text("---\ntitle: Old\n---\n")
    batches: list[Batch] = []
    watcher = Watcher(scope_of(site), batches.append)
    watcher.start()
    try:
        saw_change(batches, site / "templates/ready.html")  # watching has begun
        new = "---\ntitle: New\n---\n"
        if style == "atomic":
            temp = target.with_name(".a.md.goutputstream-1")
            temp.write_text(new)
            os.replace(temp, target)
        elif style == "vim":
            swap = target.with_name(".a.md.swp")
            swap.write_text("swap")
            probe = target.with_name("4913")
            probe.write_text("")
            probe.unlink()
            os.replace(target, str(target) + "~")
            target.write_text(new)
            os.unlink(str(target) + "~")
            swap.unlink()
        else:
            target.write_text(new)
        assert reported(batches, target, time.monotonic() + 5), "the save was not reported"
        # Events come in order: once a later change is reported, a second, wrong batch
        # for the save would have come before it, or with it.
        saw_change(batches, site / "templates/after.html")
    finally:
        watcher.stop()
    probes = {site / "templates/ready.html", site / "templates/after.html"}
    assert [b.paths - probes for b in batches if b.paths - probes] == [frozenset({target})]


def saw_change(batches: list[Batch], probe: Path, timeout: float = 10.0) -> None:
    """Write `probe` until a batch reports it (the watcher sets itself up on its own
    threads, so the first writes may go unseen)."""
    deadline = time.monotonic() + timeout
    while True:
        probe.write_text(f"{time.monotonic()}")
        if reported(batches, probe, time.monotonic() + 0.5):
            return
        assert time.monotonic() < deadline, f"no batch reported {probe.name}"


def reported(batches: list[Batch], path: Path, deadline: float) -> bool:
    """Whether a batch names `path`, waiting for one until `deadline`."""
    while not any(path in batch.paths for batch in batches):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
