"""`digest init DIR`: a new site with a commented site.yaml, an inbox and an example dump.

The files come from the `skeleton/` folder shipped with the package. Nothing that
exists is ever overwritten. A folder holding anything but dot-files (`.git`) is refused
unless `force` is given; then the files it lacks are added and the others are kept.

A `.gitignore` keeps what digest makes out of the site's repository. A site that has one
already (a new repository often does) keeps it as it is, and is told the lines it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from digest.errors import DigestError

# Folders every site has, created even when the skeleton puts no file in them.
_FOLDERS = (PurePosixPath("content/inbox"), PurePosixPath("content/articles"))
# What digest makes beside the sources: the site, the e-mail editions, the build's cache,
# its bookkeeping and a build's writing note. Written here rather than shipped as a file:
# a .gitignore inside the package would apply to the package's own folder.
IGNORED = ("_site/", "_email/", ".digest-cache/", ".digest-output-*.json", ".digest-writing-*")
_GITIGNORE = ("# What digest makes: the built site, e-mail editions, its cache and notes\n"
              + "".join(f"{line}\n" for line in IGNORED))


def _skeleton_files() -> list[tuple[PurePosixPath, bytes]]:
    """(path relative to the site, bytes) of every skeleton file, sorted."""
    root = resources.files("digest") / "skeleton"
    found: list[tuple[PurePosixPath, bytes]] = []

    def walk(node: Traversable, rel: PurePosixPath) -> None:
        for child in node.iterdir():
            if child.name == "__pycache__":
                continue
            child_rel = rel / child.name
            if child.is_dir():
                walk(child, child_rel)
            else:
                found.append((child_rel, child.read_bytes()))

    walk(root, PurePosixPath())
    return sorted(found, key=lambda item: (len(item[0].parts), str(item[0])))


@dataclass(frozen=True)
class InitReport:
    created: tuple[Path, ...]  # files and empty folders, in the order made
    kept: tuple[Path, ...]  # skeleton files that were there already (with force)
    # The lines of IGNORED a .gitignore that was there already lacks (it is not changed).
    to_ignore: tuple[str, ...] = ()


def init_site(target: Path, *, force: bool = False) -> InitReport:
    """Create a site in `target`.

    Raises DigestError, writing nothing, when `target` is a file, or (without `force`)
    a folder holding more than dot-files, or one holding a file it would create.
    """
    files = _skeleton_files()
    if target.exists() and not target.is_dir():
        raise DigestError.at(target, "exists and is not a folder", hint="pick a new folder name")
    if not force and target.is_dir() and any(
        not entry.name.startswith(".") for entry in target.iterdir()
    ):
        raise DigestError.at(
            target, "folder is not empty: digest init only creates new sites",
            hint="pick a new folder name, or add --force to add the missing files "
            "(files already there are kept)",
        )
    kept = tuple(target / rel for rel, _ in files if (target / rel).exists())
    if kept and not force:  # pragma: no cover - only if the folder filled up meanwhile
        raise DigestError.at(kept[0], "already exists; digest init never overwrites files")

    created: list[Path] = []
    try:
        for rel, data in files:
            path = target / rel
            if path in kept:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as handle:  # "x": fail rather than overwrite
                handle.write(data)
            created.append(path)
        for folder in _FOLDERS:
            path = target / folder
            if not path.is_dir():
                path.mkdir(parents=True)
                if not any(p.parent == path for p in created):
                    created.append(path)
        ignore = target / ".gitignore"
        to_ignore: tuple[str, ...] = ()
        if ignore.exists():
            lines = set(ignore.read_text(encoding="utf-8", errors="replace").split())
            to_ignore = tuple(line for line in IGNORED if line not in lines
                              and line.rstrip("/") not in lines)
        else:
            with ignore.open("x", encoding="utf-8") as handle:
                handle.write(_GITIGNORE)
            created.append(ignore)
    except FileExistsError as exc:  # pragma: no cover - a race with another process
        raise DigestError.at(exc.filename or target, "already exists") from None
    except OSError as exc:
        raise DigestError.at(
            exc.filename or target, f"cannot create: {exc.strerror or exc}"
        ) from None
    return InitReport(tuple(created), kept, to_ignore)
