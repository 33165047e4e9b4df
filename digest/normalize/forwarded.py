"""A newsletter forwarded to the curator: their covering note on top, then the original
message's headers (`From:`, `Date:`, `Subject:`, in the mail program's language) and
body. The original sender and date are the newsletter's; the note is the curator's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.normalize import lexicon
from digest.normalize.textfix import Markup

HEADER = re.compile(r"^([^\W\d_][\w-]{0,40}) ?: ?(.*)$")
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_QUOTE = re.compile(r"^>\s?")
_MAX_NOTE_LINES = 40


@dataclass(frozen=True)
class Forward:
    note: str | None
    sender: str | None
    date: str | None
    subject: str | None
    body: list[str]  # lines or blocks, as given


def _plain(line: str) -> str:
    return line.plain if isinstance(line, Markup) else line


def _key(line: str) -> tuple[str, str] | None:
    """(`from` | `date` | `subject` | other, value) of a header line, keys translated."""
    match = HEADER.match(_plain(line).strip().lstrip("*").replace("**", ""))
    if match is None:
        return None
    key, value = match[1].casefold(), match[2].strip()
    for name, category in (("from", "mail_from"), ("date", "mail_date"),
                           ("subject", "mail_subject")):
        if key in lexicon.word_set(category):
            return name, value
    return key, value


def _headers_at(lines: list[str], at: int) -> tuple[dict[str, str], int] | None:
    """The forwarded headers starting at `at`, and the index after them."""
    found: dict[str, str] = {}
    end = at
    while end < len(lines) and end - at < 10:
        pair = _key(lines[end])
        if pair is None:
            break
        found.setdefault(*pair)
        end += 1
    if "from" in found and ADDRESS.search(found["from"]) and ({"date", "subject"} & found.keys()):
        return found, end
    return None


def split(lines: list[str]) -> Forward | None:
    """The forwarded message in a body, or None when nothing was forwarded."""
    texts = [_plain(x).strip() for x in lines]
    for at in range(min(len(texts), _MAX_NOTE_LINES + 1)):
        marker = lexicon.is_line("forwarded", texts[at])
        if not marker and at == 0:
            continue  # headers at the very top are the message's own
        rest = lines[at + 1:] if marker else lines[at:]
        while rest and not _plain(rest[0]).strip():
            rest = rest[1:]
        if rest and _plain(rest[0]).lstrip().startswith(">"):
            rest = [x if isinstance(x, Markup) else _QUOTE.sub("", x.lstrip()) for x in rest]
        found = _headers_at(rest, 0)
        if found is not None:
            headers, end = found
            return Forward(_note(texts[:at]), headers.get("from"), headers.get("date"),
                           headers.get("subject"), rest[end:])
        if marker:  # a marker line with no headers under it
            return Forward(_note(texts[:at]), None, None, None, rest)
    return None


def _note(lines: list[str]) -> str | None:
    """The covering note as one paragraph (a signature dash and what follows left out)."""
    kept: list[str] = []
    for line in lines:
        if line in ("--", "-- "):
            break
        if line:
            kept.append(line)
    return " ".join(" ".join(kept).split()) or None
