"""ArticleDocument -> the text of its article file: front matter in a fixed order, then
the body. Deterministic, so that normalising a dump again changes no byte, and read back
by digest.frontmatter as it was written (a property test round-trips it).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from digest.model import ArticleDocument, ArticleMeta

ORDER = (  # the keys of a file's front matter, in the order they are written
    "title", "kicker", "publication", "date", "edition", "lang", "author", "standfirst", "url",
    "reading_time", "truncated", "tags", "note", "featured", "order", "status", "rights", "related",
    "source",
    "review", "duplicate_of", "saved", "extra",
)


# libyaml's emitter is several times faster than PyYAML's pure-Python one.
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    pass


# Characters YAML treats as line breaks inside plain or block scalars: quote them so a
# dump-then-parse round trip gives back the same text.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029", "\r")


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if any(ch in data for ch in _YAML_BREAKS):
        style: str | None = '"'
    else:
        style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def meta_to_mapping(meta: ArticleMeta) -> dict[str, Any]:
    """Front matter as an ordered mapping, leaving out empty optional fields."""
    out: dict[str, Any] = {}
    for key in ORDER:
        value = getattr(meta, key)
        if key == "tags":
            out[key] = list(value)
        elif key in ("date", "saved"):
            if value is not None:
                out[key] = value.iso
        elif key == "related":
            if value:
                out[key] = [
                    {k: v for k, v in dataclasses.asdict(story).items() if v is not None}
                    for story in value
                ]
        elif key == "source":
            if value is not None:
                out[key] = {k: v for k, v in dataclasses.asdict(value).items() if v is not None}
        elif key in ("truncated", "featured"):
            if value:
                out[key] = True
        elif key == "status":
            if value != "published":
                out[key] = value
        elif key == "review":
            if value:
                out[key] = list(value)
        elif value is not None:
            out[key] = value
    return out


def dump_document(document: ArticleDocument) -> str:
    """The file text for an article: deterministic, so re-normalising changes no byte."""
    front = yaml.dump(
        meta_to_mapping(document.meta), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
        width=1_000_000, default_flow_style=None,
    )
    body = document.body.strip("\n")
    return f"---\n{front}---\n\n{body}\n" if body else f"---\n{front}---\n"
