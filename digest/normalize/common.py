"""What every format parser returns, and the shared finishing into an ArticleDocument.

Finishing has two steps: `draft` does everything but the languages, `complete` runs the
language model. Dumps can so be drafted while the model is still loading (see work.py).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from digest.frontmatter import is_web_address
from digest.model import (
    ArticleDocument,
    ArticleMeta,
    PartialDate,
    RelatedStory,
    SourceFormat,
    SourceInfo,
)
from digest.normalize import casing, textfix

NO_DATE = "no date found"
JOIN_NOTE = "joined a line that ended in a stray period: check that sentence"


@dataclass(frozen=True)
class Dump:
    """One raw dump as every format reads it."""

    name: str  # recorded as the article's source file (the path relative to content/)
    sha256: str  # of the raw bytes
    text: str  # decoded, line ends fixed, otherwise as saved
    lines: tuple[str, ...]  # the repaired text's lines
    fetch: bool = False  # whether a format may fetch what the dump points at (`--fetch`)


class Format(Protocol):
    """A format module: `NAME`, `sniff` and `parse` (see formats/__init__.py)."""

    NAME: SourceFormat

    def sniff(self, dump: Dump) -> bool: ...

    def parse(self, dump: Dump) -> tuple[Draft, ...]: ...


@dataclass(frozen=True)
class Extract:
    """Plain-text fields one format parser found in a dump (nothing escaped yet)."""

    format: SourceFormat
    title: str | None
    paragraphs: tuple[str, ...] = ()
    publication: str | None = None
    date: PartialDate | None = None
    edition: str | None = None
    author: str | None = None
    standfirst: str | None = None
    url: str | None = None
    reading_time: int | None = None
    truncated: bool = False
    related: tuple[RelatedStory, ...] = ()
    ui_language: str | None = None
    ui_texts: tuple[str, ...] = ()  # the app's own lines: `ui_language` is detected from them
    kicker: str | None = None  # found by the format itself (an HTML page's kicker element)
    lang_hint: str | None = None
    review: tuple[str, ...] = field(default=())
    # What the dump says for the curator's own fields: a forwarded newsletter's covering
    # note, a link's note, an export's tags and the day an item was saved (`saved`).
    note: str | None = None
    tags: tuple[str, ...] = ()
    saved: PartialDate | None = None
    item: str | None = None  # the item's key in a dump holding many (see Draft.item)


# Opening quote -> the quotes that may close it (English, German, French, Nordic, Polish...).
_CLOSERS = {
    "'": "'’", "‘": "’'", "’": "’", '"': '"”“', "“": "”\"", "”": "”",
    "«": "»", "»": "«", "„": "“”\"", "‚": "‘’'",
}
_AFTER_KICKER = re.compile(r"""\s*[:\-–—]?\s+(?=[\w"'‘“«„(])""")


def split_kicker(headline: str) -> tuple[str | None, str]:
    """`'A power addict' Belarus's leader ...` -> ("A power addict", "Belarus's leader ...").

    The kicker ends at the first closing quote followed by a space and a new
    capitalised phrase, so apostrophes inside (`'It's quieter'`) do not end it.
    In `'Analogue bag' trend helps ...` the quote is part of the sentence: kept.
    """
    closers = _CLOSERS.get(headline[:1])
    if not closers:
        return None, headline
    for index in range(3, min(len(headline), 84)):
        spaced = headline[index - 1].isspace() and headline[index] not in "«»"  # « French »
        if headline[index] not in closers or spaced:
            continue
        after = _AFTER_KICKER.match(headline, index + 1)
        if after is None:
            continue  # an apostrophe inside a word (`It's`), not the closing quote
        rest = headline[after.end():].strip()
        first = rest.lstrip("\"'‘“«„(")
        kicker = headline[1:index].strip()
        if not first or not (first[0].isupper() or first[0].isdigit()) or len(kicker) < 2:
            return None, headline
        return kicker, rest
    return None, headline


def clean_title(title: str) -> str:
    title = " ".join(title.split()).strip()
    return title[:297].rsplit(" ", 1)[0] + "…" if len(title) > 300 else title


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # The feature weights ship as float16, which numpy widens to float32 for every text
    # (a third of the time of a classification). Widened once, the scores are the same
    # to the bit; it costs 57 MB, shared by forked workers.
    table = getattr(identifier, "nb_ptc", None)
    if getattr(table, "dtype", None) == "float16":
        identifier.nb_ptc = table.astype("float32")  # type: ignore[union-attr]
    return identifier


def load_language_model() -> None:
    """Load the classifier now (~1 s): before forking workers, so they all share it."""
    _identifier()


# An app's footer or call to subscribe, with the publication and date taken out, is the
# same text in every dump from that app: one classification serves them all.
@functools.lru_cache(maxsize=256)
def _classify(sample: str) -> str | None:
    code, probability = _identifier().classify(sample)
    return language_code(str(code)) if probability >= 0.5 else None


LANGUAGE_SAMPLE = 800  # characters: enough for a confident guess (the cost is linear in it)


def detect_language(text: str, *, minimum_letters: int = 40) -> str | None:
    """ISO 639-1 code of the text's language; None when too short or too uncertain."""
    sample = text[:LANGUAGE_SAMPLE]
    if sum(map(str.isalpha, sample)) < minimum_letters:
        return None
    return _classify(sample)


def language_code(code: str) -> str:
    """Codes as sites and browsers write them: the classifier's `no` is Bokmål, `nb`."""
    code = code.lower()
    return "nb" if code == "no" else code


@dataclass(frozen=True)
class Draft:
    """A document finished but for its languages: what needs the language model."""

    document: ArticleDocument  # `lang` and `source.ui_language` still to be detected
    lang_from: tuple[tuple[str, int], ...] = ()  # (text, minimum letters): the first found wins
    lang_fallback: str | None = None  # when no text gives a language (a page's `lang`)
    ui_from: tuple[str, ...] = ()  # lines the app wrote: the first found is `ui_language`
    # Which item of a dump holding many (a read-later export): normalize keys its record
    # on it. None for a dump that is one article.
    item: str | None = None


def _first_language(texts: tuple[tuple[str, int], ...]) -> str | None:
    for text, minimum_letters in texts:
        if code := detect_language(text, minimum_letters=minimum_letters):
            return code
    return None


def complete(draft: Draft) -> ArticleDocument:
    """The draft's document with the languages detected from its texts."""
    document = draft.document
    changes: dict[str, Any] = {}
    if draft.lang_from:
        changes["lang"] = _first_language(draft.lang_from) or draft.lang_fallback
    if draft.ui_from and document.meta.source is not None:
        ui_language = _first_language(tuple((text, 15) for text in draft.ui_from))
        changes["source"] = dataclasses.replace(document.meta.source, ui_language=ui_language)
    if not changes:
        return document
    return dataclasses.replace(document, meta=dataclasses.replace(document.meta, **changes))


def one(extract: Extract, dump: Dump) -> tuple[Draft, ...]:
    """The draft of a dump that is one article."""
    return (draft(extract, dump.name, dump.sha256),)


def finish(extract: Extract, name: str, sha256: str) -> ArticleDocument:
    """Kicker, language, reading time, review notes, escaped body: the final document."""
    return complete(draft(extract, name, sha256))


def draft(extract: Extract, name: str, sha256: str) -> Draft:
    """All of `finish` but the language detection."""
    review = list(extract.review)
    headline = clean_title(extract.title or "")
    kicker, title = split_kicker(headline) if extract.kicker is None else (extract.kicker, headline)
    paragraphs = [p for p in extract.paragraphs if p]
    if casing.is_shouted(title):
        title = casing.recase(title, paragraphs)
        review.append("title case guessed from capitals")
    if not title:
        title = "Untitled"
        review.append("no title found")
    body = textfix.to_markdown(paragraphs)
    # Detected on the Markdown as written, exactly as a later re-normalise of the file would.
    plain = textfix.plain_text(body)
    # Only a sample is ever read (see detect_language): less to carry between processes.
    lang_from = ((plain[:LANGUAGE_SAMPLE], 40), (f"{title}. {plain}"[:LANGUAGE_SAMPLE], 20))
    hint = None
    if extract.lang_hint:
        hint = language_code(extract.lang_hint.replace("_", "-").split("-")[0][:3]) or None
    if extract.date is None:
        review.append(NO_DATE)
    if not paragraphs:
        review.append("the body is empty")
    if extract.publication is None:
        review.append("no publication found")
    meta = ArticleMeta(
        title=title,
        kicker=kicker,
        publication=extract.publication,
        date=extract.date,
        edition=extract.edition,
        author=extract.author,
        standfirst=extract.standfirst,
        url=extract.url if extract.url and is_web_address(extract.url) else None,
        reading_time=extract.reading_time or textfix.reading_minutes(plain),
        truncated=extract.truncated,
        related=extract.related,
        source=SourceInfo(
            file=name, format=extract.format, sha256=sha256, ui_language=extract.ui_language
        ),
        review=tuple(dict.fromkeys(review)),
        # Kept off the site until the curator has looked: clearing `review` releases it.
        status="held" if review else "published",
        note=extract.note,
        tags=extract.tags,
        saved=extract.saved,
    )
    ui_from = extract.ui_texts if extract.ui_language is None else ()
    return Draft(ArticleDocument(meta=meta, body=body), lang_from, hint, ui_from, extract.item)
