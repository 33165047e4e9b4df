"""The curator's desk in a real browser: each action, the file it writes, the preview.

One dev server and one browser serve the whole module; each test works on articles of
its own. Waits are on what the page shows or on the server's build epochs, never sleeps.
"""

from __future__ import annotations

import difflib
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FrameLocator, Page, expect

from digest.config import load_config
from digest.serve import DevServer

pytestmark = pytest.mark.browser


def story(title: str, publication: str, day: int, extra: str = "") -> str:
    return (f"---\ntitle: {title}\npublication: {publication}\ndate: '2025-10-{day:02d}'\n"
            f"{extra}---\n\nThe text of {title}. A second sentence of it.\n")


HELD = "review: [no date found]\nstatus: held\n"
ARTICLES = {
    "quill/title.md": story("Tide tables", "The Quill", 1, "author: Jo\n"),
    "quill/review.md": story("Storm warning", "The Quill", 1, "review:\n- title guessed\n"
                             "- no date found\nstatus: held\n"),
    "quill/decide.md": story("Harbour fees", "The Quill", 2, HELD),
    "quill/conflict.md": story("Ferry times", "The Quill", 2),
    "quill/tabs.md": story("Lighthouse keeper", "The Quill", 2),
    "ledger/a.md": story("Alpha story", "The Ledger", 5),
    "ledger/b.md": story("Bravo story", "The Ledger", 5),
    "ledger/c.md": story("Charlie story", "The Ledger", 5),
    "drag/x.md": story("Xray story", "Drag Daily", 9, "order: 10\n"),
    "drag/y.md": story("Yankee story", "Drag Daily", 9, "order: 20\n"),
    "harbour/one.md": story("First boat", "Harbour News", 6),
    "harbour/two.md": story("Second boat", "Harbour News", 6),
    "field/notes.md": story("Moss and lichen", "Field Notes", 7, "tags: [nature]\n"),
    "field/other.md": story("Bird count", "Field Notes", 7, "tags: [harbour, birds]\n"),
    "keys/k1.md": story("Key one", "Keyboard Times", 8),
    "keys/k2.md": story("Key two", "Keyboard Times", 8),
    "keys/held1.md": story("Held one", "Keyboard Times", 3, HELD),
    "keys/held2.md": story("Held two", "Keyboard Times", 3, HELD),
    "odd/markup.md": story("Plain", "Odd Post", 4,
                           "note: '<img src=x onerror=\"window.__pwned=1\">'\n" + HELD),
}
SITE = "title: Desk Test\nlanguage: en\nrights: {default: excerpt}\n"


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    root = tmp_path_factory.mktemp("desk-browser") / "site"
    for rel, text in ARTICLES.items():
        path = root / "content" / "articles" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "content" / "inbox").mkdir()
    (root / "site.yaml").write_text(SITE)
    server = DevServer(load_config(root), port=0, out=io.StringIO())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def new_page(browser: Browser, dev: DevServer, **options: object) -> Page:
    """A page of its own context (each holds its own event streams), with the desk's cookie."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    page = context.new_page()
    assert dev.desk_url is not None
    page.goto(dev.desk_url)
    expect(page.locator("body[data-desk-ready]")).to_be_attached()
    return page


@pytest.fixture
def page(browser: Browser, dev: DevServer) -> Iterator[Page]:
    desk = new_page(browser, dev)
    try:
        yield desk
    finally:
        desk.context.close()


def file(dev: DevServer, rel: str) -> Path:
    return dev.site.articles_dir / rel


def open_article(page: Page, dev: DevServer, rel: str) -> None:
    assert dev.desk is not None
    article_id = dev.desk.index.id_of(f"content/articles/{rel}")
    page.goto(f"{dev.url}_desk/article/{article_id}")
    expect(page.locator("body[data-desk-ready]")).to_be_attached()


def open_edition(page: Page, dev: DevServer, day: int) -> None:
    page.goto(f"{dev.url}_desk/editions/?key=2025-10-{day:02d}")
    expect(page.locator("body[data-desk-ready]")).to_be_attached()


def diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                   lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def saved(page: Page, what: str) -> None:
    expect(page.locator("#desk-status")).to_contain_text(f"Saved {what}")


def preview(page: Page) -> FrameLocator:
    return page.frame_locator('iframe[title="Preview"]')


def build_site(dev: DevServer) -> Path:
    subprocess.run([sys.executable, "-m", "digest", "build", "--site", str(dev.site.root),
                    "--jobs", "1"], check=True, capture_output=True)
    return dev.site.output_dir


def test_edit_the_title_in_place(page: Page, dev: DevServer) -> None:
    before = file(dev, "quill/title.md").read_text()
    open_article(page, dev, "quill/title.md")
    expect(preview(page).locator(".story__title")).to_have_text("Tide tables")
    page.get_by_label("Title", exact=True).fill("Tide tables for October")
    page.get_by_role("button", name="Save", exact=True).click()
    saved(page, "title")
    after = file(dev, "quill/title.md").read_text()
    assert diff(before, after) == ["-title: Tide tables", "+title: Tide tables for October"]
    expect(page.locator("[data-file]")).to_contain_text("title: Tide tables for October")
    expect(preview(page).locator(".story__title")).to_have_text("Tide tables for October",
                                                                timeout=5000)


def test_a_bad_date_is_refused_with_the_reason(page: Page, dev: DevServer) -> None:
    before = file(dev, "quill/title.md").read_bytes()
    open_article(page, dev, "quill/title.md")
    page.get_by_label("Date", exact=True).fill("2025-02-30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("`date` 2025-02-30 is not a date")
    assert file(dev, "quill/title.md").read_bytes() == before


def test_clear_review_notes(page: Page, dev: DevServer) -> None:
    before = file(dev, "quill/review.md").read_text()
    open_article(page, dev, "quill/review.md")
    expect(preview(page).locator("body")).to_contain_text("Held for review", ignore_case=True)
    page.get_by_role("button", name="Clear review notes").click()
    saved(page, "review")
    assert diff(before, file(dev, "quill/review.md").read_text()) == [
        "-review:", "-- title guessed", "-- no date found"]
    expect(page.get_by_role("button", name="Clear review notes")).to_have_count(0)
    # Held with nothing to review is published: the preview drops its mark.
    expect(preview(page).locator("body")).not_to_contain_text("Held for review",
                                                             ignore_case=True, timeout=5000)


def test_publish_hold_reject_and_a_rejected_article_leaves_the_build(
        page: Page, dev: DevServer) -> None:
    rel = "quill/decide.md"
    before = file(dev, rel).read_text()
    open_article(page, dev, rel)
    status = page.get_by_label("Status", exact=True)
    status.select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    saved(page, "status")
    published = file(dev, rel).read_text()
    assert diff(before, published) == ["-status: held", "+status: published"]
    output = build_site(dev)
    page_file = output / "the-quill" / "2025-10-02-decide" / "index.html"
    assert page_file.is_file()

    status.select_option("held")
    page.get_by_role("button", name="Save", exact=True).click()
    saved(page, "status")
    held = file(dev, rel).read_text()
    assert diff(published, held) == ["-status: published", "+status: held"]
    assert "review: [no date found]" in held  # a hold keeps the reasons there are

    status.select_option("rejected")
    epoch = dev.state.epoch
    page.get_by_role("button", name="Save", exact=True).click()
    saved(page, "status")
    rejected = file(dev, rel).read_text()
    assert diff(held, rejected) == ["-status: held", "+status: rejected"]
    assert dev.wait_for_epoch(epoch + 1)
    expect(preview(page).locator("body")).not_to_contain_text("Harbour fees", timeout=5000)
    build_site(dev)
    assert not page_file.exists()
    assert file(dev, rel).is_file()  # never deleted


def test_featured_leads_the_edition(page: Page, dev: DevServer) -> None:
    rel = "harbour/two.md"
    before = file(dev, rel).read_text()
    open_edition(page, dev, 6)
    cards = page.locator(".desk-group", has_text="Harbour News").locator(".desk-card h3")
    expect(cards).to_have_text(["First boat", "Second boat"])
    second = page.get_by_role("article", name="Second boat")
    second.get_by_label("Featured").check()
    second.get_by_role("button", name="Save").click()
    saved(page, "featured")
    assert diff(before, file(dev, rel).read_text()) == ["+featured: true"]
    expect(cards).to_have_text(["Second boat", "First boat"])
    featured = preview(page).locator(".card--featured .card__title")
    expect(featured).to_have_text("Second boat", timeout=5000)


def test_move_down_then_up_writes_the_order(page: Page, dev: DevServer) -> None:
    names = ("ledger/a.md", "ledger/b.md", "ledger/c.md")
    before = {rel: file(dev, rel).read_text() for rel in names}
    open_edition(page, dev, 5)
    titles = page.locator(".desk-group", has_text="The Ledger").locator(".desk-card h3")
    expect(titles).to_have_text(["Alpha story", "Bravo story", "Charlie story"])
    page.get_by_role("article", name="Alpha story").get_by_role("button", name="Move down").click()
    expect(titles).to_have_text(["Bravo story", "Alpha story", "Charlie story"])
    middle = {rel: file(dev, rel).read_text() for rel in names}
    assert [diff(before[r], middle[r]) for r in names] == [
        ["+order: 2"], ["+order: 1"], ["+order: 3"]]
    group = preview(page).locator(".group", has_text="The Ledger").locator(".card__title")
    expect(group).to_have_text(["Bravo story", "Alpha story", "Charlie story"], timeout=5000)

    page.get_by_role("article", name="Charlie story").get_by_role("button", name="Move up").click()
    expect(titles).to_have_text(["Bravo story", "Charlie story", "Alpha story"])
    after = {rel: file(dev, rel).read_text() for rel in names}
    # Every article has a number already: only the two that swapped are written.
    assert [diff(middle[r], after[r]) for r in names] == [
        ["-order: 2", "+order: 3"], [], ["-order: 3", "+order: 2"]]
    expect(group).to_have_text(["Bravo story", "Charlie story", "Alpha story"], timeout=5000)
    # The first can go no higher, the last no lower.
    expect(page.get_by_role("article", name="Bravo story").get_by_role(
        "button", name="Move up")).to_be_disabled()


def test_drag_to_reorder(page: Page, dev: DevServer) -> None:
    before = {n: file(dev, f"drag/{n}.md").read_text() for n in ("x", "y")}
    open_edition(page, dev, 9)
    titles = page.locator(".desk-group", has_text="Drag Daily").locator(".desk-card h3")
    expect(titles).to_have_text(["Xray story", "Yankee story"])
    grip = page.locator(".desk-card", has_text="Yankee story").locator(".desk-grip")
    target = page.locator(".desk-card", has_text="Xray story")
    grip.drag_to(target, target_position={"x": 20, "y": 5})
    expect(titles).to_have_text(["Yankee story", "Xray story"])
    # Both had a number of their own: they swap them, nothing is renumbered.
    assert diff(before["y"], file(dev, "drag/y.md").read_text()) == ["-order: 20", "+order: 10"]
    assert diff(before["x"], file(dev, "drag/x.md").read_text()) == ["-order: 10", "+order: 20"]


def test_note_tags_and_rights(page: Page, dev: DevServer) -> None:
    rel = "field/notes.md"
    before = file(dev, rel).read_text()
    open_edition(page, dev, 7)
    item = page.get_by_role("article", name="Moss and lichen")
    item.get_by_label("Note").fill("Read *this* one.\nSlowly.")
    tags = item.get_by_label("Tags")
    tags.fill("")
    tags.press_sequentially("nature, har")
    # Existing tags are suggested for the tag being typed.
    expect(page.locator('#desk-tag-list option[value="nature, harbour"]')).to_be_attached()
    tags.fill("nature, harbour")
    rights = item.get_by_label("Rights")
    expect(rights.locator("option").first).to_have_text("publication default (excerpt)")
    rights.select_option("headline")
    item.get_by_role("button", name="Save").click()
    saved(page, "note, tags, rights")
    assert diff(before, file(dev, rel).read_text()) == [
        "-tags: [nature]", "+tags: [nature, harbour]",
        "+note: |-", "+  Read *this* one.", "+  Slowly.", "+rights: headline"]
    story_page = page.context.new_page()
    story_page.goto(f"{dev.url}field-notes/2025-10-07-notes/")
    expect(story_page.locator(".story__note")).to_contain_text("Slowly.")
    expect(story_page.locator(".tag-list")).to_contain_text("harbour")
    expect(story_page.locator(".rights-excerpt")).to_have_count(0)  # headline: no text


def test_a_file_saved_meanwhile_is_a_conflict_with_both_versions(
        page: Page, dev: DevServer) -> None:
    rel = "quill/conflict.md"
    open_article(page, dev, rel)
    editor = file(dev, rel).read_text().replace("title: Ferry times", "title: Ferry times (new)")
    file(dev, rel).write_text(editor)  # the curator's editor saves
    page.get_by_label("Kicker", exact=True).fill("Timetable")
    page.get_by_role("button", name="Save", exact=True).click()
    panel = page.get_by_role("region", name="Not saved: the file changed on disk")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-conflict-yours]")).to_contain_text("kicker: Timetable")
    expect(panel.locator("[data-conflict-yours]")).not_to_contain_text("(new)")
    expect(panel.locator("[data-conflict-disk]")).to_contain_text("title: Ferry times (new)")
    assert file(dev, rel).read_text() == editor  # nothing overwritten
    panel.get_by_role("button", name="Load the version on disk").click()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Ferry times (new)")
    page.get_by_label("Kicker", exact=True).fill("Timetable")
    page.get_by_role("button", name="Save", exact=True).click()
    saved(page, "kicker")
    assert diff(editor, file(dev, rel).read_text()) == ["+kicker: Timetable"]


def test_two_tabs_saving_at_once(browser: Browser, dev: DevServer) -> None:
    rel = "quill/tabs.md"
    tabs = [new_page(browser, dev) for _ in range(2)]
    try:
        for tab, author in zip(tabs, ("Ann", "Bo"), strict=True):
            open_article(tab, dev, rel)
            tab.get_by_label("Author", exact=True).fill(author)
        for tab in tabs:  # both requests leave before either answer is back
            tab.get_by_role("button", name="Save", exact=True).click(no_wait_after=True)
        outcomes = []
        for tab in tabs:
            done = tab.locator("#desk-status", has_text="Saved").or_(
                tab.locator("#desk-conflict:not([hidden])"))
            expect(done).to_be_visible()
            outcomes.append(tab.locator("#desk-conflict").is_visible())
        assert sorted(outcomes) == [False, True]  # one saved, one told of the conflict
        winner = ("Ann", "Bo")[outcomes.index(False)]
        loser = tabs[outcomes.index(True)]
        assert f"author: {winner}" in file(dev, rel).read_text()
        loser.get_by_role("button", name="Load the version on disk").click()
        expect(loser.get_by_label("Author", exact=True)).to_have_value(winner)
        loser.get_by_label("Kicker", exact=True).fill("From the other tab")
        loser.get_by_role("button", name="Save", exact=True).click()
        saved(loser, "kicker")
        text = file(dev, rel).read_text()
        assert f"author: {winner}" in text and "kicker: From the other tab" in text
    finally:
        for tab in tabs:
            tab.context.close()


def test_keyboard_shortcuts(page: Page, dev: DevServer) -> None:
    open_edition(page, dev, 8)
    expect(page.get_by_role("region", name="Keyboard shortcuts")).to_contain_text("reject")
    page.keyboard.press("j")
    first = page.locator(".desk-card.is-current")
    expect(first).to_have_count(1)
    title = first.locator("h3").inner_text()
    rel = {"Key one": "keys/k1.md", "Key two": "keys/k2.md"}[title]
    page.keyboard.press("f")
    saved(page, "featured")
    assert "featured: true" in file(dev, rel).read_text()
    page.keyboard.press("n")
    note = page.get_by_role("article", name=title).get_by_label("Note")
    expect(note).to_be_focused()
    page.keyboard.type("just kidding")  # letters typed into a field are text, not shortcuts
    expect(note).to_have_value("just kidding")
    assert "featured: true" in file(dev, rel).read_text()

    open_article(page, dev, "keys/held1.md")
    here, following = page.url, page.locator("a[rel=next]").get_attribute("href")
    page.keyboard.press("j")  # the next article waiting in the inbox
    page.wait_for_url(f"**{following}")
    expect(page.locator("[data-title]")).to_have_text("Held two")
    page.keyboard.press("k")
    page.wait_for_url(here)
    expect(page.locator("[data-title]")).to_have_text("Held one")
    for key, status in (("p", "published"), ("h", "held"), ("r", "rejected")):
        page.keyboard.press(key)
        saved(page, "status")
        assert f"status: {status}" in file(dev, "keys/held1.md").read_text()


def test_the_desk_fits_a_phone(browser: Browser, dev: DevServer) -> None:
    phone = new_page(browser, dev, viewport={"width": 360, "height": 740}, has_touch=True,
                     is_mobile=True)
    try:
        for path in ("article", "edition"):
            if path == "article":
                open_article(phone, dev, "quill/title.md")
            else:
                open_edition(phone, dev, 5)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        # One column: the preview comes after the controls, not beside them.
        form = phone.locator(".desk-card").first.bounding_box()
        frame = phone.locator('iframe[title="Preview"]').bounding_box()
        assert form is not None and frame is not None and frame["y"] > form["y"]
        assert phone.locator(".desk-grip").count() == 0  # no drag without a fine pointer
        expect(phone.get_by_role("button", name="Move down").first).to_be_visible()
    finally:
        phone.context.close()


def test_markup_in_a_field_is_shown_as_text(page: Page, dev: DevServer) -> None:
    open_article(page, dev, "odd/markup.md")
    page.get_by_label("Title", exact=True).fill('<img src=x onerror="window.__pwned=1">')
    page.get_by_role("button", name="Save", exact=True).click()
    saved(page, "title")
    for view in ("inbox", "edition", "article"):
        if view == "inbox":
            page.goto(f"{dev.url}_desk/")
        elif view == "edition":
            open_edition(page, dev, 4)
        else:
            open_article(page, dev, "odd/markup.md")
        expect(page.locator("body")).to_contain_text('<img src=x onerror="window.__pwned=1">')
        assert page.evaluate("window.__pwned") is None
        assert page.locator("main img").count() == 0

