"""Feeds as a feed reader sees them: valid Atom (RFC 4287) and JSON Feed 1.1."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from markup_text import markup_text
from test_build_support import build_site, copy_site

ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feeds_have_the_required_elements(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    feeds = [site / "_site/feed.xml", *sorted((site / "_site/publications").glob("*/feed.xml"))]
    assert len(feeds) == 4
    for path in feeds:
        root = ET.parse(path).getroot()
        assert root.tag == f"{ATOM}feed"
        for name in ("id", "title", "updated", "author"):
            assert root.find(f"{ATOM}{name}") is not None, (path, name)
        assert root.find(f"{ATOM}link[@rel='self']") is not None
        for entry in root.findall(f"{ATOM}entry"):
            for name in ("id", "title", "updated", "content"):
                assert entry.find(f"{ATOM}{name}") is not None, (path, name)
            assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    root = ET.parse(feeds[0]).getroot()
    assert root.findtext(f"{ATOM}updated") == "2025-10-02T00:00:00Z"  # newest article, not now
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert "Energy prices fall <again>" in titles and "Unfinished draft story" not in titles
    content = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}content")
               for e in root.findall(f"{ATOM}entry")}
    assert content["Central banks hold their nerve"].startswith("<p>Interest rates")


def test_json_feed(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    feed = json.loads((site / "_site/feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Fixture Digest"
    assert feed["feed_url"] == "https://digest.example.org/feed.json"
    assert feed["items"]
    for item in feed["items"]:
        assert {"id", "url", "title", "content_html"} <= set(item)


def test_feeds_can_be_switched_off(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text() + "feeds:\n  atom: false\n  json: false\n")
    build_site(site)
    assert not (site / "_site/feed.xml").exists() and not (site / "_site/feed.json").exists()
    assert not list((site / "_site/publications").glob("*/feed.xml"))


def test_atom_ids_without_base_url_are_uuids(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("base_url: https://digest.example.org/\n", ""))
    build_site(site)
    root = ET.parse(site / "_site/feed.xml").getroot()
    assert root.findtext(f"{ATOM}id", "").startswith("urn:uuid:")


@given(markup_text | st.text())
def test_feed_escaping_matches_the_standard_library(text: str) -> None:
    from xml.sax.saxutils import escape, quoteattr

    from digest import feeds

    assert feeds.escape(text) == escape(text)
    assert feeds.quoteattr(text) == quoteattr(text)
    if all(c in "\t\n" or c >= " " for c in text) and "\ufffe" not in text:
        # What an XML parser reads back: the same value, and nothing else around it.
        element = ET.fromstring(f"<e a={feeds.quoteattr(text)}>{feeds.escape(text)}</e>")
        assert element.attrib == {"a": text}
        assert (element.text or "") == text


def test_attributes_holding_both_quote_kinds_round_trip(tmp_path: Path) -> None:
    # A value with both ' and " cannot be quoted by choosing the other quote: the feed
    # must escape it, or the XML breaks and the rest of the value becomes attributes.
    tag = """it's "x" onmouseover="alert(1)" """.strip()
    publication = """Bob's "Best" Paper"""
    title = """Don't say "never" onclick="alert(2)" """.strip()
    base_url = """https://digest.example.org/it's-"quoted"/"""
    original = "https://paper.example/it's-\"x\"-onload=\"alert(3)\""
    site = copy_site("basic", tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace(
        "base_url: https://digest.example.org/", f"base_url: {_quoted(base_url)}"))
    (site / "content/articles/quotes.md").write_text(
        "---\n"
        f"title: {_quoted(title)}\n"
        f"publication: {_quoted(publication)}\n"
        "date: 2025-10-03\n"
        f"url: {_quoted(original)}\n"
        f"tags: [{_quoted(tag)}, plain]\n"
        "---\n\nBody.\n", encoding="utf-8")
    assert build_site(site).problems == ()
    feeds = [site / "_site/feed.xml", *sorted((site / "_site/publications").glob("*/feed.xml"))]
    checked = 0
    for path in feeds:
        root = ET.parse(path).getroot()  # raises on a broken attribute
        for link in root.iter(f"{ATOM}link"):
            if link.get("rel") == "related":  # the original, named after its publication
                assert set(link.attrib) == {"rel", "type", "href", "title"}, link.attrib
                continue
            assert link.get("href", "").startswith(base_url.rstrip("/")), path
            assert set(link.attrib) <= {"rel", "type", "href"}, (path, link.attrib)
        for entry in root.findall(f"{ATOM}entry"):
            if entry.findtext(f"{ATOM}title") != title:
                continue
            checked += 1
            terms = [c.get("term") for c in entry.findall(f"{ATOM}category")]
            assert terms == [tag, "plain"], path
            for category in entry.findall(f"{ATOM}category"):
                assert set(category.attrib) == {"term"}, (path, category.attrib)
            href = entry.find(f"{ATOM}link[@rel='alternate']")
            assert href is not None and href.get("href", "").startswith(base_url.rstrip("/"))
            related = entry.find(f"{ATOM}link[@rel='related']")
            assert related is not None
            assert (related.get("href"), related.get("title")) == (original, publication)
    assert checked == 2  # the site feed and the publication's own
    publication_feeds = {ET.parse(p).getroot().findtext(f"{ATOM}title") for p in feeds[1:]}
    assert any(publication in (t or "") for t in publication_feeds)
    feed = json.loads((site / "_site/feed.json").read_text(encoding="utf-8"))
    item = next(i for i in feed["items"] if i["title"] == title)
    assert item["tags"] == [tag, "plain"] and item["url"].startswith(base_url.rstrip("/"))


def _quoted(text: str) -> str:
    """A YAML single-quoted scalar."""
    return "'" + text.replace("'", "''") + "'"


def test_attribute_values_round_trip_whatever_they_hold() -> None:
    # An XML parser turns a raw newline, tab or CR in an attribute into a space: they
    # must be written as character references to come back as they were.
    from digest.feeds import quoteattr

    for value in ["plain", "it's", 'say "hi"', """it's "x" onmouseover="alert(1)" """,
                  "a\nb", "a\r\nb", "a\tb", "<&>", "'\"\n\t\r&<>'\""]:
        element = ET.fromstring(f"<x a={quoteattr(value)}/>")
        assert element.get("a") == value and list(element.attrib) == ["a"], repr(value)


def _only_elements(element: ET.Element) -> None:
    """No text between the elements of a container: a stray string breaks the format."""
    children = list(element)
    if children:
        assert not (element.text or "").strip(), (element.tag, element.text)
    for child in children:
        assert not (child.tail or "").strip(), (child.tag, child.tail)
        _only_elements(child)


def test_atom_dates_authors_and_ids(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    build_site(site)
    root = ET.parse(site / "_site/feed.xml").getroot()
    _only_elements(root)
    entries = {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}
    october = entries["The October issue"]  # a monthly issue: its first day
    assert october.findtext(f"{ATOM}published") == "2025-10-01T00:00:00Z"
    assert october.findtext(f"{ATOM}updated") == "2025-10-01T00:00:00Z"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "The Curator"
    # Without base_url and author: the site title is the author, ids are distinct UUIDs.
    # An undated article has no `published`, and is as new as the feed.
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("base_url: https://digest.example.org/\n", "")
                      .replace("author: The Curator\n", ""))
    (site / "content/articles/undated.md").write_text("---\ntitle: Undated\n---\n\nText.\n")
    build_site(site)
    root = ET.parse(site / "_site/feed.xml").getroot()
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Fixture Digest"
    ids = [e.findtext(f"{ATOM}id") or "" for e in root.findall(f"{ATOM}entry")]
    assert len(set(ids)) == len(ids) and all(uuid_of(i) for i in ids)
    undated = next(e for e in root.findall(f"{ATOM}entry")
                   if e.findtext(f"{ATOM}title") == "Undated")
    assert undated.find(f"{ATOM}published") is None
    assert undated.findtext(f"{ATOM}updated") == root.findtext(f"{ATOM}updated")
    # With an http:// base_url, ids are the pages' addresses.
    config.write_text(config.read_text() + "base_url: http://digest.example.org/\n")
    build_site(site)
    root = ET.parse(site / "_site/feed.xml").getroot()
    assert all((e.findtext(f"{ATOM}id") or "").startswith("http://digest.example.org/")
               for e in root.findall(f"{ATOM}entry"))
    assert "Sitemap: http://digest.example.org/sitemap.xml" in (
        site / "_site/robots.txt").read_text()


def uuid_of(text: str) -> bool:
    import uuid

    prefix = "urn:uuid:"
    return text.startswith(prefix) and uuid.UUID(text.removeprefix(prefix)).version == 5


def test_a_feed_of_undated_articles_is_as_old_as_the_epoch(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(articles={"a.md": "---\ntitle: Undated\n---\n\nText.\n"})
    build_site(root)
    feed = ET.parse(root / "_site/feed.xml").getroot()
    assert feed.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00Z"
    assert [e.findtext(f"{ATOM}updated") for e in feed.findall(f"{ATOM}entry")] == [
        "1970-01-01T00:00:00Z"]
