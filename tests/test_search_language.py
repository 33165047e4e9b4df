"""How search reads languages: the Python tokeniser that writes the index and the page's
search-text.js read the same strings alike (tests/search_tokens.json), and the index holds
stems, compound parts, CJK bigrams and whole Devanagari and Thai words."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_build_support import build_site

from digest.search_chunk import bucket_of
from digest.search_text import STEMMERS, split_compound, tokens

REPO = Path(__file__).resolve().parent.parent
STATIC = REPO / "themes" / "default" / "static"
TABLE = Path(__file__).resolve().parent / "search_tokens.json"

# Runs search-text.js with the vendored Snowball stemmers on a table of [text, algorithm].
NODE_SCRIPT = """
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const staticDir = process.argv[1];
const text = require(staticDir + '/search-text.js');
const snowball = await import(staticDir + '/snowball/stemmer.js');
await snowball.default({ module_or_path: readFileSync(staticDir + '/snowball/stemmer.wasm') });
const made = new Map();
const stemmerOf = (name) => {
  if (!name) return null;
  if (!made.has(name)) {
    const stemmer = new snowball.Stemmer(snowball.Languages[name[0].toUpperCase() + name.slice(1)]);
    made.set(name, (word) => stemmer.stem(word));
  }
  return made.get(name);
};
const table = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(table.map(([s, name]) => text.tokens(s, stemmerOf(name)))));
"""


def _in_node(cases: list[tuple[str, str | None]]) -> list[list[list[str | None]]] | None:
    node = shutil.which("node")
    if node is None:
        return None
    done = subprocess.run(
        [node, "--input-type=module", "-e", NODE_SCRIPT, str(STATIC)],
        input=json.dumps(cases), capture_output=True, text=True, timeout=60, check=True)
    result: list[list[list[str | None]]] = json.loads(done.stdout)
    return result


def _chromium_instead_of_node(what: str) -> None:
    """Where node is missing the page's scripts run in chromium; without either, `what`
    cannot be tested: a failure under CI, a skip on a developer's machine."""
    from conftest import CHROMIUM

    if not os.path.exists(CHROMIUM):
        message = f"neither node nor chromium: {what}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _in_chromium(cases: list[tuple[str, str | None]]) -> list[list[list[str | None]]]:
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    _chromium_instead_of_node("the tokenisers cannot be compared")
    script = (STATIC / "search-text.js").read_text("utf-8")
    glue = (STATIC / "snowball" / "stemmer.js").read_text("utf-8")
    wasm = list((STATIC / "snowball" / "stemmer.wasm").read_bytes())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.add_script_tag(content=script)
        result: list[list[list[str | None]]] = page.evaluate("""async ([glue, wasm, cases]) => {
            const url = URL.createObjectURL(new Blob([glue], { type: "text/javascript" }));
            const snowball = await import(url);
            await snowball.default({ module_or_path: new Uint8Array(wasm) });
            const made = new Map();
            const stemmerOf = (name) => {
              if (!name) return null;
              if (!made.has(name)) {
                const key = name[0].toUpperCase() + name.slice(1);
                const stemmer = new snowball.Stemmer(snowball.Languages[key]);
                made.set(name, (word) => stemmer.stem(word));
              }
              return made.get(name);
            };
            return cases.map(([s, name]) => DigestSearchText.tokens(s, stemmerOf(name)));
        }""", [glue, wasm, cases])
        browser.close()
    return result


def test_python_and_javascript_read_the_tricky_strings_alike() -> None:
    table = json.loads(TABLE.read_text("utf-8"))
    cases = [(text, STEMMERS.get(lang.split("-")[0])) for text, lang in table]
    js = _in_node(cases)
    if js is None:
        js = _in_chromium(cases)
    python = [[list(token) for token in tokens(text, lang)] for text, lang in table]
    for (text, lang), mine, theirs in zip(table, python, js, strict=True):
        assert mine == theirs, (text, lang)


def test_terms_keep_scripts_whole_and_split_cjk_into_bigrams() -> None:
    assert tokens("東京都の人口", "ja") == [
        ("東京", None), ("京都", None), ("都の", None), ("の人", None), ("人口", None)]
    assert [t for t, _ in tokens("हिन्दी भाषा", "hi")] == ["हिन्दी", "भाषा"]
    assert [t for t, _ in tokens("ภาษาไทย ของไทย", "th")] == ["ภาษาไทย", "ของไทย"]
    assert [t for t, _ in tokens("서울특별시", "ko")] == ["서울", "울특", "특별", "별시"]
    assert tokens("人", "zh") == [("人", None)]
    # A CJK term's bucket is its first character's, so one character finds its bigrams.
    assert bucket_of("人口") == bucket_of("人") != bucket_of("口人")


def test_words_are_stemmed_in_their_language_and_folded_after() -> None:
    assert tokens("Les hôpitaux", "fr") == [("les", "le"), ("hopitaux", "hopital")]
    assert tokens("Brücken", "de") == [("brucken", "bruck")]
    assert tokens("museums", "en-GB") == [("museums", "museum")]
    assert tokens("museums", "xx") == [("museums", None)]  # no Snowball algorithm
    assert tokens("København Łódź", "da") == [("kobenhavn", None), ("lodz", None)]


def test_compounds_split_into_known_words() -> None:
    known = {"stadt", "museum", "arbeit", "markt", "direktor"}.__contains__
    assert split_compound("stadtmuseum", known) == ["stadt", "museum"]
    assert split_compound("arbeitsmarkt", known) == ["arbeit", "markt"]  # a linking s
    assert split_compound("stadtmuseumsdirektor", known) == ["stadt", "museum", "direktor"]
    assert split_compound("museum", known) is None  # too short to be a compound
    assert split_compound("kunstmuseum", known) is None  # "kunst" is not a word of the site


GERMAN = {
    "2025-03-01-museum.md": "---\ntitle: Das Stadtmuseum öffnet\npublication: Rheinpost\n"
    "date: 2025-03-01\nlang: de\n---\n\nDas Stadtmuseum zeigt die Eisenbahnbrücken der Region.\n",
    "2025-03-02-bruecke.md": "---\ntitle: Die alte Brücke\npublication: Rheinpost\n"
    "date: 2025-03-02\nlang: de\n---\n\nDie Brücke über den Fluss. Das Museum der Stadt.\n",
    "2025-03-03-rights.md": "---\ntitle: Ein Bericht\npublication: Rheinpost\n"
    "date: 2025-03-03\nlang: de\nrights: headline\n---\n\nGeheimnisvolle Zeppelinhallen.\n",
}


def _postings(site: Path) -> tuple[dict[str, list[int]], dict[str, list[str]], list[object]]:
    data = site / "_site" / "search" / "data" / "0"
    terms: dict[str, list[int]] = {}
    stems: dict[str, list[str]] = {}
    for bucket in range(64):
        found = json.loads(gzip.decompress((data / f"{bucket}.gz").read_bytes()))
        terms.update(found["t"])
        stems.update(found["s"])
    texts = json.loads(gzip.decompress((data / "t0.gz").read_bytes()))
    return terms, stems, texts


def test_the_index_holds_stems_compound_parts_and_only_the_text_allowed(
        make_site: object) -> None:
    assert callable(make_site)
    site = make_site(config="title: T\nlanguage: en\nsearch: true\n", articles=GERMAN)
    assert build_site(site).problems == ()
    terms, stems, texts = _postings(site)
    # Oldest first: 0 the museum, 1 the bridge, 2 the headline-only story.
    assert terms["museum"][::2] == [0, 1]  # Stadtmuseum counts as Stadt and Museum
    assert terms["stadt"][::2] == [0, 1]
    # Eisenbahnbrücken: its last part is known by its stem (Brücke), its first is not a word
    # of the site: not split.
    assert "brucken" not in terms and "eisenbahnbrucken" in terms
    assert stems["bruck"] == ["brucke"]  # the stem names the terms that have it
    assert terms["rheinpost"][::2] == [0, 1, 2]  # the publication's name is searchable
    # Only the headline is published of the third: its body is neither indexed nor stored.
    assert "zeppelinhallen" not in terms and "geheimnisvolle" not in terms
    assert texts[2] == ["", "", ""]
    assert "Eisenbahnbrücken" in texts[0][2]


def test_an_edit_that_changes_a_language_updates_the_filters(make_site: object) -> None:
    assert callable(make_site)
    site = make_site(config="title: T\nlanguage: en\nsearch: true\n", articles=GERMAN)
    build_site(site)
    meta = site / "_site" / "search" / "data" / "meta.json"
    assert json.loads(meta.read_text())["languages"] == ["de"]
    path = site / "content" / "articles" / "2025-03-02-bruecke.md"
    path.write_text(path.read_text().replace("lang: de\n", "lang: nl\n"))
    report = build_site(site)
    assert "replan" in report.timings and "plan" not in report.timings  # the incremental path
    assert json.loads(meta.read_text())["languages"] == ["de", "nl"]
    # A body edit leaves meta.json alone.
    path.write_text(path.read_text() + "\nMehr Verkehr.\n")
    report = build_site(site)
    assert "replan" in report.timings and "/search/data/meta.json" not in report.changed_urls


def test_the_compiled_stemmers_give_the_pinned_releases_stems() -> None:
    # The index is stemmed by PyStemmer (C) where it is installed, the page by the pinned
    # Snowball release: one word stemmed otherwise would be found by one and not the other.
    import re

    from digest.search_text import _snowball

    try:
        import Stemmer  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("PyStemmer is not installed: pip install -e '.[test]'")
        pytest.skip("PyStemmer is not installed")
    text = TABLE.read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in sorted((REPO / "content/articles").rglob("*.md")))
    words = sorted({w.lower() for w in re.findall(r"\w+", text) if not w.isdigit()})
    words += ["museums", "brücken", "hôpitaux", "gehören", "universitetet", "kitaplarımız"]
    for algorithm in sorted(set(STEMMERS.values())):
        compiled, pure = _snowball(algorithm), _snowball(algorithm, compiled=False)
        assert type(compiled).__module__ == "Stemmer", algorithm
        wrong = [w for w in words if compiled.stemWord(w) != pure.stemWord(w)]
        assert wrong == [], (algorithm, wrong[:10])


def test_a_compound_counts_as_its_parts_written_beside_it() -> None:
    # In a chunk that also holds an English article (before it) and a regional German one:
    # the index is the one it would be had each compound's parts been written beside it.
    import dataclasses

    from digest.search_chunk import Analysis, buckets_of

    def analysis(lang: str, body: dict[str, int], stems: dict[str, str]) -> Analysis:
        return Analysis(lang, ({}, {}, {}, {}, body), (0, 0, 0, 0, sum(body.values())), stems,
                        ("", "", ""))

    english = analysis("en", {"cats": 1}, {"cats": "cat"})
    plain = analysis("de", {"stadt": 1, "museum": 1, "eisenbahn": 1, "brucke": 1, "der": 1},
                     {"brucke": "bruck"})
    compounds = {"stadtmuseum": 2, "eisenbahnbrucken": 1, "derstadt": 1, "museum": 1}
    # Brücken is known by its stem (Brücke's); "der" is a stop word: Derstadt stays whole.
    split = analysis("de-AT", compounds, {})
    parts = {**compounds, "stadt": 2, "museum": 3, "eisenbahn": 1, "brucken": 1}
    written = Analysis("en", ({}, {}, {}, {}, parts), split.lengths, {"brucken": "bruck"},
                       split.text)
    expected = buckets_of([english, dataclasses.replace(plain, lang="en"), written])
    assert buckets_of([english, plain, split]) == expected
    # A chunk of regional German only.
    swiss = dataclasses.replace(plain, lang="de-CH")
    assert buckets_of([swiss, split]) == buckets_of([dataclasses.replace(plain, lang="en"),
                                                     written])
    assert [b["s"]["bruck"] for b in expected if "bruck" in b["s"]] == [["brucke", "brucken"]]


# For every window of consecutive terms of each text: does the page's quick phrase test
# (phrasePattern on foldText) pass the text? It must, or a phrase the text holds is missed.
MISSED = """(text, texts) => {
  const missed = [];
  for (const s of texts) {
    const terms = text.termsOf(s);
    const folded = text.foldText(s);
    for (let size = 2; size <= 3; size += 1) {
      for (let at = 0; at + size <= terms.length; at += 1) {
        const phrase = terms.slice(at, at + size);
        const pattern = text.phrasePattern(phrase);
        if (pattern !== null && !pattern.test(folded)) missed.push([s, phrase]);
      }
    }
  }
  return missed;
}"""
PHRASE_SCRIPT = f"""
import {{ readFileSync }} from 'node:fs';
import {{ createRequire }} from 'node:module';
const require = createRequire(import.meta.url);
const text = require(process.argv[1] + '/search-text.js');
const missed = ({MISSED})(text, JSON.parse(readFileSync(0, 'utf8')));
process.stdout.write(JSON.stringify(missed));
"""


def _missed_phrases(texts: list[str]) -> list[list[object]]:
    node = shutil.which("node")
    if node is not None:
        done = subprocess.run(
            [node, "--input-type=module", "-e", PHRASE_SCRIPT, str(STATIC)],
            input=json.dumps(texts), capture_output=True, text=True, timeout=60, check=True)
        missed: list[list[object]] = json.loads(done.stdout)
        return missed
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    _chromium_instead_of_node("the phrase test cannot run")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.add_script_tag(content=(STATIC / "search-text.js").read_text("utf-8"))
        found: list[list[object]] = page.evaluate(
            f"(texts) => ({MISSED})(DigestSearchText, texts)", texts)
        browser.close()
    return found


_LETTERS = st.sampled_from([
    *"aAzZéÉßİıøæŒłðþçñ", "\u0301", "\u0308", "ﬁ", "Σ", "σ", "ς", "ǅ", "ﬀ", "Å", "ª", "東", "京",
    "の", "한", "ก", "ไ", "ह", "ि", "Ж", "ё", "٣", "7"])
_SEPARATORS = st.sampled_from([" ", "  ", ", ", "—", "-", "_", "'", "’", ".", "\n", "\u00a0",
                               "(", ")", "\u200b", ""])
_WORDS = st.text(_LETTERS, min_size=1, max_size=8) | st.sampled_from(
    ["Hôpital", "STRASSE", "x" * 70, "Ǆemal", "Œuvre", "İstanbul", "naïve", "ΟΔΟΣ"])
_TEXTS = st.lists(st.tuples(_WORDS, _SEPARATORS), min_size=2, max_size=12).map(
    lambda parts: "".join(word + sep for word, sep in parts))


@settings(max_examples=25, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=40))
def test_the_quick_phrase_test_never_misses_a_phrase_the_text_holds(texts: list[str]) -> None:
    assert _missed_phrases(texts) == []
