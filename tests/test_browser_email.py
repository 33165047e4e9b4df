"""The e-mail edition in chromium: one column that fits a 320 px phone and a 600 px pane
without sideways scrolling, and readable in dark mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from test_build_support import copy_site
from test_email import NOW

from digest.config import load_config
from digest.email import make_email, write_email

pytestmark = pytest.mark.browser


@pytest.fixture
def email_file(tmp_path: Path) -> Path:
    site = copy_site("email", tmp_path)
    folder = write_email(load_config(site), make_email(load_config(site)), NOW)
    return folder / "email.html"


@pytest.mark.parametrize("width", [320, 600])
def test_no_sideways_scrolling(browser: Browser, email_file: Path, tmp_path: Path,
                               width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(email_file.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator("table.container").bounding_box()
    assert box is not None and box["width"] <= min(width, 600)
    shot = tmp_path / f"email-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000
    page.close()


def test_dark_mode_keeps_text_readable(browser: Browser, email_file: Path) -> None:
    page = browser.new_page(viewport={"width": 600, "height": 900}, color_scheme="dark")
    page.goto(email_file.as_uri())
    colours = page.evaluate("""() => {
        const style = (selector) => getComputedStyle(document.querySelector(selector));
        return [style('table.container').backgroundColor, style('.story-title a').color];
    }""")
    assert colours == ["rgb(29, 31, 36)", "rgb(235, 231, 223)"]  # light text on dark
    page.close()
