"""A real browser opens pages built from planted payloads: nothing may execute.

The site comes from test_hostile_content.py (the same article and raw dumps). Every
payload that runs either sets `window.__pwned` or opens an alert: the test listens for
dialogs, reads the global, hovers, focuses and clicks what a reader might, and checks that
no link leads to `javascript:` or `data:`. Once with raw HTML off (the default), once with
`raw_html: true` (kept, but sanitised).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_build_support import served as serve_folder
from test_hostile_content import make_payload_site

pytestmark = pytest.mark.browser

MAX_PAGES = 15


@pytest.fixture(params=[False, True], ids=["raw_html_off", "raw_html_on"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    site = make_payload_site(tmp_path / "site", raw_html=request.param)
    output = site / "_site"
    pages = sorted(
        ("/" + p.relative_to(output).as_posix()
         for p in output.rglob("*.html") if "pwned" in p.read_text("utf-8")),
        key=lambda url: ("/20" not in url, url),  # article pages first
    )
    assert pages, "no built page shows the planted payloads"
    with serve_folder(output) as url:
        yield url.rstrip("/"), pages[:MAX_PAGES]


PROBE = """() => {
  const bad = [];
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    const p = a.protocol;
    if (p === 'javascript:' || p === 'data:' || p === 'vbscript:')
      bad.push(a.outerHTML.slice(0, 120));
  }
  const never = 'iframe, object, embed, frame, base, form[action^="javascript"]';
  for (const el of document.querySelectorAll(never))
    bad.push(el.outerHTML.slice(0, 120));
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
    }
  }
  return {pwned: window.__pwned === 1, bad};
}"""


# Loads an image of our own that fails, after everything else: by the time its error is
# reported, the page's own failing images (an <img src=x onerror=...>) have failed too
# and their handlers have run. Timers a payload set are out of its reach.
SETTLE = """() => new Promise((done) => {
  const probe = new Image();
  probe.onerror = probe.onload = () => setTimeout(done, 0);
  probe.src = "/__settle-probe-" + Math.random() + ".png";
})"""


def test_no_payload_executes_in_a_real_browser(page, served) -> None:
    base, pages = served
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    findings: dict[str, object] = {}
    for path in pages:
        page.goto(base + path, wait_until="load")
        # What a reader does: move over the text, focus and click things.
        for element in page.query_selector_all("article *, main *")[:60]:
            with contextlib.suppress(Exception):  # hidden or detached elements are fine
                element.hover(timeout=200, force=True)
        for button in page.query_selector_all("button")[:10]:
            with contextlib.suppress(Exception):
                button.click(timeout=300, force=True, no_wait_after=True)
        if page.url.split("#")[0] != base + path:
            page.goto(base + path, wait_until="load")
        page.evaluate(SETTLE)
        result = page.evaluate(PROBE)
        result["dialogs_before_click"] = len(dialogs)
        if result["pwned"] or result["bad"]:
            findings[path] = result
            # Show that a reader's click runs it, not only that the link is there.
            for link in page.query_selector_all('a[href^="javascript:" i]')[:3]:
                with contextlib.suppress(Exception):
                    link.click(timeout=500, force=True, no_wait_after=True)
            page.evaluate(SETTLE)
            result["pwned_after_click"] = page.evaluate("() => window.__pwned === 1")
    assert not dialogs and not findings, {"dialogs": dialogs, "findings": findings}
