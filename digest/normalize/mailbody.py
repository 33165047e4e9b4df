"""A newsletter's body without its chrome: masthead, repeated title, byline, footer.

Found by position and shape, in any language: what stands before the title
repeated at the top, separator-only lines, and the short block at the very end
that carries an unsubscribe, a why-you-receive-this line, a link or a postal
address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.normalize import chrome, lexicon

_SEPARATOR = re.compile(r"^[\s\-–—_=*~•·.#+]+$")
# The end of a newsletter, besides its words (unsubscribe, preferences, why you get it):
# a copyright, a link or an address.
_FOOTER_MARK = re.compile(r"©|\(c\) \d{4}|https?://|www\.|@[\w-]+\.", re.IGNORECASE)
# `The Weekly Ledger, 14 Carver Lane, London`, `Rhône Médias, 12 quai ...`, `..., 69001 Lyon`
_ADDRESS = re.compile(r"^(?P<name>[^,\d]{2,60}), (?:\d{1,5}[a-z]?,? \S|.*\b\d{4,5} [^\W\d_])")
_BYLINE = re.compile(
    rf"^(?P<by>{lexicon.alternation('byline')})\.?:?\s+"
    r"(?P<name>[^\W\d_][\w'’.-]*(?:\s+(?:[a-z]{1,3}\s+)?[^\W\d_][\w'’.-]*){1,3})"
    r"(?:\s*[,|·•–—-]\s*[^.!?]{0,60}|\s+\([^()]{1,60}\))?$",
    re.IGNORECASE,
)
_MAX_CHROME_WORDS = 40


@dataclass(frozen=True)
class Body:
    paragraphs: list[str]
    author: str | None
    footer: list[str]


def byline(line: str) -> str | None:
    """`Par Camille Berthier`, `By Sam Whitlock, science editor` -> the name."""
    match = _BYLINE.match(line)
    if not match or len(line) > 100:
        return None
    words = match["name"].split()
    if not all(w[0].isupper() for w in (words[0], words[-1])):
        return None
    return match["name"]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text).split()).casefold()


def _short(paragraph: str) -> bool:
    return len(paragraph.split()) <= _MAX_CHROME_WORDS


def _masthead(paragraph: str) -> bool:
    """`LA LETTRE CULTURE – mardi 7 octobre`: opens with two or more words in capitals."""
    words = re.findall(r"[^\W\d_]+", paragraph)
    return len(paragraph.split()) <= 12 and len(words) >= 2 and all(
        w.isupper() and len(w) > 1 for w in words[:2]
    ) and not paragraph.endswith(".")


def _strip_top(paragraphs: list[str], title: str | None) -> list[str]:
    wanted = _norm(title) if title else None
    for index, paragraph in enumerate(paragraphs[:6]):
        if wanted and _norm(paragraph) == wanted:
            if all(_short(p) for p in paragraphs[:index]):
                return paragraphs[index + 1:]
            break
    start = 0
    while start < len(paragraphs) and _short(paragraphs[start]) and (
        lexicon.mentions("view_online", paragraphs[start]) or _masthead(paragraphs[start])
        or _SEPARATOR.match(paragraphs[start])
    ):
        start += 1
    return paragraphs[start:]


def _is_footer(paragraph: str) -> bool:
    return _short(paragraph) and bool(
        lexicon.has_stem("mail_footer", paragraph) or _FOOTER_MARK.search(paragraph)
        or _ADDRESS.match(paragraph) or chrome.is_paywall(paragraph)
    )


def _strip_footer(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    cut = len(paragraphs)
    separators = [i for i, p in enumerate(paragraphs) if _SEPARATOR.match(p)]
    if separators and separators[-1] >= len(paragraphs) // 2:
        after = paragraphs[separators[-1] + 1:]
        if after and all(_short(p) for p in after) and any(_is_footer(p) for p in after):
            cut = separators[-1]
    while cut > 0 and (_is_footer(paragraphs[cut - 1]) or _SEPARATOR.match(paragraphs[cut - 1])):
        cut -= 1
    return paragraphs[:cut], paragraphs[cut:]


def clean(paragraphs: list[str], title: str | None) -> Body:
    paragraphs = _strip_top(paragraphs, title)
    author = byline(paragraphs[0]) if paragraphs else None
    if author:
        paragraphs = paragraphs[1:]
    paragraphs, footer = _strip_footer(paragraphs)
    paragraphs = [p for p in paragraphs if not _SEPARATOR.match(p)]
    return Body(paragraphs, author, footer)


def publication(sender_name: str | None, footer: list[str]) -> str | None:
    """The publication a footer's postal address names, when the sender's name ends with it.

    `La Lettre culture du Courrier du Rhône` with `Le Courrier du Rhône, 12 quai ...`
    -> `Le Courrier du Rhône`. Without such a line the sender's name is kept whole:
    cutting at `du`/`of` alone would break names such as `Le Courrier du Rhône`.
    """
    if not sender_name:
        return None
    sender = _norm(sender_name)
    pieces = [x for p in footer for x in re.split(r"(?<=[.!?])\s+", p)]  # unwrapped lines
    for paragraph in pieces:
        match = _ADDRESS.match(paragraph)
        if not match:
            continue
        name = match["name"].strip()
        words = _norm(name).split()
        # the whole name, or without its article (`... du Courrier du Rhône`)
        for tail in (words, words[1:] if len(words) >= 3 else []):
            joined = " ".join(tail)
            if tail and (sender == joined or sender.endswith(" " + joined)):
                return name
    return sender_name
