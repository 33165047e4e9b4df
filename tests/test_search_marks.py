"""What a search result marks, and the passage it shows: a quoted phrase's words only where
they follow each other as in the phrase, loose words wherever they match (stop words not),
and a passage that holds the phrase when the text does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page, expect
from test_build_support import served

from digest.build import build
from digest.config import load_config
from digest.search_text import analyse_word, word_pattern

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parent.parent / "themes" / "default" / "static"

_FILLER = ("The tide came in, tide after tide, and the boats rose with the tide while the "
           "tide turned. ")
COUNCIL = f"""---
title: The council and the tram
publication: The Courier
date: 2025-05-02
lang: en
---

{_FILLER * 4}

Late in the evening, after a long debate in a quiet chamber full of officials and
reporters, the government agreed to pay its share, and the members went home through
the rain to their families and their suppers.

{_FILLER * 3}
"""


def test_a_phrase_is_marked_where_its_words_follow_each_other_and_shown_in_the_passage(
        page: Page, make_site: Callable[..., Path]) -> None:
    root = make_site(config="title: Marks\nlanguage: en\nsearch: true\n",
                     articles={"en/2025-05-02-council.md": COUNCIL})
    assert not build(load_config(root)).problems
    with served(root / "_site") as url:
        page.goto(url + 'search/?q="the government"')
        result = page.locator(".search__result")
        expect(result).to_have_count(1, timeout=10_000)
        passage = result.locator(".search__excerpt")
        # The passage is the one sentence with the phrase, not the stretch with most "the".
        expect(passage).to_contain_text("the government agreed to pay its share")
        expect(passage.locator("mark")).to_have_text(["the", "government"])
        expect(result.locator(".search__title mark")).to_have_count(0)
        # Beside a loose word found more often elsewhere, the phrase still makes the passage.
        page.goto(url + 'search/?q="the government" tide')
        expect(passage).to_contain_text("the government agreed to pay its share")
        expect(passage.locator("mark")).to_contain_text(["the", "government"])
        # Loose words: each one wherever it is, a stop word nowhere.
        page.goto(url + "search/?q=the tide")
        expect(result.locator(".search__excerpt")).to_contain_text("the tide")
        marks = result.locator(".search__excerpt mark")
        expect(marks.first).to_have_text("tide")
        assert set(marks.all_inner_texts()) == {"tide"}


# Runs markerOf and passageOf on each case: the indexes of the words it marks, and the
# passage it picks from the text alone.
MARKS = """([cases, stopWord]) => cases.map(([text, phrase, loose]) => {
  const units = loose.map((term) => ({ term, stems: [], prefix: false, loose: true,
    required: term !== stopWord }));
  const marker = DigestSearch.markerOf({ units, phrases: [phrase] }, null);
  const { weights } = marker(text);
  const marked = weights.flatMap((weight, k) => (weight ? [k] : []));
  const found = DigestSearch.passageOf([text], marker);
  return [marked, found ? DigestSearchText.termsOf(found[0]) : []];
})"""

_WORDS = st.sampled_from(["the", "The", "tide", "Tide", "gull", "gulls", "quay", "Quay",
                          "Hôpital", "hopital", "東京", "京都", "naïve", "ﬁsh", "x" * 70])
_SEPARATORS = st.sampled_from([" ", ", ", ". ", "—", "-", "'", "\n", "\u00a0", "(", ""])
_TEXTS = st.lists(st.tuples(_WORDS, _SEPARATORS), min_size=2, max_size=90).map(
    lambda parts: "".join(word + sep for word, sep in parts))


def _terms_by_word(text: str) -> list[tuple[int, str]]:
    """(the word's index, a term) of each term of `text`, in order, as the index reads it."""
    return [(k, term) for k, word in enumerate(word_pattern(text).findall(text))
            for term, _ in analyse_word(word, None, "")]


def _phrase_words(text: str, phrase: list[str]) -> set[int]:
    terms = _terms_by_word(text)
    words = set()
    for at in range(len(terms) - len(phrase) + 1):
        if [term for _, term in terms[at:at + len(phrase)]] == phrase:
            words.update(k for k, _ in terms[at:at + len(phrase)])
    return words


def _matches(term: str, unit: str) -> bool:
    """Whether a loose query term (no stems, no prefix) matches a term of the text: the
    same, or a part of it four letters long or more (a compound's part)."""
    return term == unit or (len(unit) >= 4 and unit in term)


@st.composite
def _cases(draw: Any) -> tuple[str, list[str], list[str]]:
    """A text, a phrase of two or three of its terms in a row, and loose terms."""
    text = draw(_TEXTS)
    terms = [term for _, term in _terms_by_word(text)]
    size = draw(st.integers(2, 3))
    if len(terms) < size:
        return text, ["the", "tide"], []
    at = draw(st.integers(0, len(terms) - size))
    loose = draw(st.lists(st.sampled_from([*terms, "the", "gull", "hopital"]), max_size=2))
    return text, terms[at:at + size], loose


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_cases(), min_size=1, max_size=30))
def test_the_marks_and_passage_of_any_text_follow_the_phrase(
        page: Page, cases: list[tuple[str, list[str], list[str]]]) -> None:
    if not page.evaluate("() => Boolean(window.DigestSearch)"):
        for script in ("search-text.js", "search-show.js"):
            page.add_script_tag(content=(STATIC / script).read_text("utf-8"))
    answers = page.evaluate(MARKS, [cases, "the"])
    for (text, phrase, loose), (marked, passage) in zip(cases, answers, strict=True):
        terms_by_word = _terms_by_word(text)
        in_phrase = _phrase_words(text, phrase)
        # Every word of every occurrence of the phrase; others only as loose words (a
        # required one: "the" is a stop word here).
        assert in_phrase <= set(marked), (text, phrase)
        for k in set(marked) - in_phrase:
            word_terms = [term for j, term in terms_by_word if j == k]
            assert any(_matches(term, unit) for term in word_terms
                       for unit in set(loose) - {"the"}), (text, phrase, k)
        # The passage holds the phrase: one occurrence outweighs any number of loose words.
        held = any(passage[at:at + len(phrase)] == phrase for at in range(len(passage)))
        assert held or not in_phrase, (text, phrase, passage)
