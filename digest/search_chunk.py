"""One chunk of the search index: what each article gives it, and the files it is written as.

An article is analysed once (`analyse`: its terms per field, their stems, its text); a chunk's
files are a function of its articles' analyses alone (`encode`), so an edit rewrites its own
chunk and nothing else, and a chunk rebuilt from cached analyses equals one built afresh.

Within a chunk:
- compounds of German, Dutch and Nordic articles are split into parts that occur in the
  chunk's own words (`stadtmuseum` also counts as `stadt` and `museum`);
- each posting carries a BM25F term frequency: the occurrences in each field, weighted by the
  field and divided by the field's length relative to the chunk's average, times 10, rounded.
  search.js saturates it (k1) and multiplies by the word's idf over the whole site.

Files (gzip, read by search.js with DecompressionStream):
- docs.gz: [[url, title, publication, ISO date or "", language, [tags]], ...];
- <bucket>.gz: {"t": {term: [doc, tf, doc, tf, ...]}, "s": {stem: [term, ...]}}: the terms
  whose bucket this is, and the stems whose bucket this is with the terms that have them;
- t<group>.gz: [[lead, note, body], ...] for the articles group*TEXT_GROUP onwards: the text a
  result's passage is cut from, as the article holds it (within its rights).
A chunk the site's base holds has an empty docs.gz and empty bucket files; the base's hold its
documents, base/docs.gz: [chunk, [row, ...], chunk, [...], ...], and its terms (`merge`),
base/<bucket>.gz: {"t": {term: [chunk, [doc, tf, ...], chunk, [...], ...]}, "s": {stem:
[term, ...]}}.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from digest.collect import Entry
from digest.search_stopwords import stop_words
from digest.search_text import (
    COMPOUNDING,
    Stem,
    count_terms,
    fold,
    split_compound,
    stemmer_of,
    word_pattern,
)

BUCKETS = 64
TEXT_GROUP = 16
FIELDS = ("title", "lead", "note", "meta", "body")
_WEIGHT = (6.0, 2.5, 2.0, 3.0, 1.0)  # title, kicker and standfirst, note, names, body
_B = (0.4, 0.6, 0.6, 0.3, 0.75)  # how much a longer field than average dilutes a word
_SCALE = 10

_TAG = re.compile(r"<[^>]*>")

Doc = list[object]  # a docs.gz row


@dataclass(frozen=True)
class Analysis:
    """What one article gives the index."""

    lang: str
    counts: tuple[dict[str, int], ...]  # per field: term -> occurrences
    lengths: tuple[int, ...]  # per field: number of terms
    stems: dict[str, str]  # term -> its stem, where they differ
    text: tuple[str, str, str]  # lead, note, body: plain text for passages


def language(lang: str | None, default: str) -> str:
    """The language an article is indexed in: its own, else the site's."""
    return (lang or default).lower()


def plain(html_text: str) -> str:
    """The text a reader sees of some HTML, with its spaces collapsed (str.split knows the
    same white space as the pattern `\\s`, at a third of its cost)."""
    return " ".join(html.unescape(_TAG.sub(" ", html_text)).split())


def analyse(entry: Entry, body_html: str, default_lang: str) -> tuple[Doc, Analysis]:
    meta = entry.article.meta
    lang = language(meta.lang, default_lang)
    lead = " ".join(t for t in (meta.kicker, meta.standfirst) if t)
    note = meta.note or ""
    body = plain(body_html)
    names = " ".join(t for t in (meta.publication, meta.author, *meta.tags) if t)
    counts: list[dict[str, int]] = []
    lengths: list[int] = []
    stems: dict[str, str] = {}
    for text in (meta.title, lead, note, names, body):  # a title is shown as text
        found, length, found_stems = count_terms(text, lang)
        counts.append(found)
        lengths.append(length)
        stems.update(found_stems)
    doc: Doc = [entry.url.lstrip("/"), meta.title, meta.publication or "",
                meta.date.iso if meta.date else "", lang, list(meta.tags)]
    return doc, Analysis(lang, tuple(counts), tuple(lengths), stems, (lead, note, body))


def bucket_of(term: str) -> int:
    """Every term that starts with the same two code points is in the same bucket, so one
    file per chunk holds all the terms a query word can be the start of; a CJK term's bucket
    depends on its first character only, so that one character finds its bigrams."""
    first = ord(term[0])
    second = ord(term[1]) if len(term) > 1 and not _cjk_start(first) else 0
    return (first * 31 + second) % BUCKETS


def _cjk_start(cp: int) -> bool:
    from digest.search_text import _cjk

    return _cjk(cp)


Bucket = dict[str, dict[str, list[object]]]  # {"t": {term: postings}, "s": {stem: [term]}}


def encode(docs: Sequence[Doc], analyses: Sequence[Analysis], *, own_buckets: bool = True
           ) -> tuple[dict[str, bytes], list[Bucket]]:
    """A chunk's files (name in the chunk's folder -> bytes) and its buckets' contents.

    A chunk the site-wide base holds (`own_buckets` false) gets an empty docs.gz and empty
    bucket files: its documents and terms are in the base's, and its set of files stays the
    same either way."""
    buckets = buckets_of(analyses)
    if own_buckets:
        files = {"docs.gz": pack(list(docs))}
        files.update((f"{b}.gz", pack(bucket)) for b, bucket in enumerate(buckets))
    else:
        files = placeholders()
    for group in range(0, len(analyses), TEXT_GROUP):
        texts = [list(a.text) for a in analyses[group:group + TEXT_GROUP]]
        files[f"t{group // TEXT_GROUP}.gz"] = pack(texts)
    return files, buckets


def placeholders() -> dict[str, bytes]:
    """The docs.gz and bucket files of a chunk the base holds: empty."""
    empty = pack({"t": {}, "s": {}})
    return {"docs.gz": pack([]), **{f"{b}.gz": empty for b in range(BUCKETS)}}


def merge(chunks: Sequence[tuple[int, Sequence[Bucket]]]) -> list[Bucket]:
    """The base's buckets from those of its chunks: {"t": {term: [chunk, postings, chunk,
    postings, ...]}, "s": {stem: [term, ...]}}, chunks in ascending order."""
    merged: list[Bucket] = [{"t": {}, "s": {}} for _ in range(BUCKETS)]
    stems: list[dict[str, set[object]]] = [{} for _ in range(BUCKETS)]
    for number, buckets in sorted(chunks, key=lambda c: c[0]):
        for b, bucket in enumerate(buckets):
            terms = merged[b]["t"]
            for term, postings in bucket["t"].items():
                found = terms.get(term)
                if found is None:
                    found = terms[term] = []
                found += (number, postings)
            for stem, words in bucket["s"].items():
                stems[b].setdefault(stem, set()).update(words)
    for b in range(BUCKETS):
        merged[b]["t"] = dict(sorted(merged[b]["t"].items()))
        merged[b]["s"] = {stem: sorted(words, key=str) for stem, words in sorted(stems[b].items())}
    return merged


def buckets_of(analyses: Sequence[Analysis]) -> list[Bucket]:
    analyses = _with_compound_parts(analyses)
    averages = [max(1.0, sum(a.lengths[f] for a in analyses) / max(1, len(analyses)))
                for f in range(len(FIELDS))]
    postings: dict[str, list[object]] = {}
    stems: dict[str, set[str]] = {}
    for index, analysis in enumerate(analyses):
        norms = [1 - _B[f] + _B[f] * analysis.lengths[f] / averages[f] for f in range(len(FIELDS))]
        weights: dict[str, float] = {}
        for f, counts in enumerate(analysis.counts):
            factor = _WEIGHT[f] / norms[f]
            for term, count in counts.items():
                weights[term] = weights.get(term, 0.0) + count * factor
        for term, weight in weights.items():
            found = postings.get(term)
            if found is None:
                found = postings[term] = []
            found += (index, int(weight * _SCALE + 0.5) or 1)
        for term, stem in analysis.stems.items():
            stems.setdefault(stem, set()).add(term)
    buckets: list[Bucket] = [{"t": {}, "s": {}} for _ in range(BUCKETS)]
    for term in sorted(postings):
        buckets[bucket_of(term)]["t"][term] = postings[term]
    for stem in sorted(stems):
        buckets[bucket_of(stem)]["s"][stem] = list(sorted(stems[stem]))
    return buckets


def file_names(count: int) -> list[str]:
    """The names of a chunk's files when it holds `count` articles."""
    return (["docs.gz"] + [f"{b}.gz" for b in range(BUCKETS)]
            + [f"t{g}.gz" for g in range((count + TEXT_GROUP - 1) // TEXT_GROUP)])


def pack(value: object) -> bytes:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return gzip.compress(data, compresslevel=4, mtime=0)


def _with_compound_parts(analyses: Sequence[Analysis]) -> list[Analysis]:
    """The analyses with each compound's parts counted beside it, where both parts are words
    of this chunk (in any of its articles) and neither is a stop word."""
    if not any(a.lang.split("-")[0] in COMPOUNDING for a in analyses):
        return list(analyses)
    vocabulary: set[str] = set()
    for analysis in analyses:
        for field_counts in analysis.counts:
            vocabulary.update(field_counts)
    # A compound's last part may be inflected as no other word of the chunk is (Eisenbahn-
    # brücken beside Brücke): its stem is enough.
    stem_vocabulary = vocabulary | {stem for a in analyses for stem in a.stems.values()}
    stop: dict[str, frozenset[str]] = {}
    splits: dict[tuple[str, str], list[str] | None] = {}
    result = []
    for analysis in analyses:
        code = analysis.lang.split("-")[0]
        if code not in COMPOUNDING:
            result.append(analysis)
            continue
        if code not in stop:
            stop[code] = stop_words(code)
        unwanted = stop[code]

        stem = stemmer_of(code)

        def known(word: str, unwanted: frozenset[str] = unwanted, stem: Stem | None = stem) -> bool:
            if word in unwanted:
                return False
            return word in vocabulary or (stem is not None and fold(stem(word)) in stem_vocabulary)

        counts = [dict(c) for c in analysis.counts]
        stems = dict(analysis.stems)
        for field in counts:
            for term, count in list(field.items()):
                key = (code, term)
                if key not in splits:
                    splits[key] = split_compound(term, known)
                for part in splits[key] or ():
                    field[part] = field.get(part, 0) + count
                    if stem is not None and part not in stems:
                        stemmed = fold(stem(part))
                        if stemmed != part and word_pattern(stemmed).fullmatch(stemmed):
                            stems[part] = stemmed
        result.append(Analysis(analysis.lang, tuple(counts), analysis.lengths, stems,
                               analysis.text))
    return result
