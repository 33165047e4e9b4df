"""How normalize knows two dumps hold the same article, whatever their shapes.

Three marks, each recorded in the state file so a later run (a re-imported export, the
same story saved again as a web page) still finds the first:

- the dump's text with whitespace collapsed: the same file saved twice;
- the canonical address: scheme, `www.`, fragments and tracking parameters removed;
- the title with the sentences of the text: the same title and a near-identical body (a
  browser copy and a reader-view copy, an e-mail and its web page). Copies of one article
  in two shapes differ by whole lines (a caption, an ad marker, a greeting kept in one of
  them), so the test is how many of the shorter text's sentences the other has: nine in
  ten. A sketch (the smallest hashes of the sentences, a uniform sample of them) keeps
  what that test needs in a few dozen bytes per article.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from digest.model import ArticleDocument
from digest.normalize import textfix

# Query parameters that say how a reader arrived, not what they read.
_TRACKING = re.compile(
    r"^(utm_\w*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|mkt_tok"
    r"|ref|ref_src|ref_url|referrer|source|cmpid|cmp|ito|at_medium|at_campaign|ocid|smid"
    r"|sh|s_cid|share|wt\.mc_id|xtor|__twitter_impression|vero_id|oly_anon_id|oly_enc_id"
    r"|rss|taid|trk|spm)$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_MIN_SENTENCES = 3  # shorter texts (teasers, link items) are told apart by address only
_MIN_WORDS = 4  # a sentence shorter than this (a credit, a label) is not compared
_SKETCH = 24  # hashes kept per text
_HEX = 8
SHARED = 0.9  # of the shorter text's sentences found in the other: the same text


@dataclass(frozen=True)
class Marks:
    fingerprint: str = ""  # sha256 of the dump's text, whitespace collapsed ("" for items)
    url: str | None = None  # canonical address
    title: str | None = None  # the title folded, hashed
    shape: str | None = None  # the body's sentence sketch; None for short texts


@functools.lru_cache(maxsize=4096)  # an export's item is keyed, then marked, on it
def canonical_url(url: str) -> str | None:
    """`https://www.example.com/a/?utm_source=x#top` -> `example.com/a`; None when not a
    web address."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k)]
    path = re.sub(r"/+$", "", parts.path) or ""
    tail = f"?{urlencode(sorted(query))}" if query else ""
    return f"{host}{path}{tail}"


def title_key(title: str) -> str:
    folded = " ".join(_WORD.findall(title.casefold()))
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


def sketch(text: str) -> str | None:
    """The smallest hashes of the text's sentences (words only, case folded), as hex."""
    found = set()
    for sentence in _SENTENCE.split(text.casefold()):
        words = _WORD.findall(sentence)
        if len(words) >= _MIN_WORDS:
            found.add(hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=4).digest())
    if len(found) < _MIN_SENTENCES:
        return None
    return "".join(sorted(h.hex() for h in found)[:_SKETCH])


def _hashes(shape: str) -> list[str]:
    return [shape[i:i + _HEX] for i in range(0, len(shape), _HEX)]


def near(a: str, b: str) -> bool:
    """Whether nine in ten of the shorter text's sentences are in the other.

    Below the largest hash both sketches hold, each holds every sentence of its text:
    the two samples compared there are drawn alike from both texts.
    """
    first, second = _hashes(a), _hashes(b)
    limit = min(
        first[-1] if len(first) == _SKETCH else "g", second[-1] if len(second) == _SKETCH else "g"
    )
    left = {h for h in first if h <= limit}
    right = {h for h in second if h <= limit}
    smaller = min(len(left), len(right))
    return smaller > 0 and len(left & right) >= SHARED * smaller


def marks(document: ArticleDocument, fingerprint: str, url: str | None = None) -> Marks:
    """`url`: the canonical address when already known (an export item's key)."""
    meta = document.meta
    url = url or (canonical_url(meta.url) if meta.url else None)
    plain = textfix.plain_text(document.body)
    return Marks(fingerprint, url, title_key(meta.title), sketch(plain))


def _useful(url: str | None) -> str | None:
    """A site's front page names no article: two pages pointing there are not one."""
    return url if url and ("/" in url or "?" in url) else None


class Seen:
    """Every article known so far (from the state file, then from this run), by mark."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.urls: dict[str, str] = {}
        self.titles: dict[str, list[tuple[str, str]]] = {}  # title -> [(shape, key)]

    def add(self, key: str, marks: Marks) -> None:
        if marks.fingerprint:
            self.texts.setdefault(marks.fingerprint, key)
        if url := _useful(marks.url):
            self.urls.setdefault(url, key)
        if marks.title and marks.shape:
            self.titles.setdefault(marks.title, []).append((marks.shape, key))

    def first(self, key: str, marks: Marks) -> str | None:
        """The key of an earlier article this one duplicates, or None."""
        url = _useful(marks.url)
        for found in (self.texts.get(marks.fingerprint), self.urls.get(url) if url else None):
            if found is not None and found != key:
                return found
        if marks.title and marks.shape:
            for shape, other in self.titles.get(marks.title, ()):
                if other != key and near(shape, marks.shape):
                    return other
        return None
