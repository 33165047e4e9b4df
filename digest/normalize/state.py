"""The normalize state file: what was written from which raw dump.

`content/.digest-normalize.json` maps each raw dump (path relative to
content/) to the sha256 of its bytes, the sha256 of its whitespace-normalised
text (for duplicates), the article written from it and the sha256 of the
bytes written. That last hash is how an article the curator edited is told
apart from one normalize wrote. A missing or unreadable state file is
treated as empty: an existing article is then found by its `source.sha256`, and
taken as normalize's own only when its bytes are exactly what would be written
now; any other is treated as edited (a conflict, never overwritten).

A record also keeps what finds its article again as a duplicate (canonical address,
title, a sketch of its sentences), a short hash of each front-matter field normalize
wrote (the base of `--force`'s three-way merge, merge.py), and for a dump holding many
articles (an export) how many: each of its items has its own record, `path#item`.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

STATE_FILE = ".digest-normalize.json"
_VERSION = 1


@dataclass(frozen=True)
class DumpRecord:
    sha256: str
    text: str
    article: str | None = None
    written: str | None = None
    duplicate_of: str | None = None
    # What finds this article again as a duplicate (see duplicates.py).
    url: str | None = None
    title: str | None = None
    shape: str | None = None
    # A short hash of each front-matter field as normalize itself last made it, before
    # any curator value was kept: the base of the three-way merge (see merge.py).
    fields: dict[str, str] | None = None
    # The fields whose values in the written article are the curator's, not normalize's.
    kept: tuple[str, ...] = ()
    items: int | None = None  # a dump holding many articles: how many (records `key#item`)
    link: bool = False  # an article that is only a link: `--fetch` may fill it in


def load_state(content_dir: Path) -> dict[str, DumpRecord]:
    try:
        data = json.loads((content_dir / STATE_FILE).read_text(encoding="utf-8"))
        if data.get("version") != _VERSION:
            return {}
        records = {}
        for key, value in data["dumps"].items():
            if "kept" in value:
                value["kept"] = tuple(value["kept"])
            records[key] = DumpRecord(**value)
        return records
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


_FIELDS = tuple(f.name for f in fields(DumpRecord))
_EMPTY = (None, (), False)


def save_state(content_dir: Path, records: dict[str, DumpRecord]) -> None:
    # Plain attribute reads: `asdict` deep-copies every record (a tenth of a second at 1k).
    dumps = {
        key: {name: value for name in _FIELDS if (value := getattr(record, name)) not in _EMPTY}
        for key, record in sorted(records.items())
    }
    # One record a line, each by the C encoder (an indented dump is several times slower).
    rows = ",\n".join(
        f" {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
        for key, value in dumps.items()
    )
    text = '{"version": ' + str(_VERSION) + ', "dumps": {\n' + rows + "\n}}\n"
    write_atomic(content_dir / STATE_FILE, text.encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> bool:
    """Write via a temporary file in the same folder; False when the bytes are already there."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    replace_atomic(os.fspath(path), data)
    return True


def replace_atomic(path: str, data: bytes) -> None:
    """Write `data` to a hidden temporary file in the target's folder, then rename it."""
    folder, name = os.path.split(path)
    temp = os.path.join(folder, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # Not mkstemp: its files are private (0600); an article gets the permissions of any
    # file the curator saves (0666 less the umask).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(temp, flags, 0o666)
    except FileNotFoundError:  # a new folder: made only then, not checked for every file
        os.makedirs(folder, exist_ok=True)
        handle = os.open(temp, flags, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
