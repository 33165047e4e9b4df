"""`digest serve` in a real browser: what the curator sees after each kind of save.

Each test edits a small site while a page is open and asserts what shows up, printing
the latency from the file write to the text being visible (`pytest -s` shows it).
"""

from __future__ import annotations

import io
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from digest.config import load_config
from digest.serve import DevServer

pytestmark = pytest.mark.browser

EDITION = "2025/10/03/"
PUBLICATION = "publications/the-quill-courier/"


def article(title: str, day: int = 3, publication: str = "The Quill Courier") -> str:
    return (
        f"---\ntitle: {title}\npublication: {publication}\ndate: 2025-10-{day:02d}\n---\n\n"
        f"Text of the story called {title}.\n"
    )


DUMP = """Try GOLD - Free
Lanterns return to the harbour wall
The Quill Courier
|October 03, 2025
The harbour committee voted on Tuesday to bring back the old lanterns.
Fishermen said the light had been missed since the storm two winters ago.
This story is from the October 03, 2025 edition of The Quill Courier.
Subscribe to Magzter GOLD to access thousands of curated premium stories.
Already a subscriber? Sign In
Listen
Translate
Change font size
"""


@pytest.fixture
def dev(make_site: Callable[..., Path]) -> Iterator[DevServer]:
    root = make_site(articles={
        "quill/first.md": article("Morning tide"),
        "quill/second.md": article("Evening bells"),
    })
    (root / "static").mkdir()
    (root / "static" / "style.css").write_text("body { background-color: rgb(255, 255, 255); }\n")
    server = DevServer(load_config(root), port=0, out=io.StringIO())
    server.start()
    # The first normalise in a process loads its language data: not what a curator waits for.
    server.watcher.warmed.wait(30)
    try:
        yield server
    finally:
        server.stop()


def open_page(page: Page, server: DevServer, path: str = EDITION) -> None:
    page.goto(server.url + path)
    page.wait_for_function("window.__digestReady === true", timeout=5000)


def report(what: str, started: float, server: DevServer) -> None:
    seen = time.monotonic() - started
    event = server.latencies[-1] if server.latencies else float("nan")
    print(f"\n{what}: change -> reload event {event * 1000:.0f} ms, "
          f"change -> visible {seen * 1000:.0f} ms")


def test_edited_title_shows_up(page: Page, dev: DevServer) -> None:
    open_page(page, dev)
    titles = page.locator(".card__title")
    visible = []
    for i in range(3):
        started = time.monotonic()
        (dev.config.articles_dir / "quill/first.md").write_text(article(f"Morning tide, take {i}"))
        expect(titles.filter(has_text=f"take {i}")).to_have_text(f"Morning tide, take {i}",
                                                                 timeout=5000)
        visible.append(time.monotonic() - started)
        page.wait_for_function("window.__digestReady === true", timeout=5000)
    print(f"\nedit title x3: median change -> reload event "
          f"{statistics.median(dev.latencies[-3:]) * 1000:.0f} ms, change -> visible "
          f"{statistics.median(visible) * 1000:.0f} ms")


def test_raw_dump_in_inbox_appears_in_the_edition(page: Page, dev: DevServer) -> None:
    open_page(page, dev)
    started = time.monotonic()
    (dev.config.inbox_dir / "lanterns.txt").write_text(DUMP)
    expect(page.locator(".card__title", has_text="Lanterns")).to_have_text(
        "Lanterns return to the harbour wall", timeout=5000)
    report("inbox dump", started, dev)


def test_broken_template_shows_the_error_page_then_recovers(page: Page, dev: DevServer) -> None:
    open_page(page, dev)
    template = dev.config.root / "templates" / "edition.html"
    template.parent.mkdir()
    started = time.monotonic()
    template.write_text('{% extends "base.html" %}\n{% block content %}\n{{ oops( }}\n'
                        "{% endblock %}\n")
    expect(page.locator("h1")).to_have_text("Build failed", timeout=5000)
    expect(page.locator(".problems")).to_contain_text("edition.html:3", timeout=5000)
    report("broken template", started, dev)
    page.wait_for_function("window.__digestReady === true", timeout=5000)
    started = time.monotonic()
    template.write_text('{% extends "base.html" %}\n{% block content %}\n'
                        '<h1 class="fixed">Fixed edition</h1>\n{% endblock %}\n')
    expect(page.locator("h1")).to_have_text("Fixed edition", timeout=5000)
    report("fixed template", started, dev)


def test_css_change_swaps_the_stylesheet_without_a_reload(page: Page, dev: DevServer) -> None:
    open_page(page, dev)
    page.evaluate("window.__marker = 1")
    started = time.monotonic()
    (dev.config.root / "static" / "style.css").write_text(
        "body { background-color: rgb(1, 2, 3); }\n")
    body = page.locator("body")
    expect(body).to_have_css("background-color", "rgb(1, 2, 3)", timeout=5000)
    report("css swap", started, dev)
    assert page.evaluate("window.__marker") == 1  # the page was not reloaded


def test_atomic_rename_save_reloads_once(page: Page, dev: DevServer) -> None:
    open_page(page, dev)
    loads: list[str] = []
    page.on("load", lambda _: loads.append(page.url))
    epoch = dev.state.epoch
    target = dev.config.articles_dir / "quill/second.md"
    temp = target.with_name(".second.md.tmp")
    started = time.monotonic()
    with page.expect_event("load", timeout=5000):
        temp.write_text(article("Evening bells, saved atomically"))
        os.replace(temp, target)
        expect(page.locator(".card__title", has_text="atomically")).to_have_text(
            "Evening bells, saved atomically", timeout=5000)
        report("atomic save", started, dev)
    # Another save, then its reload: the watcher reports events in order, so a wrong
    # second rebuild for the first save would have come before this one.
    with page.expect_event("load", timeout=5000):
        (dev.config.articles_dir / "quill/first.md").write_text(article("Morning tide, later"))
    expect(page.locator(".card__title", has_text="later")).to_have_text(
        "Morning tide, later", timeout=5000)
    assert dev.state.epoch == epoch + 2
    assert len(loads) == 2


def test_deleted_article_is_gone_everywhere(page: Page, dev: DevServer) -> None:
    open_page(page, dev)
    expect(page.locator(".card__title")).to_have_count(2, timeout=5000)
    started = time.monotonic()
    (dev.config.articles_dir / "quill/second.md").unlink()
    expect(page.locator(".card__title")).to_have_text(["Morning tide"], timeout=5000)
    report("delete article", started, dev)
    open_page(page, dev, PUBLICATION)
    expect(page.locator(".card__title")).to_have_text(["Morning tide"], timeout=5000)


def test_stop_with_a_browser_connected_is_fast_and_clean(page: Page, dev: DevServer) -> None:
    before = set(threading.enumerate())
    open_page(page, dev)
    started = time.monotonic()
    dev.stop()
    took = time.monotonic() - started
    print(f"\nstop with a connected page: {took * 1000:.0f} ms")
    assert took < 1.0
    deadline = time.monotonic() + 2.0  # threads told to stop may need a moment to return
    for thread in set(threading.enumerate()) - before:
        thread.join(max(0.0, deadline - time.monotonic()))
    left = [t.name for t in threading.enumerate() if t not in before and t.is_alive()]
    ours = [t.name for t in threading.enumerate() if t.name.startswith("digest-")]
    assert not left and not ours, (left, ours)
