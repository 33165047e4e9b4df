"""The desk's one write: change some front-matter keys of an article file, and nothing else.

ruamel.yaml's round-trip mode reads the front matter (each value with its quoting and
flow style, each key's place in the text), and writes each changed key in the style it
had. The new text of a key is spliced into the file at that key's place, so every other
byte (other keys, their order and quoting, comments, the body) is the file's own.

The result must parse exactly like a file the curator saved (digest.frontmatter, same
rules and messages) and mean what was asked: the changed fields hold the new values and
every other field is as it was. Otherwise the file is left untouched.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from digest.errors import DigestError
from digest.frontmatter import parse_document
from digest.frontmatter_dump import ORDER as FILE_ORDER
from digest.model import ArticleDocument, ArticleMeta, PartialDate

# What the desk may change; None removes the key (the field's default).
Value = str | bool | int | list[str] | None
EDITABLE = (
    "title", "kicker", "publication", "date", "author", "note", "tags", "featured", "order",
    "status", "rights", "review",
)
_LISTS = ("tags", "review")

# The file's own fences, as digest.frontmatter.split finds them (a BOM and CRLF kept).
_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)
_PYYAML = yaml.resolver.Resolver()  # how digest.frontmatter will read a plain scalar
_TEXT_TAG = "tag:yaml.org,2002:str"

# One write at a time in this process: two tabs saving at once get one save and one
# conflict, never two writes from the same version.
WRITE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Saved:
    """The file after a save: its text and version, and the keys written (none: no-op)."""

    text: str
    version: str
    meta: ArticleMeta
    keys: tuple[str, ...]


class Conflict(Exception):
    """The file is not the version the desk loaded: someone saved it since."""

    def __init__(self, text: str | None, version: str | None) -> None:
        super().__init__("the file changed on disk since the desk loaded it")
        self.text = text  # None: the file is gone or unreadable
        self.version = version


def version_of(data: bytes) -> str:
    """What the desk sends back to say which file it changed: a hash of its bytes."""
    return hashlib.sha256(data).hexdigest()


def save(
    path: Path, source: str, version: str, changes: Mapping[str, Value], *,
    articles_dir: Path, inbox_dir: Path,
) -> Saved:
    """Write `changes` into the article file at `path`, if it is still `version`.

    Raises Conflict when the file changed since, and DigestError (the file untouched)
    when the change is not allowed or the result would not parse."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise DigestError.at(source, f"the desk cannot change `{unknown[0]}`",
                             hint="edit the file in your editor")
    _check_writable(path, source, articles_dir, inbox_dir)
    with WRITE_LOCK:
        data = _read(path)
        current = version_of(data) if data is not None else None
        if data is None or current != version:
            raise Conflict(_decode(data), current)
        text = data.decode("utf-8")
        old = parse_document(text, source)
        wanted = {k: v for k, v in changes.items() if _differs(old.meta, k, v)}
        if not wanted:
            return Saved(text, version, old.meta, ())
        new_text = rewrite(text, wanted, source)
        new = parse_document(new_text, source)
        _check_meaning(old, new, wanted, source)
        new_data = new_text.encode("utf-8")
        if _read(path) != data:  # an editor saved while this one was made
            again = _read(path)
            raise Conflict(_decode(again), version_of(again) if again is not None else None)
        from digest.normalize.state import replace_atomic

        replace_atomic(os.fspath(path), new_data)
        return Saved(new_text, version_of(new_data), new.meta,
                     tuple(k for k in EDITABLE if k in wanted))


def _check_writable(path: Path, source: str, articles_dir: Path, inbox_dir: Path) -> None:
    """Only regular files under content/articles/, never a link, never the inbox."""
    real = Path(os.path.realpath(path))
    inside = real.is_relative_to(os.path.realpath(articles_dir))
    if (path.is_symlink() or not inside or real.is_relative_to(os.path.realpath(inbox_dir))
            or real.suffix != ".md"):
        raise DigestError.at(source, "the desk only writes article files under content/articles/",
                             hint="edit this file in your editor")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _decode(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "replace")


# --- what a change means ----------------------------------------------------------------

def _field(key: str, value: Value) -> Any:
    """The ArticleMeta value that `value` written under `key` reads back as."""
    if key in _LISTS:
        return tuple(value) if isinstance(value, list) else ()
    if key == "featured":
        return bool(value)
    if key == "status":
        return value if value is not None else "published"
    if key == "date" and isinstance(value, str):
        return PartialDate.parse(value) or value
    return value


def _differs(meta: ArticleMeta, key: str, value: Value) -> bool:
    return bool(getattr(meta, key) != _field(key, value))


def _check_meaning(old: ArticleDocument, new: ArticleDocument, wanted: Mapping[str, Value],
                   source: str) -> None:
    """The new file holds the wanted values and nothing else changed."""
    for f in dataclasses.fields(ArticleMeta):
        before, after = getattr(old.meta, f.name), getattr(new.meta, f.name)
        expected = _field(f.name, wanted[f.name]) if f.name in wanted else before
        if after != expected:
            raise DigestError.at(
                source, f"cannot write `{f.name}` here without changing the rest of the "
                "front matter", hint="make this change in your editor")
    if new.body != old.body:
        raise DigestError.at(source, "the change would touch the body",
                             hint="make this change in your editor")


# --- the splice -------------------------------------------------------------------------

def _yaml() -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 1_000_000  # one line per value, as normalize writes them
    return rt


def rewrite(text: str, changes: Mapping[str, Value], source: str) -> str:
    """`text` with each key of `changes` set (None: removed); every other byte kept."""
    start = _OPEN.match(text)
    close = _CLOSE.search(text, start.end()) if start else None
    if start is None or close is None:
        raise DigestError.at(source, "no front matter", 1,
                             "start the file with a `---` line, `title: ...`, and a `---` line")
    head, front, tail = text[:start.end()], text[start.end():close.start()], text[close.start():]
    newline = "\r\n" if head.endswith("\r\n") else "\n"
    rt = _yaml()
    try:
        node = rt.compose(front)
        data = rt.load(front)
    except YAMLError as exc:
        raise DigestError.at(source, f"the desk cannot read this front matter: {exc}",
                             hint="edit the file in your editor") from None
    if not isinstance(node, MappingNode) or node.flow_style or not isinstance(data, CommentedMap):
        raise DigestError.at(source, "the desk only edits front matter of `key: value` lines",
                             hint="edit the file in your editor")
    spans = {str(k.value): _span(front, k, v) for k, v in node.value}
    edits: list[tuple[int, int, str]] = []
    inserts: dict[int, list[str]] = {}
    for key in sorted(changes, key=FILE_ORDER.index):
        value = changes[key]
        piece = None if value is None else _piece(rt, key, _styled(data.get(key), value, key))
        if piece is not None:
            piece = piece.replace("\n", newline)
        if key in spans:
            begin, end = spans[key]
            if piece is None:  # the whole lines of the key go, with a comment on them
                edits.append((_line_start(front, begin), _line_end(front, end), ""))
            else:
                edits.append((begin, end, piece))
        elif piece is not None:
            before = [k for k in FILE_ORDER[:FILE_ORDER.index(key)] if k in spans]
            at = max((_line_end(front, spans[k][1]) for k in before), default=0)
            inserts.setdefault(at, []).append(piece + newline)
    edits.extend((at, at, "".join(pieces)) for at, pieces in inserts.items())
    # From the end, so earlier offsets hold; at one offset a replacement goes before an
    # insertion, so the insertion is not replaced with it.
    for begin, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        front = front[:begin] + new + front[end:]
    return head + front + tail


def _span(front: str, key: Node, value: Node) -> tuple[int, int]:
    """Where a key and its value are written: from the key to the value's last character,
    leaving out blank lines and comments after it (they belong to what follows)."""
    begin, end = key.start_mark.index, value.end_mark.index
    block_text = isinstance(value, ScalarNode) and value.style in ("|", ">")
    while end > begin:
        trimmed = front[:end].rstrip(" \t\r\n")
        last_line = trimmed[trimmed.rfind("\n") + 1:]
        if (not block_text and last_line.lstrip().startswith("#")
                and _line_start(front, len(trimmed)) > begin):
            end = _line_start(front, len(trimmed))
            continue
        end = len(trimmed)
        break
    rest = front[end:_line_end(front, end)].rstrip("\r\n")
    return begin, end + (len(rest) if not rest.strip() else 0)


def _line_start(front: str, at: int) -> int:
    return front.rfind("\n", 0, at) + 1


def _line_end(front: str, at: int) -> int:
    """Just after the line break of the line holding `at` (or the end of the text)."""
    found = front.find("\n", at)
    return len(front) if found < 0 else found + 1


def _piece(rt: YAML, key: str, value: Any) -> str:
    out = io.StringIO()
    one = CommentedMap()
    one[key] = value
    rt.dump(one, out)
    return out.getvalue().rstrip("\n")


def _styled(old: Any, new: Value, key: str) -> Any:
    """`new` written the way the old value was: quoting, flow or block lists, dates."""
    if isinstance(new, bool | int):
        return new
    if isinstance(new, list):
        seq = CommentedSeq([_text(item, None) for item in new])
        block = isinstance(old, CommentedSeq) and not old.fa.flow_style()
        if not block:
            seq.fa.set_flow_style()
        return seq
    assert isinstance(new, str)
    if key == "date" and isinstance(old, datetime.date):
        parsed = PartialDate.parse(new)
        if parsed is not None and parsed.day is not None and parsed.iso == new.strip():
            return datetime.date(parsed.year, parsed.month, parsed.day)
    return _text(new, old)


def _text(new: str, old: Any) -> Any:
    if "\n" in new:
        return LiteralScalarString(new)
    if isinstance(old, SingleQuotedScalarString | DoubleQuotedScalarString):
        return type(old)(new)
    if _PYYAML.resolve(yaml.ScalarNode, new, (True, False)) != _TEXT_TAG:  # type: ignore[no-untyped-call]
        return SingleQuotedScalarString(new)  # `yes`, `2025-10-01`, `12`: text all the same
    return new
