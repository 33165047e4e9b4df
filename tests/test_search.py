"""The search index: its terms, its files, and that an edit rewrites only its own chunk."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_build_support import build_site, copy_site, tree

from digest import search
from digest.search import bucket_of, terms_of

DATA = "_site/search/data"
PREVIEW = ".digest-cache/preview"  # what the dev server builds: its _site/, and its cache


def test_terms_are_lowercased_unaccented_words() -> None:
    assert terms_of("Café au LAIT — l’été, 2025!") == ["cafe", "au", "lait", "l", "ete", "2025"]
    assert terms_of("snake_case and C++") == ["snake", "case", "and", "c"]
    assert terms_of("Straße İstanbul") == ["straße", "istanbul"]
    assert terms_of("Москва́ 東京") == ["москва", "東京"]
    assert terms_of("ℌ𝐀𝐁𝐂") == ["habc"]


def test_a_terms_bucket_depends_on_its_first_two_characters() -> None:
    assert bucket_of("ab") == (97 * 31 + 98) % 64 == 33
    assert bucket_of("abacus") == bucket_of("ab")
    assert bucket_of("a") == (97 * 31) % 64


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = copy_site("basic", tmp_path)
    config = root / "site.yaml"
    config.write_text(config.read_text().replace("search: false", "search: true"))
    return root


def load(site: Path, rel: str) -> object:
    return json.loads((site / DATA / rel).read_text("utf-8"))


def find(site: Path, word: str) -> list[tuple[str, int]]:
    """(title, weight) of every document indexed under `word`."""
    meta = load(site, "meta.json")
    assert isinstance(meta, dict)
    found = []
    for chunk in range(meta["chunks"]):
        docs = load(site, f"{chunk}/docs.json")
        postings = load(site, f"{chunk}/{bucket_of(word)}.json")
        assert isinstance(docs, list) and isinstance(postings, dict)
        pairs = postings.get(word, [])
        found += [(docs[i][1], w) for i, w in zip(pairs[::2], pairs[1::2], strict=True)]
    return sorted(found)


def test_the_index_lists_published_articles_with_their_words(site: Path) -> None:
    report = build_site(site)
    assert report.problems == () and "search" in report.timings
    meta = load(site, "meta.json")
    assert meta == {"format": 1, "chunks": 1, "buckets": 64, "documents": 8,
                    "publications": ["Monocle", "The Economist", "The Guardian"]}
    docs = load(site, "0/docs.json")
    assert isinstance(docs, list)
    assert docs[1] == ["monocle/2025-09-issue/", "The September issue", "Monocle", "2025-09",
                       docs[1][4]]
    # Oldest first; a month's issue after the days of its month.
    assert [d[3] for d in docs] == ["2025-09-30", "2025-09", "2025-10-01", "2025-10-01",
                                    "2025-10-01", "2025-10-02", "2025-10-02", "2025-10"]
    assert "Unfinished draft story" not in {d[1] for d in docs}
    assert len(list((site / DATA / "0").iterdir())) == 1 + 64
    # A word weighs 10 in a title, 3 in a tag, 1 in the body.
    assert find(site, "chip") == [("The chip war widens", 10)]
    assert find(site, "technology") == [("The chip war widens", 3)]
    assert find(site, "export") == [("The chip war widens", 1)]


def test_drafts_are_indexed_only_with_drafts(site: Path) -> None:
    build_site(site, drafts=True)
    assert "Unfinished draft story" in {d[1] for d in load(site, "0/docs.json")}  # type: ignore[union-attr]
    build_site(site)
    assert "Unfinished draft story" not in {d[1] for d in load(site, "0/docs.json")}  # type: ignore[union-attr]


def test_markup_in_articles_is_indexed_as_text(site: Path) -> None:
    path = site / "content/articles/economist/2025-10-02-chips.md"
    path.write_text(path.read_text().replace(
        "title: The chip war widens", "title: \"<script>alert(1)</script> &amp; chips\"")
        + "\nA **bold** claim &amp; more.\n")
    build_site(site)
    docs = load(site, "0/docs.json")
    assert isinstance(docs, list)
    assert "<script>alert(1)</script> &amp; chips" in {d[1] for d in docs}
    assert find(site, "bold") and find(site, "claim")
    # What a reader sees is indexed, not the markup around it: "amp" is in the title's
    # text, while the body's &amp; is an ampersand.
    assert not find(site, "strong")
    assert find(site, "amp") == [("<script>alert(1)</script> &amp; chips", 10)]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "CHUNK", 3)


def files_of(site: Path, chunk: int) -> set[str]:
    return {f"/search/data/{chunk}/docs.json"} | {
        f"/search/data/{chunk}/{b}.json" for b in range(64)}


def written_index(changed: frozenset[str]) -> set[str]:
    return {url for url in changed if url.startswith("/search/data/")}


def test_a_body_edit_rewrites_only_its_chunk(site: Path, small_chunks: None) -> None:
    build_site(site)
    assert load(site, "meta.json")["chunks"] == 3  # type: ignore[index]
    path = site / "content/articles/economist/2025-09-30-ports.md"  # chunk 0
    path.write_text(path.read_text() + "\nCormorants nest on the cranes.\n")
    report = build_site(site)
    assert "replan" in report.timings and "plan" not in report.timings  # the incremental path
    assert written_index(report.changed_urls) <= files_of(site, 0)
    assert find(site, "cormorants") == [("Ports get busier", 1)]
    assert tree(site / DATA) == clean_index(site)


def test_a_new_article_rewrites_the_last_chunk_only(site: Path, small_chunks: None) -> None:
    build_site(site)
    new = site / "content/articles/guardian/2025-10-03-late.md"
    new.write_text("---\ntitle: A late story\npublication: The Guardian\ndate: 2025-10-03\n"
                   "---\n\nWritten last.\n")
    report = build_site(site)
    assert written_index(report.changed_urls) <= files_of(site, 2) | {"/search/data/meta.json"}
    assert find(site, "late") == [("A late story", 10)]
    assert tree(site / DATA) == clean_index(site)


def test_a_damaged_cache_still_gives_the_right_index(site: Path, small_chunks: None) -> None:
    build_site(site)
    from test_build_incremental import _new_process

    _new_process()
    with sqlite3.connect(site / ".digest-cache/cache.sqlite") as db:
        db.execute("UPDATE blobs SET value = x'00' WHERE key LIKE 'search%'")
    path = site / "content/articles/economist/2025-09-30-ports.md"
    path.write_text(path.read_text() + "\nHerons too.\n")
    report = build_site(site)
    assert report.problems == ()
    assert find(site, "herons") == [("Ports get busier", 1)]
    assert tree(site / DATA) == clean_index(site)


def clean_index(site: Path, drafts: bool = False) -> dict[str, bytes]:
    """The index a build from scratch writes for the site's current sources."""
    import shutil

    clean = site.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("_site", ".digest-cache"))
    build_site(clean, drafts=drafts)
    return tree(clean / DATA)


def test_the_dev_server_updates_the_index_right_after_the_reload(site: Path) -> None:
    import io
    import time

    from digest.config import load_config
    from digest.serve import DevServer
    from digest.watch import Batch

    log = io.StringIO()
    server = DevServer(load_config(site), out=log)
    server.rebuild(Batch(frozenset(), time.monotonic()))  # the first build, whole
    preview = site / PREVIEW
    epochs: list[int] = []
    real_finish = server.state.finish_build

    def finish(*args: object) -> int:
        # What the reload announces: the page is new, the index not yet.
        epochs.append(real_finish(*args))  # type: ignore[arg-type]
        assert not find(preview, "kingfishers")
        return epochs[-1]

    server.state.finish_build = finish  # type: ignore[method-assign]
    path = site / "content/articles/economist/2025-10-02-chips.md"
    path.write_text(path.read_text() + "\nKingfishers perch on the export cranes.\n")
    server.rebuild(Batch(frozenset({path}), time.monotonic()))
    assert epochs and "Kingfishers" in (
        preview / "_site/the-economist/2025-10-02-chips/index.html").read_text()
    assert find(preview, "kingfishers") == [("The chip war widens", 1)]
    assert tree(preview / DATA) == clean_index(site, drafts=True)
