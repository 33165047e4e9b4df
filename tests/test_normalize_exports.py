"""Read-later exports: every item one article, re-imports adding only what is new."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from digest.config import load_config
from digest.frontmatter import parse_document
from digest.inbox import pending_dumps
from digest.model import ArticleDocument, PartialDate
from digest.normalize import STATE_FILE, NormalizeReport, normalize, parse_dump_all
from digest.normalize.duplicates import canonical_url
from digest.normalize.exports import day, tags
from digest.normalize.formats.link import LINK_NOTE

DUMPS = Path(__file__).parent / "fixtures" / "dumps"


def docs(name: str) -> tuple[ArticleDocument, ...]:
    return parse_dump_all((DUMPS / name).read_bytes(), f"inbox/{name}")


def run(root: Path) -> NormalizeReport:
    return normalize(load_config(root), None, force=False, dry_run=False, stdout=None,
                     progress=False)


def articles(root: Path) -> list[ArticleDocument]:
    return [parse_document(p.read_text(), p.name)
            for p in sorted((root / "content" / "articles").rglob("*.md"))]


@pytest.mark.parametrize(("name", "format", "count"), [
    ("pocket_export.html", "pocket", 3), ("pocket.csv", "pocket", 2),
    ("instapaper.csv", "instapaper", 2), ("readwise.csv", "readwise", 2),
    ("raindrop.csv", "raindrop", 2), ("wallabag.json", "wallabag", 2),
    ("omnivore_metadata_0_to_2.json", "omnivore", 2), ("bookmarks_export.html", "bookmarks", 2),
])
def test_each_item_is_an_article(name: str, format: str, count: int) -> None:
    found = docs(name)
    assert len(found) == count
    for document in found:
        meta = document.meta
        assert meta.source is not None and meta.source.format == format
        assert meta.source.file == f"inbox/{name}" and meta.url and meta.title
        assert meta.saved is not None


def test_items_without_text_are_held_links_and_the_others_carry_what_was_saved() -> None:
    first, second = docs("raindrop.csv")
    assert (first.meta.note, first.meta.tags, first.meta.truncated) == (
        "Para el número sobre la costa", ("mar", "galicia"), True)
    assert "> Cada percebeiro puede extraer siete kilos por marea." in first.body
    assert "cifra útil" not in first.body  # the reader's own note on a highlight
    assert second.body == "" and LINK_NOTE in second.meta.review
    assert second.meta.status == "held"
    wallabag = docs("wallabag.json")[0]
    assert wallabag.meta.date == PartialDate(2025, 4, 3)  # published, not saved
    assert wallabag.meta.saved == PartialDate(2025, 4, 4)
    assert not wallabag.meta.truncated and "**bloccata nei mesi estivi**" in wallabag.body
    assert "![La goletta](https://www.gazzettadellario.example/img/goletta.jpg)" in wallabag.body


def test_the_same_address_twice_in_one_export_is_one_article() -> None:
    urls = [d.meta.url for d in docs("pocket_export.html")]
    assert len(urls) == 3 and len({canonical_url(u or "") for u in urls}) == 3


def test_canonical_addresses() -> None:
    assert canonical_url("https://www.Example.com/a/b/?utm_source=x&id=3&fbclid=y#top") == \
        "example.com/a/b?id=3"
    assert canonical_url("http://example.com/a/b") == "example.com/a/b"
    assert canonical_url("mailto:x@example.com") is None


def test_export_values() -> None:
    assert day("1710403200") == PartialDate(2024, 3, 14)
    assert day("1710403200000") == PartialDate(2024, 3, 14)
    assert day("2024-08-12 19:40:11+00:00") == PartialDate(2024, 8, 12)
    assert day("") is None and day("soon") is None and day("253402300800") is None
    assert tags("['Städte', 'Wasser']") == ("Städte", "Wasser")
    assert tags('["a", "b"]') == tags("a, b") == tags("a|b", "|") == ("a", "b")
    assert tags([{"name": "x"}, "y", ""]) == ("x", "y")


def test_a_newer_export_adds_only_new_items(make_site: Callable[..., Path]) -> None:
    first = (
        "title,url,time_added,tags,status\n"
        "Ferry fares rise,https://news.example/ferry-fares-rise,1710403200,,unread\n"
        "Pier reopens,https://news.example/pier-reopens,1710489600,,unread\n"
    )
    later = first + "Lighthouse sold,https://www.news.example/lighthouse-sold?utm_source=x," \
        "1710576000,,unread\n"
    root = make_site(inbox={"pocket-march.csv": first})
    report = run(root)
    assert len(report.written) == 2
    assert run(root).summary().startswith("normalize: 0 written, 2 unchanged")
    (root / "content" / "inbox" / "pocket-april.csv").write_text(later)
    again = run(root)
    assert len(again.written) == 1 and "lighthouse-sold" in again.written[0]
    assert sorted(again.duplicates) == [
        "inbox/pocket-april.csv#news.example/ferry-fares-rise: duplicate of "
        "inbox/pocket-march.csv#news.example/ferry-fares-rise",
        "inbox/pocket-april.csv#news.example/pier-reopens: duplicate of "
        "inbox/pocket-march.csv#news.example/pier-reopens",
    ]
    assert len(articles(root)) == 3
    assert not pending_dumps(load_config(root))  # both exports are recorded
    final = run(root)
    assert final.summary() == ("normalize: 0 written, 3 unchanged, 2 duplicates, 0 conflicts, "
                               "0 errors")


def test_an_export_rewritten_in_place_adds_its_new_items(make_site: Callable[..., Path]) -> None:
    rows = "title,url,time_added,tags,status\nA,https://n.example/a,1710403200,,unread\n"
    root = make_site(inbox={"pocket.csv": rows})
    run(root)
    (root / "content" / "inbox" / "pocket.csv").write_text(
        rows + "B,https://n.example/b,1710489600,,unread\n")
    report = run(root)
    assert len(report.written) == 1 and len(report.unchanged) == 1 and not report.duplicates
    state = json.loads((root / "content" / STATE_FILE).read_text())["dumps"]
    assert state["inbox/pocket.csv"]["items"] == 2
    assert {"inbox/pocket.csv#n.example/a", "inbox/pocket.csv#n.example/b"} <= set(state)


def test_a_link_saved_again_in_an_export_is_a_duplicate(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={
        "a-link.txt": "https://www.n.example/story?utm_medium=social\nGood one.\n",
        "b-pocket.csv": "title,url,time_added,tags,status\nStory,http://n.example/story,"
                        "1710403200,,unread\n",
    })
    report = run(root)
    assert report.duplicates == (
        "inbox/b-pocket.csv#n.example/story: duplicate of inbox/a-link.txt",)
    [article] = articles(root)
    assert article.meta.note == "Good one."


def test_an_export_shared_out_between_workers_writes_what_one_process_does(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.normalize import work

    rows = "".join(f"Story {n} about the harbour,https://n.example/s/{n},{1710403200 + n},,"
                   "unread\n" for n in range(40))
    export = "title,url,time_added,tags,status\n" + rows
    inbox = {"a.csv": export, "b.txt": (DUMPS / "magzter_app_en.txt").read_bytes()}
    one = make_site(inbox=inbox, name="one")
    many = make_site(inbox=inbox, name="many")
    expected = normalize(load_config(one), None, force=False, dry_run=False, stdout=None,
                         progress=False, jobs=1)
    monkeypatch.setattr(work, "_PARALLEL_BYTES", 100)  # a small export still goes to workers
    monkeypatch.setattr(work, "_ITEMS_PER_TASK", 7)  # in shares of seven items
    shared = normalize(load_config(many), None, force=False, dry_run=False, stdout=None,
                       progress=False, jobs=2)
    assert shared == expected and len(shared.written) == 41
    for path in shared.written:
        assert (many / "content" / path).read_bytes() == (one / "content" / path).read_bytes()
