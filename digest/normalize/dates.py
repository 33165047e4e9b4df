"""Dates as printed in dumps -> PartialDate, never guessed.

English forms are parsed with a regex (the common case, fast); anything else
goes to dateparser with fixed settings: absolute dates only, no relative
words, no invented day for a month-only issue, results independent of today.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any

from digest.model import PartialDate

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MDY = re.compile(r"^([^\W\d_]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")
_DMY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.? ([^\W\d_]+)\.?,? (\d{4})$")
_MY = re.compile(r"^([^\W\d_]+)\.?,? (\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_HAS_YEAR = re.compile(r"(?<!\d)(1[89]|20)\d{2}(?!\d)")

# Candidate date phrases inside a longer line (an edition footer, a byline).
DATE_PHRASE = re.compile(
    r"(?<![\w.])(?:\d{1,2}(?:\.|st|nd|rd|th)? ?[^\W\d_]{3,}\.?,? \d{4}"
    r"|[^\W\d_]{3,}\.? \d{1,2},? \d{4}"
    r"|[^\W\d_]{3,}\.?,? \d{4}|\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{2}-\d{2})(?!\w)"
)

_SETTINGS: dict[str, Any] = {
    "PREFER_DAY_OF_MONTH": "first",
    "RELATIVE_BASE": datetime.datetime(2000, 1, 1),
    "PARSERS": ["custom-formats", "absolute-time"],
    "DATE_ORDER": "DMY",
    "REQUIRE_PARTS": ["month", "year"],
    "RETURN_TIME_AS_PERIOD": False,
}


def parse_date(text: str, lang: str | None = None) -> PartialDate | None:
    """A day or a month from text such as `October 01, 2025`, `1. Oktober 2025`, `Nisan 2023`.

    `lang`, when known, is the language dateparser reads forms no table has in.
    """
    cleaned = " ".join(text.replace("|", " ").split()).strip(" .,;:-–()")
    if not cleaned or len(cleaned) > 40 or not _HAS_YEAR.search(cleaned):
        return None
    return _parse_cached(cleaned.lower(), lang)


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str, lang: str | None) -> PartialDate | None:
    fast = _parse_fast(text)
    if fast is not None:
        return fast if isinstance(fast, PartialDate) else None
    return _parse_slow(text, lang)


def _parse_fast(text: str) -> PartialDate | bool | None:
    """PartialDate, False (certainly not a date), or None (ask dateparser)."""
    found = _parse_table(text, _MONTHS)
    return _parse_table(text, _local_months()) if found is None else found


def _parse_table(text: str, months: dict[str, int]) -> PartialDate | bool | None:
    if match := _ISO.match(text):
        return _make(int(match[1]), int(match[2]), int(match[3])) or False
    if match := _NUMERIC.match(text):
        return _make(int(match[3]), int(match[2]), int(match[1])) or False
    for pattern, order in ((_MDY, "mdy"), (_DMY, "dmy"), (_MY, "my")):
        match = pattern.match(text)
        if not match:
            continue
        if order == "mdy" and match[1] in months:
            return _make(int(match[3]), months[match[1]], int(match[2])) or False
        if order == "dmy" and match[2] in months:
            return _make(int(match[3]), months[match[2]], int(match[1])) or False
        if order == "my" and match[1] in months:
            return _make(int(match[2]), months[match[1]], None) or False
    return None


_LOCALES = (
    "de", "fr", "es", "it", "pt", "nl", "nb", "nn", "da", "sv", "fi", "pl", "cs", "sk",
    "hu", "ro", "tr", "el", "ru", "uk", "bg", "hr", "sl", "lt", "lv", "et", "ca", "id",
)


@functools.lru_cache(maxsize=1)
def _local_months() -> dict[str, int]:
    """Month names of common languages from CLDR (via babel): far faster than dateparser.

    A name that means different months in two languages (`listopad`) is left
    out, so dateparser decides those.
    """
    from babel import Locale

    table: dict[str, int] = {}
    ambiguous: set[str] = set()
    for code in _LOCALES:
        locale = Locale.parse(code)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    key = name.lower().rstrip(".")
                    if table.get(key, number) != number:
                        ambiguous.add(key)
                    table[key] = number
    for key in ambiguous:
        del table[key]
    return table


def _make(year: int, month: int, day: int | None) -> PartialDate | None:
    try:
        datetime.date(year, month, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)


@functools.lru_cache(maxsize=16)
def _parser(lang: str | None) -> Any:
    from dateparser.date import DateDataParser

    if lang is not None:
        try:
            return DateDataParser(languages=[lang], settings=_SETTINGS)
        except ValueError:  # a language dateparser does not know: let it detect one
            pass
    return DateDataParser(settings=_SETTINGS)


def _parse_slow(text: str, lang: str | None = None) -> PartialDate | None:
    if not re.search(r"[^\W\d_]", text) and not _NUMERIC.match(text):
        return None  # numbers alone in a shape we do not know: too ambiguous
    try:
        data = _parser(lang).get_date_data(text)
        if data.date_obj is None and lang is not None:
            data = _parser(None).get_date_data(text)
    except (ValueError, OverflowError, KeyError, TypeError):
        return None
    if data.date_obj is None:
        return None
    found = data.date_obj
    if data.period == "month":
        return PartialDate(found.year, found.month)
    if data.period == "day":
        return PartialDate(found.year, found.month, found.day)
    return None


def find_date(line: str, lang: str | None = None) -> tuple[PartialDate, str] | None:
    """The first date phrase in a line, with its text as printed."""
    for match in DATE_PHRASE.finditer(line):
        parsed = parse_date(match.group(0), lang)
        if parsed is not None:
            return parsed, match.group(0)
    return None


# A time of day after a date, with what may stand around it: `, 08:12 GMT`, `um 8.12 Uhr`,
# `à 10h30`, `- 14:05 CET`.
_TIME = re.compile(
    r"(?:[,;\-–—|]\s*|\s)(?:[^\W\d_]{1,6}\.?\s+)?\d{1,2}\s?[:.h]\s?\d{2}(?:[:.]\d{2})?"
    r"(?:\s*(?:a\.?m\.?|p\.?m\.?|[^\W\d_]{1,5}))?(?:\s*[+-]\d{1,2}(?::?\d{2})?)?(?=\s*$|[\s,|])",
    re.IGNORECASE,
)
_WEEKDAY_COMMA = re.compile(r"^[^\W\d_]{2,12}\.?,\s+(?=\d)")


def date_in(text: str, lang: str | None = None) -> PartialDate | None:
    """The date of a short dateline as pages print it, in their language:
    `14. März 2025, 08:12 Uhr`, `mercredi 14 mai 2025 à 10h30`, `Mar 14, 2025`,
    `7 de mayo de 2024`. Times, zones and a weekday are dropped; None when no date."""
    if not _HAS_YEAR.search(text) or len(text.split()) > 14:
        return None
    cleaned = _TIME.sub(" ", " " + text).strip(" ,;|-–—")
    cleaned = _WEEKDAY_COMMA.sub("", cleaned)
    if (found := parse_date(cleaned, lang)) is not None:
        return found
    if (phrase := find_date(cleaned, lang)) is not None:
        return phrase[0]
    words = cleaned.split()
    for start in range(1, min(4, len(words) - 1)):  # `Publicado el 7 de mayo de 2024`
        if (found := parse_date(" ".join(words[start:]), lang)) is not None:
            return found
    return None
