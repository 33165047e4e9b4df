"""`digest email EDITION --send`: one message per recipient over SMTP, and a sent-log.

The log (`sent-log.jsonl` in the site folder, one JSON record a line: edition, address,
Message-ID, time) is written as each message is accepted, so it never records a message
the server did not take, and an edition goes to an address once unless `again` is given.
Credentials come only from the environment variables site.yaml names.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import secrets
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from digest.config import SiteConfig
from digest.email import EmailEdition, message, sender_domain
from digest.errors import DigestError, Problem
from digest.mail_config import SmtpConfig, is_address

SENT_LOG = "sent-log.jsonl"


@dataclass(frozen=True)
class Delivery:
    address: str
    message_id: str | None = None  # accepted with this id
    reply: str | None = None  # refused: the server's reply


@dataclass(frozen=True)
class SendReport:
    sent: tuple[Delivery, ...]
    refused: tuple[Delivery, ...]
    not_tried: tuple[str, ...]  # the connection failed before their turn
    already: tuple[tuple[str, str], ...]  # (address, when) that had this edition


def recipients(config: SiteConfig, override: str | None) -> tuple[str, ...]:
    """`--to a,b` when given, else `mail.to`, else the lines of `mail.to_file`."""
    if override is not None:
        found = tuple(a.strip() for a in override.split(",") if a.strip())
        bad = [a for a in found if not is_address(a)]
        if bad or not found:
            raise DigestError.at("--to", f"{(bad or [override])[0]!r} is not an e-mail address",
                                 hint="e.g. --to a@example.org,b@example.org")
        return found
    mail = config.mail
    if mail.to_file:
        return _read_list(config.root / mail.to_file, mail.to_file)
    if not mail.to:
        raise DigestError.at("site.yaml", "nobody to send to: mail.to is not set",
                             config.key_lines.get("mail"),
                             "add `mail: {to: [reader@example.org]}` (or `to_file:`), or "
                             "pass --to")
    return mail.to


def _read_list(path: Path, shown: str) -> tuple[str, ...]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DigestError.at(shown, f"cannot read the list of addresses: {exc}",
                             hint="one address a line, saved as UTF-8") from None
    found: list[str] = []
    problems = []
    for n, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not is_address(text):
            problems.append(Problem(shown, f"{text!r} is not an e-mail address", n,
                                    "one address a line; # starts a comment"))
        elif text not in found:
            found.append(text)
    if problems:
        raise DigestError(*problems)
    if not found:
        raise DigestError.at(shown, "no addresses in the list")
    return tuple(found)


def send_edition(
    config: SiteConfig, email: EmailEdition, to: tuple[str, ...], *, again: bool = False,
    now: Callable[[], datetime.datetime] | None = None,
) -> SendReport:
    """Send the edition to each address in turn; the log gains a record per acceptance."""
    clock = now or (lambda: datetime.datetime.now(datetime.UTC))
    smtp = _smtp(config)
    if email.articles == 0:
        raise DigestError.at("EDITION", f"edition {email.key} is empty: nothing to send")
    log = config.root / SENT_LOG
    had = {} if again else _received(log, email.key)
    todo = [a for a in to if _key(a) not in had]
    already = tuple((a, had[_key(a)]) for a in to if _key(a) in had)
    if not todo:
        return SendReport((), (), (), already)
    user, password = _credentials(smtp, config)
    sender = parseaddr(email.sender)[1]
    domain = sender_domain(email.sender)
    sent: list[Delivery] = []
    refused: list[Delivery] = []
    with _connect(smtp, user, password) as client:
        for n, address in enumerate(todo):
            message_id = f"<digest.{email.key}.{secrets.token_hex(8)}@{domain}>"
            msg = message(email, now=clock(), message_id=message_id, to=address)
            try:
                client.send_message(msg, from_addr=sender, to_addrs=[address])
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = exc.recipients.get(address, (0, b""))
                refused.append(Delivery(address, reply=_reply(code, reply)))
                continue
            except smtplib.SMTPResponseException as exc:  # the sender or the data refused
                refused.append(Delivery(address, reply=_reply(exc.smtp_code, exc.smtp_error)))
                if isinstance(exc, smtplib.SMTPSenderRefused):
                    return SendReport(tuple(sent), tuple(refused), tuple(todo[n + 1:]), already)
                continue
            except (smtplib.SMTPException, OSError) as exc:  # the connection is gone
                refused.append(Delivery(address, reply=str(exc) or type(exc).__name__))
                return SendReport(tuple(sent), tuple(refused), tuple(todo[n + 1:]), already)
            _note(log, email.key, address, message_id, clock())
            sent.append(Delivery(address, message_id))
    return SendReport(tuple(sent), tuple(refused), (), already)


def _smtp(config: SiteConfig) -> SmtpConfig:
    mail = config.mail
    line = config.key_lines.get("mail")
    if mail.smtp is None:
        raise DigestError.at("site.yaml", "mail.smtp is not set: digest does not know which "
                             "server sends the mail", line,
                             "add `mail: {smtp: {host: smtp.example.org, port: 587}}`")
    if not mail.sender:
        raise DigestError.at("site.yaml", "mail.from is not set", line,
                             "add `mail: {from: The Morning Stack <digest@example.org>}`")
    return mail.smtp


def _credentials(smtp: SmtpConfig, config: SiteConfig) -> tuple[str | None, str | None]:
    values = []
    for name in (smtp.user_env, smtp.password_env):
        value = os.environ.get(name) if name else None
        if name and not value:
            raise DigestError.at(
                "site.yaml", f"the environment variable {name} is not set",
                config.key_lines.get("mail"),
                f"set it before sending, e.g. `export {name}=...` (it holds a credential "
                "for the SMTP server, never written in site.yaml)")
        values.append(value)
    if values[0] is None and values[1] is not None:
        values[0] = parseaddr(config.mail.sender)[1]  # a password alone: log in as sender
    return values[0], values[1]


def _connect(smtp: SmtpConfig, user: str | None, password: str | None) -> smtplib.SMTP:
    where = f"{smtp.host}:{smtp.port}"
    context = ssl.create_default_context()
    step = "connect"
    client: smtplib.SMTP | None = None
    try:
        if smtp.ssl:
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=60, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=60)
        client.ehlo()
        if smtp.starttls:
            step = "STARTTLS"
            client.starttls(context=context)
            client.ehlo()
        if user is not None and password is not None:
            step = "log in"
            client.login(user, password)
        return client
    except (smtplib.SMTPException, OSError) as exc:
        if client is not None:
            with contextlib.suppress(OSError):
                client.close()
        reply = (_reply(exc.smtp_code, exc.smtp_error)
                 if isinstance(exc, smtplib.SMTPResponseException) else str(exc))
        hint = {"connect": "check mail.smtp.host and port, and that the server is up",
                "STARTTLS": "the server must offer STARTTLS (or set ssl: true for port 465)",
                "log in": "check the user and password in the environment variables"}[step]
        raise DigestError.at(where, f"cannot {step}: {reply}; nothing was sent",
                             hint=hint) from None


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}".strip()


def _key(address: str) -> str:
    return parseaddr(address)[1].lower()


def _received(log: Path, edition: str) -> dict[str, str]:
    """address -> when, for each address the log says received `edition`."""
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise DigestError.at(SENT_LOG, f"cannot read: {exc}") from None
    found: dict[str, str] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            key, address, when = record["edition"], record["to"], record["time"]
        except (ValueError, KeyError, TypeError):
            raise DigestError.at(SENT_LOG, "not a record digest wrote", n,
                                 "digest writes one JSON object a line: fix or delete the "
                                 "line (deleting it allows a second sending)") from None
        if key == edition:
            found[_key(str(address))] = str(when)
    return found


def _note(log: Path, edition: str, address: str, message_id: str,
          when: datetime.datetime) -> None:
    record = {"edition": edition, "to": address, "message_id": message_id,
              "time": when.isoformat(timespec="seconds")}
    with log.open("a", encoding="utf-8") as handle:  # one line per accepted message
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
