"""What the desk knows of the articles: every file's front matter, version and opaque id.

Built from the files themselves (not from the build, which leaves rejected articles out
and holds only what may be published), kept up to date by file stamps: each request
re-stamps the folder and re-reads only the files that changed, so an editor's save is
seen at once. Editions come from `collect`, the build's own placement and order.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from digest.collect import Catalog, Edition, collect, place, shown_statuses
from digest.config import SiteConfig
from digest.errors import DigestError
from digest.frontmatter import parse_document, split
from digest.load import Article
from digest.model import ArticleMeta
from digest.scan import Stamp, scan
from digest.urls import article_slug, output_file
from digest.write import read_manifest

from .edit import version_of

_STATUS_KEY = re.compile(r"^status[ \t]*:", re.MULTILINE)
_HISTORY = 512  # earlier versions' front matter kept, to show beside a conflict


@dataclass(frozen=True)
class Entry:
    """One article file as the desk sees it."""

    id: str
    source: str  # site-relative: content/articles/...
    meta: ArticleMeta
    version: str
    front: str  # the front matter as written, for conflicts
    decided: bool  # `status:` is written in the file (a curator's decision)
    stamp: Stamp

    @property
    def name(self) -> str:
        return self.source.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Waiting:
    """An article in the inbox, and why."""

    entry: Entry
    reasons: tuple[str, ...]


class DeskIndex:
    """Every article file under content/articles/, by opaque id. Thread-safe."""

    def __init__(self, site: Callable[[], SiteConfig], secret: bytes, drafts: bool) -> None:
        self._site = site
        self._secret = secret
        self.drafts = drafts
        self._lock = threading.RLock()
        self._entries: dict[str, Entry] = {}  # by source
        self._by_id: dict[str, str] = {}
        self._history: OrderedDict[str, str] = OrderedDict()  # version -> front matter
        self._catalog: Catalog | None = None
        self._catalog_key: tuple[object, ...] | None = None
        self.problems: dict[str, str] = {}  # source -> why it is not listed

    @property
    def site(self) -> SiteConfig:
        return self._site()

    def id_of(self, source: str) -> str:
        return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), key=self._secret,
                               digest_size=8).hexdigest()

    def refresh(self) -> None:
        """Bring the index up to date with the folder (a stat per file, a read per change)."""
        site = self.site
        stamps = scan(site.articles_dir, site.root)
        with self._lock:
            for source in set(self._entries) - set(stamps):
                self._drop(source)
            for source in set(self.problems) - set(stamps):
                del self.problems[source]
            for source, stamp in stamps.items():
                known = self._entries.get(source)
                if known is None or known.stamp != stamp:
                    self._read(site.root, source, stamp)

    def _read(self, root: Path, source: str, stamp: Stamp) -> None:
        try:
            data = (root / source).read_bytes()
            text = data.decode("utf-8")
            document = parse_document(text, source)
        except (OSError, UnicodeDecodeError, DigestError) as exc:
            with self._lock:
                self._drop(source)
                self.problems[source] = str(exc)
            return
        with self._lock:
            self.problems.pop(source, None)
            self.put(source, text, version_of(data), document.meta, stamp)

    def put(self, source: str, text: str, version: str, meta: ArticleMeta,
            stamp: Stamp | None = None) -> Entry:
        """Record a file as it is now (after a read, or after the desk wrote it)."""
        if stamp is None:
            try:
                st = (self.site.root / source).stat()
                stamp = Stamp(st.st_mtime_ns, st.st_size)
            except OSError:
                stamp = Stamp(-1, -1)
        front = split(text)[0] or ""
        entry = Entry(self.id_of(source), source, meta, version, front,
                      bool(_STATUS_KEY.search(front)), stamp)
        with self._lock:
            old = self._entries.get(source)
            if old is not None and old.version != version:
                self._history[old.version] = old.front
                while len(self._history) > _HISTORY:
                    self._history.popitem(last=False)
            self._entries[source] = entry
            self._by_id[entry.id] = source
        return entry

    def _drop(self, source: str) -> None:
        old = self._entries.pop(source, None)
        if old is not None:
            self._by_id.pop(old.id, None)

    def get(self, article_id: str) -> Entry | None:
        with self._lock:
            source = self._by_id.get(article_id)
            return self._entries.get(source) if source is not None else None

    def load(self, article_id: str) -> tuple[Entry, str] | None:
        """An article and its file's text as it is now (re-read: the page shows it)."""
        entry = self.get(article_id)
        if entry is None:
            return None
        root = self.site.root
        try:
            st = (root / entry.source).stat()
            data = (root / entry.source).read_bytes()
        except OSError:
            return None
        if version_of(data) != entry.version:
            self._read(root, entry.source, Stamp(st.st_mtime_ns, st.st_size))
            entry = self.get(article_id) or entry
            if version_of(data) != entry.version:
                return None  # changed again, or no longer parses
        return entry, data.decode("utf-8")

    def front_of(self, version: str) -> str | None:
        """The front matter of a version the desk has seen, if it still remembers it."""
        with self._lock:
            for entry in self._entries.values():
                if entry.version == version:
                    return entry.front
            return self._history.get(version)

    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries.values())

    # --- as the site places them ------------------------------------------------------

    def catalog(self) -> Catalog:
        """The articles as the preview places them: editions, groups, order."""
        site = self.site
        with self._lock:
            entries = self.entries()
            key = (id(site), site.fingerprint, tuple((e.source, e.version) for e in entries))
            if self._catalog is None or self._catalog_key != key:
                articles = [_article(e, site) for e in sorted(entries, key=lambda e: e.source)]
                self._catalog = collect(
                    articles, site, shown=shown_statuses(drafts=self.drafts, serving=True))
                self._catalog_key = key
            return self._catalog

    def url_of(self, entry: Entry) -> str:
        """The article's page in the preview (if its status is shown there)."""
        return place(_article(entry, self.site), self.site.permalinks["article"]).url

    def edition_of(self, entry: Entry) -> Edition | None:
        catalog = self.catalog()
        for index, placed in enumerate(catalog.entries):
            if placed.article.source == entry.source:
                number = catalog.edition_of.get(index)
                return None if number is None else catalog.editions[number]
        return None

    def inbox(self) -> list[Waiting]:
        """The articles waiting for a decision, oldest first, each with its reasons."""
        site = self.site
        built = read_manifest(site.output_dir)
        pattern = site.permalinks["article"]
        waiting = []
        for entry in self.entries():
            meta = entry.meta
            if meta.status == "rejected":
                continue
            new = output_file(place(_article(entry, site), pattern).url) not in built
            held = meta.effective_status == "held"
            flagged = bool(meta.review or meta.duplicate_of)
            if not (held or (not entry.decided and (flagged or new))):
                continue
            reasons = []
            if held:
                reasons.append("held for review")
            reasons += [f"review: {note}" for note in meta.review]
            if meta.duplicate_of:
                reasons.append(f"perhaps a duplicate of {meta.duplicate_of}")
            if new:
                reasons.append("new since the last build")
            if meta.status == "draft":
                reasons.append("draft")
            waiting.append(Waiting(entry, tuple(reasons)))
        waiting.sort(key=_oldest_first)
        return waiting


def _oldest_first(item: Waiting) -> tuple[bool, tuple[int, int, int], str]:
    date = item.entry.meta.date
    return (date is None, date.sort_key if date else (0, 0, 0), item.entry.source)


def _article(entry: Entry, site: SiteConfig) -> Article:
    """A stand-in Article for placing: collect reads only the source, slug and meta."""
    stem = entry.name.removesuffix(".md")
    return Article(entry.source, entry.meta, article_slug(stem), None, "", None, "", "",
                   site.rights.mode_of(entry.meta))
