"""The words of page chrome in the languages dumps arrive in: one table for every format.

The formats find an article by structure (runs of short lines, the longest run of prose,
a block at the end); the words here only confirm what a line is when its shape alone
cannot tell (`Advertisement` and a one-word subheading look alike). Each category holds
regular-expression fragments (mostly plain words) per language, and `xx` for names that
are the same everywhere. Matching always uses every language at once: a page's language
is not known when its chrome is read, and an English share button sits on German pages.
"""

from __future__ import annotations

import functools
import re

from digest.normalize.lexicon.words import LANGUAGES, LEXICON

__all__ = ["LANGUAGES", "LEXICON", "alternation", "guess_language", "has_stem", "is_line",
           "leads", "mentions", "search_pattern", "word_set"]

def fragments(category: str) -> tuple[str, ...]:
    """Every language's fragments of a category, longest first (so alternations prefer
    `accept all` to `accept`)."""
    found = {fragment for words in LEXICON[category].values() for fragment in words}
    return tuple(sorted(found, key=lambda f: (-len(f), f)))


@functools.cache
def alternation(category: str) -> str:
    """The category as one regular-expression group, for patterns built around it."""
    return "(?:" + "|".join(fragments(category)) + ")"


@functools.cache
def search_pattern(category: str) -> re.Pattern[str]:
    """The category's words anywhere, as whole words."""
    return re.compile(rf"(?<!\w){alternation(category)}(?!\w)", re.IGNORECASE)


@functools.cache
def _pattern(category: str) -> re.Pattern[str]:
    return re.compile(alternation(category), re.IGNORECASE)


@functools.cache
def _lead_pattern(category: str) -> re.Pattern[str]:
    return re.compile(rf"{alternation(category)}(?=$|[\s:.,!?…»”\"'—–-])", re.IGNORECASE)


_EDGES = " \t.:;,!?…|·•-–—>»«\"'“”()[]"


def _straight(text: str) -> str:
    """Typographic apostrophes as the table writes them (`S’abonner` -> `S'abonner`)."""
    return text.replace("’", "'") if "’" in text else text


def is_line(category: str, line: str) -> bool:
    """The whole line is one of the category's phrases (edge punctuation aside)."""
    text = _straight(line).strip(_EDGES)
    return bool(text) and _pattern(category).fullmatch(text) is not None


def leads(category: str, line: str) -> str | None:
    """What follows a phrase of the category that opens the line, or None."""
    text = _straight(line).lstrip(_EDGES)
    match = _lead_pattern(category).match(text)
    return text[match.end():].lstrip(" \t:.-–—|") if match else None


def mentions(category: str, text: str) -> bool:
    """A phrase of the category stands somewhere in the text (as a word or a word's start)."""
    return search_pattern(category).search(_straight(text)) is not None


def has_stem(category: str, text: str) -> bool:
    """A stem of the category occurs anywhere, inside words too (`unsubscri`)."""
    return _pattern(category).search(_straight(text)) is not None


@functools.cache
def word_set(category: str) -> frozenset[str]:
    """The category's plain words (no regular-expression syntax), case folded."""
    return frozenset(f.casefold() for f in fragments(category))


_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """The language whose common words the text uses most; None below a few hits.

    Cheap and rough: it only picks which language's date forms to try first, before the
    language model (common.detect_language) decides the article's `lang`.
    """
    counts = dict.fromkeys(LANGUAGES, 0)
    table = LEXICON["stopwords"]
    words = _WORD.findall(text[:4000].casefold())
    for language in LANGUAGES:
        common = frozenset(table[language])
        counts[language] = sum(1 for w in words if w in common)
    best = max(LANGUAGES, key=lambda code: counts[code])
    return best if counts[best] >= 3 else None
