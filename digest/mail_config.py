"""`mail:` and `intro:` in site.yaml: who an edition is sent to and how, and what the
curator says at its top. Every problem at its line, with the closest valid key.

Credentials never live in site.yaml: `smtp.user_env` and `smtp.password_env` name the
environment variables that hold them (digest.send reads them when it sends).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any

import yaml

from digest.errors import DigestError, Problem
from digest.frontmatter import mapping_items, suggest, to_python

DEFAULT_SUBJECT = "{title}: {edition}"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EDITION_KEY = re.compile(r"\d{4}-(?:\d{2}-\d{2}|w\d{2}|\d{2})")
_SECRETS = ("user", "username", "password", "pass", "login")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    starttls: bool = True
    ssl: bool = False  # TLS from the first byte (port 465), instead of STARTTLS
    user_env: str | None = None
    password_env: str | None = None


@dataclass(frozen=True)
class MailConfig:
    sender: str = ""  # `from:`, as written: `Name <address>`
    to: tuple[str, ...] = ()
    to_file: str | None = None  # site-relative: one address a line
    smtp: SmtpConfig | None = None
    unsubscribe: str | None = None  # an https: or mailto: address, for List-Unsubscribe
    subject: str = DEFAULT_SUBJECT


@dataclass(frozen=True)
class Intro:
    """The curator's words at the top of an edition: one for every edition (`default`),
    and one per edition key."""

    default: str | None = None
    editions: tuple[tuple[str, str], ...] = field(default=())

    def of(self, key: str) -> str | None:
        return dict(self.editions).get(key, self.default)


def parse_intro(node: yaml.Node, name: str) -> tuple[Intro | None, list[Problem]]:
    """`intro: text`, or `intro: {default: text, 2025-10-11: text, 2025-w41: text}`."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        value = to_python(node)
        if value is None:
            return Intro(), []
        if not isinstance(value, str):
            return None, [Problem(name, "intro must be text, or a mapping of edition keys "
                                  "to text", line, _INTRO_HINT)]
        return Intro(default=value), []
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(name, "intro must be text, or a mapping of edition keys to text",
                              line, _INTRO_HINT)]
    problems: list[Problem] = []
    default = None
    editions: list[tuple[str, str]] = []
    for key_node, value_node in node.value:
        # Read as written: YAML would make `2025-10-11` a date.
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        at = key_node.start_mark.line + 1
        try:
            text = to_python(value_node)
        except ValueError as exc:
            problems.append(Problem(name, f"intro.{key}: {exc}", at))
            continue
        if not isinstance(text, str):
            problems.append(Problem(name, f"intro.{key} must be text", at, _INTRO_HINT))
        elif key == "default":
            default = text
        elif _EDITION_KEY.fullmatch(key):
            editions.append((key, text))
        else:
            hint = suggest(key, ["default"])
            problems.append(Problem(
                name, f"intro.{key}: not an edition key", at,
                (hint + " " if hint else "") + "use `default` or an edition key such as "
                "2025-10-11 (daily), 2025-w41 (weekly) or 2025-10 (monthly)"))
    return (None if problems else Intro(default, tuple(editions))), problems


_INTRO_HINT = "e.g. intro: {default: Good morning., 2025-10-11: A quiet Saturday.}"

_MAIL_KEYS = ("from", "to", "to_file", "smtp", "unsubscribe", "subject")
_SMTP_KEYS = ("host", "port", "starttls", "ssl", "user_env", "password_env")


def parse_mail(node: yaml.Node, name: str) -> tuple[MailConfig | None, list[Problem]]:
    """The `mail:` mapping of site.yaml."""
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(name, "mail must be a mapping", node.start_mark.line + 1,
                              "e.g. mail: {from: Me <me@example.org>, to: [you@example.org]}")]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    try:
        lines = {}
        for key, line, value_node in mapping_items(node, name, 1):
            lines[key] = line
            problems += _mail_entry(key, line, value_node, name, values)
    except DigestError as exc:
        return None, list(exc.problems)
    if "to" in values and "to_file" in values:
        problems.append(Problem(name, "mail: give `to` or `to_file`, not both",
                                lines["to_file"], "keep the list in one place"))
    return (None if problems else MailConfig(**values)), problems


def _mail_entry(key: str, line: int, node: yaml.Node, name: str, values: dict[str, Any]
                ) -> list[Problem]:
    if key not in _MAIL_KEYS:
        return [_unknown("mail", key, _MAIL_KEYS, name, line)]
    if key == "smtp":
        smtp, problems = _smtp(node, name, line)
        if smtp is not None:
            values["smtp"] = smtp
        return problems
    try:
        value = to_python(node)
    except ValueError as exc:
        return [Problem(name, f"mail.{key}: {exc}", line)]
    if key == "to":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            return [Problem(name, "mail.to must be an address or a list of addresses", line,
                            "e.g. to: [reader@example.org, other@example.org]")]
        wrong = [v for v in items if not is_address(v)]
        if wrong:
            return [Problem(name, f"mail.to: {wrong[0]!r} is not an e-mail address", line)]
        values["to"] = tuple(items)
        return []
    if not isinstance(value, str) or not value.strip():
        return [Problem(name, f"mail.{key} must be text", line)]
    if key == "from":
        if not is_address(value):
            return [Problem(name, f"mail.from: {value!r} is not an e-mail address", line,
                            "e.g. from: The Morning Stack <digest@example.org>")]
        values["sender"] = value.strip()
    elif key == "unsubscribe":
        if not (value.startswith(("https://", "http://")) or value.startswith("mailto:")):
            return [Problem(name, "mail.unsubscribe must be an https: or mailto: address",
                            line, "e.g. unsubscribe: https://example.org/unsubscribe")]
        values["unsubscribe"] = value.strip()
    elif key == "subject":
        bad = _bad_fields(value, {"title", "edition"})
        if bad:
            return [Problem(name, f"mail.subject: {bad}", line, "use {title} and {edition}")]
        values["subject"] = value
    else:
        values["to_file"] = value.strip()
    return []


def _smtp(node: yaml.Node, name: str, line: int) -> tuple[SmtpConfig | None, list[Problem]]:
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(name, "mail.smtp must be a mapping", line,
                              "e.g. smtp: {host: smtp.example.org, port: 587}")]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, at, value_node in mapping_items(node, name, 1):
        if key in _SECRETS:
            problems.append(Problem(
                name, f"mail.smtp.{key}: credentials never go in site.yaml", at,
                "name the environment variable that holds it instead: "
                "user_env: DIGEST_SMTP_USER, password_env: DIGEST_SMTP_PASSWORD"))
            continue
        if key not in _SMTP_KEYS:
            problems.append(_unknown("mail.smtp", key, _SMTP_KEYS, name, at))
            continue
        try:
            value = to_python(value_node)
        except ValueError as exc:
            problems.append(Problem(name, f"mail.smtp.{key}: {exc}", at))
            continue
        if key == "port":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
                problems.append(Problem(name, "mail.smtp.port must be a port number", at,
                                        "usually 587 (STARTTLS) or 465 (ssl: true)"))
                continue
        elif key in ("starttls", "ssl"):
            if not isinstance(value, bool):
                problems.append(Problem(name, f"mail.smtp.{key} must be true or false", at))
                continue
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(name, f"mail.smtp.{key} must be text", at))
            continue
        elif key.endswith("_env") and not _ENV_NAME.fullmatch(value):
            problems.append(Problem(
                name, f"mail.smtp.{key}: {value!r} is not the name of an environment variable",
                at, "e.g. password_env: DIGEST_SMTP_PASSWORD (the value itself goes in the "
                "environment, never in site.yaml)"))
            continue
        values[key] = value
    if problems:
        return None, problems
    if "host" not in values:
        return None, [Problem(name, "mail.smtp needs a host", line,
                              "e.g. smtp: {host: smtp.example.org}")]
    if values.get("ssl"):
        values.setdefault("port", 465)
        if values.get("starttls"):
            return None, [Problem(name, "mail.smtp: ssl and starttls cannot both be true",
                                  line, "ssl: true for port 465, starttls: true for 587")]
        values["starttls"] = False
    return SmtpConfig(**values), []


def _unknown(where: str, key: str, known: tuple[str, ...], name: str, line: int) -> Problem:
    hint = suggest(key, known) or "valid keys: " + ", ".join(known)
    return Problem(name, f"unknown key '{where}.{key}'", line, hint)


def _bad_fields(pattern: str, allowed: set[str]) -> str | None:
    try:
        fields = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        return f"bad placeholder syntax ({exc})"
    for _, field_name, spec, conversion in fields:
        if field_name is not None and (field_name not in allowed or spec or conversion):
            return f"unknown placeholder {{{field_name}}}"
    return None


def is_address(text: str) -> bool:
    """`name@host` or `Name <name@host>`: one address, no list, no spaces inside it."""
    from email.utils import parseaddr

    if "," in text or "\n" in text or "\r" in text:
        return False
    _, address = parseaddr(text)
    local, at, host = address.partition("@")
    return bool(at and local and host and "." in host.strip(".") and " " not in address
                and "@" not in host)
