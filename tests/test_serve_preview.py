"""`digest serve` builds its preview apart: the output folder holds only what `digest build`
made, before, during and after a serve session, and both stay incremental."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from test_build_support import build_site, tree

from digest.build import BuildReport, build
from digest.build_state import BuildState
from digest.cache import CACHE_DIR
from digest.config import load_config
from digest.serve import DevServer
from digest.serve_site import preview_config, watch_scope

PREVIEW = f"{CACHE_DIR}/preview/_site"
SECRET = "Secret lantern plan"
TOKEN = "kelpwhistle"  # a word only the draft holds, lowercase as the search index keeps it


def article(title: str, day: int, status: str = "published") -> str:
    return (f"---\ntitle: {title}\npublication: The Quill Courier\ndate: 2025-10-{day:02d}\n"
            f"status: {status}\n---\n\nText of the story called {title}.\n")


ARTICLES = {
    "quill/tide.md": article("Morning tide", 3),
    "quill/bells.md": article("Evening bells", 4),
    "quill/secret.md": article(SECRET, 4, "draft") + f"The {TOKEN} sounds at dawn.\n",
}


def holding(folder: Path, text: str) -> list[str]:
    """The files below `folder` whose bytes contain `text`."""
    return sorted(rel for rel, data in tree(folder).items() if text.encode() in data)


@contextmanager
def serving(root: Path, reports: list[BuildReport] | None = None) -> Iterator[DevServer]:
    """The real dev server (real builds, watcher and HTTP server) for one session."""

    def recording_build(config: Any, **options: Any) -> BuildReport:
        report = build(config, **options)
        if reports is not None:
            reports.append(report)
        return report

    BuildState.forget_all()  # a session starts as a new process does
    server = DevServer(load_config(root), port=0, out=io.StringIO(), build=recording_build)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        BuildState.forget_all()


def clean_build(root: Path, dest: Path, **options: Any) -> dict[str, bytes]:
    """What a build of `root`'s sources gives in a fresh folder."""
    shutil.copytree(root / "content", dest / "content")
    shutil.copy(root / "site.yaml", dest)
    assert build_site(dest, **options).problems == ()
    return tree(dest / "_site")


def test_a_draft_is_in_the_preview_and_nowhere_in_the_output(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(articles=ARTICLES)
    assert build_site(root).problems == ()
    built = tree(root / "_site")
    with serving(root) as server:
        pages = [rel for rel in holding(root / PREVIEW, SECRET) if rel.endswith("index.html")]
        assert pages, "the draft is not in the preview"
        response = server.app.respond("GET", "/" + pages[0].removesuffix("index.html"))
        assert response.status == 200 and SECRET in response.body.decode()
        assert holding(root / PREVIEW, TOKEN)  # its words are in the preview's search data
    assert holding(root / "_site", SECRET) == holding(root / "_site", TOKEN) == []
    assert tree(root / "_site") == built
    beside = root / ".digest-output-_site.json"  # what digest build recorded writing
    assert SECRET not in beside.read_text() and "secret" not in beside.read_text()
    # Nothing changed since the last build: the next one renders nothing.
    again = build_site(root)
    assert again.pages_written == 0 and "render" not in again.timings


def test_a_serve_session_leaves_the_output_as_built_and_both_stay_incremental(
    make_site: Callable[..., Path], tmp_path: Path,
) -> None:
    root = make_site(articles=ARTICLES)
    first = build_site(root)
    assert first.problems == ()
    built, records = tree(root / "_site"), (root / ".digest-output-_site.json").read_bytes()
    edited = root / "content/articles/quill/tide.md"
    reports: list[BuildReport] = []
    with serving(root, reports) as server:
        epoch = server.state.epoch
        edited.write_text(article("Morning tide, revised", 3))
        assert server.wait_for_epoch(epoch + 1), "no rebuild after the edit"
        assert "Morning tide, revised" in server.app.respond("GET", "/2025/10/03/").body.decode()
    assert server.watcher._thread is not None and not server.watcher._thread.is_alive()
    assert reports[-1].problems == () and reports[-1].pages_written > 0
    # The output folder and what digest records beside it: byte for byte as built.
    assert tree(root / "_site") == built
    assert (root / ".digest-output-_site.json").read_bytes() == records
    # The preview equals a clean serving build of the same sources.
    assert tree(root / PREVIEW) == clean_build(root, tmp_path / "clean-preview", serving=True,
                                               drafts=True)
    # The next build renders only what the edit changed, and equals a clean build.
    BuildState.forget_all()
    after = build_site(root)
    assert after.problems == () and 0 < after.pages_written < after.pages_total
    assert "render" in after.timings
    assert tree(root / "_site") == clean_build(root, tmp_path / "clean")
    # And the preview is still current: the next session's first build renders nothing.
    reports.clear()
    with serving(root, reports):
        pass
    assert reports[0].pages_written == 0 and "render" not in reports[0].timings


def test_a_serve_session_on_a_site_never_built_makes_no_output_folder(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(articles=ARTICLES)
    with serving(root) as server:
        assert server.app.respond("GET", "/").status == 200
        epoch = server.state.epoch
        (root / "content/articles/quill/bells.md").write_text(article("Evening bells, late", 4))
        assert server.wait_for_epoch(epoch + 1), "no rebuild after the edit"
    assert not (root / "_site").exists()
    assert not (root / ".digest-output-_site.json").exists()
    assert (root / PREVIEW / "index.html").is_file()


def test_the_watcher_ignores_the_preview_even_inside_a_watched_folder(
    make_site: Callable[..., Path],
) -> None:
    # An output under static/ puts the cache, and so the preview, in a watched folder.
    root = make_site(config="title: T\noutput: static/out\n")
    config = load_config(root)
    preview = preview_config(config).output_dir
    assert preview == root / "static/.digest-cache/preview/out"
    scope = watch_scope(config)
    for path in (preview / "index.html", preview / "static/style.css",
                 root / "static/out/index.html"):
        assert not scope.wants(path), path
    assert scope.wants(root / "static/logo.png")
