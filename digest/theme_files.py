"""Where a site's theme is: the site folder, the theme and the themes it extends.

Kept apart from digest.theme (which needs Jinja2): a build with nothing to do decides
so from the stamp of these files alone, without loading the template engine.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from digest.errors import DigestError, Problem, display_path

if TYPE_CHECKING:
    from digest.config import SiteConfig


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
        folder = _find_theme(config, name, chain[-1])
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


def theme_names(root: Path) -> list[str]:
    """Every theme a site can name: the bundled ones and its own, sorted."""
    names: set[str] = set()
    for base in (root / "themes", bundled_themes()):
        if base.is_dir():
            names.update(p.name for p in base.iterdir() if _is_theme(p))
    return sorted(names)


def unknown_theme(name: str, root: Path) -> str | None:
    """What to say about a theme name no folder answers to, or None when it is known."""
    names = theme_names(root)
    if name in names:
        return None
    import difflib  # only for a name that is wrong
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    guess = f"; did you mean \"{close[0]}\"?" if close else "."
    return f"unknown theme \"{name}\"{guess} Themes: {', '.join(names)}"


THEME_HINT = "a theme of your own is a folder in themes/ with a theme.yaml and templates/"


def _is_theme(folder: Path) -> bool:
    return not folder.name.startswith((".", "_")) and (
        (folder / "theme.yaml").is_file() or (folder / "templates").is_dir())


def _find_theme(config: SiteConfig, name: str, named_in: Path) -> Path:
    for base in (config.root / "themes", bundled_themes()):
        if _is_theme(base / name):
            return base / name
    message = unknown_theme(name, config.root) or f"theme \"{name}\" cannot be read"
    if named_in == config.root:  # the site's own choice: site.yaml's `theme:` line
        raise DigestError.at("site.yaml", message, config.key_lines.get("theme"), THEME_HINT)
    return _raise_at_extends(named_in / "theme.yaml", config.root, message)


def _raise_at_extends(path: Path, root: Path, message: str) -> Path:
    line = None
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if text.startswith("extends:"):
                line = number
                break
    raise DigestError.at(shown_path(path, root), f"extends: {message}", line, THEME_HINT)


def ui_languages(language: str) -> list[str]:
    """The UI strings files to merge, least specific first: English, then each prefix
    of the tag (`zh-Hant-TW`: en, zh, zh-Hant, zh-Hant-TW), so the nearest one wins."""
    parts = language.replace("_", "-").split("-")
    languages = ["en"]
    for end in range(1, len(parts) + 1):
        prefix = "-".join(parts[:end])
        if prefix not in languages:
            languages.append(prefix)
    if language not in languages:
        languages.append(language)
    return languages


def ui_language(chain: tuple[Path, ...], language: str) -> str:
    """The most specific language the theme has UI strings for (English at the least)."""
    for lang in reversed(ui_languages(language)):
        if any((folder / "i18n" / f"{lang}.yaml").is_file() for folder in chain):
            return lang
    return "en"


def _strings_file(chain: tuple[Path, ...], language: str) -> Path:
    found = [f / "i18n" / f"{language}.yaml" for f in chain]
    return next((path for path in found if path.is_file()), found[-1])


def ui_language_warning(config: SiteConfig) -> Problem | None:
    """A warning when the theme shows its UI text in another language than the site's."""
    chain = theme_chain(config)
    shown = ui_language(chain, config.language)
    if shown == config.language:
        return None
    return Problem(
        "site.yaml",
        f"warning: the theme has no UI strings for \"{config.language}\": its menus and labels are "
        f"in \"{shown}\" (dates still follow \"{config.language}\")",
        config.key_lines.get("language"),
        f"to translate them, copy {shown_path(_strings_file(chain, shown), config.root)} "
        f"to i18n/{config.language}.yaml in the site and translate its values",
    )


def shown_path(path: Path, root: Path) -> str:
    """A theme file as a user finds it: `themes/default/...` for the bundled themes."""
    bundled = bundled_themes()
    if path.is_relative_to(bundled):
        return "themes/" + path.relative_to(bundled).as_posix()
    return display_path(path, root)


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

