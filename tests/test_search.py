"""The search index: its terms, its files, and that an edit rewrites only its own chunk."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_build_support import build_site, copy_site, tree

from digest import search, search_write
from digest.collect import Entry
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


def test_a_postings_weight_is_its_bm25f_term_frequency_times_ten() -> None:
    """search.js takes these numbers as they are: a field's occurrences times its weight
    (title 6, body 1), divided by 1 - b + b * its length / the chunk's average length (b:
    0.4 for titles, 0.75 for bodies), summed over the fields, times 10, rounded."""
    from digest.search_chunk import Analysis, encode, file_names

    def analysis(title: dict[str, int], body: dict[str, int]) -> Analysis:
        lengths = (sum(title.values()), 0, 0, 0, sum(body.values()))
        return Analysis("en", (title, {}, {}, {}, body), lengths, {}, ("", "", ""))

    def postings(files: dict[str, bytes], *terms: str) -> dict[str, list[int]]:
        import gzip

        return {t: json.loads(gzip.decompress(files[f"{bucket_of(t)}.gz"]))["t"][t]
                for t in terms}

    first = analysis({"alpha": 1}, {"alpha": 1, "beta": 2})
    two = encode([["a"], ["b"]], [first, analysis({"gamma": 1, "delta": 1}, {"beta": 1})])[0]
    # alpha: 6 / (0.6 + 0.4 * 1 / 1.5) + 1 / (0.25 + 0.75 * 3 / 2) = 7.65
    assert postings(two, "alpha", "beta", "gamma") == {
        "alpha": [0, 77], "beta": [0, 15, 1, 16], "gamma": [1, 53]}
    one = encode([["a"]], [first])[0]  # alone: each field as long as the chunk's average
    assert postings(one, "alpha", "beta") == {"alpha": [0, 70], "beta": [0, 20]}
    # A text file per 16 articles.
    assert file_names(16)[-2:] == ["63.gz", "t0.gz"]
    assert file_names(17)[-2:] == ["t0.gz", "t1.gz"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = copy_site("basic", tmp_path)
    config = root / "site.yaml"
    config.write_text(config.read_text().replace("search: false", "search: true"))
    return root


def load(site: Path, rel: str) -> object:
    import gzip

    if rel == "meta.json":
        return json.loads((site / DATA / rel).read_bytes())
    return json.loads(gzip.decompress((site / DATA / rel.replace(".json", ".gz")).read_bytes()))


def find(site: Path, word: str) -> list[tuple[str, int]]:
    """(title, weight) of every document indexed under `word`."""
    meta = load(site, "meta.json")
    assert isinstance(meta, dict)
    found = []
    for chunk in range(meta["chunks"]):
        if chunk in meta["base"]:  # from the base's files, as search.js reads them
            docs_of = load(site, "base/docs.json")
            terms = load(site, f"base/{bucket_of(word)}.json")
            assert isinstance(docs_of, list) and isinstance(terms, dict)
            docs = dict(zip(docs_of[::2], docs_of[1::2], strict=True))[chunk]
            lists = terms["t"].get(word, [])
            pairs = dict(zip(lists[::2], lists[1::2], strict=True)).get(chunk, [])
        else:
            docs = load(site, f"{chunk}/docs.json")
            postings = load(site, f"{chunk}/{bucket_of(word)}.json")
            assert isinstance(postings, dict)
            pairs = postings["t"].get(word, [])
        assert isinstance(docs, list)
        found += [(docs[i][1], w) for i, w in zip(pairs[::2], pairs[1::2], strict=True)]
    return sorted(found)


def chunk_titles(site: Path) -> list[list[str]]:
    """The titles of each chunk's documents, as search.js reads them."""
    meta = load(site, "meta.json")
    assert isinstance(meta, dict)
    based = load(site, "base/docs.json") if meta["base"] else []
    assert isinstance(based, list)
    in_base = dict(zip(based[::2], based[1::2], strict=True))
    out = []
    for chunk in range(meta["chunks"]):
        docs = in_base[chunk] if chunk in meta["base"] else load(site, f"{chunk}/docs.json")
        assert isinstance(docs, list)
        out.append([doc[1] for doc in docs])
    return out


def titles(site: Path, word: str) -> list[str]:
    return [title for title, _ in find(site, word)]


def weight(site: Path, word: str) -> int:
    (found,) = find(site, word)
    return found[1]


def test_the_index_lists_published_articles_with_their_words(site: Path) -> None:
    report = build_site(site)
    assert report.problems == () and "search" in report.timings
    meta = load(site, "meta.json")
    assert isinstance(meta, dict) and meta.pop("stop_words")["en"][:3] == ["a", "an", "and"]
    assert meta == {"format": 3, "chunks": 1, "buckets": 64, "documents": 8, "text_group": 16,
                    "publications": ["Monocle", "The Economist", "The Guardian"],
                    "tags": ["design", "economy", "europe", "politics", "technology", "transport"],
                    "languages": ["en", "en-gb"], "months": ["2025-09", "2025-10"],
                    "stemmers": {"en": "english"}, "base": []}
    docs = load(site, "0/docs.json")
    assert isinstance(docs, list)
    assert docs[1] == ["monocle/2025-09-issue/", "The September issue", "Monocle", "2025-09",
                       "en", []]
    # Oldest first; a month's issue after the days of its month.
    assert [d[3] for d in docs] == ["2025-09-30", "2025-09", "2025-10-01", "2025-10-01",
                                    "2025-10-01", "2025-10-02", "2025-10-02", "2025-10"]
    assert "Unfinished draft story" not in {d[1] for d in docs}
    assert len(list((site / DATA / "0").iterdir())) == 1 + 64 + 1  # docs, buckets, text
    # A word weighs 10 in a title, 3 in a tag, 1 in the body.
    assert titles(site, "chip") == titles(site, "technology") == titles(site, "export") == [
        "The chip war widens"]
    assert weight(site, "chip") > weight(site, "technology") > weight(site, "export")


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
    assert titles(site, "amp") == ["<script>alert(1)</script> &amp; chips"]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "CHUNK", 3)


def files_of(site: Path, chunk: int) -> set[str]:
    return {f"/search/data/{chunk}/docs.gz", f"/search/data/{chunk}/t0.gz"} | {
        f"/search/data/{chunk}/{b}.gz" for b in range(64)}


def written_index(changed: frozenset[str]) -> set[str]:
    return {url for url in changed if url.startswith("/search/data/")}


def test_a_body_edit_rewrites_only_its_chunk(site: Path, small_chunks: None) -> None:
    build_site(site)
    assert chunk_titles(site) == [  # where the articles' sources cut (search.chunks_of)
        ["Ports get busier", "The September issue"],
        ["Energy prices fall <again>", "Belarus closes border crossings"],
        ["Central banks hold their nerve", "Rail strike called off", "The chip war widens"],
        ["The October issue"]]
    path = site / "content/articles/economist/2025-09-30-ports.md"  # chunk 0
    path.write_text(path.read_text() + "\nCormorants nest on the cranes.\n")
    report = build_site(site)
    assert "replan" in report.timings and "plan" not in report.timings  # the incremental path
    assert written_index(report.changed_urls) <= files_of(site, 0)
    assert titles(site, "cormorants") == ["Ports get busier"]
    once = weight(site, "cormorants")
    assert tree(site / DATA) == clean_index(site)
    # The cache says where the articles are after an incremental build too.
    path.write_text(path.read_text() + "\nCormorants again.\n")
    report = build_site(site)
    assert "replan" in report.timings and "plan" not in report.timings
    assert titles(site, "cormorants") == ["Ports get busier"] and weight(site, "cormorants") > once


def test_an_edit_that_changes_a_language_updates_the_filters(
    site: Path, small_chunks: None
) -> None:
    # meta.json lists the languages the search page offers and their stemmers: an
    # incremental build that changes one rewrites it, also when another article of the
    # chunk, or of a later chunk, changed only its text.
    articles = site / "content/articles"
    (articles / "guardian/2025-10-02-rail-strike.md").unlink()  # 7 articles: 3 chunks
    build_site(site)
    ports = articles / "economist/2025-09-30-ports.md"  # chunk 0, first
    ports.write_text(ports.read_text().replace("tags: [transport]", "tags: [transport]\nlang: fr"))
    for rel in ("monocle/2025-09-issue.md", "monocle/2025-10-issue.md"):  # chunks 0 and 2
        (articles / rel).write_text((articles / rel).read_text() + "\nMore.\n")
    report = build_site(site)
    assert "replan" in report.timings and "plan" not in report.timings
    assert load(site, "meta.json")["stemmers"]["fr"] == "french"  # type: ignore[index]
    assert tree(site / DATA) == clean_index(site)
    # That edit alone, to a regional language: the stemmer is the language's.
    ports.write_text(ports.read_text().replace("lang: fr", "lang: de-AT"))
    report = build_site(site)
    assert "replan" in report.timings and "plan" not in report.timings
    assert load(site, "meta.json")["stemmers"]["de"] == "german"  # type: ignore[index]
    assert tree(site / DATA) == clean_index(site)


def test_a_new_site_language_indexes_every_article_again(site: Path) -> None:
    build_site(site)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("language: en", "language: fr"))
    assert build_site(site).problems == ()
    assert load(site, "meta.json")["stemmers"] == {"en": "english", "fr": "french"}  # type: ignore[index]
    assert tree(site / DATA) == clean_index(site)


def test_a_new_article_rewrites_the_last_chunk_only(site: Path, small_chunks: None) -> None:
    build_site(site)
    new = site / "content/articles/guardian/2025-10-03-evening.md"  # does not end a chunk
    new.write_text("---\ntitle: A late story\npublication: The Guardian\ndate: 2025-10-03\n"
                   "---\n\nWritten last.\n")
    report = build_site(site)
    assert written_index(report.changed_urls) <= files_of(site, 3) | {"/search/data/meta.json"}
    assert chunk_titles(site)[3] == ["A late story", "The October issue"]
    assert titles(site, "late") == ["A late story"]
    assert tree(site / DATA) == clean_index(site)


def test_an_article_added_then_deleted_in_another_language_changes_the_filters(
    site: Path, small_chunks: None
) -> None:
    # A build after files were added or deleted knows the other articles only by their
    # cached placements and languages: the filters still come from every article.
    build_site(site)
    new = site / "content/articles/guardian/2025-10-03-soir.md"
    new.write_text("---\ntitle: Un soir\npublication: Le Monde\ndate: 2025-10-03\nlang: fr\n"
                   "tags: [Nuit]\n---\n\nÉcrit tard.\n")
    build_site(site)
    meta = load(site, "meta.json")
    assert isinstance(meta, dict)
    assert "fr" in meta["languages"] and meta["stemmers"]["fr"] == "french"
    assert "Le Monde" in meta["publications"] and "Nuit" in meta["tags"]
    assert tree(site / DATA) == clean_index(site)
    new.unlink()
    build_site(site)
    meta = load(site, "meta.json")
    assert isinstance(meta, dict)
    assert "fr" not in meta["languages"] and "Nuit" not in meta["tags"]
    assert tree(site / DATA) == clean_index(site)


@pytest.mark.parametrize(("name", "rewritten"), [
    ("2025-10-01-dockers", {1}),  # joins the chunk Belarus ends, after Energy
    ("2025-10-01-dock-strike", {1, 2, 3, 4}),  # ends a chunk: later ones are numbered anew
])
def test_an_article_added_between_older_ones_rewrites_its_own_chunk(
    site: Path, small_chunks: None, name: str, rewritten: set[int]
) -> None:
    # Chunks are cut where the articles' sources say, not every CHUNK articles: an
    # insertion changes its own chunk, and renumbers the later ones only when it ends one.
    build_site(site)
    (site / f"content/articles/guardian/{name}.md").write_text(
        "---\ntitle: Dockers vote\npublication: The Guardian\ndate: 2025-10-01\n---\n\nCranes.\n")
    report = build_site(site)
    written = {int(url.split("/")[3]) for url in written_index(report.changed_urls)
               if url != "/search/data/meta.json"}
    assert written == rewritten
    assert titles(site, "cranes") == ["Dockers vote"]
    assert tree(site / DATA) == clean_index(site)


def test_a_site_of_many_chunks_has_a_base_that_edits_leave_alone(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A query word reads one file of the base instead of one file from every chunk; an
    # edit rewrites its own chunk (which leaves the base) and meta.json, never the base.
    monkeypatch.setattr(search, "CHUNK", 1)
    monkeypatch.setattr(search, "OVERLAY", 2)
    build_site(site)
    assert load(site, "meta.json")["base"] == list(range(8))  # type: ignore[index]
    assert load(site, f"0/{bucket_of('ports')}.json") == {"t": {}, "s": {}}
    assert load(site, "0/docs.json") == []
    assert titles(site, "chip") == ["The chip war widens"]
    based = load(site, "base/docs.json")
    assert isinstance(based, list)
    chunk_of = {rows[0][1]: number for number, rows in zip(based[::2], based[1::2], strict=True)}
    articles = site / "content/articles"
    outside: set[int] = set()
    for rel, title in (
            ("economist/2025-09-30-ports.md", "Ports get busier"),
            ("monocle/2025-09-issue.md", "The September issue"),
            ("guardian/2025-10-01-belarus-border.md", "Belarus closes border crossings")):
        (articles / rel).write_text((articles / rel).read_text() + "\nCormorants.\n")
        report = build_site(site)
        assert "replan" in report.timings and "plan" not in report.timings
        assert written_index(report.changed_urls) <= files_of(site, chunk_of[title]) | {
            "/search/data/meta.json"}
        outside.add(chunk_of[title])
        assert load(site, "meta.json")["base"] == sorted(set(range(8)) - outside)  # type: ignore[index]
    assert titles(site, "cormorants") == [
        "Belarus closes border crossings", "Ports get busier", "The September issue"]
    assert titles(site, "chip") == ["The chip war widens"]
    # A complete build with more than OVERLAY chunks outside the base writes it again.
    (articles / "guardian/2025-10-03-late.md").write_text(
        "---\ntitle: A late story\npublication: The Guardian\ndate: 2025-10-03\n---\n\nLast.\n")
    build_site(site)
    assert load(site, "meta.json")["base"] == list(range(9))  # type: ignore[index]
    assert tree(site / DATA) == clean_index(site)
    # The oldest story deleted: every chunk holds another story, the base is written again.
    (articles / "economist/2025-09-30-ports.md").unlink()
    build_site(site)
    assert load(site, "meta.json")["base"] == list(range(8))  # type: ignore[index]
    assert titles(site, "cormorants") == ["Belarus closes border crossings", "The September issue"]
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
    assert titles(site, "herons") == ["Ports get busier"]
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
    assert titles(preview, "kingfishers") == ["The chip war widens"]
    assert tree(preview / DATA) == clean_index(site, drafts=True)


def test_documents_hold_titles_excerpts_and_publications_as_written(site: Path) -> None:
    """docs.json and meta.json carry the text a reader sees, markup and all, as JSON
    strings: search.js puts them in the page as text. Compact UTF-8, no \\u escapes."""
    config = site / "site.yaml"
    config.write_text(config.read_text() + "permalinks:\n  article: /X{publication}/{slug}/\n")
    monocle = site / "content/articles/monocle"
    (monocle / "2025-10-issue.md").unlink()  # the same address as September's
    (site / "content/articles/economist/2025-10-02-chips.md").write_text(
        "---\ntitle: 'Café <b>&amp;</b> \"quoted\"'\npublication: \"Le <i>Monde</i> & Cie\"\n"
        "kicker: <Kicker> &\nstandfirst: Stand \"first\"\nnote: A <note>\n"
        "tags: [quoted, été]\n---\n\nAn <em>emphatic</em> &lt;tag&gt; & more: été, quoted.\n")
    ports = site / "content/articles/economist/2025-09-30-ports.md"
    ports.write_text(ports.read_text().replace("publication: The Economist\n", ""))
    build_site(site)
    import gzip

    raw = gzip.decompress((site / DATA / "0/docs.gz").read_bytes())
    docs = json.loads(raw)
    row = ["Xle-i-monde-i-cie/chips/", 'Café <b>&amp;</b> "quoted"', "Le <i>Monde</i> & Cie",
           "", "en", ["quoted", "été"]]  # undated: no date
    assert row in docs
    assert json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() in raw
    assert [d[2] for d in docs if d[1] == "Ports get busier"] == [""]  # no publication
    # The text a passage is cut from: what the reader sees of the body.
    texts = json.loads(gzip.decompress((site / DATA / "0/t0.gz").read_bytes()))
    assert texts[docs.index(row)] == ['<Kicker> & Stand "first"', "A <note>",
                                      "An <em>emphatic</em> <tag> & more: été, quoted."]
    assert [t for d, t in zip(docs, texts, strict=True) if d[1] == "Ports get busier"] == [
        ["", "", "Container volumes rose."]]  # no kicker, standfirst or note
    meta = (site / DATA / "meta.json").read_bytes()
    assert b'"publications":["Le <i>Monde</i> & Cie","Monocle",' in meta
    assert '"été"'.encode() in meta  # a tag, as UTF-8
    # A stem lists the words that have it.
    stems = json.loads(gzip.decompress((site / DATA / f"0/{bucket_of('port')}.gz").read_bytes()))
    assert stems["s"]["port"] == ["ports"]
    # In the title, as a tag and in the body: it weighs more than in the body alone.
    assert titles(site, "quoted") == ['Café <b>&amp;</b> "quoted"']
    assert weight(site, "quoted") > weight(site, "emphatic")


def test_the_index_files_follow_the_articles(site: Path, small_chunks: None) -> None:
    articles = site / "content/articles"
    for rel, words in (("economist/2025-09-30-ports.md", "Herons, herons."),
                       ("monocle/2025-09-issue.md", "Herons.")):  # both in chunk 0
        (articles / rel).write_text((articles / rel).read_text() + f"\n{words}\n")
    report = build_site(site)
    index = {"/search/data/meta.json"}.union(*(files_of(site, k) for k in range(4)))
    assert written_index(report.changed_urls) == index
    # A complete build puts back a file that went missing from a chunk whose articles
    # did not change.
    (site / DATA / "0/docs.gz").unlink()
    (articles / "guardian/2025-10-03-late.md").write_text(
        "---\ntitle: A late story\npublication: The Guardian\ndate: 2025-10-03\n---\n\nLast.\n")
    build_site(site)
    assert tree(site / DATA) == clean_index(site)
    # An article older than all others moves every chunk's articles: those reused from the
    # cache keep their weights.
    (articles / "guardian/2025-09-01-early.md").write_text(
        "---\ntitle: An early story\npublication: The Guardian\ndate: 2025-09-01\n---\n\nFirst.\n")
    build_site(site)
    assert titles(site, "herons") == ["Ports get busier", "The September issue"]
    assert tree(site / DATA) == clean_index(site)
    # Fewer articles, fewer chunks: the last chunk's files go.
    for name in ("2025-09-01-early", "2025-10-03-late", "2025-10-01-energy-prices",
                 "2025-10-01-belarus-border"):
        (articles / f"guardian/{name}.md").unlink()
    report = build_site(site)
    assert report.problems == () and chunk_titles(site) == [
        ["Ports get busier", "The September issue"],
        ["Central banks hold their nerve", "Rail strike called off", "The chip war widens"],
        ["The October issue"]]
    assert not (site / DATA / "3").exists()
    assert tree(site / DATA) == clean_index(site)


def test_an_index_that_cannot_be_written_is_reported_and_mended_by_the_next_build(
    site: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from digest.errors import Problem
    from digest.write import read_manifest

    build_site(site)
    before = tree(site / DATA)
    new = site / "content/articles/guardian/2025-10-03-late.md"
    new.write_text("---\ntitle: A late story\npublication: The Guardian\ndate: 2025-10-03\n"
                   "---\n\nWritten last.\n")

    def full_disk(output: Path, name: str, data: bytes) -> bool:
        raise OSError(errno.ENOSPC, "No space left on device", str(output / name))

    with monkeypatch.context() as patch:
        patch.setattr(search, "write_file", full_disk)
        patch.setattr(search_write, "write_file", full_disk)
        report = build_site(site)
    assert report.problems == (Problem(
        str(site / "_site/search/data"), "search: cannot write the index: No space left on device",
        hint="the pages were built; free some space or fix the folder, then build again"),)
    # The index of the build before stays, and stays listed among the build's files.
    assert tree(site / DATA) == before
    assert {"search/data/" + rel for rel in before} <= read_manifest(site / "_site")
    report = build_site(site)
    assert report.problems == () and titles(site, "late") == ["A late story"]
    assert tree(site / DATA) == clean_index(site)


def test_a_chunk_lost_from_the_cache_is_indexed_again(site: Path, small_chunks: None) -> None:
    build_site(site)
    from test_build_incremental import _new_process

    _new_process()
    with sqlite3.connect(site / ".digest-cache/cache.sqlite") as db:
        db.execute("DELETE FROM blobs WHERE key = 'search/0'")
    path = site / "content/articles/economist/2025-09-30-ports.md"  # chunk 0
    path.write_text(path.read_text() + "\nHerons too.\n")
    report = build_site(site)
    assert report.problems == ()
    assert titles(site, "herons") == ["Ports get busier"]
    assert tree(site / DATA) == clean_index(site)


@pytest.mark.parametrize("overlay", [6, 1])  # without a base, and with one
def test_chunks_written_by_two_processes_are_the_same(
        site: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch, overlay: int) -> None:
    monkeypatch.setattr(search, "OVERLAY", overlay)
    report = build_site(site, jobs=2)
    assert report.problems == ()
    assert bool(load(site, "meta.json")["base"]) == (overlay == 1)  # type: ignore[index]
    assert tree(site / DATA) == clean_index(site)


def test_the_dev_server_mends_an_index_whose_cache_was_lost(site: Path) -> None:
    import io
    import time

    from digest.config import load_config
    from digest.serve import DevServer
    from digest.watch import Batch

    config = site / "site.yaml"  # not English: the index is made again in the site's language
    config.write_text(config.read_text().replace("language: en", "language: fr"))
    log = io.StringIO()
    server = DevServer(load_config(site), out=log)
    server.rebuild(Batch(frozenset(), time.monotonic()))
    preview = site / PREVIEW
    with sqlite3.connect(preview / ".digest-cache/cache.sqlite") as db:
        db.execute("DELETE FROM blobs WHERE key LIKE 'search%'")
    path = site / "content/articles/economist/2025-10-02-chips.md"
    path.write_text(path.read_text() + "\nKingfishers perch on the export cranes.\n")
    start = len(log.getvalue())
    server.rebuild(Batch(frozenset({path}), time.monotonic()))
    # No problem and no traceback: one line for the rebuild.
    lines = log.getvalue()[start:].splitlines()
    assert len(lines) == 1 and lines[0].startswith("rebuilt "), lines
    assert titles(preview, "kingfishers") == ["The chip war widens"]
    assert tree(preview / DATA) == clean_index(site, drafts=True)


def test_the_bases_stems_list_the_words_of_every_chunk_it_holds(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A query word also finds the words that share its stem: the base must list, for each
    # stem, the words of all its chunks, as the chunks' own files list them without a base.
    from digest.search_chunk import BUCKETS

    def stems(root: Path) -> dict[str, list[str]]:
        meta = load(root, "meta.json")
        assert isinstance(meta, dict)
        found: dict[str, set[str]] = {}
        for name in ([f"base/{b}.json" for b in range(BUCKETS)] if meta["base"] else [
                f"{c}/{b}.json" for c in range(meta["chunks"]) for b in range(BUCKETS)]):
            bucket = load(root, name)
            assert isinstance(bucket, dict) and list(bucket) == ["t", "s"]  # as search.js reads
            for stem, words in bucket["s"].items():
                found.setdefault(stem, set()).update(words)
        return {stem: sorted(words) for stem, words in found.items()}

    monkeypatch.setattr(search, "CHUNK", 1)
    monkeypatch.setattr(search, "OVERLAY", 100)
    alone = copy_site("basic", tmp_path / "alone")
    config = alone / "site.yaml"
    config.write_text(config.read_text().replace("search: false", "search: true"))
    build_site(alone)
    monkeypatch.setattr(search, "OVERLAY", 2)
    build_site(site)
    assert load(site, "meta.json")["base"] and not load(alone, "meta.json")["base"]  # type: ignore[index]
    assert stems(site) == stems(alone)
    assert "crossings" in stems(site)["cross"]


def test_a_site_that_shrinks_below_the_base_finds_every_word_in_its_chunks(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The newest story deleted: 7 chunks, no more base; the others did not change, and now
    # answer for their words with their own files.
    monkeypatch.setattr(search, "CHUNK", 1)
    monkeypatch.setattr(search, "OVERLAY", 7)
    build_site(site)
    assert load(site, "meta.json")["base"] == list(range(8))  # type: ignore[index]
    (site / "content/articles/guardian/2025-10-02-rail-strike.md").unlink()
    build_site(site)
    assert load(site, "meta.json")["base"] == []  # type: ignore[index]
    assert titles(site, "chip") == ["The chip war widens"]
    assert titles(site, "crossings") == ["Belarus closes border crossings"]
    assert tree(site / DATA) == clean_index(site)


def test_an_edit_that_takes_a_chunk_out_of_the_base_rewrites_meta_json(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The edited article's chunk is made again from the cache with its neighbours: the
    # filters cannot have changed, and meta.json changes only its list of the base's chunks.
    monkeypatch.setattr(search, "CHUNK", 2)
    monkeypatch.setattr(search, "OVERLAY", 2)
    build_site(site)
    meta = load(site, "meta.json")
    assert isinstance(meta, dict) and meta["base"] == [0, 1, 2, 3, 4, 5]
    assert chunk_titles(site)[4] == [
        "Central banks hold their nerve", "Rail strike called off", "The chip war widens"]
    path = site / "content/articles/economist/2025-10-01-central-banks.md"
    path.write_text(path.read_text() + "\nCormorants.\n")
    report = build_site(site)
    assert "plan" not in report.timings and "/search/data/meta.json" in report.changed_urls
    assert load(site, "meta.json") == {**meta, "base": [0, 1, 2, 3, 5]}
    assert titles(site, "cormorants") == ["Central banks hold their nerve"]


def _entries(sources: list[str]) -> list[Entry]:
    return [SimpleNamespace(article=SimpleNamespace(source=s)) for s in sources]  # type: ignore[misc]


def _cut(sources: list[str]) -> list[list[str]]:
    return [[e.article.source for e in chunk] for chunk in search.chunks_of(_entries(sources))]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=200, unique=True),
       st.text(min_size=1, max_size=12), st.data())
def test_chunks_hold_the_articles_in_order_and_an_insertion_changes_one(
    sources: list[str], added: str, data: st.DataObject
) -> None:
    with mock.patch.object(search, "CHUNK", 4):  # small: full chunks and cuts happen often
        chunks = _cut(sources)
        assert [s for chunk in chunks for s in chunk] == sources
        assert all(len(c) <= 16 for c in chunks)
        assert all(search.ends_chunk(c[-1]) or len(c) == 16 for c in chunks[:-1])
        if added in sources:
            return
        at = data.draw(st.integers(0, len(sources)))
        after = _cut([*sources[:at], added, *sources[at:]])
        last = chunks[-1]
        open_end = not search.ends_chunk(last[-1]) and len(last) < 16
        joined = next((k for k, c in enumerate(chunks) if at < sum(map(len, chunks[:k + 1]))),
                      len(chunks) - 1 if open_end else len(chunks))
        # The chunks before the one it joins are as they were; those after it too, under
        # the same numbers, unless it ends a chunk or its chunk was full.
        assert after[:joined] == chunks[:joined]
        if joined < len(chunks) and not search.ends_chunk(added) and len(chunks[joined]) < 15:
            assert after[joined + 1:] == chunks[joined + 1:]
            assert len(after) == len(chunks)


def test_a_writer_stopped_in_the_middle_of_a_file_leaves_no_temporary_file(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two forked writers: the first fails (a full disk) once the second is in the middle
    # of a file; the pool is stopped, and what the second was writing must not stay.
    import time

    from digest import write

    monkeypatch.setattr(search, "CHUNK", 1)
    real_put = write._put

    def put(path: str, content: bytes) -> None:
        if "/search/data/0/" in path:
            deadline = time.monotonic() + 30
            while not list((site / DATA / "1").glob("*.tmp")) and time.monotonic() < deadline:
                time.sleep(0.01)  # until the other writer is in the middle of a file
            raise OSError(28, "No space left on device")
        real_put(path, content)
        if "/search/data/1/" in path:
            time.sleep(60)  # the file is half-written: stopped here

    monkeypatch.setattr(write, "_put", put)
    report = build_site(site, jobs=2)
    assert [p.message for p in report.problems] == [
        "search: cannot write the index: No space left on device"]
    assert not [p for p in (site / "_site").rglob("*") if ".tmp" in p.name]
