"""Magzter copies: the app copy (`|date` line) and the web copy (`Publication|date`).

Anchors that hold in every UI language: the `|date` line, the edition footer
naming the publication and the date, `Magzter GOLD` in the call to subscribe,
`N mins` read-time lines and the buttons at the very end. Words around them
are translated, so they are never matched literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.model import PartialDate, RelatedStory, SourceFormat
from digest.normalize import chrome, textfix
from digest.normalize.common import JOIN_NOTE, Draft, Dump, Extract, one
from digest.normalize.dates import find_date, parse_date

_DATE_LINE = re.compile(r"^(?P<pub>[^|]{0,120}?)\s*\|\s*(?P<date>[^|]{3,40})$")
_HEAD_SCAN = 12


@dataclass(frozen=True)
class _Head:
    index: int
    publication: str | None
    date: PartialDate | None
    printed: str
    web: bool


def _find_head(lines: list[str]) -> _Head | None:
    for index, line in enumerate(lines[:_HEAD_SCAN]):
        match = _DATE_LINE.match(line)
        if not match:
            continue
        date = parse_date(match["date"])
        if date is None:
            continue
        pub = match["pub"].strip() or None
        if pub is None and index >= 1:
            pub = lines[index - 1]
        return _Head(index, pub, date, match["date"].strip(), web=bool(match["pub"].strip()))
    return None


NAME: SourceFormat = "magzter"


def sniff(dump: Dump) -> bool:
    lines = [x for x in dump.lines if x]
    head = _find_head(lines)
    called = chrome.MAGZTER.search(dump.text) is not None
    if head is not None:
        # `|date` alone is the app's; `Publication|date` is also a web page's byline (`Jane
        # Roe | 7 May 2024`): the app's call or its edition footer must confirm it.
        return not head.web or called or any(
            _is_footer(x, head.publication, head.printed) for x in lines[head.index + 1:])
    if not called:
        return False
    return any(chrome.is_read_time(x, True) for x in lines) or _footer_at(lines) is not None


def _top(lines: list[str]) -> int:
    """The first line under the app's promotion and its call to subscribe, if any stand
    above the headline."""
    at = 0
    while at < min(len(lines), 6) and (
        chrome.MAGZTER.search(lines[at]) or chrome.is_paywall(lines[at])
        or (chrome.SIGN_IN.match(lines[at]) and len(lines[at].split()) <= 8)
    ):
        at += 1
    return at


def _footer_at(lines: list[str]) -> int | None:
    """Without a `|date` line: the edition footer, a short line with a date right before
    the app's own lines (its call, a `MORE STORIES` header, its buttons) or the end."""
    for at in range(_top(lines) + 1, len(lines)):
        line = lines[at]
        if len(line.split()) > 25 or find_date(line) is None:
            continue
        after = lines[at + 1: at + 3]
        if not after or any(chrome.MAGZTER.search(x) or chrome.is_upper_label(x.split(" ")[0] * 2)
                            or chrome.is_trailing_ui(x) or _upper_start(x) for x in after):
            return at
    return None


def _upper_start(line: str) -> bool:
    """`WEITERE GESCHICHTEN VON The Continental`: a header in capitals before a name."""
    words = line.split()
    return len(words) >= 3 and all(w.isupper() and len(w) > 1 for w in words[:2])


def parse(dump: Dump) -> tuple[Draft, ...]:
    return one(extract(list(dump.lines)), dump)


def extract(lines: list[str]) -> Extract:
    lines = [line for line in lines if line]
    head = _find_head(lines)
    review: list[str] = []
    publication = head.publication if head else None
    footer_at = _footer_at(lines) if head is None else None
    if head is None and footer_at is not None:
        found = find_date(lines[footer_at])
        assert found is not None
        date_found, printed_found = found
        publication = _publication_from_footer(lines[footer_at], printed_found)
        head = _Head(_top(lines), publication, date_found, printed_found, web=True)
        title_at, start = head.index, head.index + 1
    elif head is None:
        title_at = _top(lines)
        review.append("title guessed from first line")
        start = title_at + 1
    else:
        title_at = head.index - (1 if head.web else 2)
        start = head.index + 1
    title = lines[title_at] if 0 <= title_at < len(lines) else None
    top_chrome = lines[: max(title_at, 0)]

    reading_time = None
    if start < len(lines) and (minutes := chrome.is_read_time(lines[start], True)) is not None:
        reading_time, start = minutes, start + 1
    standfirst, author, start = _web_intro(lines, start, title)

    printed = head.printed if head else None
    end = _body_end(lines, start, publication, printed)
    body = [
        line for line in lines[start:end]
        if not chrome.is_paywall(line) and "magzter" not in line.casefold()
    ]
    tail = lines[end:]
    footers = [line for line in tail if _is_footer(line, publication, printed)]
    calls = [line for line in tail if chrome.MAGZTER.search(line) or chrome.is_paywall(line)]
    date = head.date if head else None
    edition = printed
    if footers and (found := find_date(footers[0])) is not None:
        edition = found[1]
        date = date or found[0]
    if publication is None and footers:
        publication = _publication_from_footer(footers[0], edition)
    body, guessed = textfix.join_broken_lines(body)
    if guessed:
        review.append(JOIN_NOTE)
    if textfix.is_hard_wrapped(lines[start:end]):
        body = textfix.unwrap_blocks(lines[start:end])
    related = _related(tail, publication, printed)
    ui_bits = [*footers, *[x for x in tail if _is_more_header(x, publication)], *calls, *top_chrome]
    return Extract(
        format="magzter",
        title=title,
        paragraphs=tuple(body),
        publication=publication,
        date=date,
        edition=edition,
        author=author,
        standfirst=standfirst,
        reading_time=reading_time,
        truncated=_truncated(body, lines[start:], reading_time),
        related=related,
        ui_texts=_ui_texts(ui_bits, publication, edition),
        review=tuple(review),
    )


def _truncated(body: list[str], after_head: list[str], reading_time: int | None) -> bool:
    """Only on evidence: Magzter shows its call to subscribe under complete stories too.

    Evidence is a notice that the story stops (not naming Magzter GOLD, whose
    calls and free-trial offers stand under every story), a sign-in prompt right
    under the Magzter call (only a reader who is not signed in is offered one, and
    that reader sees a preview), a last paragraph cut off mid-sentence, or a body
    far shorter than the read time the app states.
    """
    if any(chrome.cuts_text(x) and not chrome.MAGZTER.search(x) for x in after_head):
        return True
    for at, line in enumerate(after_head):
        if chrome.MAGZTER.search(line) and any(
            chrome.SIGN_IN.match(nxt) and not chrome.MAGZTER.search(nxt)
            for nxt in after_head[at + 1 : at + 3]
        ):
            return True
    if chrome.looks_cut_off(body):
        return True
    words = sum(textfix.word_count(x) for x in body)
    return reading_time is not None and words < 0.6 * reading_time * 230


def _web_intro(
    lines: list[str], start: int, title: str | None
) -> tuple[str | None, str | None, int]:
    """Web copy: standfirst, AUTHOR and the title again before the body."""
    if not title:
        return None, None, start
    for offset in range(4):
        at = start + offset
        if at < len(lines) and lines[at].casefold() == title.casefold():
            between = lines[start:at]
            standfirst = author = None
            if len(between) >= 2:
                standfirst, author = " ".join(between[:-1]), between[-1]
            elif between:
                if _looks_like_name(between[0]):
                    author = between[0]
                else:
                    standfirst = between[0]
            if author and author.isupper():
                author = author.title()
            return standfirst, author, at + 1
    return None, None, start


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 5 and not re.search(r"[.!?,:;]$", line) and all(
        w[0].isupper() for w in words if w[0].isalpha()
    )


def _body_end(lines: list[str], start: int, publication: str | None, printed: str | None) -> int:
    for index in range(start, len(lines)):
        line = lines[index]
        if (
            _is_footer(line, publication, printed)
            or "magzter" in line.casefold()
            or chrome.is_paywall(line)
            or _is_more_header(line, publication)
            or chrome.is_read_time(line, True) is not None
        ):
            return index
    end = len(lines)
    while end > start and chrome.is_trailing_ui(lines[end - 1]):
        end -= 1
    return end


def _is_footer(line: str, publication: str | None, printed: str | None) -> bool:
    """`... {date} ... {publication}.`, in any language: both named, in one short line."""
    if len(line) > 250:
        return False
    has_pub = publication is None or publication.casefold() in line.casefold()
    if not has_pub or line.strip().casefold() == (publication or "").casefold():
        return False
    if printed and printed.casefold() in line.casefold():
        return True
    return publication is not None and find_date(line) is not None and len(line.split()) <= 25


def _is_more_header(line: str, publication: str | None) -> bool:
    if publication is None or len(line) > len(publication) + 50:
        return publication is None and chrome.is_upper_label(line)
    if publication.casefold() not in line.casefold() or line.casefold() == publication.casefold():
        return False
    rest = re.sub(re.escape(publication), " ", line, flags=re.IGNORECASE).strip(" '’-:")
    return chrome.is_upper_label(rest) and not any(ch.isdigit() for ch in rest)


def _publication_from_footer(footer: str, edition: str | None) -> str | None:
    """`... von The Guardian.`, `... of The Guardian.`: the capitalised words at the end;
    `Bu hikaye Ege Mevsimleri dergisinin ...`: else the longest run of them after the
    first word (which is capitalised as any sentence's)."""
    words = footer.replace(edition or "\0", " ").rstrip(" .").split()
    runs: list[tuple[int, int]] = []  # (first, end) of capitalised runs, not at the start
    at = 1
    while at < len(words):
        end = at
        while end < len(words) and (words[end][:1].isupper() or (
            end > at and words[end] in ("&", "of", "de", "du", "del", "di"))):
            end += 1
        if end > at:
            runs.append((at, end))
        at = end + 1
    if not runs:
        return None
    first, end = runs[-1] if runs[-1][1] == len(words) else max(runs, key=lambda r: r[1] - r[0])
    return " ".join(words[first:min(end, first + 5)])

def _related(
    tail: list[str], publication: str | None, printed: str | None
) -> tuple[RelatedStory, ...]:
    header = next((i for i, x in enumerate(tail) if _is_more_header(x, publication)), None)
    first = header + 1 if header is not None else 0
    if header is None:  # entries start after the last footer, call or sign-in line
        for i, line in enumerate(tail):
            if _is_chrome_tail(line, publication, printed):
                first = i + 1
    entries = tail[first:]
    while entries and chrome.is_trailing_ui(entries[-1]):
        entries.pop()
    anchors = [i for i, x in enumerate(entries) if chrome.is_read_time(x) is not None]
    if anchors:
        return tuple(_anchored(entries, anchors))
    if header is None:
        return ()
    entries = [x for x in entries if not _is_chrome_tail(x, publication, printed)]
    return tuple(
        RelatedStory(title=entries[i], summary=entries[i + 1] if i + 1 < len(entries) else None)
        for i in range(0, len(entries), 2)
    )


def _is_chrome_tail(line: str, publication: str | None, printed: str | None) -> bool:
    return (
        _is_footer(line, publication, printed)
        or chrome.MAGZTER.search(line) is not None
        or chrome.is_paywall(line)
        or (chrome.SIGN_IN.match(line) is not None and len(line.split()) <= 8)
    )


def _anchored(entries: list[str], anchors: list[int]) -> list[RelatedStory]:
    """Entries of publication / title / teaser / `N mins` / date, anchored on the read time."""
    stories = []
    begin = 0
    for anchor in anchors:
        block = [x for x in entries[begin:anchor] if x]
        after = entries[anchor + 1] if anchor + 1 < len(entries) else ""
        date = parse_date(after) if after else None
        begin = anchor + (2 if date else 1)
        if not block:
            continue
        pub = block[-3] if len(block) >= 3 else None
        title, summary = (block[-2], block[-1]) if len(block) >= 2 else (block[-1], None)
        stories.append(RelatedStory(
            title=title, summary=summary, publication=pub,
            date=date.iso if date else None, reading_time=chrome.is_read_time(entries[anchor]),
        ))
    return stories


def _ui_texts(bits: list[str], publication: str | None, edition: str | None) -> tuple[str, ...]:
    """The app's own sentences, footer first (the most translated), without names and
    numbers: `ui_language` is the first language detected in them (common.complete)."""
    texts = []
    for line in bits:
        text = line
        for known in (publication, edition):
            if known:
                text = re.sub(re.escape(known), " ", text, flags=re.IGNORECASE)
        texts.append(re.sub(r"magzter|gold|\d[\d.,+]*", " ", text, flags=re.IGNORECASE))
    return tuple(texts)
