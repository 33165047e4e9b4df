"""Golden files: compared byte for byte; rewritten on purpose with UPDATE_GOLDEN=1, never in CI."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def updating_golden() -> bool:
    """True when the run asked to rewrite golden files; a failure under CI, where a
    rewritten golden file would compare the output with itself and always pass."""
    if os.environ.get("UPDATE_GOLDEN", "") in ("", "0"):
        return False
    if in_ci():
        pytest.fail("UPDATE_GOLDEN is set under CI: golden files are only rewritten by hand, "
                    "then reviewed and committed; unset UPDATE_GOLDEN")
    return True


def rewritten(what: str) -> None:
    """End a test whose golden file was just rewritten: it compared nothing, so it does
    not pass; the report lists it as skipped, naming the file to review."""
    pytest.skip(f"rewrote golden {what}: review it with git diff before committing")
