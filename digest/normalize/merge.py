"""The three-way merge of an article's front matter: what normalize wrote last time (the
base, kept as one short hash per field in the state file), what the article holds now
(the curator's edits) and what normalize would write now.

Per field: unchanged by the curator, normalize's new value is taken; changed by the
curator only, the curator's value stays; changed on both sides to different values, the
curator's value stays and the field is reported as a conflict. The body is normalize's:
re-normalising is what `--force` asks for.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any

from digest.model import CURATOR_FIELDS, ArticleDocument


@dataclass(frozen=True)
class Merged:
    document: ArticleDocument
    kept: tuple[str, ...]  # fields holding the curator's value
    conflicts: tuple[tuple[str, Any], ...]  # (field, normalize's new value) changed both sides


def _mapping(document: ArticleDocument) -> dict[str, Any]:
    from digest.frontmatter_dump import meta_to_mapping

    return meta_to_mapping(document.meta)


def field_hashes(markdown: str) -> dict[str, str]:
    """A short hash of each front-matter field as `dump_document` writes it: the base the
    next merge compares with. Read off the written text (each top-level key with the
    lines under it), which costs next to nothing; both sides of a merge are hashed from
    `dump_document`'s own output, so equal values always give equal hashes."""
    front = markdown.removeprefix("---\n").split("\n---\n", 1)[0]
    fields: dict[str, list[str]] = {}
    lines: list[str] = []
    for line in front.split("\n"):
        if line[:1].isalpha() and ":" in line:
            lines = fields.setdefault(line.split(":", 1)[0], [])
        lines.append(line)
    return {
        key: hashlib.sha256("\n".join(value).encode("utf-8")).hexdigest()[:10]
        for key, value in fields.items()
    }


def merge(
    base: dict[str, str] | None, curator: ArticleDocument, new: ArticleDocument
) -> Merged:
    """`new` with the curator's changes since `base`; without a base (no record of what
    normalize wrote) only the curator fields (note, tags, status...) are kept."""
    if base is None:
        kept = {name: getattr(curator.meta, name) for name in CURATOR_FIELDS}
        changed = tuple(n for n in CURATOR_FIELDS if kept[n] != getattr(new.meta, n))
        meta = dataclasses.replace(new.meta, **kept)
        return Merged(dataclasses.replace(new, meta=meta), changed, ())
    from digest.frontmatter_dump import dump_document

    theirs, ours = field_hashes(dump_document(new)), field_hashes(dump_document(curator))
    keep: list[str] = []
    conflicts: list[tuple[str, Any]] = []
    for name in dict.fromkeys([*theirs, *ours]):
        was, mine, now = base.get(name), ours.get(name), theirs.get(name)
        if mine == was:
            continue  # the curator left it: normalize's value
        if now != mine:
            keep.append(name)
            if now != was:
                conflicts.append((name, _mapping(new).get(name)))
    if not keep:
        return Merged(new, (), ())
    values = {name: getattr(curator.meta, name) for name in keep}
    meta = dataclasses.replace(new.meta, **values)
    return Merged(dataclasses.replace(new, meta=meta), tuple(keep), tuple(conflicts))
