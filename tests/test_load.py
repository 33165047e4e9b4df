"""Finding article files: the full scan, the same scan run ahead in a forked child, and
the dev server's update of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from digest.scan import ARTICLES, Ahead, rescan, scan, scan_ahead


@pytest.fixture
def site(tmp_path: Path) -> Path:
    articles = tmp_path / "content/articles"
    for name in ("a/one.md", "a/two.md", "b/three.md", "b/notes.txt"):
        (articles / name).parent.mkdir(parents=True, exist_ok=True)
        (articles / name).write_text(f"---\ntitle: {name}\n---\n")
    return tmp_path


def _both(site: Path, before: dict, changed: list[Path]) -> tuple[dict | None, dict]:
    folder = site / "content/articles"
    return rescan(before, changed, folder, site), dict(scan(folder, site))


def test_rescan_follows_edits_additions_and_deletions(site: Path) -> None:
    folder = site / "content/articles"
    before = dict(scan(folder, site))
    (folder / "a/one.md").write_text("---\ntitle: longer than before\n---\n")
    (folder / "b/four.md").write_text("---\ntitle: new\n---\n")
    (folder / "a/two.md").unlink()
    (folder / ".hidden.md").write_text("x")
    changed = [folder / "a/one.md", folder / "b/four.md", folder / "a/two.md",
               folder / ".hidden.md", folder / "b/notes.txt", site / "site.yaml"]
    updated, scanned = _both(site, before, changed)
    assert updated == scanned
    assert "content/articles/b/four.md" in scanned and "content/articles/a/two.md" not in scanned


def test_rescan_reports_non_files_as_scan_does(site: Path) -> None:
    folder = site / "content/articles"
    before = dict(scan(folder, site))
    os.mkfifo(folder / "a/pipe.md")
    updated, scanned = _both(site, before, [folder / "a/pipe.md"])
    assert updated == scanned


def test_rescan_defers_to_a_scan_when_folders_move(site: Path) -> None:
    folder = site / "content/articles"
    before = dict(scan(folder, site))
    (folder / "b").rename(folder / "c")
    assert rescan(before, [folder / "b", folder / "c"], folder, site) is None
    (folder / "c").rename(site / "elsewhere")
    assert rescan(before, [folder / "c"], folder, site) is None


def _ahead(site: Path) -> Ahead:
    """`scan_ahead`, with a child even on a machine of one processor (where the build
    scans for itself)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "cpu_count", lambda: 2)
        ahead = scan_ahead(site)
    assert ahead.child
    return ahead


def _no_child(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_scan_ahead_gives_what_a_scan_gives(site: Path) -> None:
    folder = site / ARTICLES
    (folder / "b/deeper/images").mkdir(parents=True)
    (folder / "b/deeper/images/map.png").write_bytes(b"png")
    (folder / "b/deeper/five.md").write_text("---\ntitle: five\n---\n")
    (folder / ".hidden.md").write_text("---\ntitle: hidden\n---\n")
    os.mkfifo(folder / "a/pipe.md")
    os.utime(folder / "a/one.md", ns=(1, 1_700_000_000_123_456_789))
    beside: dict[str, Path] = {}
    expected = scan(folder, site, beside)
    with _ahead(site) as ahead:
        got = ahead.result(folder, site)
        assert got == (expected, beside)
        assert list(got[0]) == list(expected)  # the order too: the stamps' key depends on it
        assert got[0]["content/articles/a/one.md"].mtime_ns == 1_700_000_000_123_456_789
        assert ahead.result(folder, site) is None  # read once
        assert _no_child(ahead.child)


def test_a_scan_ahead_of_another_folder_or_never_read_leaves_no_child(site: Path) -> None:
    with _ahead(site) as ahead:
        pid = ahead.child
        assert ahead.result(site / "content/elsewhere", site) is None
    assert _no_child(pid)
    with _ahead(site) as ahead:
        pid = ahead.child
    assert _no_child(pid)


_NAMES = st.text(st.sampled_from("ab.- é東\udcff"), min_size=1, max_size=6).filter(
    lambda n: n not in (".", ".."))
_FOLDERS = st.lists(st.one_of(_NAMES, _NAMES.map(lambda n: n + ".md")), max_size=2)
_TREES = st.lists(st.tuples(_FOLDERS, _NAMES,
                            st.sampled_from([".md", ".png", ""]), st.booleans()),
                  max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=_TREES)
@example(tree=[([], "p", ".png", True), ([], "p", ".png", False)])  # a FIFO, then its name
def test_the_scan_ahead_of_any_tree_is_the_scan(tmp_path_factory: pytest.TempPathFactory,
                                                tree: list[tuple[list[str], str, str, bool]]
                                                ) -> None:
    """Hidden names, names that are not UTF-8, folders named like articles, files beside
    articles, FIFOs: the child's stamps and files beside are the scan's, in its order."""
    site = tmp_path_factory.mktemp("site")
    folder = site / ARTICLES
    folder.mkdir(parents=True)
    for parts, name, suffix, fifo in tree:
        path = folder.joinpath(*parts, name + suffix)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if fifo:
                os.mkfifo(path)
            else:
                with path.open("xb") as file:  # never opens a FIFO made before: it would block
                    file.write(name.encode("utf-8", "surrogateescape"))
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue  # the tree named a path twice, or a file and a folder alike
    beside: dict[str, Path] = {}
    expected = scan(folder, site, beside)
    with _ahead(site) as ahead:
        got = ahead.result(folder, site)
    assert got is not None
    assert list(got[0].items()) == list(expected.items())
    assert got[1] == beside


def test_a_placement_row_gives_back_every_field_of_the_placement() -> None:
    from digest.model import PartialDate
    from digest.placement import Placement, placement_row, placements_of

    wheres = [
        Placement("content/articles/a.md", "a", PartialDate(2025, 10, 1), "The Times",
                  ("Économie", "trade"), "held", True, -3, ("files/a.png",)),
        Placement("content/articles/b.md", "b", PartialDate(2025, 10), None, (), "published",
                  False, None, ()),
        Placement("content/articles/c.md", "c", None, "Monocle", ("x",), "draft", False, 7,
                  ()),
    ]
    langs = ["fr", None, "en"]
    rows = [(w.source, placement_row(w, lang)) for w, lang in zip(wheres, langs, strict=True)]
    assert placements_of(rows) == {w.source: (w, lang)
                                   for w, lang in zip(wheres, langs, strict=True)}
    assert placements_of([("content/articles/d.md", b"\x00")]) is None
