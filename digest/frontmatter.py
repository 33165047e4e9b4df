"""Split, parse and validate the YAML front matter of article files (digest.frontmatter_dump
writes it).

Parsing keeps YAML node positions so every problem names its file and line.
Only plain YAML is accepted: no aliases (they allow "billion laughs" bombs),
no language tags such as `!!python/object`.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterator
from typing import Any

import yaml

from digest.errors import DigestError, Problem
from digest.model import (
    RIGHTS_MODES,
    STATUSES,
    ArticleDocument,
    ArticleMeta,
    PartialDate,
    RelatedStory,
    SourceFormat,
    SourceInfo,
)

_FENCE = "---"
_MAX_FRONT_MATTER = 1_000_000  # bytes; front matter is metadata, not content
_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:timestamp",
}

# The fastest safe loader there is (also for theme strings): libyaml is several times
# faster; PyYAML falls back to pure Python without it.
try:
    SafeLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    SafeLoader = yaml.SafeLoader


def split(text: str) -> tuple[str | None, str, int]:
    """Split `---` front matter from the body: (yaml or None, body, first body line)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")  # files saved on Windows
    if not text.startswith(_FENCE):
        return None, text, 1
    first_break = text.find("\n")
    if first_break < 0 or text[:first_break].rstrip() != _FENCE:
        return None, text, 1
    match = re.search(r"^---[ \t]*$", text[first_break + 1 :], flags=re.MULTILINE)
    if match is None:
        return None, text, 1
    yaml_text = text[first_break + 1 : first_break + 1 + match.start()]
    rest = text[first_break + 1 + match.end() :]
    body = rest.lstrip("\n")
    # Lines: opening fence, the YAML, closing fence, then any blank lines before the body.
    body_line = yaml_text.count("\n") + 2 + rest[: len(rest) - len(body)].count("\n")
    return yaml_text, body, body_line


def compose(
    yaml_text: str, path: str, first_line: int = 1, what: str = "front matter"
) -> yaml.MappingNode | None:
    """Parse YAML into nodes (with positions), refusing aliases, anchors and unsafe tags."""
    if len(yaml_text) > _MAX_FRONT_MATTER:
        raise DigestError.at(path, "front matter is larger than 1 MB", first_line)
    try:
        for event in yaml.parse(yaml_text, Loader=SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + first_line if event.start_mark else first_line
                raise DigestError.at(
                    path, "YAML anchors and aliases (&, *) are not allowed", line,
                    "write the value out in full",
                )
        node = yaml.compose(yaml_text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        raise DigestError.at(
            path, f"invalid YAML: {exc.problem or exc.context}", line,
            "check indentation and quote values that contain ':' or '#'",
        ) from None
    except yaml.YAMLError as exc:
        raise DigestError.at(path, f"invalid YAML: {exc}", first_line) from None
    if node is None:
        return None
    for bad in _unsafe_nodes(node):
        raise DigestError.at(
            path, f"YAML tag {bad.tag!r} is not allowed", bad.start_mark.line + first_line,
            "remove the tag: front matter holds plain text, numbers, lists and mappings",
        )
    if not isinstance(node, yaml.MappingNode):
        raise DigestError.at(path, f"{what} must be a mapping of `key: value` lines", first_line)
    return node


def _unsafe_nodes(node: yaml.Node) -> Iterator[yaml.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.tag not in _SAFE_TAGS:
            yield current
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe constructor that keeps dates as the text written (validated by each field)."""


_Constructor.add_constructor(
    "tag:yaml.org,2002:timestamp",
    yaml.constructor.SafeConstructor.construct_yaml_str,  # type: ignore[type-var]
)


def to_python(node: yaml.Node) -> Any:
    """Construct plain Python values from an already checked node."""
    try:
        return _Constructor().construct_document(node)
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        raise ValueError(str(exc)) from None


def mapping_items(
    node: yaml.MappingNode, path: str, first_line: int
) -> Iterator[tuple[str, int, yaml.Node]]:
    """(key, line, value node) for each entry; non-string or repeated keys are errors."""
    seen: set[str] = set()
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + first_line
        if not isinstance(key_node, yaml.ScalarNode):
            raise DigestError.at(path, "a key must be text, not a list or mapping", line)
        if key_node.tag != "tag:yaml.org,2002:str":
            raise DigestError.at(path, f"key {key_node.value!r} must be text", line,
                                 f"quote it: '{key_node.value}'")
        key = str(key_node.value)
        if key in seen:
            raise DigestError.at(path, f"key {key!r} appears twice", line)
        seen.add(key)
        yield key, line, value_node


def suggest(key: str, valid: Iterator[str] | list[str] | tuple[str, ...], *,
            cutoff: float = 0.6) -> str:
    import difflib  # only for a key that is wrong: not on every start-up

    close = difflib.get_close_matches(key, list(valid), n=1, cutoff=cutoff)
    return f"did you mean {close[0]!r}?" if close else ""


# --- article front matter -------------------------------------------------------------

_META_FIELDS = {f.name for f in dataclasses.fields(ArticleMeta)}
_TEXT_FIELDS = {
    "title", "publication", "kicker", "edition", "lang", "author", "standfirst", "url",
    "duplicate_of", "note",
}


def parse_document(text: str, path: str) -> ArticleDocument:
    """Parse an article file; every problem is a DigestError naming path and line."""
    yaml_text, body, body_line = split(text)
    if yaml_text is None:
        raise DigestError.at(
            path, "no front matter", 1,
            "start the file with a `---` line, `title: ...`, and a closing `---` line",
        )
    meta = _fast_meta(yaml_text, path)
    if meta is not None:
        return ArticleDocument(meta=meta, body=body.rstrip("\n"), body_line=body_line)
    node = compose(yaml_text, path, first_line=2)
    if node is None:
        raise DigestError.at(path, "front matter is empty", 2, "add at least `title: ...`")
    meta = _meta_from_node(node, path)
    return ArticleDocument(meta=meta, body=body.rstrip("\n"), body_line=body_line)


def _meta_from_node(node: yaml.MappingNode, path: str) -> ArticleMeta:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    title_line = 2
    for key, line, value_node in mapping_items(node, path, 2):
        if key not in _META_FIELDS:
            own = f"a field of your own goes under `extra:` (extra: {{{key}: ...}})"
            hint = suggest(key, sorted(_META_FIELDS))
            if not hint:
                hint = "known keys: " + ", ".join(sorted(_META_FIELDS)) + "; " + own
            elif suggest(key, sorted(_META_FIELDS), cutoff=0.8) != hint:
                # a loose match (`cover`, `order`): perhaps the theme's own field
                hint += (" If it is your theme's own field, put it under `extra:` "
                         f"(extra: {{{key}: ...}})")
            problems.append(Problem(path, f"unknown front-matter key {key!r}", line, hint))
            continue
        try:
            values[key] = _convert(key, value_node, path, line)
        except DigestError as exc:
            problems.extend(exc.problems)
        if key == "title":
            title_line = line
    if not problems and not values.get("title"):
        problems.append(Problem(path, "missing `title`", title_line, "add `title: ...`"))
    if problems:
        raise DigestError(*problems)
    return ArticleMeta(**values)


class _FastLoader(SafeLoader):  # type: ignore[valid-type,misc]
    """One-call libyaml load for the common case; dates stay the text written."""


_FastLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    yaml.constructor.SafeConstructor.construct_yaml_str,
)
# Anything that could be an anchor, alias, tag, merge key, directive or complex key sends
# the text to the careful path, which refuses or reports it with its line.
_CAREFUL = re.compile(r"[&*!]|<<|^[^\w\s\"'#]", re.MULTILINE)
_TOP_LEVEL_LINE = re.compile(r"^[^\s#]", re.MULTILINE)


def _fast_meta(yaml_text: str, path: str) -> ArticleMeta | None:
    """ArticleMeta from plain front matter in one libyaml call, or None to take the careful
    path: any doubt (or any problem to report) is left to it, so errors and their lines
    stay exactly those of the node-based parse."""
    if len(yaml_text) > _MAX_FRONT_MATTER or _CAREFUL.search(yaml_text):
        return None
    try:
        data = yaml.load(yaml_text, Loader=_FastLoader)
    except Exception:  # the careful path reports it with its line
        return None
    # A repeated key would silently win here: every top-level line must be a distinct key.
    if not isinstance(data, dict) or len(data) != len(_TOP_LEVEL_LINE.findall(yaml_text)):
        return None
    values: dict[str, Any] = {}
    try:
        for key, value in data.items():
            if type(key) is not str or key not in _META_FIELDS:
                return None
            values[key] = _convert_value(key, value, path, 0)
    except DigestError:
        return None
    if not values.get("title"):
        return None
    return ArticleMeta(**values)


def _convert(key: str, node: yaml.Node, path: str, line: int) -> Any:
    try:
        value = to_python(node)
    except ValueError as exc:
        raise DigestError.at(
            path, f"`{key}` has a value that cannot be read: {exc}", line) from None
    return _convert_value(key, value, path, line)


def _convert_value(key: str, value: Any, path: str, line: int) -> Any:
    wrong = DigestError.at
    if key in _TEXT_FIELDS:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise wrong(path, f"`{key}` must be text", line)
        if key == "url" and not is_web_address(str(value)):
            raise wrong(path, "`url` must be a web address starting with http:// or https://",
                        line, "the build links to it: other schemes could run script")
        return str(value)
    if key in ("date", "saved"):
        if value is None:
            return None
        parsed = PartialDate.parse(str(value))
        if parsed is None:
            raise wrong(path, f"`{key}` {value!s:.40} is not a date", line,
                        "write YYYY-MM-DD, or YYYY-MM for a monthly issue")
        return parsed
    if key in ("truncated", "featured"):
        if not isinstance(value, bool):
            raise wrong(path, f"`{key}` must be true or false", line)
        return value
    if key == "order":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong(path, "`order` must be a whole number", line,
                        "the position within its publication in an edition: 1, 2, 3...")
        return value
    if key == "reading_time":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise wrong(path, "`reading_time` must be a whole number of minutes", line)
        return value
    if key in ("status", "rights"):
        allowed = STATUSES if key == "status" else RIGHTS_MODES
        if key == "rights" and value is None:
            return None
        if value not in allowed:
            hint = suggest(str(value), allowed) if isinstance(value, str) else ""
            raise wrong(path, f"`{key}` must be " + ", ".join(f"`{a}`" for a in allowed),
                        line, hint or None)
        return value
    if key in ("tags", "review"):
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise wrong(path, f"`{key}` must be a list of text", line, f"e.g. {key}: [one, two]")
        return tuple(str(v) for v in value)
    if key == "related":
        return _related(value, path, line)
    if key == "extra":
        # The theme's own fields: any keys and values, so a typo here is the theme's to see.
        if value is None:
            return None
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise wrong(path, "`extra` must be a mapping of `name: value` lines", line,
                        "e.g. extra: {cover: images/cover.jpg, rating: 4}")
        return value or None
    if key == "source":
        return _source(value, path, line)
    raise AssertionError(f"unhandled front-matter key {key}")  # pragma: no cover


def _related(value: Any, path: str, line: int) -> tuple[RelatedStory, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise DigestError.at(path, "`related` must be a list of stories", line)
    known = {f.name for f in dataclasses.fields(RelatedStory)}
    stories = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            raise DigestError.at(path, "each `related` story needs a `title`", line)
        unknown = set(item) - known
        if unknown:
            raise DigestError.at(path, f"unknown key {sorted(unknown)[0]!r} in `related`", line)
        minutes = item.get("reading_time")
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)):
            raise DigestError.at(path, "`related` reading_time must be a whole number", line)
        stories.append(RelatedStory(
            title=item["title"],
            summary=_opt_str(item.get("summary")),
            publication=_opt_str(item.get("publication")),
            date=_opt_str(item.get("date")),
            reading_time=minutes,
        ))
    return tuple(stories)


def _source(value: Any, path: str, line: int) -> SourceInfo | None:
    if value is None:
        return None
    formats = typing.get_args(SourceFormat)
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("file"), str)
        or value.get("format") not in formats
        or not isinstance(value.get("sha256"), str)
    ):
        raise DigestError.at(
            path, "`source` needs `file`, `format` (" + "|".join(formats) + ") and `sha256`", line
        )
    unknown = set(value) - {"file", "format", "sha256", "ui_language"}
    if unknown:
        raise DigestError.at(path, f"unknown key {sorted(unknown)[0]!r} in `source`", line)
    return SourceInfo(
        file=value["file"], format=value["format"], sha256=value["sha256"],
        ui_language=_opt_str(value.get("ui_language")),
    )


def is_web_address(text: str) -> bool:
    """An http(s) address with a host: the only kind of source link the site shows."""
    scheme, _, rest = text.strip().partition("://")
    return scheme.lower() in ("http", "https") and bool(rest) and not rest.startswith("/")


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
