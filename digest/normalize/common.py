"""What every format parser returns, and the shared finishing into an ArticleDocument."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

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
    kicker: str | None = None  # found by the format itself (an HTML page's kicker element)
    lang_hint: str | None = None
    review: tuple[str, ...] = field(default=())


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

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, *, minimum_letters: int = 40) -> str | None:
    """ISO 639-1 code of the text's language; None when too short or too uncertain."""
    sample = text[:800]  # plenty for a confident guess; the classifier is linear in length
    if sum(map(str.isalpha, sample)) < minimum_letters:
        return None
    code, probability = _identifier().classify(sample)
    return language_code(str(code)) if probability >= 0.5 else None


def language_code(code: str) -> str:
    """Codes as sites and browsers write them: the classifier's `no` is Bokmål, `nb`."""
    code = code.lower()
    return "nb" if code == "no" else code


def finish(extract: Extract, name: str, sha256: str) -> ArticleDocument:
    """Kicker, language, reading time, review notes, escaped body: the final document."""
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
    lang = detect_language(plain) or detect_language(f"{title}. {plain}", minimum_letters=20)
    if lang is None and extract.lang_hint:
        lang = language_code(extract.lang_hint.replace("_", "-").split("-")[0][:3]) or None
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
        lang=lang,
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
    )
    return ArticleDocument(meta=meta, body=body)
