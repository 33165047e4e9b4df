"""The search yardstick: digest's search against Pagefind on the same built site, in chromium.

`python -m benchmarks search` writes the multilingual site of search_corpus.py, builds it with
digest, indexes the built pages with Pagefind (`pip install 'pagefind[extended]'`, the bench
extra), and runs every query through digest's search page and through Pagefind's JavaScript
API (asked from a page in the query's language, so Pagefind searches the index of that
language, as its own search UI would). It prints recall@10 and MRR per query class, and the
results returned for queries that should find nothing.

`--speed SITE` times queries on an already written site (the 10,000-article benchmark
corpus): one query first, then each of SPEED_QUERIES from submitting to the results being
shown, in the page's own clock; the phrases among them are also reported on their own.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import statistics
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks import search_corpus

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"]
CLASSES = ("inflection", "accents", "compounds", "cjk", "two words", "publication", "exact",
           "no result")
SPEED_QUERIES = ("harbor", "council budget", "museum", "ferries", "warehouses", "rail",
                 "forecast", "\"annual report\"", "mayor warned", "orchard", "tunnels",
                 "quarterly", "deficit", "inquiry hearing", "lanterns", "meadow", "tower",
                 "surplus", "coastal village", "runway", "\"for details\"",
                 "\"budget deficit\"")
# Phrases, also timed on their own: in the benchmark corpus "for details" follows every
# article's link (the first page fills from the best candidates), "annual report" and
# "budget deficit" join common words rarely adjacent (every candidate's text is read).
PHRASES = tuple(q for q in SPEED_QUERIES if q.startswith('"'))

# Asks Pagefind from a page in one language: it searches that language's index.
PAGEFIND_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head>
<body><script type="module">
window.pagefind = await import("/pagefind/pagefind.js");
await window.pagefind.init();
window.ready = true;
</script></body></html>
"""

TIME_QUERY = """async (query) => {
  const results = document.querySelector(".search__results");
  const field = document.getElementById("search-query");
  return await new Promise((resolve) => {
    const start = performance.now();
    const seen = new MutationObserver(() => {
      const state = results.dataset.state;
      if (state === "done" || state === "empty" || state === "error") {
        seen.disconnect();
        resolve([performance.now() - start, state]);
      }
    });
    seen.observe(results, { attributes: true, attributeFilter: ["data-state"] });
    field.value = query;
    field.form.requestSubmit();
  });
}"""


class _Quiet(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as static hosts serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def write_site(work: Path, per_concept: int) -> tuple[Path, list[search_corpus.Query]]:
    articles, queries = search_corpus.build(per_concept=per_concept)
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / "content" / "inbox").mkdir(parents=True)
    (site / "site.yaml").write_text("title: Many languages\nlanguage: en\nsearch: true\n")
    for article in articles:
        path = site / "content" / "articles" / article.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article.text, encoding="utf-8")
    _check_no_result_words(articles)
    return site, queries


def _check_no_result_words(articles: Sequence[search_corpus.Article]) -> None:
    """A no-result word is neither a word of the corpus nor the start of one."""
    from digest.search_text import fold, terms_of

    words = {term for article in articles for term in terms_of(article.text)}
    for word in search_corpus.NO_RESULT:
        folded = fold(word)
        clash = sorted(w for w in words if w.startswith(folded))
        assert not clash, f"{word!r} starts {clash[:3]}: not a no-result word"


def build_site(site: Path) -> Path:
    from digest.build import build
    from digest.config import load_config

    config = load_config(site)
    report = build(config)
    if report.problems:
        raise SystemExit("\n".join(str(p) for p in report.problems))
    return Path(config.output_dir)


def pagefind_index(output: Path) -> str:
    """Index the built article pages with Pagefind; its version."""
    command = [sys.executable, "-m", "pagefind", "--site", str(output), "--output-subdir",
               "pagefind", "--root-selector", "main", "--glob", "*/2*/index.html", "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"pagefind failed: {done.stderr or done.stdout}\n"
                         "install it with: pip install 'pagefind[extended]'")
    version = subprocess.run([sys.executable, "-m", "pagefind", "--version"],
                             capture_output=True, text=True).stdout.strip()
    for lang in search_corpus.LANGUAGES:
        page = output / "pagefind-eval" / f"{lang}.html"
        page.parent.mkdir(exist_ok=True)
        page.write_text(PAGEFIND_PAGE.format(lang=lang))
    return version


_NUMBER = re.compile(r"-(\d{3})/")


def _ids(urls: Sequence[str]) -> list[str]:
    """Article numbers of result URLs (every article file is named ...-NNN.md)."""
    return [m.group(1) for url in urls if (m := _NUMBER.search(url))]


def run_queries(base: str, queries: Sequence[search_corpus.Query]) -> dict[str, list[list[str]]]:
    from playwright.sync_api import sync_playwright

    found: dict[str, list[list[str]]] = {"digest": [], "pagefind": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        for query in queries:
            page.goto(f"{base}search/?q={_quote(query.text)}")
            page.wait_for_function(
                "() => ['done', 'empty', 'error'].includes("
                "document.querySelector('.search__results')?.dataset.state)")
            urls = page.eval_on_selector_all(".search__title a", "els => els.map(e => e.href)")
            found["digest"].append(_ids(urls))
        for lang in search_corpus.LANGUAGES:
            page.goto(f"{base}pagefind-eval/{lang}.html")
            page.wait_for_function("() => window.ready === true")
            for index, query in enumerate(queries):
                if query.lang != lang:
                    continue
                urls = page.evaluate("""async (q) => {
                    const search = await window.pagefind.search(q);
                    const data = await Promise.all(search.results.map((r) => r.data()));
                    return data.map((d) => d.url);
                }""", query.text)
                found.setdefault(f"pagefind@{index}", []).append(_ids(urls))
        browser.close()
    found["pagefind"] = [found.pop(f"pagefind@{i}")[0] for i in range(len(queries))]
    return found


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def score(queries: Sequence[search_corpus.Query], results: Sequence[Sequence[str]]
          ) -> dict[str, tuple[float, float, int, int]]:
    """Per class: (recall@10, MRR, queries, results returned for no-result queries)."""
    per: dict[str, list[tuple[float, float, int]]] = {}
    for query, ids in zip(queries, results, strict=True):
        relevant = set(_ids([rel.replace(".md", "/") for rel in query.relevant]))
        if not relevant:
            per.setdefault(query.kind, []).append((1.0 if not ids else 0.0, 0.0, len(ids)))
            continue
        top = ids[:10]
        recall = len(relevant & set(top)) / min(len(relevant), 10)
        rank = next((k + 1 for k, i in enumerate(ids) if i in relevant), 0)
        per.setdefault(query.kind, []).append((recall, 1 / rank if rank else 0.0, 0))
    return {kind: (statistics.fmean(r for r, _, _ in rows), statistics.fmean(m for _, m, _ in rows),
                   len(rows), sum(n for _, _, n in rows)) for kind, rows in per.items()}


def table(queries: Sequence[search_corpus.Query], found: dict[str, list[list[str]]]) -> str:
    scores = {engine: score(queries, found[engine]) for engine in ("digest", "pagefind")}
    lines = ["| class | queries | digest recall@10 | Pagefind recall@10 | digest MRR | "
             "Pagefind MRR |", "|---|---|---|---|---|---|"]
    for kind in CLASSES:
        if kind not in scores["digest"]:
            continue
        d, p = scores["digest"][kind], scores["pagefind"][kind]
        if kind == "no result":
            lines.append(f"| {kind} (results returned) | {d[2]} | {d[3]} | {p[3]} | - | - |")
        else:
            lines.append(f"| {kind} | {d[2]} | {d[0]:.2f} | {p[0]:.2f} | {d[1]:.2f} | {p[1]:.2f} |")
    answered = [q for q in queries if q.relevant]
    for engine in ("digest", "pagefind"):
        rows = score(answered, [r for q, r in zip(queries, found[engine], strict=True)
                                if q.relevant])
        total = sum(n for _, _, n, _ in rows.values())
        recall = sum(r * n for r, _, n, _ in rows.values()) / total
        mrr = sum(m * n for _, m, n, _ in rows.values()) / total
        lines.append(f"\nall queries with answers, {engine}: recall@10 {recall:.2f}, MRR {mrr:.2f}")
    return "\n".join(lines)


@contextmanager
def served_fast(folder: Path) -> Iterator[str]:
    """The folder over node's http server (static_server.js) when node is there, as a static
    host would serve it; else over Python's."""
    node = shutil.which("node")
    if node is None:
        with served(folder) as base:
            yield base
        return
    server = subprocess.Popen([node, str(Path(__file__).with_name("static_server.js")),
                               str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        yield f"http://127.0.0.1:{int(server.stdout.readline())}/"
    finally:
        server.terminate()
        server.wait()


def speed(site: Path, runs: int = 3) -> str:
    """Query times on a built site's search page (ms, median and slowest of every query)."""
    from playwright.sync_api import sync_playwright

    output = site / "_site"
    cold: list[float] = []  # the query put in the field at once (pasted, or from the address)
    times: list[float] = []  # typed
    phrases: dict[str, list[float]] = {query: [] for query in PHRASES}  # both ways
    with served_fast(output) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            page = browser.new_page()
            page.goto(base + "search/")
            page.wait_for_selector("#search-query")
            page.evaluate(TIME_QUERY, "report")  # the first: meta.json, the stemmers
            for query in SPEED_QUERIES:
                took, _ = page.evaluate(TIME_QUERY, query)
                cold.append(took)
                phrases.get(query, []).append(took)
            page.close()
            # As a reader types: a key every 80 ms, then Enter; timed from the Enter.
            page = browser.new_page()
            page.goto(base + "search/")
            page.wait_for_selector("#search-query")
            page.evaluate(TIME_QUERY, "report")
            for query in SPEED_QUERIES:
                page.evaluate("() => { document.getElementById('search-query').value = ''; }")
                page.type("#search-query", query, delay=80)
                took, _ = page.evaluate(TIME_QUERY, query)
                times.append(took)
                phrases.get(query, []).append(took)
            page.close()
        browser.close()
    size = sum(f.stat().st_size for f in (output / "search" / "data").rglob("*") if f.is_file())
    return (f"{len(times)} queries after the first ({runs} fresh pages each way), from Enter "
            f"to the results shown: typed, median {statistics.median(times):.1f} ms, slowest "
            f"{max(times):.1f} ms; pasted, median {statistics.median(cold):.1f} ms, slowest "
            f"{max(cold):.1f} ms; search/data {size / 1e6:.2f} MB\nphrases, median (slowest) of "
            "both ways: " + ", ".join(f"{query} {statistics.median(took):.1f} ({max(took):.1f}) ms"
                                      for query, took in phrases.items()))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks search")
    parser.add_argument("--work", type=Path, default=Path("/tmp/digest-search-eval"))
    parser.add_argument("--speed", type=Path, help="a built site folder to time queries on")
    parser.add_argument("--json", type=Path, help="also write every query's results here")
    parser.add_argument("--per-concept", type=int, default=12,
                        help="articles about each concept (12: 276 articles, two chunks)")
    args = parser.parse_args(argv)
    if args.speed:
        print(speed(args.speed))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    site, queries = write_site(args.work, args.per_concept)
    output = build_site(site)
    version = pagefind_index(output)
    with served(output) as base:
        found = run_queries(base, queries)
    print(f"{len(list(site.glob('content/articles/*/*.md')))} articles in "
          f"{len(search_corpus.LANGUAGES)} languages, {len(queries)} queries; {version}\n")
    print(table(queries, found))
    if args.json:
        args.json.write_text(json.dumps(
            [{"query": q.text, "class": q.kind, "relevant": sorted(q.relevant),
              "digest": d, "pagefind": f}
             for q, d, f in zip(queries, found["digest"], found["pagefind"], strict=True)],
            ensure_ascii=False, indent=1))
