"""Shared fixtures: small sites in temporary folders, and Debian's chromium for browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, settings

# `--hypothesis-profile=explicit`: property tests run their @example cases only (the
# mutation runs of scripts/mutation.py, where every mutant reruns the tests).
settings.register_profile("explicit", phases=[Phase.explicit])

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Debian's chromium (`apt-get install chromium`); never a browser download.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # No DNS at all; the rules apply to IP literals too, hence EXCLUDE 127.0.0.1.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Point pytest-playwright at Debian's chromium; fail (not skip) under CI when missing."""
    if not os.path.exists(CHROMIUM):
        message = f"no Chromium at {CHROMIUM}: apt-get install -y --no-install-recommends chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


MINIMAL_CONFIG = "title: Test Digest\nlanguage: en\n"


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Create a site folder: `make_site(config=..., articles={rel: text}, inbox={rel: data})`."""

    def make(
        config: str = MINIMAL_CONFIG,
        articles: dict[str, str] | None = None,
        inbox: dict[str, str | bytes] | None = None,
        name: str = "site",
    ) -> Path:
        root = tmp_path / name
        (root / "content" / "inbox").mkdir(parents=True)
        (root / "content" / "articles").mkdir(parents=True)
        (root / "site.yaml").write_text(config, encoding="utf-8")
        for rel, text in (articles or {}).items():
            path = root / "content" / "articles" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for rel, data in (inbox or {}).items():
            path = root / "content" / "inbox" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return root

    return make
