"""Where a site's theme is: the site folder, the theme and the themes it extends.

Kept apart from digest.theme (which needs Jinja2): a build with nothing to do decides
so from the stamp of these files alone, without loading the template engine.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import yaml

from digest.config import SiteConfig
from digest.errors import DigestError


def theme_chain(config: SiteConfig) -> tuple[Path, ...]:
    """The site folder, then the theme folder and its parents (theme.yaml `extends:`)."""
    chain: list[Path] = [config.root]
    name: str | None = config.theme
    seen: set[str] = set()
    while name:
        if name in seen:
            raise DigestError.at(
                "site.yaml", f"theme {name!r} extends itself (through {' -> '.join(seen)})"
            )
        seen.add(name)
        folder = _find_theme(config.root, name)
        chain.append(folder)
        name = _parent(folder)
    return tuple(chain)


def bundled_themes() -> Path:
    # find_spec rather than importlib.resources, whose import (tempfile, zipfile helpers)
    # cost a one-shot build more than this lookup.
    spec = importlib.util.find_spec("digest._themes")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parent.parent / "themes"  # a checkout not installed


def _find_theme(root: Path, name: str) -> Path:
    for base in (root / "themes", bundled_themes()):
        if (base / name / "templates").is_dir():
            return base / name
    raise DigestError.at(
        "site.yaml", f"theme {name!r} not found",
        hint=f"looked in {root / 'themes' / name} and the bundled themes "
        f"({', '.join(sorted(p.name for p in bundled_themes().glob('*/templates/..'))) or 'none'})",
    )


def _parent(folder: Path) -> str | None:
    path = folder / "theme.yaml"
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DigestError.at(path, f"cannot read theme.yaml: {exc}") from None
    parent = data.get("extends") if isinstance(data, dict) else None
    if parent is not None and not isinstance(parent, str):
        raise DigestError.at(path, "`extends` must be a theme name")
    return parent


def theme_stamp(chain: tuple[Path, ...]) -> tuple[tuple[str, int, int], ...]:
    return tuple(sorted(_stamps(chain)))


def _stamps(chain: tuple[Path, ...]) -> Iterator[tuple[str, int, int]]:
    for folder in chain:
        for sub in ("templates", "static", "i18n"):
            for path in files_below(folder / sub):
                st = path.stat()
                yield str(path), st.st_mtime_ns, st.st_size
        if (folder / "theme.yaml").is_file() and folder != chain[0]:
            st = (folder / "theme.yaml").stat()
            yield str(folder / "theme.yaml"), st.st_mtime_ns, st.st_size


def files_below(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name

