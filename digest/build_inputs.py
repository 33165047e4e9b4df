"""What a build reads before anything else: the article files' stamps, and the key of
everything else its pages depend on (the theme's files, site.yaml, the flags, the files
beside the articles). Equal keys and stamps since a build without problems: nothing to do.
"""

from __future__ import annotations

import marshal
import pickle
from dataclasses import dataclass
from pathlib import Path

from digest.build_state import BuildState
from digest.config import SiteConfig
from digest.files import article_files, files_stamp
from digest.hashing import blake2b_hex, sha1_hex
from digest.load import sources_of
from digest.scan import Ahead, Stamp, rescan, scan
from digest.write import has_manifest


@dataclass(frozen=True)
class Inputs:
    """What the build reads before anything else: the article files' stamps, and the key
    of everything else pages depend on (theme files, config, flags, files beside them)."""

    stamps: dict[str, Stamp]
    # The stamps the cache holds articles for (not read when nothing changed).
    known: dict[str, tuple[int, int]]
    force: frozenset[str]  # files the dev server says changed, whatever their stamps
    salt: str
    build_key: str
    # What a build without problems notes as done: the build key and the article files'
    # stamps; the next build with the same finds nothing to do (BuildState.last_build).
    done_key: str
    site_files: dict[str, Path]
    # pages of the last build and what it withheld, when nothing changed since
    unchanged: tuple[int, tuple[tuple[str, int], ...]] | None


def scan_inputs(config: SiteConfig, state: BuildState, changed: frozenset[Path] | None,
                serving: bool, drafts: bool, stamp: tuple[tuple[str, int, int], ...],
                ahead: Ahead | None = None) -> Inputs:
    """`ahead`: the articles scanned by a forked child meanwhile (scan.scan_ahead)."""
    force = frozenset(sources_of(changed or frozenset(), config.root))
    # The dev server says what changed; anything else is scanned for.
    seen = state.stamps if changed is not None else None
    stamps = (None if seen is None else
              rescan(seen, changed or (), config.articles_dir, config.root))
    beside: dict[str, Path] | None = None
    if stamps is None:
        scanned = None if ahead is None else ahead.result(config.articles_dir, config.root)
        if scanned is None:
            beside = {}
            stamps = scan(config.articles_dir, config.root, beside)
        else:
            stamps, beside = scanned
    state.stamps = stamps
    salt = f"{state.key}|serving={serving}|drafts={drafts}"
    # The theme, config and flags, hashed; the articles' part is their cache rows, which
    # hold the stamp of each file when it was last read (and the stamps' digest, in
    # `done_key`, tells a build with nothing to do).
    # Files beside the articles (images) are copied by complete builds: any change to
    # them gives another key, so the build does not stop early nor re-render only pages.
    site_files = (article_files(config.articles_dir) if beside is None
                  else dict(sorted(beside.items())))
    # site.yaml too: a change of it re-plans the site (pages read its keys as items).
    build_key = sha1_hex(pickle.dumps(
        (salt, stamp, files_stamp(site_files), config.fingerprint), protocol=5))
    done_key = f"{build_key}/{stamps_key(stamps)}"
    if not force and has_manifest(config.output_dir):
        unchanged = state.last_build(done_key)  # since a build without problems
        if unchanged is not None:
            return Inputs(stamps, {}, force, salt, build_key, done_key, site_files, unchanged)
    state.cache.set_info("last_build", "")
    return Inputs(stamps, state.cache.stamps(), force, salt, build_key, done_key, site_files,
                  None)


def stamps_key(stamps: dict[str, Stamp]) -> str:
    """A digest of every article file's stamp, in the order of the scan (a folder lists
    its files in the same order while none is added or removed; another order only costs
    a build that finds nothing changed). 2-3 ms at 10,000 articles, against 6-14 ms to read
    back the stamps the cache holds and compare them. Marshal's format 2 writes no
    back-references, so equal stamps always give equal bytes."""
    return blake2b_hex(marshal.dumps((list(stamps), [s for stamp in stamps.values()
                                                     for s in stamp]), 2))
