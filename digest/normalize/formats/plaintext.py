"""Text that matches no known layout: still an article, flagged for a person to check."""

from __future__ import annotations

from digest.model import SourceFormat
from digest.normalize import chrome, mailbody, textfix
from digest.normalize.common import JOIN_NOTE, Draft, Dump, Extract, one
from digest.normalize.dates import parse_date

_MAX_TITLE = 200


NAME: SourceFormat = "text"


def sniff(dump: Dump) -> bool:
    return True


def parse(dump: Dump) -> tuple[Draft, ...]:
    return one(extract(list(dump.lines)), dump)


def extract(lines: list[str]) -> Extract:
    filled = [i for i, x in enumerate(lines) if x]
    title = lines[filled[0]] if filled else None
    drop: set[int] = set()
    if title and len(title) > _MAX_TITLE:  # a first paragraph, not a headline: keep it
        title = title[:80].rsplit(" ", 1)[0] + "…"
    elif filled:
        drop.add(filled[0])
    date = None
    for index in filled[1:4]:  # a line that is only a date, near the top
        if (date := parse_date(lines[index])) is not None:
            drop.add(index)
            break
    author = None
    for index in filled[1:4]:  # `By Jane Doe` / `Von Jane Doe` right under the title
        if index not in drop and (author := mailbody.byline(lines[index])):
            drop.add(index)
            break
    rest = [x for i, x in enumerate(lines) if i not in drop]
    truncated = any(chrome.is_paywall(x) for x in rest)
    rest = [x for x in rest if not chrome.is_paywall(x)]
    guessed = 0
    if textfix.is_hard_wrapped(rest):
        body = textfix.unwrap_blocks(rest)
    else:
        body, guessed = textfix.join_broken_lines([x for x in rest if x])
    review = ["format not recognised", "title guessed from first line"]
    if guessed:
        review.append(JOIN_NOTE)
    return Extract(
        format="text", title=title, paragraphs=tuple(body), date=date, author=author,
        truncated=truncated, review=tuple(review),
    )
