"""What every format parser returns, and the shared finishing into an ArticleDocument."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from digest.model import (
    ArticleDocument,
    ArticleMeta,
    PartialDate,
    RelatedStory,
    SourceFormat,
    SourceInfo,
)
from digest.normalize import textfix

NO_DATE = "no date found"


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
    lang_hint: str | None = None
    review: tuple[str, ...] = field(default=())


_KICKER = re.compile(
    r"""^(['‘’"“”«„‚])(?P<kicker>[^'‘’"“”«»„‚]{2,80}?)(['‘’"“”»])"""
    r"""\s*[:\-–—]?\s+(?P<rest>[\w"'‘“«(].*)$"""
)


def split_kicker(headline: str) -> tuple[str | None, str]:
    """`'A power addict' Belarus's leader ...` -> ("A power addict", "Belarus's leader ...").

    Only when the words after the quote start a new capitalised phrase: in
    `'Analogue bag' trend helps ...` the quote is part of the sentence.
    """
    match = _KICKER.match(headline)
    if not match:
        return None, headline
    rest = match["rest"].strip()
    first = rest.lstrip("\"'‘“«(")
    if not first or not (first[0].isupper() or first[0].isdigit()):
        return None, headline
    return match["kicker"].strip(), rest


def clean_title(title: str) -> str:
    title = " ".join(title.split()).strip()
    return title[:297].rsplit(" ", 1)[0] + "…" if len(title) > 300 else title


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, *, minimum_letters: int = 40) -> str | None:
    """ISO 639-1 code of the text's language; None when too short or too uncertain."""
    sample = text[:1500]  # plenty for a confident guess; the classifier is linear in length
    if sum(map(str.isalpha, sample)) < minimum_letters:
        return None
    code, probability = _identifier().classify(sample)
    return str(code) if probability >= 0.5 else None


def finish(extract: Extract, name: str, sha256: str) -> ArticleDocument:
    """Kicker, language, reading time, review notes, escaped body: the final document."""
    review = list(extract.review)
    headline = clean_title(extract.title or "")
    kicker, title = split_kicker(headline) if extract.format != "markdown" else (None, headline)
    if not title:
        title = "Untitled"
        review.append("no title found")
    paragraphs = [p for p in extract.paragraphs if p]
    body = textfix.to_markdown(paragraphs)
    # Detected on the Markdown as written, exactly as a later re-normalise of the file would.
    plain = textfix.plain_text(body)
    lang = detect_language(plain) or detect_language(f"{title}. {plain}", minimum_letters=20)
    if lang is None and extract.lang_hint:
        lang = extract.lang_hint.split("-")[0].lower()[:3] or None
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
        url=extract.url,
        reading_time=extract.reading_time or textfix.reading_minutes(plain),
        truncated=extract.truncated,
        related=extract.related,
        source=SourceInfo(
            file=name, format=extract.format, sha256=sha256, ui_language=extract.ui_language
        ),
        review=tuple(dict.fromkeys(review)),
    )
    return ArticleDocument(meta=meta, body=body)
