"""`digest email [EDITION]`: an edition as an e-mail, from the same articles as the site.

    load -> collect (published only) -> the edition -> the theme's email.html / email.txt
    (digest.email_render) -> EmailEdition -> message.eml, written to `_email/<edition>/`

`_email/` sits beside the output folder, never in it: a message is not part of the site.
Sending is digest.send's; this module only makes the message.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from digest.config import SiteConfig, is_absolute_url
from digest.errors import DigestError, Problem, display_path

if TYPE_CHECKING:
    from digest.load import Article

EMAIL_DIR = "_email"


@dataclass(frozen=True)
class EmailEdition:
    key: str  # the edition: 2025-10-11, 2025-w41, 2025-10
    label: str
    subject: str
    sender: str  # `Name <address>`
    html: str
    text: str
    articles: int
    compact: bool  # too long for one message: excerpts, and a link to the web edition
    language: str
    unsubscribe: str | None


def make_email(config: SiteConfig, edition: str | None = None) -> EmailEdition:
    """The edition `edition` (default: the latest) as a message. Raises DigestError when
    base_url is not a full address, the edition does not exist, or a template fails."""
    from digest.collect import collect
    from digest.email_render import render_html, render_text
    from digest.load import ReadOptions, load
    from digest.theme import load_theme
    from digest.views import Views

    if not is_absolute_url(config.base_url):
        raise DigestError(Problem(
            "site.yaml", f"base_url {config.base_url!r} is not a full address, and every "
            "link in an e-mail must be one", config.key_lines.get("base_url"),
            "set `base_url: https://example.org/digest/` in site.yaml, "
            "or pass --base-url https://example.org/digest/"))
    loaded = load(config.articles_dir, config.root, {}, options=ReadOptions.of(config),
                  jobs=os.cpu_count() or 1)
    if loaded.problems:  # a broken article would silently be missing from the message
        raise DigestError(*loaded.problems)
    catalog = collect(loaded.articles, config, shown=frozenset({"published"}))
    index = _edition_index(config, [e.key for e in catalog.editions], edition)
    theme = load_theme(config, serving=False)
    views = Views(catalog, config, _body)
    unsubscribe = config.mail.unsubscribe
    try:
        rendered = render_html(theme, views, config, index, unsubscribe=unsubscribe)
        text = render_text(theme, views, config, index, compact=rendered.compact,
                           unsubscribe=unsubscribe)
    except Exception as exc:
        problem = template_problem(exc, config.root)
        if problem is None:
            raise  # a bug in digest, not in the theme
        raise DigestError(problem) from None
    ed = catalog.editions[index]
    return EmailEdition(
        key=ed.key, label=views.edition_label(ed), subject=rendered.subject,
        sender=config.mail.sender or _default_sender(config), html=rendered.html, text=text,
        articles=len(ed.entries), compact=rendered.compact, language=config.language,
        unsubscribe=unsubscribe)


def _body(article: Article) -> str:
    return article.body_html or ""  # loaded here, never from the build cache


def _edition_index(config: SiteConfig, keys: list[str], wanted: str | None) -> int:
    if not keys:
        raise DigestError.at(
            display_path(config.articles_dir, config.root),
            "no published articles with a date: there is no edition to send",
            hint="add articles (digest normalize), or release held and draft ones")
    if wanted is None:
        return 0
    key = wanted.strip().lower()
    if key in keys:
        return keys.index(key)
    import difflib

    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    period = {"daily": "2025-10-11", "weekly": "2025-w41", "monthly": "2025-10"}
    hint = (f"did you mean {close[0]!r}? " if close else "") + (
        f"editions are {config.edition_period} (keys like {period[config.edition_period]}); "
        f"the latest are {', '.join(keys[:3])}")
    raise DigestError.at("EDITION", f"no edition {wanted!r} with published articles", hint=hint)


def _default_sender(config: SiteConfig) -> str:
    host = urlsplit(config.base_url).hostname or "localhost"
    return str(Address(display_name=config.title, addr_spec=f"digest@{host}"))


def message(email: EmailEdition, *, now: datetime.datetime, message_id: str,
            to: str | None = None) -> EmailMessage:
    """multipart/alternative: the text part first, the HTML last (the one clients prefer)."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = email.subject
    msg["From"] = email.sender
    if to is not None:
        msg["To"] = to  # one recipient a message: nobody sees the others
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id
    if email.unsubscribe:
        msg["List-Unsubscribe"] = f"<{email.unsubscribe}>"
        if email.unsubscribe.startswith("https://"):  # RFC 8058 one-click
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    msg["Content-Language"] = email.language  # after the parts: set_content clears it
    # From the content rather than random: the same edition gives the same file.
    msg.set_boundary("=_digest_" + hashlib.sha1((email.html + email.text).encode()).hexdigest())
    return msg


def file_message_id(email: EmailEdition) -> str:
    """The written message's id: the same for the same edition and content."""
    digest = hashlib.sha1((email.html + email.text).encode()).hexdigest()[:16]
    return f"<digest.{email.key}.{digest}@{sender_domain(email.sender)}>"


def sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def email_folder(config: SiteConfig) -> Path:
    """`_email/` beside the output folder; refused when the two overlap."""
    folder = (config.root / EMAIL_DIR).resolve()
    out = config.output_dir.resolve()
    if out == folder or out.is_relative_to(folder) or folder.is_relative_to(out):
        raise DigestError.at(
            "site.yaml", f"output {config.output!r} overlaps {EMAIL_DIR}/, where digest "
            "writes e-mail editions", config.key_lines.get("output"),
            "use another output folder, such as `output: _site`")
    return folder


def write_email(config: SiteConfig, email: EmailEdition, now: datetime.datetime) -> Path:
    """email.html, email.txt and message.eml in `_email/<edition>/`; the folder."""
    from digest.write import write_file

    folder = email_folder(config) / email.key
    data = message(email, now=now, message_id=file_message_id(email)).as_bytes()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in (("email.html", email.html.encode()),
                              ("email.txt", email.text.encode()), ("message.eml", data)):
            write_file(folder, name, content)
    except OSError as exc:
        raise DigestError.at(display_path(folder, config.root), f"cannot write: {exc}") from None
    return folder


def template_problem(exc: BaseException, root: Path) -> Problem | None:
    """A template's failure as `template:line: message`; None for anything else."""
    import traceback

    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = display_path(Path(exc.filename), root) if exc.filename else "email.html"
        return Problem(where, exc.message or "syntax error", exc.lineno)
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem("templates", f"template {exc.name!r} not found",
                       hint="add it to the theme or site templates/")
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".txt", ".css")):
            found = frame
    if found is None:
        return None
    message = str(exc) if isinstance(exc, jinja2.TemplateError) else (
        f"{type(exc).__name__}: {exc}")
    return Problem(display_path(Path(found.filename), root), message, found.lineno)
