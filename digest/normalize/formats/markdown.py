"""Markdown that already has front matter: validated, completed, body left as written."""

from __future__ import annotations

import dataclasses
import re

from digest.frontmatter import parse_document, split
from digest.model import SourceFormat, SourceInfo
from digest.normalize import textfix
from digest.normalize.common import LANGUAGE_SAMPLE, Draft, Dump

NAME: SourceFormat = "markdown"


def sniff(dump: Dump) -> bool:
    text = dump.text
    yaml_text, _, _ = split(text)
    return yaml_text is not None or re.match(r"---[ \t]*\n(\w+:.*\n){1,3}", text) is not None


def parse(dump: Dump) -> tuple[Draft, ...]:
    """Validate (errors name file and line), then fill in what normalize adds."""
    return (draft(dump.text.lstrip("\ufeff"), dump.name, dump.sha256),)


def draft(text: str, name: str, sha256: str) -> Draft:
    """`parse` but for the language, which is left to `common.complete`."""
    document = parse_document(text, name)
    meta = document.meta
    changes: dict[str, object] = {}
    if meta.source is None:
        changes["source"] = SourceInfo(file=name, format="markdown", sha256=sha256)
    plain = textfix.plain_text(document.body)
    if meta.reading_time is None:
        changes["reading_time"] = textfix.reading_minutes(plain)
    if changes:
        meta = dataclasses.replace(meta, **changes)  # type: ignore[arg-type]
        document = dataclasses.replace(document, meta=meta)
    return Draft(document, lang_from=((plain[:LANGUAGE_SAMPLE], 40),) if meta.lang is None else ())
