"""Newsletters: `.eml` files (stdlib `email`) and pasted text that starts with headers.

The sender is the publication, the subject the title. Pasted headers may be
translated (`Von:`, `Objet :`), so they are found by shape: a block of
`Key: value` lines at the top, one of them an address.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from email.message import EmailMessage

from digest.model import SourceFormat
from digest.normalize import chrome, lexicon, mailbody, textfix
from digest.normalize.common import JOIN_NOTE, Draft, Dump, Extract, one
from digest.normalize.dates import find_date, parse_date

_HEADER = re.compile(r"^([A-Za-z][\w-]{0,40}) ?: ?(.*)$")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_SUBJECT_KEYS = lexicon.word_set("mail_subject")
_MIME_KEYS = {"content-type", "mime-version", "received", "message-id", "return-path"}
_REPLY = re.compile(rf"^({lexicon.alternation('reply_prefix')}\s?:\s*)+", re.IGNORECASE)


def _is_footer(line: str) -> bool:
    """Unsubscribe and view-in-browser lines, dropped wherever they stand."""
    return lexicon.has_stem("unsubscribe", line) or lexicon.mentions("view_online", line)


def _header_block(lines: list[str]) -> tuple[int, int] | None:
    """(first, end) of the header lines at the top of a dump, or None."""
    start = 0
    while start < min(len(lines), 4) and not _HEADER.match(lines[start]):
        start += 1
    end = start
    while end < len(lines) and (
        _HEADER.match(lines[end]) or (end > start and lines[end][:1] in (" ", "\t"))
    ):
        end += 1
    keys = {m[1].lower() for x in lines[start:end] if (m := _HEADER.match(x))}
    values = " ".join(lines[start:end])
    if end - start < 2 or not _ADDRESS.search(values):
        return None
    if "from" in keys and keys & ({"subject", "date"} | _MIME_KEYS):
        return start, end
    return (start, end) if end - start >= 3 and keys & _SUBJECT_KEYS else None


NAME: SourceFormat = "email"


def sniff(dump: Dump) -> bool:
    return _header_block(dump.text.split("\n", 60)[:60]) is not None


def parse(dump: Dump) -> tuple[Draft, ...]:
    return one(extract(dump.text), dump)


def extract(text: str) -> Extract:
    raw_lines = text.split("\n")
    block = _header_block(raw_lines)
    start, end = block if block else (0, 0)
    keys = {m[1].lower() for x in raw_lines[start:end] if (m := _HEADER.match(x))}
    if keys & _MIME_KEYS:
        return _from_message(
            # From bytes: an 8bit body is then decoded with its declared charset, not
            # replaced by U+FFFD (text in another charset comes out as mojibake, which
            # repair() undoes).
            email.message_from_bytes(
                "\n".join(raw_lines[start:]).encode("utf-8", "surrogateescape"),
                policy=email.policy.default,
            )
        )
    headers: list[tuple[str, str]] = []
    for line in raw_lines[start:end]:
        match = _HEADER.match(line)
        if match:
            headers.append((match[1].lower(), match[2].strip()))
        elif headers:
            headers[-1] = (headers[-1][0], f"{headers[-1][1]} {line.strip()}")
    sender = next((v for k, v in headers if k == "from"), None) or next(
        (v for _, v in headers if _ADDRESS.search(v)), None
    )
    subject = next((v for k, v in headers if k in _SUBJECT_KEYS), None)
    date_value = next((v for k, v in headers if k == "date"), None)
    if date_value is None:
        date_value = next((v for _, v in headers if find_date(v)), None)
    body = textfix.repair("\n".join(raw_lines[end:]))
    return _extract(sender, subject, date_value, body.split("\n"))


def _from_message(message: email.message.Message) -> Extract:
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain", "html"))
    lines: list[str] = []
    if part is not None:
        try:
            content = part.get_content()
        except (LookupError, ValueError):
            payload = part.get_payload(decode=True)
            content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        if part.get_content_subtype() == "html":
            from digest.normalize.formats import html

            lines = list(html.extract(str(content)).paragraphs)
        else:
            lines = textfix.repair(str(content)).split("\n")
    return _extract(
        _header(message, "from"), _header(message, "subject"), _header(message, "date"), lines
    )


def _header(message: EmailMessage, key: str) -> str | None:
    try:
        value = message.get(key)
    except (ValueError, IndexError, TypeError):  # malformed header in a broken file
        return None
    return " ".join(str(value).split()) if value is not None else None


def _extract(
    sender: str | None, subject: str | None, date_value: str | None, lines: list[str]
) -> Extract:
    sender_name = domain = None
    if sender:
        name, address = email.utils.parseaddr(sender)
        sender_name = name.strip(" \"'") or None
        domain = address.split("@")[-1] if "@" in address else None
    date = None
    if date_value:
        try:
            sent = email.utils.parsedate_to_datetime(date_value)
            date = parse_date(sent.date().isoformat())
        except (TypeError, ValueError, IndexError):
            found = find_date(date_value)
            date = found[0] if found else None
    lines = _cut_signature([textfix.repair(x) for x in lines])
    truncated = any(chrome.is_paywall(x) for x in lines)
    lines = [x for x in lines if not _is_footer(x) and not chrome.is_paywall(x)]
    lines = [x for x in lines if not re.fullmatch(r"<?https?://\S+>?", x)]
    guessed = 0
    if textfix.is_hard_wrapped(lines):
        paragraphs = textfix.unwrap_blocks(lines)
    else:
        paragraphs, guessed = textfix.join_broken_lines([x for x in lines if x])
    title = _REPLY.sub("", subject).strip() if subject else None
    body = mailbody.clean(paragraphs, title)
    review = [] if title else ["no subject: title missing"]
    if guessed:
        review.append(JOIN_NOTE)
    return Extract(
        format="email",
        title=title,
        paragraphs=tuple(body.paragraphs),
        publication=mailbody.publication(sender_name, body.footer) or domain,
        date=date,
        author=body.author,
        truncated=truncated,
        review=tuple(review),
    )


def _cut_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if line in ("--", "-- "):  # the standard signature separator
            return lines[:index]
    return lines
