"""PressReader copies: `Publication` / blank lines / `Title` / `- - Author`.

Sometimes the first line is `Publication - - SECTION - byline`. The issue date
is not in the text; a page address carrying `YYYYMMDD` gives it.
"""

from __future__ import annotations

import re

from digest.model import PartialDate, SourceFormat
from digest.normalize import chrome, lexicon, textfix
from digest.normalize.common import JOIN_NOTE, Draft, Dump, Extract, one
from digest.normalize.dates import parse_date

_BYLINE = re.compile(r"^- - ?(.*)$")
_COMBINED = re.compile(r"^(?P<pub>.+?) - - (?P<rest>.+)$")
_URL = re.compile(r"https?://\S+")
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_BY = re.compile(rf"^{lexicon.alternation('byline')}\s+", re.IGNORECASE)


NAME: SourceFormat = "pressreader"


def sniff(dump: Dump) -> bool:
    top = [x for x in dump.lines if x][:6]
    return any(_BYLINE.match(x) or _COMBINED.match(x) for x in top) and len(top) >= 3


def parse(dump: Dump) -> tuple[Draft, ...]:
    return one(extract(list(dump.lines)), dump)


def extract(lines: list[str]) -> Extract:
    # The page's address may be pasted anywhere (often first): it alone carries the date.
    filled: list[str] = []
    date: PartialDate | None = None
    url = None
    for line in (x for x in lines if x):
        found = _URL.search(line)
        if found and len(line) - len(found[0]) < 40:  # an address line, not prose
            url = url or found[0].rstrip(").,")
            if date is None and (match := _URL_DATE.search(found[0])):
                date = parse_date(f"{match[1]}-{match[2]}-{match[3]}")
            continue
        filled.append(line)
    publication = author = None
    index = 0
    if filled and (match := _COMBINED.match(filled[0])):
        publication = match["pub"].strip()
        parts = [p.strip() for p in match["rest"].split(" - ") if p.strip()]
        if len(parts) >= 2:  # the section comes first; it is not kept
            author = " - ".join(parts[1:])
        index = 1
    elif filled:
        publication, index = filled[0], 1
    title = filled[index] if index < len(filled) else None
    index += 1
    if index < len(filled) and (match := _BYLINE.match(filled[index])):
        author = match[1].strip() or author
        index += 1
    if author:
        author = _BY.sub("", author).strip() or None
    body = filled[index:]
    truncated = any(chrome.is_paywall(x) for x in body)
    body = [x for x in body if not chrome.is_paywall(x)]
    body, guessed = textfix.join_broken_lines(body)
    return Extract(
        format="pressreader",
        title=title,
        paragraphs=tuple(body),
        publication=publication,
        date=date,
        author=author,
        url=url,
        truncated=truncated,
        review=(JOIN_NOTE,) if guessed else (),
    )
