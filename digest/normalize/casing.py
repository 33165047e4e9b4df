"""Titles printed in capitals (`THE QUIET RUSH FOR THE OCEAN FLOOR`) -> readable casing.

The article's own text decides how each word is written: a word the body
writes capitalised mid-sentence stays capitalised (a name, a German noun), a
short word the body writes in capitals stays in capitals (`EU`, `NASA`), any
other word is lower case. Nothing here depends on one language's wording.
"""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_START = re.compile(r"(?:^\s*|[.!?:…]\s+|[\"“„«‘(]\s*)$")


def is_shouted(title: str) -> bool:
    """Every letter in upper case, and enough of them to be a shouted headline."""
    letters = [ch for ch in title if ch.isalpha()]
    cased = [ch for ch in letters if ch.isupper() or ch.islower()]
    return len(cased) >= 8 and all(ch.isupper() for ch in cased) and len(title.split()) >= 2


def _usage(paragraphs: list[str], wanted: set[str]) -> dict[str, Counter[str]]:
    """For each wanted word (folded): how the body writes it away from a sentence start."""
    usage: dict[str, Counter[str]] = {}
    for paragraph in paragraphs:
        for match in _WORD.finditer(paragraph):
            word = match.group(0)
            if word.casefold() not in wanted:
                continue
            if _SENTENCE_START.search(paragraph[max(0, match.start() - 4): match.start()]):
                continue
            if word.isupper() and len(word) > 1:
                form = "upper"
            elif word[0].isupper():
                form = "title"
            else:
                form = "lower"
            usage.setdefault(word.casefold(), Counter())[form] += 1
    return usage


def recase(title: str, paragraphs: list[str]) -> str:
    """Sentence case, with names and acronyms as the body writes them."""
    body = " ".join(paragraphs)
    folded_title = " ".join(title.split()).casefold()
    at = body.casefold().find(folded_title)
    if at >= 0 and not is_shouted(body[at:at + len(folded_title)]):
        return body[at:at + len(folded_title)]  # the body quotes the headline in its casing
    usage = _usage(paragraphs, {m.group(0).casefold() for m in _WORD.finditer(title)})
    out: list[str] = []
    last = 0
    first = True
    for match in _WORD.finditer(title):
        word = match.group(0)
        seen = usage.get(word.casefold(), Counter())
        if 2 <= len(word) <= 4 and seen["upper"] and seen["upper"] >= seen["title"] + seen["lower"]:
            new = word.upper()
        elif seen["title"] > seen["lower"] or (first and seen["upper"] == 0):
            new = word[0].upper() + word[1:].lower()
        else:
            new = word.lower()
        if first and new.islower():
            new = new[0].upper() + new[1:]
        out.append(title[last:match.start()] + new)
        last = match.end()
        first = False
    return "".join(out) + title[last:]


def is_lowered(title: str) -> bool:
    """Every letter in lower case, and enough of them to be a headline set in lower case."""
    letters = [ch for ch in title if ch.isalpha()]
    cased = [ch for ch in letters if ch.isupper() or ch.islower()]
    return len(cased) >= 8 and all(ch.islower() for ch in cased) and len(title.split()) >= 2


def sentence_case(title: str, paragraphs: list[str]) -> str:
    """A title printed all in lower case or all in capitals -> sentence case (see `recase`).

    A title that already mixes cases is returned unchanged.
    """
    if is_lowered(title) or is_shouted(title):
        return recase(title, paragraphs)
    return title
