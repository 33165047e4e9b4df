"""A built digest in a real browser: navigation, landmarks, dark mode, phone layout, search.

Each test builds a small site with `digest.build.build` and opens it in Debian's chromium
(see conftest.py). Search needs the site over http, so it is served from a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect
from test_build_support import served

from digest.build import build
from digest.config import load_config

pytestmark = pytest.mark.browser

ARTICLES = {
    "2025-10-06-last-ferry.md": """---
title: The last ferry of the night
publication: The Harbour Courier
date: 2025-10-06
kicker: Transport
author: Maria Lopes
standfirst: A forty-year-old cooperative keeps the harbour crossing alive.
reading_time: 6
featured: true
note: The best thing I read this week about how a city works.
tags: [cities, transport]
truncated: true
url: https://example.org/ferry
related:
  - title: Bridge repairs delayed again
    summary: The contractor blames the weather.
    reading_time: 3
---
When the last ferry of the night pulls away from the north quay, the harbour goes quiet
and the cormorants settle on the pilings.

For forty years the crossing has been run by the same cooperative.
""",
    "2025-10-06-bridge.md": """---
title: Why the bridge keeps closing
publication: The Harbour Courier
date: 2025-10-06
kicker: City hall
reading_time: 4
tags: [cities]
---
The bridge has closed eleven times this year. Engineers blame the salt in the air.
""",
    "2025-10-06-heat.md": """---
title: A quieter kind of heat wave
publication: Weekend Review
date: 2025-10-06
reading_time: 11
tags: [climate]
---
Nights that never cool down are the part of a heat wave nobody photographs.
""",
    "2025-10-05-shop.md": """---
title: The economics of the corner shop
publication: The Economist
date: 2025-10-05
kicker: Free exchange
reading_time: 5
---
The corner shop survives on margins that would frighten a supermarket.
""",
    "2025-10-04-nuit.md": """---
title: La ville qui ne dort plus
publication: Le Monde
date: 2025-10-04
lang: fr
reading_time: 9
---
Quand le dernier tramway rentre au dépôt, la ville continue de bourdonner.
""",
}

CONFIG = """title: The Morning Stack
description: A curator's pick of stories worth keeping.
language: en
author: The curator
theme: {theme}
search: {search}
"""


def build_site(
    make_site: Callable[..., Path], theme: str = "default", search: bool = False,
    articles: dict[str, str] | None = None,
) -> Path:
    config_text = CONFIG.format(theme=theme, search=str(search).lower())
    root = make_site(config=config_text, articles=ARTICLES if articles is None else articles)
    config = load_config(root)
    report = build(config)
    assert not report.problems, [str(p) for p in report.problems]
    out = Path(config.output_dir)
    assert (out / "index.html").is_file()
    return out


@pytest.fixture
def serve() -> Iterator[Callable[[Path], str]]:
    """Serve a folder on 127.0.0.1 (a free port); gives the base URL with a trailing slash."""
    with ExitStack() as servers:
        yield lambda folder: servers.enter_context(served(folder))


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return build_site(make_site)


def test_reader_goes_from_home_to_edition_to_article_to_publication(page: Page, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Landmarks: one banner, a labelled navigation, main#main, a footer.
    expect(page.locator("body > header")).to_have_count(1)
    expect(page.locator("header nav[aria-label]")).to_have_count(1)
    expect(page.locator("main#main")).to_have_count(1)
    expect(page.locator("body > footer")).to_have_count(1)
    expect(page.get_by_role("navigation").get_by_role("link", name="Archive")).to_be_visible()
    expect(page.locator("h1")).to_have_count(1)

    # The skip link is the first stop of the keyboard and lands on main.
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to content")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("document.activeElement.id") == "main"

    # Home -> the latest edition (its heading links to it).
    page.locator("main h1 a").click()
    expect(page.locator("h2", has_text="The Harbour Courier")).to_be_visible()
    expect(page.locator("h2", has_text="Weekend Review")).to_be_visible()
    edition_url = page.url
    assert edition_url.endswith("/2025/10/06/index.html")

    # Edition -> an article.
    page.get_by_role("link", name="The last ferry of the night").click()
    expect(page.locator("h1")).to_have_text("The last ferry of the night")
    expect(page.locator(".kicker")).to_have_text("Transport")
    expect(page.locator(".standfirst")).to_contain_text("forty-year-old cooperative")
    expect(page.locator(".byline time")).to_have_attribute("datetime", "2025-10-06")
    expect(page.locator(".byline")).to_contain_text("6 min read")
    expect(page.locator(".story__note")).to_contain_text("how a city works")
    expect(page.locator(".notice")).to_be_visible()  # a truncated preview says so
    # and leads to the original, prominently
    expect(page.locator(".original--lead a")).to_have_attribute("href", "https://example.org/ferry")
    expect(page.locator(".related")).to_contain_text("Bridge repairs delayed again")
    expect(page.locator(".story .badge")).to_have_count(0)  # a build shows no draft badges
    expect(page.locator("a[rel=tag]", has_text="cities")).to_be_visible()

    # Article -> its publication.
    page.locator(".byline").get_by_role("link", name="The Harbour Courier").click()
    expect(page.locator("h1")).to_have_text("The Harbour Courier")
    expect(page.get_by_role("link", name="Why the bridge keeps closing")).to_be_visible()


def test_article_page_uses_the_article_language(page: Page, site: Path) -> None:
    page.goto((site / "2025" / "10" / "04" / "index.html").as_uri())
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="La ville qui ne dort plus").click()
    expect(page.locator("h1")).to_have_text("La ville qui ne dort plus")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # The interface around the story stays in the site language.
    expect(page.locator(".skip-link")).to_have_text("Skip to content")


def test_dark_mode_changes_the_background(page: Page, site: Path) -> None:
    background = "getComputedStyle(document.body).backgroundColor"
    page.emulate_media(color_scheme="light")
    page.goto((site / "index.html").as_uri())
    light = page.evaluate(background)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(background)
    assert light != dark
    channels = [int(c) for c in dark[dark.index("(") + 1 : dark.index(")")].split(",")[:3]]
    assert sum(channels) < 3 * 80, f"dark background is not dark: {dark}"


@pytest.mark.parametrize("width,height,name", [(390, 844, "phone"), (1280, 900, "desktop")])
def test_layout_fits_the_screen(page: Page, site: Path, tmp_path: Path, width: int,
                                height: int, name: str) -> None:
    page.set_viewport_size({"width": width, "height": height})
    for label, rel in [("home", "index.html"), ("edition", "2025/10/06/index.html")]:
        page.goto((site / rel).as_uri())
        page.screenshot(path=str(tmp_path / f"{label}-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), label
    page.get_by_role("link", name="The last ferry of the night").first.click()
    expect(page.locator("h1")).to_have_text("The last ferry of the night")
    page.screenshot(path=str(tmp_path / f"article-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(tmp_path / f"article-{name}-dark.png"), full_page=True)
    assert (tmp_path / f"article-{name}.png").stat().st_size > 1000
    if name == "desktop":
        # The curator's note sits in the margin beside the story, not above it.
        note = page.locator(".story__note").bounding_box()
        body = page.locator(".story__body").bounding_box()
        assert note is not None and body is not None
        assert note["x"] > body["x"] + body["width"]


def test_focus_is_visible(page: Page, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the site title, after the skip link
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


# ---- search: the index the build writes to search/data/, read by static/search.js ----


def search_page(make_site: Callable[..., Path], serve: Callable[[Path], str],
                articles: dict[str, str] | None = None) -> str:
    """Build a site with search on, serve it, and give the search page's URL."""
    out = build_site(make_site, search=True, articles=articles)
    assert (out / "search" / "data" / "meta.json").is_file()
    return serve(out) + "search/"


def bucket_of(term: str) -> int:
    from digest.search import bucket_of

    return bucket_of(term)


def titles(page: Page) -> list[str]:
    return page.locator(".search__title a").all_inner_texts()


def test_search_finds_a_word_from_an_article(page: Page, make_site: Callable[..., Path],
                                             serve: Callable[[Path], str]) -> None:
    page.goto(search_page(make_site, serve))
    field = page.get_by_role("searchbox", name="Search terms")
    expect(field).to_be_visible(timeout=10_000)
    expect(field).to_have_attribute("placeholder", "Search the stories")
    field.fill("cormorants")
    status = page.get_by_role("status")
    expect(status).to_have_text("1 story found")
    expect(status).to_have_attribute("aria-live", "polite")
    result = page.locator(".search__result")
    expect(result).to_have_count(1)
    expect(result.locator("a")).to_have_text("The last ferry of the night")
    expect(result.locator(".meta")).to_contain_text("The Harbour Courier")
    expect(result.locator("time")).to_have_text("October 6, 2025")  # in the page's language
    # The passage around the word found, marked.
    expect(result.locator(".search__excerpt")).to_contain_text("the cormorants settle")
    expect(result.locator(".search__excerpt mark")).to_have_text(["cormorants"])
    assert page.url.endswith("/search/?q=cormorants")  # the search can be linked to
    result.locator("a").click()
    expect(page.locator("h1")).to_have_text("The last ferry of the night")


def test_search_matches_the_start_of_a_word_and_ignores_accents(
        page: Page, make_site: Callable[..., Path], serve: Callable[[Path], str]) -> None:
    page.goto(search_page(make_site, serve))
    field = page.get_by_role("searchbox")
    field.fill("cormor")
    expect(page.locator(".search__title a")).to_have_text(["The last ferry of the night"])
    field.fill("Depot")  # the article says "dépôt"
    expect(page.locator(".search__title a")).to_have_text(["La ville qui ne dort plus"])
    # The title's words are marked; the query word is the start of "quieter".
    field.fill("quiet")
    expect(page.locator(".search__title", has_text="heat wave").locator("mark")).to_have_text(
        ["quieter"])


def test_search_needs_every_word(page: Page, make_site: Callable[..., Path],
                                 serve: Callable[[Path], str]) -> None:
    page.goto(search_page(make_site, serve))
    field = page.get_by_role("searchbox")
    field.fill("night")  # "night" and "Nights"
    expect(page.get_by_role("status")).to_have_text("2 stories found")
    field.fill("night cormorants")
    expect(page.locator(".search__title a")).to_have_text(["The last ferry of the night"])
    field.fill("night salt")
    expect(page.get_by_role("status")).to_have_text("No stories match night salt")
    expect(page.locator(".search__result")).to_have_count(0)


def test_search_publication_filter_narrows_the_results(page: Page, make_site: Callable[..., Path],
                                                serve: Callable[[Path], str]) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(search_page(make_site, serve))
    page.get_by_role("searchbox").fill("the")
    expect(page.get_by_role("status")).to_have_text("4 stories found")
    pick = page.get_by_role("combobox", name="Publication")
    expect(pick.locator("option")).to_have_text(
        ["All publications", "Le Monde", "The Economist", "The Harbour Courier", "Weekend Review"])
    pick.select_option("The Harbour Courier")
    expect(page.get_by_role("status")).to_have_text("2 stories found")
    expect(page.locator(".search__result .meta__pub")).to_have_text(["The Harbour Courier"] * 2)
    assert page.url.endswith("/search/?q=the&pub=The+Harbour+Courier")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    pick.select_option("")
    expect(page.get_by_role("status")).to_have_text("4 stories found")


def test_search_address_opens_with_its_results(page: Page, make_site: Callable[..., Path],
                                                 serve: Callable[[Path], str]) -> None:
    url = search_page(make_site, serve)
    page.goto(url + "?q=heat&pub=Weekend+Review")
    expect(page.get_by_role("searchbox")).to_have_value("heat")
    expect(page.get_by_role("combobox", name="Publication")).to_have_value("Weekend Review")
    expect(page.locator(".search__title a")).to_have_text(["A quieter kind of heat wave"])
    # Escape empties the field and the results, and the address follows.
    page.get_by_role("searchbox").press("Escape")
    expect(page.locator(".search__result")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text("")
    assert page.url.endswith("/search/?pub=Weekend+Review")


def test_search_load_more_shows_the_next_results_newest_first(
        page: Page, make_site: Callable[..., Path], serve: Callable[[Path], str]) -> None:
    notes = {
        f"2025-09-{day:02}-note.md": f"---\ntitle: Harbour note {day}\n"
        f"publication: The Harbour Courier\ndate: 2025-09-{day:02}\n---\n"
        "A short note from the quay.\n"
        for day in range(1, 26)
    }
    page.goto(search_page(make_site, serve, articles=notes))
    page.get_by_role("searchbox").fill("harbour")
    expect(page.get_by_role("status")).to_have_text("25 stories found")
    # Every note scores the same: the newest come first.
    expect(page.locator(".search__result")).to_have_count(20)
    assert titles(page)[:2] == ["Harbour note 25", "Harbour note 24"]
    more = page.get_by_role("button", name="Load more results")
    more.click()
    expect(page.locator(".search__result")).to_have_count(25)
    assert titles(page)[20:] == [f"Harbour note {day}" for day in range(5, 0, -1)]
    expect(more).to_be_hidden()
    expect(page.locator(":focus")).to_have_text("Harbour note 5")  # the keyboard carries on


def test_search_shows_markup_in_an_article_as_text(page: Page, make_site: Callable[..., Path],
                                               serve: Callable[[Path], str]) -> None:
    hostile = {
        "2025-10-06-trap.md": """---
title: '<img src=x onerror="window.pwned = 1">Lanterns <b>on</b> the pier'
publication: '<svg onload="window.pwned = 2">'
date: 2025-10-06
standfirst: '<script>window.pwned = 3</script> lanterns everywhere'
---
Lanterns were lit along the pier.
""",
    }
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(search_page(make_site, serve, articles=hostile) + "?q=lanterns")
    link = page.locator(".search__title a")
    expect(link).to_have_text('<img src=x onerror="window.pwned = 1">Lanterns <b>on</b> the pier')
    pub = page.locator(".search__result .meta__pub")
    expect(pub).to_have_text('<svg onload="window.pwned = 2">')
    expect(page.locator("#search img, #search svg, #search script, #search b")).to_have_count(0)
    expect(link.locator("mark")).to_have_text(["Lanterns"])
    # An image of our own, made after the results: by the time its failed load is
    # reported, an <img src=x> the results made (even one never added to the page)
    # would have been asked for, and its onerror run.
    page.evaluate("""() => new Promise((done) => {
        const probe = new Image();
        probe.onerror = probe.onload = done;
        probe.src = "x?probe";
    })""")
    images = [url for url in asked if url.split("?")[0].endswith("/search/x")]
    assert images == [url for url in images if url.endswith("?probe")], images
    assert page.evaluate("window.pwned") is None and not dialogs


# Notes the URL of each file the page has read, and "unpacked" when a gzip file's text is
# out, once everything waiting on it has run: the search's own steps are promise callbacks,
# which all run before a timer does.
NOTE_ANSWERED = """
window.answered = [];
for (const name of ["json", "arrayBuffer", "text"]) {
  const read = Response.prototype[name];
  Response.prototype[name] = function () {
    const url = this.url || "unpacked";
    return read.call(this).finally(() => setTimeout(() => window.answered.push(url), 0));
  };
}
"""


def test_search_slow_answer_never_replaces_a_newer_one(page: Page, make_site: Callable[..., Path],
                                                  serve: Callable[[Path], str]) -> None:
    held: list[Route] = []
    slow_file = f"search/data/0/{bucket_of('salt')}.gz"
    page.route(f"**/{slow_file}", lambda route: held.append(route))
    page.add_init_script(NOTE_ANSWERED)
    page.goto(search_page(make_site, serve))
    field = page.get_by_role("searchbox")
    field.fill("salt")
    for _ in range(100):  # until the browser asks for the file that is held back
        if held:
            break
        page.wait_for_timeout(50)
    assert held
    field.fill("cormorants")
    expect(page.locator(".search__title a")).to_have_text(["The last ferry of the night"])
    held[0].continue_()  # the answer to "salt" arrives last
    # Until the page has parsed that answer and done all it would do with it.
    page.wait_for_function("""file => {
        const at = window.answered.findIndex((url) => url.endsWith(file));
        return at >= 0 && window.answered.slice(at).includes("unpacked");
    }""", arg=slow_file)
    assert titles(page) == ["The last ferry of the night"]
    expect(page.get_by_role("status")).to_have_text("1 story found")


def test_search_says_when_it_cannot_load_the_index(page: Page, make_site: Callable[..., Path],
                                                   serve: Callable[[Path], str]) -> None:
    out = build_site(make_site, search=True)
    # Opened from the disk, where browsers refuse fetch(): it says how to fix that.
    page.goto((out / "search" / "index.html").as_uri())
    expect(page.get_by_role("status")).to_contain_text("opened from a disk", timeout=10_000)
    # Served without its index (a half-uploaded site): it says search is unavailable.
    base = serve(out)
    page.route("**/search/data/**", lambda route: route.fulfill(status=404, body="missing"))
    page.goto(base + "search/?q=ferry")
    expect(page.get_by_role("status")).to_have_text(
        "Search is not available right now: the search index could not be loaded.")
    expect(page.locator(".search__result")).to_have_count(0)


def test_broadsheet_theme_inherits_and_sets_columns(page: Page, make_site: Callable[..., Path],
                                                    tmp_path: Path) -> None:
    out = build_site(make_site, theme="broadsheet")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto((out / "2025" / "10" / "06" / "index.html").as_uri())
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href || '')")
    assert any("/style." in s for s in sheets) and any("/broadsheet." in s for s in sheets)
    assert page.locator(".masthead").count() == 1
    columns = page.evaluate("getComputedStyle(document.querySelector('.cards')).columnCount")
    assert columns == "3"
    page.screenshot(path=str(tmp_path / "broadsheet-edition-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_search_filter_shows_a_publication_name_as_text(
        page: Page, make_site: Callable[..., Path], serve: Callable[[Path], str]) -> None:
    name = "<img src=x onerror=alert(1)>"
    articles = {
        "2025-10-06-trap.md": f"---\ntitle: Lanterns on the pier\npublication: '{name}'\n"
        "date: 2025-10-06\n---\nLanterns were lit along the pier.\n",
        "2025-10-05-plain.md": "---\ntitle: Lanterns in the square\npublication: Plain Paper\n"
        "date: 2025-10-05\n---\nLanterns were lit in the square.\n",
    }
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(search_page(make_site, serve, articles=articles) + "?q=lanterns")
    pick = page.get_by_role("combobox", name="Publication")
    expect(pick).to_be_visible()  # two publications: the filter is offered
    options = pick.locator("option")
    expect(options).to_have_count(3)
    assert sorted(options.all_inner_texts()) == sorted(["All publications", name, "Plain Paper"])
    expect(page.locator("#search img, select img")).to_have_count(0)
    pick.select_option(name)
    expect(page.get_by_role("status")).to_have_text("1 story found")
    expect(page.locator(".search__result .meta__pub")).to_have_text([name])
    expect(page.locator(".search__title a")).to_have_text(["Lanterns on the pier"])
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert not dialogs
