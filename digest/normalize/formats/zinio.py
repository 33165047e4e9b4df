"""Zinio copies: the read time stands *before* the title (`3 min.`), titles are in lower case.

Two layouts, told apart by structure, never by wording:

- a single article: read time, title, standfirst, maybe a byline, then the body;
- an issue page (table of contents): a publication/issue header, then entries of
  read time / title / teaser (the teaser cut with `…`), and no article body.

An issue page becomes one article for the issue: its title is the issue's
name, its body the list of stories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.model import PartialDate, RelatedStory, SourceFormat
from digest.normalize import casing, chrome, mailbody, textfix
from digest.normalize.common import JOIN_NOTE, Draft, Dump, Extract, one
from digest.normalize.dates import find_date, parse_date

NAME: SourceFormat = "zinio"
ISSUE_NOTE = "issue page: several stories, no article body"
CASE_NOTE = "title case guessed from lower case"
_MAX_HEADER = 6  # lines above the first entry: publication, issue, app labels
_MAX_TITLE_WORDS = 25
_BODY_WORDS = 12  # a line this long after an entry is prose, not another entry
_ELLIPSIS = ("…", "...")
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class _Entry:
    at: int  # index of the read-time line
    minutes: int
    title: str
    teaser: str | None
    end: int  # index after the entry


def _is_title(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= _MAX_TITLE_WORDS
        and chrome.is_read_time(line) is None
        and not line.endswith((".", *_ELLIPSIS))
    )


def _entry(lines: list[str], at: int) -> _Entry | None:
    minutes = chrome.is_read_time(lines[at])
    if minutes is None or at + 1 >= len(lines) or not _is_title(lines[at + 1]):
        return None
    teaser = lines[at + 2] if at + 2 < len(lines) else None
    if teaser is not None and chrome.is_read_time(teaser) is not None:
        teaser = None
    end = at + 2 + (teaser is not None)
    return _Entry(at, minutes, lines[at + 1], teaser, end)


def _entries(lines: list[str]) -> list[_Entry]:
    found: list[_Entry] = []
    for index in range(len(lines)):
        if (entry := _entry(lines, index)) is not None and (
            not found or index >= found[-1].end
        ):
            found.append(entry)
    return found


def sniff(dump: Dump) -> bool:
    """A read-time line first (or under a short header), then a title, then a standfirst.

    Other apps print the read time *after* the teaser; here it leads the entry,
    and either a teaser cut with `…` follows or the title is set in lower case.
    """
    filled = [x for x in dump.lines if x]
    head = filled[: _MAX_HEADER + 3]
    for index, line in enumerate(head):
        if chrome.is_read_time(line) is None:
            continue
        entry = _entry(filled, index)
        if entry is None or any(len(x.split()) > _BODY_WORDS for x in filled[:index]):
            return False
        teaser_cut = entry.teaser is not None and entry.teaser.endswith(_ELLIPSIS)
        return teaser_cut or casing.is_lowered(entry.title)
    return False


def parse(dump: Dump) -> tuple[Draft, ...]:
    return one(extract(list(dump.lines)), dump)


def extract(lines: list[str]) -> Extract:
    filled = [x for x in lines if x]
    entries = _entries(filled)
    first = entries[0]
    publication, date, edition = _header(filled[: first.at])
    body_lines = filled[first.end: entries[1].at if len(entries) > 1 else len(filled)]
    if len(entries) >= 2 and not _has_body(body_lines):
        return _issue(entries, publication, date, edition)
    return _article(first, body_lines, entries[1:], publication, date, edition)


def _has_body(lines: list[str]) -> bool:
    return any(len(x.split()) > _BODY_WORDS for x in lines)


def _header(lines: list[str]) -> tuple[str | None, PartialDate | None, str | None]:
    """Publication and issue date from the lines above the first entry."""
    publication = date = edition = None
    for line in lines:
        if date is None and (found := parse_date(line)) is not None:
            date, edition = found, line
        elif date is None and (phrase := find_date(line)) is not None and len(line) <= 60:
            date, edition = phrase[0], line
        elif edition is None and _YEAR.search(line) and len(line.split()) <= 5:
            edition = line  # `Summer 2024`, `Issue 112, 2024`: kept as printed, no date
        elif publication is None and not line.endswith((".", "!", "?")) and len(line) <= 80:
            publication = line
    return publication, date, edition


def _issue(
    entries: list[_Entry], publication: str | None, date: PartialDate | None, edition: str | None
) -> Extract:
    review = [ISSUE_NOTE]
    items = []
    for entry in entries:
        title = _recase(entry.title, [entry.teaser] if entry.teaser else [])
        if title != entry.title:
            review.append(CASE_NOTE)
        parts = [title]
        if entry.teaser:
            parts.append(entry.teaser)
        items.append(f"- {' — '.join(parts)} ({entry.minutes} min)")
    name = " – ".join(x for x in (publication, edition) if x) or None
    return Extract(
        format=NAME,
        title=name,
        paragraphs=tuple(items),
        publication=publication,
        date=date,
        edition=edition,
        review=tuple(review),
    )


def _article(
    entry: _Entry,
    body: list[str],
    more: list[_Entry],
    publication: str | None,
    date: PartialDate | None,
    edition: str | None,
) -> Extract:
    review: list[str] = []
    standfirst = entry.teaser
    if standfirst is not None and (author := mailbody.byline(standfirst)):
        standfirst = None  # no standfirst: the byline came straight after the title
    else:
        author = None
        for index, line in enumerate(body[:2]):
            if (author := mailbody.byline(line)) is not None:
                body = body[:index] + body[index + 1:]
                break
    truncated = any(chrome.cuts_text(x) for x in body)
    body = [x for x in body if not chrome.is_paywall(x)]
    if date is None:
        for index, line in enumerate(body[:2]):
            if (found := parse_date(line)) is not None:
                date, edition = found, line
                body = body[:index] + body[index + 1:]
                break
    paragraphs, guessed = textfix.join_broken_lines(body)
    if guessed:
        review.append(JOIN_NOTE)
    title = _recase(entry.title, [standfirst or "", *paragraphs])
    if title != entry.title:
        review.append(CASE_NOTE)
    truncated = truncated or chrome.looks_cut_off(paragraphs)
    related = tuple(_related(e) for e in more)
    return Extract(
        format=NAME,
        title=title,
        paragraphs=tuple(paragraphs),
        publication=publication,
        date=date,
        edition=edition,
        author=author,
        standfirst=standfirst,
        reading_time=entry.minutes,
        truncated=truncated,
        related=related,
        review=tuple(review),
    )


def _recase(title: str, context: list[str]) -> str:
    """Sentence case for a title set in lower case (names the text capitalises stay so)."""
    title = casing.sentence_case(title, context)
    return title[0].upper() + title[1:] if title[:1].islower() else title


def _related(entry: _Entry) -> RelatedStory:
    return RelatedStory(
        title=_recase(entry.title, [entry.teaser] if entry.teaser else []), summary=entry.teaser,
        reading_time=entry.minutes,
    )
