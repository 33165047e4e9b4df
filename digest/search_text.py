"""How the search index reads text: words, accent folding, stems, CJK bigrams, compounds.

themes/default/static/search-text.js does exactly the same to a query (the test table in
tests/search_tokens.json runs through both), so a word finds the terms it was indexed as:
- a word is a run of letters, digits and combining marks (so Devanagari and Thai words stay
  whole); a term is the word lowercased, NFKD-decomposed, stripped of the accents that sit on
  Latin, Greek and Cyrillic letters, recomposed (NFC: Hangul and kana come back whole),
  lowercased again, and with ø æ œ ł đ ð þ ı spelled plainly;
- Han, kana and Hangul runs become overlapping bigrams (Lucene's CJK analysis): 東京都 is
  東京 and 京都, and a lone character is itself;
- each other term has a stem, from the Snowball algorithm of the article's language
  (snowballstemmer, the same Snowball release as the page's stemmer), applied to the word with
  its accents and folded afterwards.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

# Languages (BCP 47 primary subtags) and their Snowball algorithms.
STEMMERS = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "eo": "esperanto", "es": "spanish", "et": "estonian",
    "eu": "basque", "fa": "persian", "fi": "finnish", "fr": "french", "ga": "irish",
    "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian",
    "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch", "nn": "norwegian",
    "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "st": "sesotho", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}
# Languages that write compounds as one word: split at index time (see split_compound).
COMPOUNDING = frozenset({"de", "nl", "sv", "da", "nb", "nn", "no", "is", "fi", "af", "lb"})
MAX_TERM = 64  # code points; longer words (a Thai sentence) are cut, queries alike

_WORD: re.Pattern[str] | None = None
_ASCII_WORD = re.compile("[a-z0-9]+")
_ACCENTS = re.compile(
    "(?<=[\x00-\u052f])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_PLAIN = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                        "þ": "th", "ı": "i"})


def _cjk(cp: int) -> bool:
    return (0x2E80 <= cp <= 0x2FDF or 0x3005 <= cp <= 0x3007 or 0x3021 <= cp <= 0x3029
            or 0x3038 <= cp <= 0x303B or 0x3040 <= cp <= 0x30FF or 0x3131 <= cp <= 0x318F
            or 0x31F0 <= cp <= 0x31FF or 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF
            or 0xA960 <= cp <= 0xA97F or 0xAC00 <= cp <= 0xD7FF or 0xF900 <= cp <= 0xFAFF
            or 0x1100 <= cp <= 0x11FF or 0x20000 <= cp <= 0x3FFFF)


_CJK_RUN = re.compile(
    "([\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3131-\u318f"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    "\u1100-\u11ff\U00020000-\U0003ffff]+)")


_PLAIN_WORD = re.compile(r"[^\W_]+")


def word_pattern(text: str) -> re.Pattern[str]:
    """Letters, digits and marks (JavaScript's [\\p{L}\\p{N}\\p{M}]) to read `text` with:
    Python's \\w less the underscore, and the marks from this Python's Unicode tables,
    built on first use (it takes a one-shot build 50 ms). Text with no character from
    U+0300 on, where the first marks are, needs no marks."""
    global _WORD
    if not text or max(text) < "\u0300":
        return _PLAIN_WORD
    if _WORD is None:
        ranges: list[tuple[int, int]] = []
        # Marks are assigned in planes 0, 1 and 14 only.
        for cp in (*range(0x20000), *range(0xE0000, 0xE1000)):
            if unicodedata.category(chr(cp))[0] == "M":
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1] = (ranges[-1][0], cp)
                else:
                    ranges.append((cp, cp))
        marks = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
        _WORD = re.compile(f"(?:[^\\W_]|[{marks}])+")
    return _WORD


def fold(word: str) -> str:
    """The accent-free, lowercased spelling of a word (see the module's notes)."""
    if word.isascii():
        return word.lower()
    text = unicodedata.normalize("NFKD", word.lower())
    text = unicodedata.normalize("NFC", _ACCENTS.sub("", text)).lower()
    return text.translate(_PLAIN)


def _cut(term: str) -> str:
    return term if len(term) <= MAX_TERM else term[:MAX_TERM]


def pieces(folded: str) -> Iterator[tuple[str, bool]]:
    """(term, is_cjk) of a folded word: CJK runs as bigrams, other runs whole."""
    if folded.isascii():
        yield _cut(folded), False
        return
    for index, run in enumerate(_CJK_RUN.split(folded)):
        if not run:
            continue
        if index % 2 == 0:
            yield _cut(run), False
        elif len(run) == 1:
            yield run, True
        else:
            for at in range(len(run) - 1):
                yield run[at:at + 2], True


Stem = Callable[[str], str]
_STEMMERS: dict[str, Stem | None] = {}


def _snowball(algorithm: str, *, compiled: bool = True) -> Any:
    """A Snowball stemmer: PyStemmer's C build of the algorithms when installed (a hundred
    times faster), else the generated pure-Python classes of the release pinned in
    pyproject.toml, which the page's stemmer also runs. tests/test_search_language.py
    holds the two to the same stems."""
    if compiled:
        try:
            import Stemmer

            # Without its own cache: stemmer_of keeps one per word already, and its
            # eviction has raised KeyError from inside stemWord.
            return Stemmer.Stemmer(algorithm, 0)
        except (ImportError, KeyError):
            pass
    import importlib

    module = importlib.import_module(f"snowballstemmer.{algorithm}_stemmer")
    return getattr(module, f"{algorithm.title().replace('_', '')}Stemmer")()


def stemmer_of(lang: str) -> Stem | None:
    """The stemmer of a language tag (`de`, `pt-BR`), memoised per word; None when Snowball
    has no algorithm for it."""
    code = lang.lower().replace("_", "-").split("-")[0]
    if code in _STEMMERS:
        return _STEMMERS[code]
    algorithm = STEMMERS.get(code)
    stem: Stem | None = None
    if algorithm is not None:
        instance = _snowball(algorithm)
        memo: dict[str, str] = {}

        def stem(word: str) -> str:
            found = memo.get(word)
            if found is None:
                found = memo[word] = instance.stemWord(word)
            return found

    _STEMMERS[code] = stem
    return stem


Token = tuple[str, str | None]  # (term, its stem or None when the same or not stemmed)
_ANALYSED: dict[str, dict[str, tuple[Token, ...]]] = {}  # language -> word -> terms


def analyse_word(word: str, stem: Stem | None, lang: str) -> tuple[Token, ...]:
    """The terms of one word (as the word pattern found it) and their stems. They are kept
    per `lang`: `stem` must be `stemmer_of(lang)` (no stems: None and "")."""
    memo = _ANALYSED.setdefault(lang, {})
    found = memo.get(word)
    if found is not None:
        return found
    lowered = word.lower()
    folded = fold(lowered)
    parts = word_pattern(folded).findall(folded) if not folded.isascii() else [folded]
    tokens: list[Token] = []
    for part in parts:
        tokens.extend((term, None) for term, _ in pieces(part))
    if stem is not None and len(tokens) == 1 and not _is_cjk_term(tokens[0][0]):
        base = lowered if lowered.isascii() else unicodedata.normalize("NFC", lowered)
        stemmed = _cut(fold(stem(base)))
        if stemmed != tokens[0][0] and word_pattern(stemmed).fullmatch(stemmed):
            tokens[0] = (tokens[0][0], stemmed)
    result = tuple(tokens)
    if len(memo) > 500_000:
        memo.clear()
    memo[word] = result
    return result


def _is_cjk_term(term: str) -> bool:
    return not term.isascii() and _cjk(ord(term[0]))


def tokens(text: str, lang: str) -> list[Token]:
    """The terms of a text in order, each with its stem in `lang`."""
    stem = stemmer_of(lang)
    out: list[Token] = []
    for word in word_pattern(text).findall(text):
        out.extend(analyse_word(word, stem, lang))
    return out


def count_terms(text: str, lang: str) -> tuple[dict[str, int], int, dict[str, str]]:
    """What the index needs of a text: each term's occurrences, the number of terms, and the
    stems of those that have one. (`tokens`, word by word, is slower.)"""
    stem = stemmer_of(lang)
    if text.isascii():
        words = Counter(_ASCII_WORD.findall(text.lower()))
    else:
        words = Counter(word_pattern(text).findall(text))
    counts: dict[str, int] = {}
    stems: dict[str, str] = {}
    length = 0
    memo = _ANALYSED.setdefault(lang, {})
    for word, count in words.items():
        found = memo.get(word)
        if found is None:
            found = analyse_word(word, stem, lang)
        for term, stemmed in found:
            counts[term] = counts.get(term, 0) + count
            length += count
            if stemmed is not None:
                stems[term] = stemmed
    return counts, length, stems


def terms_of(text: str) -> list[str]:
    """The terms of a text, in order, without stems."""
    return [term for word in word_pattern(text).findall(text)
            for term, _ in analyse_word(word, None, "")]


def is_cjk(term: str) -> bool:
    return _is_cjk_term(term)


# ---- compounds ----

_LINKS = ("s", "es", "en", "n", "e", "er", "ens")  # German, Dutch and Nordic linking letters
_MIN_PART = 3
_MIN_WORD = 7


def split_compound(term: str, known: Callable[[str], bool], depth: int = 0) -> list[str] | None:
    """The parts of a compound, when it is made of words `known` (the site's vocabulary):
    `stadtmuseum` -> [stadt, museum]. The head is the longest known ending; the rest is a
    known word, maybe with a linking letter (`arbeits|markt`), or a compound itself."""
    if len(term) < _MIN_WORD or not term.isalpha() or (depth == 0 and _is_cjk_term(term)):
        return None
    for at in range(_MIN_PART, len(term) - _MIN_PART + 1):
        head, rest = term[at:], term[:at]
        if not known(head):
            continue
        for link in ("", *_LINKS):
            if link and not rest.endswith(link):
                continue
            left = rest[:len(rest) - len(link)]
            if len(left) < _MIN_PART:
                continue
            if known(left):
                return [left, head]
            if depth < 2:
                inner = split_compound(left, known, depth + 1)
                if inner:
                    return [*inner, head]
    return None
