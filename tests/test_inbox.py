"""Which dumps in the inbox normalize has not recorded yet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from digest import inbox
from digest.config import load_config
from digest.normalize import normalize
from digest.normalize.state import STATE_FILE

DUMP = "Some app\nA story\n|October 01, 2025\nA first paragraph of the story.\n"


def test_it_reads_the_state_file_normalize_writes() -> None:
    assert inbox._STATE_FILE == STATE_FILE


def test_pending_until_normalised_and_again_once_edited(make_site: Callable[..., Path]) -> None:
    root = make_site(inbox={"a.txt": DUMP, "sub/b.txt": DUMP.replace("A story", "B story"),
                            ".DS_Store": b"\0", ".hidden/c.txt": DUMP})
    config = load_config(root)
    assert [p.relative_to(config.inbox_dir).as_posix() for p in inbox.pending_dumps(config)] == [
        "a.txt", "sub/b.txt"]
    assert inbox.pending_note(config) == (
        "2 dumps in content/inbox/ are not normalised yet: run `digest normalize`")
    normalize(config, None, force=False, dry_run=False, stdout=None, progress=False, jobs=1)
    assert inbox.pending_dumps(config) == [] and inbox.pending_note(config) is None
    (config.inbox_dir / "a.txt").write_text(DUMP + "One more line.\n", encoding="utf-8")
    assert inbox.pending_dumps(config) == [config.inbox_dir / "a.txt"]
