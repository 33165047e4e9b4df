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
import json
from dataclasses import dataclass
from typing import Any

from digest.model import CURATOR_FIELDS, ArticleDocument


@dataclass(frozen=True)
class Merged:
    document: ArticleDocument
    kept: tuple[str, ...]  # fields holding the curator's value
    conflicts: tuple[tuple[str, Any], ...]  # (field, normalize's new value) changed both sides


def _mapping(document: ArticleDocument) -> dict[str, Any]:
    from digest.frontmatter import meta_to_mapping

    return meta_to_mapping(document.meta)


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def field_hashes(document: ArticleDocument) -> dict[str, str]:
    """The base the next merge compares with: a short hash of each field written."""
    return {key: _hash(value) for key, value in _mapping(document).items()}


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
    theirs, ours = _mapping(new), _mapping(curator)
    keep: list[str] = []
    conflicts: list[tuple[str, Any]] = []
    for name in dict.fromkeys([*theirs, *ours]):
        was = base.get(name)
        mine = _hash(ours[name]) if name in ours else None
        if mine == was:
            continue  # the curator left it: normalize's value
        now = _hash(theirs[name]) if name in theirs else None
        if now != mine:
            keep.append(name)
            if now != was:
                conflicts.append((name, theirs.get(name)))
    if not keep:
        return Merged(new, (), ())
    values = {name: getattr(curator.meta, name) for name in keep}
    meta = dataclasses.replace(new.meta, **values)
    return Merged(dataclasses.replace(new, meta=meta), tuple(keep), tuple(conflicts))
