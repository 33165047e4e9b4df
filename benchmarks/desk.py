"""The curator's desk: time from a save at the desk to the preview showing it.

    python -m benchmarks.desk --size 10000 --edits 5

Writes a corpus of N articles (benchmarks/corpus.py, kept in --work for the next run of
the same size), runs `digest serve --port 0` on it, opens the desk with the token the
start message prints, and for each kind of change: subscribes to the reload events like
an open tab, POSTs the change as the desk's page does, and takes the time to the reload
event and to the preview page showing the change (fetched right after the event). A
title or note edit keeps the article's place; featured, order and status move articles,
so they re-plan the site.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks import corpus
from benchmarks.run import FULL_SITE
from benchmarks.timing import Stats
from benchmarks.watch import _started, _subscribe, _wait_line

_DESK = re.compile(r"curator's desk: (http://\S+)")
_CARD = re.compile(r'<li class="desk-card" data-id="([0-9a-f]{16})" data-version="([0-9a-f]{64})"'
                   r'>.*?data-current-link>(.*?)</a>', re.S)
_GROUP = re.compile(r'<section class="desk-group".*?</section>', re.S)


@dataclass(frozen=True)
class Timed:
    action: str
    to_event: float  # seconds from sending the change to the reload event
    to_page: float  # ... to the preview page holding the change


class Desk:
    """The desk as its page uses it: a cookie from the token address, JSON POSTs."""

    def __init__(self, address: str) -> None:
        parts = urlsplit(address)
        self.host, self.port = str(parts.hostname), int(parts.port or 80)
        status, headers, _ = self.request("GET", f"{parts.path}?{parts.query}")
        if status != 303:
            raise RuntimeError(f"the desk's address answered {status}")
        self.cookie = headers["set-cookie"].split(";")[0]

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.request(method, path, body, headers or {})
            response = conn.getresponse()
            return (response.status, {k.lower(): v for k, v in response.getheaders()},
                    response.read())
        finally:
            conn.close()

    def page(self, path: str) -> str:
        status, _, body = self.request("GET", path, headers={"Cookie": self.cookie})
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
        return body.decode()

    def post(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        status, _, body = self.request(
            "POST", f"/_desk/api/{action}", json.dumps(payload).encode(),
            {"Cookie": self.cookie, "Content-Type": "application/json",
             "Origin": f"http://{self.host}:{self.port}"})
        answer: dict[str, Any] = json.loads(body)
        if status != 200:
            raise RuntimeError(f"{action}: HTTP {status}: {answer.get('error')}")
        return answer


def make_site(n: int, work: Path) -> Path:
    site = work / f"desk-{n}"
    marker = site / ".corpus-complete"
    if not marker.is_file():
        shutil.rmtree(site, ignore_errors=True)
        (site / "content" / "inbox").mkdir(parents=True)
        (site / "site.yaml").write_text(FULL_SITE)
        corpus.write_articles(corpus.iter_articles(n), site / "content" / "articles")
        marker.write_text("")
    shutil.rmtree(site / ".digest-cache", ignore_errors=True)  # a first build like a user's
    return site


def measure(site: Path, edits: int, settle: float) -> tuple[list[Timed], float, float]:
    """(timings, seconds to the server's first build, seconds to the desk's first page)."""
    originals = {p: p.read_bytes() for p in (site / "content" / "articles").rglob("*.md")}
    cmd = [sys.executable, "-m", "digest", "serve", "--site", str(site), "--port", "0"]
    started = time.monotonic()
    timed: list[Timed] = []
    try:
        with _started(cmd) as (_proc, lines):
            desk = Desk(_wait_line(lines, _DESK, 900)[1])
            first_build = time.monotonic() - started
            page_start = time.monotonic()
            edition = desk.page("/_desk/editions/")
            first_page = time.monotonic() - page_start
            edition, group = _group(desk, edition)
            cards = {i: v for i, v, _ in _CARD.findall(group)}
            titles = {i: t for i, _, t in _CARD.findall(group)}
            preview = re.search(r'<iframe title="Preview" src="([^"]+)"', edition)
            if preview is None:
                raise RuntimeError("no preview in the desk's edition page")
            a, b = list(cards)[:2]

            def change(action: str, k: int) -> tuple[str, Callable[[str], bool]]:
                """Send one change: the preview page that shows it, and how to tell."""
                if action == "order":
                    ids = list(cards)
                    ids[0], ids[1] = ids[1], ids[0]
                    answer = desk.post("order", {"id": ids[0], "ids": ids, "versions": cards})
                    versions = {**cards, **answer["versions"]}
                    cards.clear()
                    cards.update((i, versions[i]) for i in ids)
                    first, second = titles[ids[0]], titles[ids[1]]
                    return preview[1], lambda page: page.find(first) < page.find(second)
                target = b if action == "featured" else a
                value: Any = {
                    "title": f"Edited at the desk {k}", "note": f"A note from the desk, take {k}.",
                    "featured": k % 2 == 0, "status": "draft" if k % 2 == 0 else "published",
                }[action]
                answer = desk.post("save", {"id": target, "version": cards[target],
                                            "changes": {action: value}})
                cards[target] = answer["version"]
                if action == "title":
                    titles[target] = str(value)
                if action in ("title", "note"):
                    return answer["url"], lambda page: str(value) in page
                marker = "card--featured" if action == "featured" else "card--draft"
                return preview[1], lambda page: (marker in page) == (k % 2 == 0)

            port = desk.port
            for action in ("title", "note", "featured", "order", "status"):
                # Featured on, off...: an even number of changes, so no article is left
                # leading its group when the order is timed (the last one is not timed).
                count = edits + edits % 2 if action in ("featured", "status") else edits
                for k in range(count):
                    time.sleep(settle)  # the search index follows each reload: let it
                    events: queue.Queue[float] = queue.Queue()
                    _subscribe(port, events)
                    sent = time.monotonic()
                    path, shows = change(action, k)
                    event = events.get(timeout=60)
                    # A change of several files may take two builds: like an open tab,
                    # look again after each reload until the page shows it.
                    while not shows(desk.request("GET", path)[2].decode()):
                        _subscribe(port, events)
                        if not shows(desk.request("GET", path)[2].decode()):
                            try:
                                events.get(timeout=60)
                            except queue.Empty:
                                raise RuntimeError(f"{path} never showed the {action} "
                                                   f"change {k}") from None
                    if k < edits:
                        timed.append(Timed(action, event - sent, time.monotonic() - sent))
    finally:
        for file, data in originals.items():
            if file.read_bytes() != data:
                file.write_bytes(data)
    return timed, first_build, first_page


def _group(desk: Desk, edition: str) -> tuple[str, str]:
    """A publication group of two articles or more, in the newest edition that has one:
    (the desk's page of that edition, the group)."""
    for key in [None, *re.findall(r'<option value="([\dw-]+)"', edition)[:60]]:
        page = edition if key is None else desk.page(f"/_desk/editions/?key={key}")
        for group in _GROUP.findall(page):
            if len(_CARD.findall(group)) >= 2:
                return page, group
    raise RuntimeError("no edition has two articles of one publication")


def report(n: int, timed: list[Timed], first_build: float, first_page: float) -> str:
    rows = [f"Desk at {n:,} articles: from sending a change to the reload event, and to the "
            "preview page holding it (seconds, median (min-max))", "",
            "| change | to reload event | to page shown |", "|---|---|---|"]
    for action in dict.fromkeys(t.action for t in timed):
        mine = [t for t in timed if t.action == action]
        event = Stats.of([t.to_event for t in mine]).fmt(3)
        shown = Stats.of([t.to_page for t in mine]).fmt(3)
        rows.append(f"| {action} | {event} | {shown} |")
    rows += ["", f"first build and start {first_build:.1f} s; the desk's first edition page "
             f"{first_page:.2f} s (reading every article's front matter once)"]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.desk", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000, help="articles in the corpus")
    parser.add_argument("--edits", type=int, default=5, help="changes timed per kind")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds between changes (a curator is not a script)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/digest-desk-bench"))
    args = parser.parse_args(argv)
    site = make_site(args.size, args.work)
    timed, first_build, first_page = measure(site, args.edits, args.settle)
    print(report(args.size, timed, first_build, first_page))


if __name__ == "__main__":
    main()
