"""Search in a real browser on a site in several languages: stems, compounds, CJK, names,
phrases, filters in the address, passages, and the page saying when it works and is done."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
from playwright.sync_api import Page, Route, expect
from test_build_support import served

from digest.build import build
from digest.config import load_config

pytestmark = pytest.mark.browser


def _article(title: str, pub: str, date: str, lang: str, body: str, extra: str = "") -> str:
    return (f"---\ntitle: {title}\npublication: {pub}\ndate: {date}\nlang: {lang}\n{extra}"
            f"---\n\n{body}\n")


ARTICLES = {
    "de/2024-11-02-museum.md": _article(
        "Das Stadtmuseum öffnet wieder", "Rheinpost", "2024-11-02", "de",
        "Nach drei Jahren Umbau zeigt das Stadtmuseum seine Sammlung.", "tags: [kultur]\n"),
    "de/2025-03-02-bruecke.md": _article(
        "Die alte Brücke", "Rheinpost", "2025-03-02", "de",
        "Die Brücke über den Fluss wird saniert. Das Museum der Stadt bleibt offen."),
    "fr/2025-04-01-hopitaux.md": _article(
        "La crise des hôpitaux", "Le Quotidien", "2025-04-01", "fr",
        "Les hôpitaux de Paris manquent de personnel depuis des mois."),
    "ja/2025-05-01-tokyo.md": _article(
        "東京の話", "Asahi Digest", "2025-05-01", "ja", "東京都の人口が増えた。"),
    "en/2025-06-01-museums.md": _article(
        "Small museums thrive", "The Courier", "2025-06-01", "en",
        "Across the country, collections draw crowds to small towns every summer. "
        "Volunteers keep the doors open. When the last ferry of the night pulls away from the "
        "north quay, the cormorants settle on the pilings. A heat wave came and went.",
        "tags: [culture]\n"),
    "en/2025-06-02-secret.md": _article(
        "A story told in its headline", "The Courier", "2025-06-02", "en",
        "Zeppelins crowd the withheld paragraph.", "rights: headline\n"),
}


@contextmanager
def _served(root: Path) -> Iterator[str]:
    """The built site's search page, served."""
    with served(root / "_site") as url:
        yield url + "search/"


@pytest.fixture
def search_url(make_site: Callable[..., Path]) -> Iterator[str]:
    root = make_site(config="title: Mixed\nlanguage: en\nsearch: true\n", articles=ARTICLES)
    report = build(load_config(root))
    assert not report.problems, [str(p) for p in report.problems]
    with _served(root) as url:
        yield url


def titles_for(page: Page, url: str, query: str) -> list[str]:
    """The titles a query finds, once the page says it is done."""
    page.goto(f"{url}?q={query}")
    results = page.locator(".search__results")
    expect(results).to_have_attribute("data-state", "done", timeout=10_000)
    return page.locator(".search__title a").all_inner_texts()


def test_inflected_accentless_and_compound_words_find_their_stories(
        page: Page, search_url: str) -> None:
    assert titles_for(page, search_url, "museums")[0] == "Small museums thrive"
    # German plural and singular; French without accents, singular for plural.
    assert titles_for(page, search_url, "Brücken") == ["Die alte Brücke"]
    assert titles_for(page, search_url, "hopital") == ["La crise des hôpitaux"]
    # "Museum" inside "Stadtmuseum", and in German and English stories alike.
    assert set(titles_for(page, search_url, "Museum")) == {
        "Das Stadtmuseum öffnet wieder", "Die alte Brücke", "Small museums thrive"}
    # A CJK word inside a run, and a publication's name.
    assert titles_for(page, search_url, "人口") == ["東京の話"]
    assert set(titles_for(page, search_url, "Rheinpost")) == {
        "Das Stadtmuseum öffnet wieder", "Die alte Brücke"}


def test_what_is_not_there_finds_nothing_and_says_so(page: Page, search_url: str) -> None:
    for query in ("京都人", "zyxwv", "Zeppelins", '"wave heat"'):
        page.goto(f"{search_url}?q={query}")
        results = page.locator(".search__results")
        expect(results).to_have_attribute("data-state", "empty", timeout=10_000)
        expect(results).to_have_attribute("aria-busy", "false")
        expect(page.locator(".search__result")).to_have_count(0)
        expect(page.get_by_role("status")).to_contain_text("No stories match")


def test_a_phrase_in_quotes_needs_its_words_in_order(page: Page, search_url: str) -> None:
    assert titles_for(page, search_url, '"heat wave"') == ["Small museums thrive"]
    assert titles_for(page, search_url, "wave heat") == ["Small museums thrive"]


def test_the_passage_shown_is_the_one_that_matched(page: Page, search_url: str) -> None:
    titles_for(page, search_url, "cormorants")
    passage = page.locator(".search__excerpt")
    expect(passage).to_contain_text("the cormorants settle on the pilings")
    expect(passage).to_contain_text("…")  # it starts inside the body
    expect(passage.locator("mark")).to_have_text(["cormorants"])
    # A story published as a headline only shows no passage at all.
    assert titles_for(page, search_url, "headline") == ["A story told in its headline"]
    expect(page.locator(".search__excerpt")).to_have_count(0)


def test_filters_narrow_and_live_in_the_address(page: Page, search_url: str) -> None:
    assert len(titles_for(page, search_url, "museum")) == 3
    page.get_by_role("combobox", name="Language").select_option("de")
    expect(page.locator(".search__title a")).to_have_count(2)
    assert "lang=de" in page.url
    page.get_by_role("combobox", name="From").select_option("2025")
    expect(page.locator(".search__title a")).to_have_text(["Die alte Brücke"])
    assert "from=2025" in page.url
    # The address opens the same search.
    page.goto(page.url)
    expect(page.locator(".search__title a")).to_have_text(["Die alte Brücke"], timeout=10_000)
    expect(page.get_by_role("combobox", name="Language")).to_have_value("de")
    page.goto(f"{search_url}?q=museum&tag=culture")
    expect(page.locator(".search__title a")).to_have_text(["Small museums thrive"],
                                                          timeout=10_000)
    page.goto(f"{search_url}?q=museum&to=2024-11")
    expect(page.locator(".search__title a")).to_have_text(["Das Stadtmuseum öffnet wieder"],
                                                          timeout=10_000)


def test_the_results_say_when_they_are_loading_and_when_they_fail(
        page: Page, search_url: str) -> None:
    held: list[Route] = []
    page.route("**/search/data/0/*.gz", lambda route: held.append(route))
    page.goto(f"{search_url}?q=museum")
    results = page.locator(".search__results")
    expect(results).to_have_attribute("data-state", "loading", timeout=10_000)
    expect(results).to_have_attribute("aria-busy", "true")
    for _ in range(100):  # until the route has the request it holds back
        if held:
            break
        page.wait_for_timeout(50)
    held[0].fulfill(status=500, body="broken")
    expect(results).to_have_attribute("data-state", "error")
    expect(results).to_have_attribute("aria-busy", "false")
    expect(page.get_by_role("status")).to_contain_text("Search is not available")


_TERMS_FILE = re.compile(r"/search/data/(base|\d+)/\d+\.gz$")


def test_a_word_is_read_from_the_base_and_the_edited_chunks_not_from_every_chunk(
        page: Page, make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from digest import search

    # One story a chunk, six chunks: more than two (OVERLAY here) have a base.
    monkeypatch.setattr(search, "CHUNK", 1)
    monkeypatch.setattr(search, "OVERLAY", 2)
    root = make_site(config="title: Mixed\nlanguage: en\nsearch: true\n", articles=ARTICLES)
    assert not build(load_config(root)).problems
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.route("**/*", lambda route: route.continue_())  # no HTTP cache: files change

    def terms_files(query: str) -> list[str]:
        asked.clear()
        page.goto(f"{url}?q={query}")
        expect(page.locator(".search__results")).to_have_attribute(
            "data-state", "done", timeout=10_000)
        return sorted(m.group(0).split("/data/")[1] for u in asked if (m := _TERMS_FILE.search(u)))

    with _served(root) as url:
        # A word only one story holds: one file, the base's, not one per chunk.
        assert terms_files("cormorants") == [f"base/{search.bucket_of('cormorants')}.gz"]
        expect(page.locator(".search__title a")).to_have_text(["Small museums thrive"])
        # An edit takes its chunk (the last: the newest story) out of the base, which it
        # leaves as it was: the word is read from both.
        story = root / "content/articles/en/2025-06-01-museums.md"
        story.write_text(story.read_text() + "\nPelicans nest under the museum roof.\n")
        report = build(load_config(root))
        assert {u for u in report.changed_urls if "/base/" in u} == set()
        bucket = search.bucket_of("pelicans")
        assert terms_files("pelicans") == [f"4/{bucket}.gz", f"base/{bucket}.gz"]
        expect(page.locator(".search__title a")).to_have_text(["Small museums thrive"])
        terms_files("museum")  # a story in the base and one in the edited chunk
        expect(page.locator(".search__title a")).to_have_text(
            ["Small museums thrive", "Die alte Brücke"])


# A phrase's candidates are read best first, only as far as the results shown need: here
# the best scoring stories hold both words but not the phrase, the next 25 hold it (all
# scoring the same: the newest first), and the last hold the words apart again.
_FILLER = " ".join(["Grey gulls circle the quay while the tide turns."] * 6)
PHRASE_STORIES = {
    **{f"en/2025-03-{n:02}-decoy.md": _article(
        f"Lantern amber {n}", "The Courier", f"2025-03-{n:02}", "en",
        "The lantern glows amber, and amber glows the lantern.") for n in range(1, 7)},
    **{f"en/2025-01-{n:02}-door.md": _article(
        f"Door note {n}", "The Courier", f"2025-01-{n:02}", "en",
        "An amber lantern hangs by the door.") for n in range(1, 26)},
    **{f"en/2024-12-{n:02}-quay.md": _article(
        f"Quay note {n}", "The Courier", f"2024-12-{n:02}", "en",
        f"{_FILLER} Amber light. {_FILLER} A lantern. {_FILLER}") for n in range(1, 21)},
}
PHRASE_FOUND = [f"Door note {n}" for n in range(25, 0, -1)]  # the exact answer, in order


@pytest.fixture
def phrase_site(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
                ) -> Callable[[dict[str, str]], AbstractContextManager[str]]:
    """Builds and serves a site of the stories given, its search page's address."""
    from digest import search, search_chunk

    # One story a text file: reading a candidate's text is a request of its own.
    monkeypatch.setattr(search, "TEXT_GROUP", 1)
    monkeypatch.setattr(search_chunk, "TEXT_GROUP", 1)

    @contextmanager
    def served(articles: dict[str, str]) -> Iterator[str]:
        root = make_site(config="title: Phrases\nlanguage: en\nsearch: true\n",
                         articles=articles)
        assert not build(load_config(root)).problems
        with _served(root) as url:
            yield url

    return served


def test_a_phrase_rare_among_the_best_candidates_finds_exactly_its_stories(
        page: Page, phrase_site: Callable[[dict[str, str]], AbstractContextManager[str]]
) -> None:
    with phrase_site(PHRASE_STORIES) as phrase_url:
        _finds_exactly_its_stories(page, phrase_url)


def _finds_exactly_its_stories(page: Page, phrase_url: str) -> None:
    # Ranked by the words alone, the decoys come first and the stories apart last.
    ranked = titles_for(page, phrase_url, "amber lantern")
    assert ranked[:6] == [f"Lantern amber {n}" for n in range(6, 0, -1)]
    assert ranked[6:20] == PHRASE_FOUND[:14]
    assert titles_for(page, phrase_url, '"amber lantern"') == PHRASE_FOUND[:20]
    results = page.locator(".search__results")
    # The count is completed at low priority once the results are shown: on a machine
    # busy with other work that can take a while.
    expect(results).to_have_attribute("data-count", "exact", timeout=30_000)
    expect(page.get_by_role("status")).to_have_text("25 stories found")
    expect(page.get_by_role("status")).to_have_attribute("aria-busy", "false")
    page.get_by_role("button", name="Load more results").click()
    expect(page.locator(".search__result")).to_have_count(25)
    assert page.locator(".search__title a").all_inner_texts() == PHRASE_FOUND
    expect(page.get_by_role("button", name="Load more results")).to_be_hidden()


# The best candidates hold the phrase and fill the first page; a few far below hold it too.
LATE_STORIES = {
    **{k: v for k, v in PHRASE_STORIES.items() if "decoy" not in k},
    **{f"en/2024-11-{n:02}-late.md": _article(
        f"Late note {n}", "The Courier", f"2024-11-{n:02}", "en",
        f"{_FILLER} An amber lantern. {_FILLER}") for n in range(1, 4)},
}
LATE_FOUND = [*PHRASE_FOUND, "Late note 3", "Late note 2", "Late note 1"]


def test_a_phrase_shows_its_first_results_before_the_count_is_known(
        page: Page, phrase_site: Callable[[dict[str, str]], AbstractContextManager[str]]
) -> None:
    with phrase_site(LATE_STORIES) as phrase_url:
        _count_comes_later(page, phrase_url)


def _count_comes_later(page: Page, phrase_url: str) -> None:
    # The text files read at low priority (for the count, once the results are shown) are
    # held back; those the results need are not.
    held: list[str] = []
    asked: list[str] = []
    holding = [True]
    browser = page.context.new_cdp_session(page)

    def paused(event: dict[str, Any]) -> None:
        asked.append(event["request"]["url"])
        if holding[0] and event["request"]["initialPriority"] in ("Low", "VeryLow"):
            held.append(event["requestId"])
        else:
            browser.send("Fetch.continueRequest", {"requestId": event["requestId"]})

    browser.on("Fetch.requestPaused", paused)
    browser.send("Fetch.enable", {"patterns": [{"urlPattern": "*/search/data/*/t*.gz"}]})
    page.goto(f"{phrase_url}?q=%22amber%20lantern%22")
    results = page.locator(".search__results")
    status = page.get_by_role("status")
    expect(results).to_have_attribute("data-state", "done", timeout=10_000)
    assert page.locator(".search__title a").all_inner_texts() == PHRASE_FOUND[:20]
    expect(results).to_have_attribute("data-count", "partial")
    expect(results).to_have_attribute("aria-busy", "false")
    expect(status).to_have_text("20+ stories found")
    expect(status).to_have_attribute("aria-busy", "true")
    assert held  # the count's reading waits
    # Not every candidate's text was read for the first page.
    assert len(set(asked)) < len(LATE_STORIES)
    more = page.get_by_role("button", name="Load more results")
    expect(more).to_be_visible()
    # More results asked for before the count is known: the held files come, and the
    # next results are those of the whole check.
    holding[0] = False
    more.click()
    for request in held:
        browser.send("Fetch.continueRequest", {"requestId": request})
    expect(page.locator(".search__result")).to_have_count(28)
    assert page.locator(".search__title a").all_inner_texts() == LATE_FOUND
    expect(results).to_have_attribute("data-count", "exact")
    expect(status).to_have_text("28 stories found")
    expect(status).to_have_attribute("aria-busy", "false")
    expect(more).to_be_hidden()


# The page's animation frames wait until the test lets them run: what the page does after
# painting its results waits with them.
HOLD_FRAMES = """(() => {
  const frame = window.requestAnimationFrame.bind(window);
  const held = [];
  let holding = true;
  window.requestAnimationFrame = (callback) => {
    if (!holding) return frame(callback);
    held.push(callback);
    return 0;
  };
  window.releaseFrames = () => {
    holding = false;
    held.splice(0).forEach((callback) => frame(callback));
  };
})()"""


def _text_files(phrase_url: str) -> dict[str, str]:
    """Each story's text file in the search index (its URL) -> the story's title."""
    data = phrase_url + "data/"
    with urlopen(data + "meta.json") as response:
        chunks = json.load(response)["chunks"]
    files = {}
    for chunk in range(chunks):
        with urlopen(f"{data}{chunk}/docs.gz") as response:
            docs = json.loads(gzip.decompress(response.read()))
        files.update({f"{data}{chunk}/t{n}.gz": row[1] for n, row in enumerate(docs)})
    return files


def test_a_count_the_first_reads_complete_after_the_results_are_shown_is_said_exact(
        page: Page, phrase_site: Callable[[dict[str, str]], AbstractContextManager[str]]
) -> None:
    # The decoys' texts (the best candidates, read first) come at once and show the phrase
    # rare: every candidate is then asked for while the first results are worked out. The
    # stories' texts come once all are asked; the last candidates' only after the results
    # are shown, and before the page's next frame.
    with phrase_site(PHRASE_STORIES) as phrase_url:
        titles = _text_files(phrase_url)
        later = {url for url, title in titles.items() if title.startswith("Quay")}
        held: dict[str, str] = {}
        browser = page.context.new_cdp_session(page)

        def paused(event: dict[str, Any]) -> None:
            url = event["request"]["url"]
            if titles.get(url, "").startswith("Lantern"):
                browser.send("Fetch.continueRequest", {"requestId": event["requestId"]})
                return
            held[url] = event["requestId"]
            if len(held) == len(titles) - 6:  # all asked: the stories' texts come
                for url in set(held) - later:
                    browser.send("Fetch.continueRequest", {"requestId": held.pop(url)})

        finished: set[str] = set()
        page.on("requestfinished", lambda request: finished.add(request.url))
        page.add_init_script(HOLD_FRAMES)
        browser.on("Fetch.requestPaused", paused)
        browser.send("Fetch.enable", {"patterns": [{"urlPattern": "*/search/data/*/t*.gz"}]})
        page.goto(f"{phrase_url}?q=%22amber%20lantern%22")
        results = page.locator(".search__results")
        expect(results).to_have_attribute("data-state", "done", timeout=10_000)
        expect(results).to_have_attribute("data-count", "partial")
        assert set(held) == later
        for url in later:
            browser.send("Fetch.continueRequest", {"requestId": held.pop(url)})
        # Every text read and unpacked (the page idle), then the frame after the results.
        while not later <= finished:
            page.wait_for_event("requestfinished")
        page.evaluate("() => new Promise((idle) => requestIdleCallback("
                      "() => requestIdleCallback(() => idle())))")
        page.evaluate("() => window.releaseFrames()")
        expect(results).to_have_attribute("data-count", "exact", timeout=10_000)
        expect(page.get_by_role("status")).to_have_text("25 stories found")
        expect(page.get_by_role("status")).to_have_attribute("aria-busy", "false")
