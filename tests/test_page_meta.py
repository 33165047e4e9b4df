"""What a reader and a search engine see of a page: descriptions, Open Graph, canonical
links, the sitemap, dates as labels and the navigation."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from test_build_support import build_site

from digest.check import notes
from digest.config import load_config, parse_config
from digest.errors import DigestError
from digest.theme_files import bundled_themes

ABSOLUTE = "title: Test Digest\nbase_url: https://example.org/digest/\nlanguage: en\n"
STORY = "magzter/2025-10-06-harbour.md"
STORY_URL = "_site/the-harbour-courier/2025-10-06-harbour/index.html"


def story(**fields: str) -> str:
    front = {"title": "Harbour reopens", "publication": "The Harbour Courier",
             "date": "2025-10-06", **fields}
    lines = "".join(f"{k}: {v}\n" for k, v in front.items())
    return f"---\n{lines}---\n\nThe first ferry in a year left at dawn with forty cars aboard.\n"


def meta(html: str, attribute: str, name: str) -> str | None:
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return None if found is None else found[1]


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def test_an_article_page_describes_the_article(make_site: Callable[..., Path]) -> None:
    root = make_site(config=ABSOLUTE + "description: The site's own line\n", articles={
        STORY: story(standfirst="'Ferries & cars <again>.'", author="Jo"),
        "magzter/2025-10-05-quay.md": story(title="Quay", date="2025-10-05"),
    })
    assert build_site(root).problems == ()
    html = read(root, STORY_URL)
    assert meta(html, "name", "description") == "Ferries &amp; cars &lt;again&gt;."
    assert html.count('name="description"') == 1
    assert meta(html, "property", "og:url") == (
        "https://example.org/digest/the-harbour-courier/2025-10-06-harbour/")
    assert meta(html, "property", "og:site_name") == "Test Digest"
    assert meta(html, "property", "article:published_time") == "2025-10-06"
    assert meta(html, "property", "og:locale") == "en_US"
    assert meta(html, "name", "twitter:card") == "summary"
    # Without a standfirst, the excerpt; pages that are not articles keep the site's line.
    other = read(root, "_site/the-harbour-courier/2025-10-05-quay/index.html")
    assert meta(other, "name", "description") == (
        "The first ferry in a year left at dawn with forty cars aboard.")
    assert meta(read(root, "_site/index.html"), "name", "description") == "The site&#39;s own line"


def test_the_sitemap_dates_each_page(make_site: Callable[..., Path]) -> None:
    root = make_site(config=ABSOLUTE, articles={
        STORY: story(), "magzter/2025-10-05-quay.md": story(title="Quay", date="2025-10-05"),
    })
    build_site(root)
    sitemap = read(root, "_site/sitemap.xml")
    lastmod = dict(re.findall(r"<loc>https://example.org/digest(/[^<]*)</loc>"
                              r"<lastmod>([^<]*)</lastmod>", sitemap))
    assert lastmod["/the-harbour-courier/2025-10-05-quay/"] == "2025-10-05"
    assert lastmod["/2025/10/05/"] == "2025-10-05"  # not the next edition it links to
    assert lastmod["/publications/the-harbour-courier/"] == "2025-10-06"
    assert lastmod["/"] == "2025-10-06"


def test_a_base_url_without_a_scheme_is_refused_at_its_line() -> None:
    with pytest.raises(DigestError) as caught:
        parse_config("title: x\nbase_url: example.org/digest\n", Path("."))
    problem = caught.value.problems[0]
    assert (problem.path, problem.line) == ("site.yaml", 2)
    assert "https://example.org/digest/" in (problem.hint or "")
    assert "/digest/" in (problem.hint or "")
    for good in ("https://example.org/digest/", "http://localhost:8000/", "/", "/digest/"):
        assert parse_config(f"base_url: {good}\n", Path(".")).base_url == good


def test_a_base_url_that_is_a_path_gives_no_canonical_links_and_no_sitemap(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(config="title: Test Digest\nbase_url: /digest/\n", articles={STORY: story()})
    assert build_site(root).problems == ()
    for rel in ("_site/index.html", STORY_URL):
        html = read(root, rel)
        assert 'rel="canonical"' not in html and "og:url" not in html
    assert not (root / "_site/sitemap.xml").exists()
    assert "Sitemap:" not in read(root, "_site/robots.txt")
    [note] = [n for n in notes(load_config(root)) if "base_url" in n.message]
    assert "note:" in note.message and "sitemap" in note.message
    other = notes(load_config(make_site(config=ABSOLUTE, name="other")))
    assert [n for n in other if "base_url" in n.message] == []


@pytest.mark.parametrize(("edition", "shown"), [
    ("October 06, 2025", False), ("6 October 2025", False), ("06.10.2025", False),
    ("October 05, 2025", True), ("October 2025", True), ("Issue 12", True),
])
def test_the_printed_edition_shows_only_when_it_says_more_than_the_date(
    make_site: Callable[..., Path], edition: str, shown: bool,
) -> None:
    root = make_site(articles={STORY: story(edition=f"'{edition}'")})
    build_site(root)
    byline = re.search(r'<p class="byline meta">(.*?)</p>', read(root, STORY_URL), re.S)
    assert byline is not None
    assert "October 6, 2025" in byline[1]
    assert (f"<span>{edition}</span>" in byline[1]) is shown


def test_related_stories_show_dates_like_the_others(make_site: Callable[..., Path]) -> None:
    related = ("\n- {title: Bridge repairs, date: '2025-10-04'}"
               "\n- {title: Letters, date: Spring issue}")
    root = make_site(articles={STORY: story(related=related)})
    build_site(root)
    section = read(root, STORY_URL).split('class="section related"')[1].split("</section>")[0]
    assert '<time datetime="2025-10-04">Oct 4, 2025</time>' in section
    assert "<span>Spring issue</span>" in section


def test_the_home_link_says_latest_in_every_language() -> None:
    folder = bundled_themes() / "default" / "i18n"
    strings = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
               for p in folder.glob("*.yaml")}
    assert strings["en"]["nav_latest"] == "Latest"
    for language, table in strings.items():
        assert "nav_today" not in table, language
        assert table.get("nav_latest"), language
        if language != "en":
            assert table["nav_latest"] != "Latest", language  # translated


def test_the_navigation_calls_the_home_page_latest(make_site: Callable[..., Path]) -> None:
    root = make_site(articles={STORY: story()})
    build_site(root)
    nav = read(root, "_site/index.html").split('<nav class="site-nav"')[1].split("</nav>")[0]
    assert ">Latest</a>" in nav and "Today" not in nav


def test_digest_check_prints_the_note_without_failing(make_site: Callable[..., Path]) -> None:
    from click.testing import CliRunner

    from digest.cli import main

    root = make_site(config="title: Test Digest\nbase_url: /digest/\n", articles={STORY: story()})
    build_site(root)
    result = CliRunner().invoke(main, ["check", "--site", str(root)], prog_name="digest")
    assert result.exit_code == 0, result.output
    assert "site.yaml:2: note: base_url '/digest/' is a path" in result.output
    assert "no problems found" in result.output
