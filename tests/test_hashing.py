"""Digests without OpenSSL: the same as hashlib's, and a build with nothing to do loads
neither OpenSSL nor the Markdown engine nor Jinja."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from test_build_support import build_site, copy_site

from digest import hashing


@pytest.mark.parametrize("data", [b"", b"abc", "Brücke 東京 \u2028".encode(), b"x" * 100_000])
def test_both_implementations_give_hashlibs_digests(data: bytes) -> None:
    assert hashing._OWN is not None  # CPython has its own sha1 and sha256
    sha1, sha256 = hashing._OWN
    assert sha1(data).hexdigest() == hashlib.sha1(data).hexdigest() == hashing.sha1_hex(data)
    assert (sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
            == hashing.sha256_hex(data))
    assert hashing.blake2b_hex(data) == hashlib.blake2b(data, digest_size=20).hexdigest()


def test_a_build_with_nothing_to_do_loads_no_heavy_module(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    assert not build_site(site).problems
    code = (
        "import sys\n"
        "from digest.cli import main\n"
        f"sys.argv = ['digest', 'build', '--site', {str(site)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "heavy = {'hashlib', '_hashlib', 'markdown_it_pyrs', 'markdown_it', 'jinja2'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "0 written" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"
