"""Every fixture dump against its golden article, byte for byte (a dump holding many
articles, an export, against all of them in order).

Regenerate after an intended change: UPDATE_GOLDEN=1 pytest tests/test_normalize_golden.py
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden import rewritten, updating_golden

from digest.frontmatter import parse_document
from digest.frontmatter_dump import dump_document
from digest.normalize import parse_dump, parse_dump_all

FIXTURES = Path(__file__).parent / "fixtures"
DUMPS = sorted((FIXTURES / "dumps").iterdir())
GOLDEN = FIXTURES / "golden" / "normalize"


@pytest.mark.parametrize("dump", DUMPS, ids=[d.name for d in DUMPS])
def test_golden(dump: Path) -> None:
    documents = parse_dump_all(dump.read_bytes(), f"inbox/{dump.name}")
    text = "".join(dump_document(document) for document in documents)
    golden = GOLDEN / f"{dump.name}.md"
    if updating_golden() and (not golden.exists() or golden.read_bytes() != text.encode()):
        golden.write_bytes(text.encode("utf-8"))
        rewritten(f"tests/fixtures/golden/normalize/{golden.name}")
    assert golden.exists(), f"no golden file: run with UPDATE_GOLDEN=1 to create {golden.name}"
    assert text == golden.read_bytes().decode("utf-8")


@pytest.mark.parametrize("dump", DUMPS, ids=[d.name for d in DUMPS])
def test_golden_output_is_valid_and_stable(dump: Path) -> None:
    """Each written article parses back, and normalising it again changes nothing."""
    for document in parse_dump_all(dump.read_bytes(), f"inbox/{dump.name}"):
        first = dump_document(document)
        parse_document(first, "article.md")
        again = dump_document(parse_dump(first.encode("utf-8"), f"inbox/{dump.name}"))
        assert again == first
