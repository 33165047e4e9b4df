"""Chrome's single-file page saves (.mhtml): a MIME message holding the page's HTML
(quoted-printable, or base64) and its images. The HTML part is read as a saved page.

Its `Date:` header is the day the page was saved, not published: never the date.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
from email.message import EmailMessage

from digest.errors import DigestError
from digest.model import SourceFormat
from digest.normalize.common import Draft, Dump, one
from digest.normalize.formats import html

NAME: SourceFormat = "mhtml"
_MARK = re.compile(
    r"^(snapshot-content-location:|from: <saved by [^>]*>)|^content-type:\s*multipart/related",
    re.IGNORECASE | re.MULTILINE,
)


def sniff(dump: Dump) -> bool:
    head = dump.text[:2000]
    marks = {m.group(0).lower()[:8] for m in _MARK.finditer(head)}
    return "snapshot" in marks or ("from: <s" in marks and "content-" in marks)


def parse(dump: Dump) -> tuple[Draft, ...]:
    message = email.message_from_bytes(
        dump.text.encode("utf-8", "surrogateescape"), policy=email.policy.default
    )
    assert isinstance(message, EmailMessage)
    address = str(message.get("Snapshot-Content-Location") or "") or None
    page = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if page is None:
        raise DigestError.at(dump.name, "this .mhtml file holds no web page",
                             hint="save the page again (Save as: Webpage, Single File)")
    assert isinstance(page, EmailMessage)
    text = _decoded(page)
    address = address or str(page.get("Content-Location") or "") or None
    extract = html.extract(text, address)
    return one(dataclasses.replace(extract, format=NAME), dump)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


def _decoded(part: EmailMessage) -> str:
    """The part's text in its charset: the MIME header's, else the page's own `<meta>`
    (Chrome names it only there), else UTF-8."""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    found = _META_CHARSET.search(data[:4096])
    for charset in (part.get_content_charset(), found and found[1].decode("ascii"), "utf-8"):
        if charset:
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
    return data.decode("cp1252", "replace")
