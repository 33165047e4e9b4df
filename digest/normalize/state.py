"""The normalize state file: what was written from which raw dump.

`content/.digest-normalize.json` maps each raw dump (path relative to
content/) to the sha256 of its bytes, the sha256 of its whitespace-normalised
text (for duplicates), the article written from it and the sha256 of the
bytes written. That last hash is how an article the curator edited is told
apart from one normalize wrote. A missing or unreadable state file is
treated as empty: articles are then matched by `source.sha256` instead.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
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


def load_state(content_dir: Path) -> dict[str, DumpRecord]:
    try:
        data = json.loads((content_dir / STATE_FILE).read_text(encoding="utf-8"))
        if data.get("version") != _VERSION:
            return {}
        return {key: DumpRecord(**value) for key, value in data["dumps"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def save_state(content_dir: Path, records: dict[str, DumpRecord]) -> None:
    dumps = {
        key: {k: v for k, v in asdict(record).items() if v is not None}
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
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True
