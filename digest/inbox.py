"""The raw dumps in content/inbox/ that `digest normalize` has not turned into articles yet.

A dump counts as normalised when the normalize state file records its path with the
sha256 of its current bytes (written, unchanged or a known duplicate). Every dump is
hashed: the state keeps no sizes or times to skip by, and hashing a few thousand text
files takes a fraction of a second.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from digest.config import SiteConfig
from digest.errors import display_path

# The state file of digest.normalize.state, read here without importing the normaliser:
# `digest build` asks on every run, and the normalize package costs it 40 ms to import.
_STATE_FILE = ".digest-normalize.json"
_STATE_VERSION = 1


def pending_dumps(config: SiteConfig) -> list[Path]:
    """The inbox files whose current bytes normalize has not recorded, sorted."""
    dumps = _dumps(config.inbox_dir)
    recorded = _recorded(config.content_dir) if dumps else {}
    pending = []
    for path in dumps:
        sha = _sha256(path)
        if sha is None or recorded.get(path.relative_to(config.content_dir).as_posix()) != sha:
            pending.append(path)
    return pending


def _recorded(content_dir: Path) -> dict[str, str]:
    """Dump key -> sha256 of the bytes normalize last read; empty when unreadable."""
    try:
        data = json.loads((content_dir / _STATE_FILE).read_text(encoding="utf-8"))
        if data.get("version") != _STATE_VERSION:
            return {}
        return {key: str(record["sha256"]) for key, record in data["dumps"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def pending_note(config: SiteConfig, command: str = "digest normalize") -> str | None:
    """What to tell the curator when dumps wait in the inbox; None when none does."""
    count = len(pending_dumps(config))
    return f"{waiting(config, count)}: run `{command}`" if count else None


def waiting(config: SiteConfig, count: int) -> str:
    """`2 dumps in content/inbox/ are not normalised yet`."""
    inbox = display_path(config.inbox_dir, config.root)
    dumps, verb = ("1 dump", "is") if count == 1 else (f"{count} dumps", "are")
    return f"{dumps} in {inbox}/ {verb} not normalised yet"


def _dumps(inbox: Path) -> list[Path]:
    """Files under the inbox as normalize reads them: hidden names skipped, symlinked
    folders not entered."""
    found = []
    for dirpath, dirnames, filenames in os.walk(inbox):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = Path(dirpath) / name
            if not name.startswith(".") and path.is_file():
                found.append(path)
    return sorted(found)


def _sha256(path: Path) -> str | None:
    import hashlib  # files of any size: OpenSSL's digests

    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:  # unreadable: normalize reports why
        return None
