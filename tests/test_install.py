"""Installing digest as a user would: a fresh venv, the pip Python bundles, `pip install .`.

The install must be quiet (no build-backend warnings), ship every theme and skeleton file,
bring what a saved web page needs (trafilatura's justext imports lxml.html.clean, a package
of its own that pip before 23.3 does not pull in through the `lxml[html_clean]` extra) and
the Rust Markdown engine where a wheel of it exists.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from test_render import CORPUS

from digest import markdown

REPO = Path(__file__).resolve().parent.parent
SAVED_PAGE = Path(__file__).resolve().parent / "fixtures" / "dumps" / "saved_page.html"
SAVED_PAGE_TITLE = "Lighthouse keepers return to the northern isles"
# pip's output when it cannot reach the package registry (only then may the test skip).
OFFLINE = re.compile(
    r"NewConnectionError|Temporary failure in name resolution|Network is unreachable"
)
# What a build backend says when it is unhappy (setuptools: "Package would be ignored").
BACKEND_WARNING = re.compile(r"^.*(?:\b\w+Warning\b|would be ignored).*$", re.MULTILINE)


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _run(args: list[str | Path], cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_COLOR": "1"},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{output[-4000:]}"
    return output


def _files_under(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix() for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _rust_engine_declared() -> Requirement:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [r for r in map(Requirement, project["dependencies"]) if r.name == "markdown-it-pyrs"]
    assert found, "markdown-it-pyrs is not among the dependencies: a plain install is slow"
    return found[0]


@pytest.mark.slow
def test_a_fresh_install_is_quiet_complete_and_normalises_a_saved_page(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    made = subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=120
    )
    if made.returncode != 0:
        _unavailable(f"python -m venv failed (apt-get install python3-venv):\n{made.stderr}")
    python = venv / "bin" / "python"

    # -v: pip shows what the build backend prints only when asked to.
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-v", str(REPO)], capture_output=True, text=True,
        timeout=600, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    output = install.stdout + install.stderr
    if install.returncode != 0 and OFFLINE.search(output):
        _unavailable(f"pip cannot reach the package registry:\n{output[-2000:]}")
    assert install.returncode == 0, output[-4000:]
    assert BACKEND_WARNING.findall(output) == []

    # Every theme and skeleton file is installed beside the code.
    site_packages = next((venv / "lib").glob("python3.*/site-packages"))
    installed = site_packages / "digest"
    assert _files_under(REPO / "themes") <= _files_under(installed / "_themes")
    assert _files_under(REPO / "digest" / "skeleton") <= _files_under(installed / "skeleton")
    assert (installed / "py.typed").is_file()

    # The Rust engine comes with a plain install exactly where the dependency's marker says.
    engine = _run([python, "-c", "from digest import markdown; print(markdown.engine())"], tmp_path)
    assert engine.strip() == ("rust" if _rust_engine_declared().marker.evaluate() else "python")

    digest = venv / "bin" / "digest"
    _run([digest, "init", "site"], tmp_path)
    site = tmp_path / "site"
    shutil.copy(SAVED_PAGE, site / "content" / "inbox" / SAVED_PAGE.name)
    _run([digest, "normalize"], site)
    written = [
        p.read_text(encoding="utf-8") for p in (site / "content" / "articles").rglob("*.md")
    ]
    assert any(f"title: {SAVED_PAGE_TITLE}\n" in text for text in written), written

    _run([digest, "build"], site)
    theme_css = (REPO / "themes" / "default" / "static" / "style.css").read_text(encoding="utf-8")
    built_css = [p.read_text(encoding="utf-8") for p in (site / "_site").rglob("style*.css")]
    assert theme_css in built_css


def test_without_the_rust_engine_markdown_falls_back_to_the_same_html(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A platform without a markdown-it-pyrs wheel renders with markdown-it-py, identically."""
    if markdown.engine() != "rust":
        _unavailable("markdown-it-pyrs is not installed: pip install -e '.[test]'")
    fast = [markdown.render_markdown(text) for text in CORPUS]
    monkeypatch.setitem(sys.modules, "markdown_it_pyrs", None)  # its import now fails
    markdown._rust_renderer.cache_clear()
    try:
        assert markdown.engine() == "python"
        assert [markdown.render_markdown(text) for text in CORPUS] == fast
    finally:
        monkeypatch.undo()
        markdown._rust_renderer.cache_clear()
