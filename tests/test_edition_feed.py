"""/editions.xml: one Atom entry per edition, its content the edition as the e-mail shows
it; valid Atom; linked from the home page; rendered again when an article it shows is
edited, exactly as a clean build would write it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import pytest
from test_build_support import build_site, copy_site, equals_clean_build

from digest.config import load_config
from digest.email import make_email

ATOM = "{http://www.w3.org/2005/Atom}"


def test_one_valid_entry_per_edition_newest_first(tmp_path: Path) -> None:
    site = copy_site("email", tmp_path)
    report = build_site(site)
    assert not report.problems, report.problems
    data = (site / "_site/editions.xml").read_bytes()
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):  # RFC 4287 4.1.1
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == (  # type: ignore[union-attr]
        "https://digest.example.org/editions.xml")
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated", "content"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert entry.find(f"{ATOM}content").get("type") == "html"  # type: ignore[union-attr]
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "https://digest.example.org/2025/10/11/", "https://digest.example.org/2025/10/10/"]
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Le Résumé: Editions"
    assert [e.title for e in parsed.entries] == [
        "Le Résumé: October 11, 2025", "Le Résumé: October 10, 2025"]
    assert parsed.entries[0].updated == "2025-10-11T00:00:00Z"
    assert parsed.entries[0].link == "https://digest.example.org/2025/10/11/"


def test_the_content_is_the_edition_as_the_email_shows_it(tmp_path: Path) -> None:
    site = copy_site("email", tmp_path)
    build_site(site)
    root = ET.parse(site / "_site/editions.xml").getroot()
    content = root.find(f"{ATOM}entry/{ATOM}content").text or ""  # type: ignore[union-attr]
    made = make_email(load_config(site))
    body = re.search(r"<body[^>]*>(.*)</body>", made.html, re.S)
    assert body is not None
    # The same stories with the same inlined styles; only the message's own parts differ.
    for story in re.findall(r'<tr><td class="story.*?</td></tr>', body[1], re.S):
        assert story in content
    assert "The night ferry returns" in content and 'style="' in content
    assert "SECRET-BEYOND-THE-EXCERPT" not in content  # the rights apply here too
    assert "HEADLINE-ONLY-BODY" not in content
    assert "Unsubscribe" not in content and "View this edition in your browser" not in (
        content.split('class="footer"')[0])
    tags = _Tags()
    tags.feed(content)
    assert "script" not in tags.names
    assert "&lt;script&gt;alert('title')&lt;/script&gt;" in content  # a title is text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.append(tag)


def test_the_home_page_links_to_it(tmp_path: Path) -> None:
    site = copy_site("email", tmp_path)
    build_site(site)
    home = (site / "_site/index.html").read_text(encoding="utf-8")
    assert ('<link rel="alternate" type="application/atom+xml" title="Le Résumé: Editions '
            'feed" href="editions.xml">') in home


def test_it_can_be_turned_off(tmp_path: Path) -> None:
    site = copy_site("email", tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "feeds:\n  editions: 0\n",
                      encoding="utf-8")
    build_site(site)
    assert not (site / "_site/editions.xml").exists()
    assert "editions.xml" not in (site / "_site/index.html").read_text(encoding="utf-8")


def test_feeds_editions_limits_the_entries(tmp_path: Path) -> None:
    site = copy_site("email", tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "feeds:\n  editions: 1\n",
                      encoding="utf-8")
    build_site(site)
    root = ET.parse(site / "_site/editions.xml").getroot()
    assert len(root.findall(f"{ATOM}entry")) == 1


def test_a_theme_without_email_templates_still_has_the_feed(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)  # its theme, `plain`, has no email.html
    report = build_site(site)
    assert not report.problems, report.problems
    parsed = feedparser.parse((site / "_site/editions.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) == 3
    assert "Central banks hold their nerve" in parsed.entries[1].content[0].value


def test_an_edited_article_renders_the_feed_again_as_a_clean_build_would(
        tmp_path: Path) -> None:
    site = copy_site("email", tmp_path)
    assert not build_site(site).problems
    chess = site / "content/articles/northgate-herald/2025-10-11-chess-final.md"
    ferry = site / "content/articles/harbour-gazette/2025-10-11-ferry-returns.md"
    edits = [
        # Past what lists show of it (its summary): only pages showing the body read it.
        (ferry, "Older timetables", "Timetables of the 1980s"),
        # The curator's note: what lists show of it.
        (chess, "The best sports story of the week.", "Edited note, still the best."),
    ]
    for n, (path, old, new) in enumerate(edits):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        report = build_site(site)
        assert not report.problems
        assert report.pages_written < report.pages_total  # an incremental build did it
        assert "/editions.xml" in report.changed_urls, new
        feed = (site / "_site/editions.xml").read_text(encoding="utf-8")
        assert new in feed and old not in feed
        assert equals_clean_build(site, tmp_path / f"clean{n}")


def _rendered_editions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The editions whose e-mail the builds in this test render (not kept ones)."""
    import digest.edition_feed
    from digest.email_render import render_html

    made: list[str] = []

    def counting(theme: Any, views: Any, config: Any, index: int, **options: Any) -> Any:
        made.append(views.catalog.editions[index].key)
        return render_html(theme, views, config, index, **options)

    monkeypatch.setattr(digest.edition_feed, "render_html", counting)
    return made


def test_editions_whose_reads_kept_their_values_are_not_rendered_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The feed is rendered again whenever one of its editions changes; the e-mails of the
    others are kept from the last build (digest.fragments), and the feed is still what a
    clean build writes."""
    made = _rendered_editions(monkeypatch)
    site = copy_site("email", tmp_path)
    assert not build_site(site).problems
    assert sorted(made) == ["2025-10-10", "2025-10-11"]
    # A body edit in the newest edition: that edition only.
    ferry = site / "content/articles/harbour-gazette/2025-10-11-ferry-returns.md"
    ferry.write_text(ferry.read_text(encoding="utf-8").replace(
        "Older timetables", "Timetables of the 1980s"), encoding="utf-8")
    made.clear()
    report = build_site(site)
    assert "/editions.xml" in report.changed_urls
    assert made == ["2025-10-11"]
    assert "Timetables of the 1980s" in (site / "_site/editions.xml").read_text("utf-8")
    assert equals_clean_build(site, tmp_path / "clean-edit")
    # The kept edition's reads still count for the feed: an edit to it renders it again.
    vote = site / "content/articles/northgate-herald/2025-10-10-council-vote.md"
    vote.write_text(vote.read_text(encoding="utf-8").replace(
        "Council votes", "Councillors vote", 1), encoding="utf-8")
    made.clear()
    report = build_site(site)
    assert not report.problems and "/editions.xml" in report.changed_urls
    assert made == ["2025-10-10"]
    assert "Councillors vote" in (site / "_site/editions.xml").read_text("utf-8")
    assert equals_clean_build(site, tmp_path / "clean-kept")
    # An article in a new edition: the new one only, the others are kept as they were.
    (site / "content/articles/northgate-herald/2025-10-12-regatta.md").write_text(
        "---\ntitle: The regatta is on\npublication: Northgate Herald\ndate: 2025-10-12\n"
        "---\n\nSails on the bay again.\n", encoding="utf-8")
    made.clear()
    assert not build_site(site).problems
    assert made == ["2025-10-12"]
    assert equals_clean_build(site, tmp_path / "clean-added")
    # A site override of the e-mail template is read by every edition's e-mail.
    from digest.theme_files import theme_chain

    template = next(path for folder in theme_chain(load_config(site))
                    if (path := folder / "templates/email.html").is_file())
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates/email.html").write_text(
        template.read_text(encoding="utf-8").replace("</body>", "<p>Overridden.</p></body>"),
        encoding="utf-8")
    made.clear()
    assert not build_site(site).problems
    assert sorted(made) == ["2025-10-10", "2025-10-11", "2025-10-12"]
    assert (site / "_site/editions.xml").read_text("utf-8").count("Overridden.") == 3
    assert equals_clean_build(site, tmp_path / "clean-template")


def test_a_damaged_record_of_kept_editions_renders_them_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from digest.build_state import BuildState

    made = _rendered_editions(monkeypatch)
    site = copy_site("email", tmp_path)
    assert not build_site(site).problems
    BuildState.of(load_config(site)).cache.set_blob("fragments", b"not a pickle")
    ferry = site / "content/articles/harbour-gazette/2025-10-11-ferry-returns.md"
    ferry.write_text(ferry.read_text(encoding="utf-8") + "\nOne more line.\n",
                     encoding="utf-8")
    made.clear()
    assert not build_site(site).problems
    assert sorted(made) == ["2025-10-10", "2025-10-11"]
    assert equals_clean_build(site, tmp_path / "clean")


def test_a_feed_made_of_kept_editions_is_rendered_again_when_they_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a kept edition read counts for the feed that uses it: after a build that kept
    every edition, an edit that only the edition's e-mail shows renders the feed again."""
    made = _rendered_editions(monkeypatch)
    site = copy_site("email", tmp_path)
    assert not build_site(site).problems
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "feeds:\n  editions: 1\n",
                      encoding="utf-8")
    made.clear()
    report = build_site(site)
    assert "/editions.xml" in report.changed_urls and made == []  # the newest, kept
    ferry = site / "content/articles/harbour-gazette/2025-10-11-ferry-returns.md"
    ferry.write_text(ferry.read_text(encoding="utf-8").replace(
        "Older timetables", "Timetables of the 1980s"), encoding="utf-8")
    report = build_site(site)
    assert "/editions.xml" in report.changed_urls and made == ["2025-10-11"]
    assert equals_clean_build(site, tmp_path / "clean")
