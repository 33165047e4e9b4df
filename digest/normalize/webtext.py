"""A web page's text copied from a browser: the article inside the site's own chrome.

Everything is found by shape, in any language:

- navigation: a run of short lines (1-3 words, no sentence punctuation) at the top;
- a cookie banner: a line naming cookies, or a long line followed by short buttons,
  among the chrome above the headline;
- the headline: the first line of 4-20 words without a final period after that chrome;
- byline and date: short lines right under the headline (`By X`, `X | place | date`);
- share bars: runs of two or more short lines inside the text;
- the footer: short lines, `©` lines and paywall notices at the very end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.model import PartialDate
from digest.normalize import chrome, lexicon, mailbody
from digest.normalize.dates import find_date, parse_date

_SENTENCE_END = re.compile(r"[.!?;:…,]$")
_LIST = re.compile(r"^([-*•▪‣]|\d{1,3}[.)])\s")
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}", re.IGNORECASE)
_RIGHTS = lexicon.search_pattern("rights")
_COMPANY = re.compile(
    r"[\s,]+(Ltd|Limited|Inc|LLC|plc|PLC|GmbH|AG|S\.?A|S\.?L|Lda|S\.?r\.?l|SpA|B\.?V|N\.?V)\.?$"
)
_MIN_NAV = 3
_HEAD_SCAN = 40
_MIN_TITLE, _MAX_TITLE = 4, 20


@dataclass(frozen=True)
class Page:
    title: str
    paragraphs: list[str]
    author: str | None
    date: PartialDate | None
    publication: str | None
    truncated: bool


def is_short(line: str) -> bool:
    """A UI label: 1-3 words, no sentence punctuation, no list marker."""
    words = line.split()
    return (
        0 < len(words) <= 3 and len(line) <= 40 and not _SENTENCE_END.search(line)
        and not _LIST.match(line) and not line.endswith(".")
    )


def is_headline(line: str) -> bool:
    words = line.split()
    return (
        _MIN_TITLE <= len(words) <= _MAX_TITLE
        and not re.search(r"[.…:;,]$", line)
        and not lexicon.mentions("cookie", line)
        and not chrome.is_paywall(line)
        and "|" not in line
    )


def _is_cookie(lines: list[str], index: int) -> bool:
    line = lines[index]
    if lexicon.mentions("cookie", line):
        return True
    after = lines[index + 1: index + 4]
    return len(line.split()) >= 8 and bool(after) and is_short(after[0])


def _head(lines: list[str]) -> tuple[int, bool] | None:
    """(index of the headline, whether page chrome stood above it); None when the top is prose.

    Chrome is a navigation run of a few short lines or a cookie banner; one short
    line alone over a headline is a kicker or a section name, not evidence.
    """
    nav = 0
    banner = False
    for index, line in enumerate(lines[:_HEAD_SCAN]):
        if is_headline(line):
            return index, nav >= _MIN_NAV or banner
        if is_short(line) or ("|" in line and len(line.split()) <= 6):
            nav += 1
            continue
        if (nav >= _MIN_NAV and _is_cookie(lines, index)) or (
            lexicon.mentions("cookie", line) and len(line) < 300
        ):
            banner = True
            continue
        return None
    return None


def _byline_date(line: str) -> tuple[str | None, PartialDate | None]:
    """`By X`, `Por X`, `X | Place | 7 May 2024`, `Published 3 December 2023`."""
    if len(line.split()) > 12:
        return None, None
    author = mailbody.byline(line)
    date = None
    parts = [p.strip() for p in re.split(r"\s[|·•]\s", line) if p.strip()]
    if len(parts) > 1:
        for part in parts:
            if date is None and (found := _date(part)) is not None:
                date = found
            elif author is None and _looks_like_name(part) and part is parts[0]:
                author = mailbody.byline(part) or part
    elif author is None:
        date = _date(line)
    return author, date


def _date(text: str) -> PartialDate | None:
    if not _YEAR.search(text) or len(text.split()) > 10:
        return None
    if (found := parse_date(text)) is not None:
        return found
    if (phrase := find_date(text)) is not None:
        return phrase[0]
    words = text.split()
    for start in range(1, min(4, len(words) - 1)):  # `Publicado el 7 de mayo de 2024`
        if (found := parse_date(" ".join(words[start:]))) is not None:
            return found
    return None


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(w[0].isupper() for w in words) and not _YEAR.search(text)


def _footer(lines: list[str]) -> tuple[int, bool, bool, str | None]:
    """(where the footer starts, whether it carries a `©`/rights line or a paywall notice,
    whether a paywall notice stood there, publication from `©`)."""
    cut = len(lines)
    truncated = evidence = False
    publication = None
    while cut > 0:
        line = lines[cut - 1]
        if _COPYRIGHT.search(line) or _RIGHTS.search(line):
            publication = publication or _from_copyright(line)
            evidence = True
        elif chrome.is_paywall(line) or (
            # a short line naming a subscriber at the end of a page is a paywall notice
            len(line.split()) <= 12 and lexicon.has_stem("subscriber", line)
        ):
            truncated = evidence = True
        elif not is_short(line):
            break
        cut -= 1
    return cut, evidence, truncated, publication


def _from_copyright(line: str) -> str | None:
    text = re.sub(r"©|\(c\)|copyright", " ", line, flags=re.IGNORECASE)
    text = _YEAR.sub(" ", text)
    text = re.sub(r"\s*[-–]\s*(?=\s)", " ", text)
    first = re.split(r"(?<=[^\W\d_]{2})\.\s|[|]", text)[0]
    name = " ".join(first.split()).strip(" .,-–")
    name = _COMPANY.sub("", name).strip(" .,")
    return name if name and not _RIGHTS.search(name) and len(name.split()) <= 6 else None


def _drop_short_runs(lines: list[str]) -> list[str]:
    """Share bars and link lists: runs of two or more UI labels inside the text."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and is_short(lines[end]):
            end += 1
        if end - index >= 2:
            index = end
            continue
        out.extend(lines[index:max(end, index + 1)])
        index = max(end, index + 1)
    return out


def parse(lines: list[str]) -> Page | None:
    """The article in a page's text; None when the text does not have a web page's shape."""
    filled = [x for x in lines if x]
    head = _head(filled)
    if head is None:
        return None
    at, chrome_above = head
    cut, footer, truncated, publication = _footer(filled)
    if not chrome_above and not footer:
        return None  # no navigation and no page footer: plain text with a title on top
    if cut <= at:
        return None
    author = date = None
    rest = filled[at + 1: cut]
    index = 0
    while index < min(len(rest), 4):
        found_author, found_date = _byline_date(rest[index])
        if found_author is None and found_date is None:
            if is_short(rest[index]):
                index += 1  # a share button or a section label between the lines
                continue
            break
        author = author or found_author
        date = date or found_date
        rest = rest[:index] + rest[index + 1:]
    truncated = truncated or any(chrome.cuts_text(x) for x in rest)
    rest = [x for x in rest if not chrome.is_paywall(x)]
    body = _drop_short_runs(rest)
    return Page(filled[at], body, author, date, publication, truncated)
