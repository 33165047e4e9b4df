"""Newsletters: `.eml` files (stdlib `email`) and pasted text that starts with headers.

The sender is the publication, the date the `Date:` header's, the subject the title
(unless it is an issue line, `The Weekly Letter no. 48 - ...`, over a body with its own
headline). Pasted headers may be translated (`Von:`, `Objet :`), so they are found by
shape: a block of `Key: value` lines at the top, one of them an address.

The HTML part is read when the text part is missing or a stub ("View this email in your
browser"). A newsletter forwarded with a covering note on top keeps the note as the
article's `note`, and the original sender and date, not the forwarder's.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from dataclasses import dataclass
from email.message import EmailMessage

from digest.model import PartialDate, SourceFormat
from digest.normalize import chrome, forwarded, lexicon, mailbody, textfix
from digest.normalize.common import JOIN_NOTE, Draft, Dump, Extract, one
from digest.normalize.dates import find_date, parse_date
from digest.normalize.forwarded import ADDRESS, HEADER
from digest.normalize.textfix import Markup

NAME: SourceFormat = "email"
_SUBJECT_KEYS = lexicon.word_set("mail_subject")
_MIME_KEYS = {"content-type", "mime-version", "received", "message-id", "return-path"}
_REPLY = re.compile(rf"^({lexicon.alternation('reply_prefix')}\s?:\s*)+", re.IGNORECASE)
# `The Weekly Letter no. 48 - Harbour cranes`, `Wochenbrief Nr. 12: ...`, `#48 | ...`
_ISSUE = re.compile(
    rf"^(?P<issue>.*?(?<!\w){lexicon.alternation('issue')}\s?\d+)(?:\s*[-–—:|·]\s*(?P<rest>.+))?$",
    re.IGNORECASE,
)
STUB_NOTE = "the e-mail holds only a few lines (a link to read it online?): check it"
_STUB_WORDS = 40


def _is_footer(line: str) -> bool:
    """Unsubscribe and view-in-browser lines, dropped wherever they stand."""
    return lexicon.has_stem("unsubscribe", line) or lexicon.mentions("view_online", line)


def _header_block(lines: list[str]) -> tuple[int, int] | None:
    """(first, end) of the header lines at the top of a dump, or None."""
    start = 0
    while start < min(len(lines), 4) and not HEADER.match(lines[start]):
        start += 1
    end = start
    while end < len(lines) and (
        HEADER.match(lines[end]) or (end > start and lines[end][:1] in (" ", "\t"))
    ):
        end += 1
    keys = {m[1].lower() for x in lines[start:end] if (m := HEADER.match(x))}
    values = " ".join(lines[start:end])
    if end - start < 2 or not ADDRESS.search(values):
        return None
    if "from" in keys and keys & ({"subject", "date"} | _MIME_KEYS):
        return start, end
    return (start, end) if end - start >= 3 and keys & _SUBJECT_KEYS else None


def sniff(dump: Dump) -> bool:
    return _header_block(dump.text.split("\n", 60)[:60]) is not None


def parse(dump: Dump) -> tuple[Draft, ...]:
    return one(extract(dump.text), dump)


@dataclass(frozen=True)
class _Mail:
    sender: str | None
    subject: str | None
    date: str | None
    body: list[str]  # text lines, or Markup blocks of an HTML part
    review: tuple[str, ...] = ()


def extract(text: str) -> Extract:
    raw_lines = text.split("\n")
    block = _header_block(raw_lines)
    start, end = block if block else (0, 0)
    keys = {m[1].lower() for x in raw_lines[start:end] if (m := HEADER.match(x))}
    if keys & _MIME_KEYS:
        # From bytes: an 8bit body is then decoded with its declared charset, not replaced
        # by U+FFFD (text in another charset comes out as mojibake, which repair() undoes).
        message = email.message_from_bytes(
            "\n".join(raw_lines[start:]).encode("utf-8", "surrogateescape"),
            policy=email.policy.default,
        )
        assert isinstance(message, EmailMessage)
        return _extract(_from_message(message))
    headers: list[tuple[str, str]] = []
    for line in raw_lines[start:end]:
        match = HEADER.match(line)
        if match:
            headers.append((match[1].lower(), match[2].strip()))
        elif headers:
            headers[-1] = (headers[-1][0], f"{headers[-1][1]} {line.strip()}")
    sender = next((v for k, v in headers if k == "from"), None) or next(
        (v for _, v in headers if ADDRESS.search(v)), None
    )
    subject = next((v for k, v in headers if k in _SUBJECT_KEYS), None)
    date_value = next((v for k, v in headers if k == "date"), None)
    if date_value is None:
        date_value = next((v for _, v in headers if find_date(v)), None)
    body = textfix.repair("\n".join(raw_lines[end:]))
    return _extract(_Mail(sender, subject, date_value, body.split("\n")))


def _content(part: EmailMessage | None) -> str | None:
    if part is None:
        return None
    try:
        return str(part.get_content())
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _words(lines: list[str]) -> int:
    """Words of the text a reader came for: not links, view-online or unsubscribe lines."""
    kept = [x for x in lines if not _is_footer(x) and not re.fullmatch(r"\W*https?://\S+\W*", x)]
    return sum(textfix.word_count(re.sub(r"https?://\S+", " ", x)) for x in kept)


def _from_message(message: EmailMessage) -> _Mail:
    plain_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    plain = _content(plain_part if isinstance(plain_part, EmailMessage) else None)
    html = _content(html_part if isinstance(html_part, EmailMessage) else None)
    lines = textfix.repair(plain).split("\n") if plain is not None else []
    headers = (_header(message, "from"), _header(message, "subject"), _header(message, "date"))
    stub = _words(lines) < _STUB_WORDS and forwarded.split(lines) is None
    if html is not None and (plain is None or stub):
        from digest.normalize import mailhtml

        blocks: list[str] = list(mailhtml.blocks(textfix.repair(html)))
        if _words([b.plain if isinstance(b, Markup) else b for b in blocks]) > _words(lines):
            return _Mail(*headers, blocks)
    return _Mail(*headers, lines, (STUB_NOTE,) if stub else ())


def _header(message: EmailMessage, key: str) -> str | None:
    try:
        value = message.get(key)
    except (ValueError, IndexError, TypeError):  # malformed header in a broken file
        return None
    return " ".join(str(value).split()) if value is not None else None


def _date(value: str | None) -> PartialDate | None:
    if not value:
        return None
    try:
        sent = email.utils.parsedate_to_datetime(value)
        return parse_date(sent.date().isoformat())
    except (TypeError, ValueError, IndexError):
        found = find_date(value)
        return found[0] if found else None


def _plain(line: str) -> str:
    return line.plain if isinstance(line, Markup) else line


def _extract(mail: _Mail) -> Extract:
    note = None
    forward = forwarded.split(mail.body)
    if forward is not None:
        note = forward.note
        mail = _Mail(forward.sender or mail.sender, forward.subject or mail.subject,
                     forward.date or mail.date, forward.body, mail.review)
    sender_name = domain = None
    if mail.sender:
        name, address = email.utils.parseaddr(mail.sender)
        sender_name = name.strip(" \"'") or None
        domain = address.split("@")[-1] if "@" in address else None
    blocks = any(isinstance(x, Markup) for x in mail.body)
    lines = mail.body if blocks else _cut_signature([textfix.repair(x) for x in mail.body])
    truncated = any(chrome.is_paywall(_plain(x)) for x in lines)
    lines = [x for x in lines if not _is_footer(_plain(x)) and not chrome.is_paywall(_plain(x))]
    lines = [x for x in lines if not re.fullmatch(r"<?https?://\S+>?", _plain(x))]
    guessed = 0
    if blocks:
        paragraphs = [x for x in lines if _plain(x)]
    elif textfix.is_hard_wrapped(lines):
        paragraphs = textfix.unwrap_blocks(lines)
    else:
        paragraphs, guessed = textfix.join_broken_lines([x for x in lines if x])
    subject = _REPLY.sub("", mail.subject).strip() if mail.subject else None
    issue = _ISSUE.match(subject) if subject else None
    title = issue["rest"] if issue and issue["rest"] else subject
    body = mailbody.clean(paragraphs, title)
    edition = None
    if issue is not None:
        edition = issue["issue"].strip()
        repeated = title is not None and any(_same(_plain(p), title) for p in paragraphs[:6])
        headline = None if repeated else _headline(body.paragraphs)
        if headline is not None:
            title = _plain(body.paragraphs[0])
            body = mailbody.Body(body.paragraphs[1:], body.author, body.footer)
    review = list(mail.review) + ([] if title else ["no subject: title missing"])
    if guessed:
        review.append(JOIN_NOTE)
    return Extract(
        format=NAME,
        title=title,
        paragraphs=tuple(body.paragraphs),
        publication=mailbody.publication(sender_name, body.footer) or domain,
        date=_date(mail.date),
        edition=edition,
        author=body.author,
        truncated=truncated,
        review=tuple(review),
        note=note,
    )


def _headline(paragraphs: list[str]) -> str | None:
    """The body's own headline: a heading, or a title-like line over prose."""
    if len(paragraphs) < 2:
        return None
    first = paragraphs[0]
    if isinstance(first, Markup) and first.startswith("## "):
        return first.plain
    text = _plain(first)
    words = len(text.split())
    if 3 <= words <= 20 and not re.search(r"[.:;,…]$", text) and len(_plain(paragraphs[1])) > 80:
        return text
    return None


def _same(a: str, b: str) -> bool:
    fold = re.compile(r"\W+")
    return fold.sub(" ", a).strip().casefold() == fold.sub(" ", b).strip().casefold()


def _cut_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if line in ("--", "-- "):  # the standard signature separator
            return lines[:index]
    return lines
