"""How much of an article may leave the machine, and the text that leaves.

A curated digest republishes other people's journalism. Each article is published in one
of three modes, chosen per article (`rights:` in its front matter), else per publication,
else for the site (`rights:` in site.yaml):

- `full`: the whole text;
- `excerpt`: whole sentences of the text up to `excerpt_words`, in quotation marks,
  attributed, with the curator's note and a link to the original;
- `headline`: the title, publication, date, the curator's note and the link.

The mode is applied when an article is loaded (digest.load, `publishable`): in `excerpt`
and `headline` mode the rest of the text never enters the build, so no page, feed, search
index or theme can publish it, whatever its templates ask for.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from digest.errors import DigestError, Problem
from digest.frontmatter import mapping_items, suggest, to_python
from digest.model import RIGHTS_MODES, ArticleMeta, RightsMode
from digest.urls import slugify

if TYPE_CHECKING:
    from digest.config import SiteConfig
    from digest.load import Article

DEFAULT_EXCERPT_WORDS = 60
EXCERPT_WORDS_WARNING = 100  # above this, `check` warns: no longer a short extract


@dataclass(frozen=True)
class RightsPolicy:
    """`rights:` in site.yaml. Without it every article is published in full, as digest
    did before the policy existed; `digest init` writes `default: excerpt`."""

    default: RightsMode = "full"
    excerpt_words: int = DEFAULT_EXCERPT_WORDS
    # (publication name, mode), as written in site.yaml; matched by slug.
    publications: tuple[tuple[str, RightsMode], ...] = ()

    def mode_of(self, meta: ArticleMeta) -> RightsMode:
        """The article's own mode, else its publication's, else the site's."""
        if meta.rights is not None:
            return meta.rights
        if self.publications and meta.publication:
            wanted = slugify(meta.publication)
            for name, mode in self.publications:
                if slugify(name) == wanted:
                    return mode
        return self.default


def parse_policy(node: yaml.Node, name: str) -> tuple[RightsPolicy | None, list[Problem]]:
    """The policy from site.yaml's `rights:` mapping; every problem at its line."""
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(name, "rights must be a mapping", node.start_mark.line + 1,
                              "e.g. rights: {default: excerpt}")]
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    try:
        for key, line, value_node in mapping_items(node, name, 1):
            if key == "publications":
                values["publications"] = _publications(value_node, name, line, problems)
                continue
            value = to_python(value_node)
            if key == "default":
                mode = _mode(value, "rights.default", name, line, problems)
                if mode is not None:
                    values["default"] = mode
            elif key == "excerpt_words":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    problems.append(Problem(
                        name, "rights.excerpt_words must be a whole number of words above 0",
                        line, "e.g. excerpt_words: 60"))
                else:
                    values["excerpt_words"] = value
            else:
                known = ("default", "excerpt_words", "publications")
                hint = suggest(str(key), known) or "valid keys: " + ", ".join(known)
                problems.append(Problem(name, f"unknown key 'rights.{key}'", line, hint))
    except DigestError as exc:
        return None, list(exc.problems)
    except ValueError as exc:
        return None, [Problem(name, f"rights: {exc}", node.start_mark.line + 1)]
    return (None if problems else RightsPolicy(**values)), problems


def _publications(node: yaml.Node, name: str, line: int, problems: list[Problem]
                  ) -> tuple[tuple[str, RightsMode], ...]:
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(name, "rights.publications must be a mapping of "
                                "`publication name: mode` lines", line,
                                "e.g. publications: {Rheinpost: headline}"))
        return ()
    modes = []
    for pub, pub_line, value_node in mapping_items(node, name, 1):
        mode = _mode(to_python(value_node), f"rights.publications.{pub}", name, pub_line,
                     problems)
        if mode is not None:
            modes.append((pub, mode))
    return tuple(modes)


def _mode(value: object, what: str, name: str, line: int, problems: list[Problem]
          ) -> RightsMode | None:
    for mode in RIGHTS_MODES:
        if value == mode:
            return mode
    hint = suggest(str(value), RIGHTS_MODES) if isinstance(value, str) else ""
    modes = ", ".join(RIGHTS_MODES)
    problems.append(Problem(name, f"{what} must be one of {modes}, not {value!r}", line,
                            (hint + " " if hint else "") + _MODES_HELP))
    return None


_MODES_HELP = ("full: the whole text; excerpt: a few quoted sentences and a link; "
               "headline: the title, your note and a link")


@dataclass(frozen=True)
class Publishable:
    """What of an article may be published: everything the build reads of it."""

    meta: ArticleMeta
    body_html: str
    excerpt: str  # what lists, feeds' summaries and og:description show


def publishable(meta: ArticleMeta, body_html: str, summary: str, mode: RightsMode,
                excerpt_words: int) -> Publishable:
    """The article as its mode allows: in `full` mode as it is; else without its text
    (and the standfirst and related stories' summaries, which are the publisher's text
    too), keeping in `excerpt` mode a quoted, attributed extract of whole sentences."""
    if mode == "full":
        return Publishable(meta, body_html, summary)
    related = tuple(dataclasses.replace(s, summary=None) for s in meta.related)
    bare = dataclasses.replace(meta, standfirst=None, related=related)
    if mode == "headline":
        return Publishable(bare, "", "")
    text = " ".join(part for part in (meta.standfirst, _plain(body_html)) if part)
    words = extract(text, excerpt_words)
    if not words:
        return Publishable(bare, "", "")
    start, end = quotation_marks(meta.lang)
    quoted = f"{start}{words}{end}"
    byline = ", ".join(html.escape(p) for p in (meta.author, meta.publication) if p)
    cite = f' cite="{html.escape(meta.url)}"' if meta.url else ""
    block = (f'<blockquote class="rights-excerpt"{cite}>\n<p>{html.escape(quoted)}</p>\n'
             + (f"<footer>— {byline}</footer>\n" if byline else "") + "</blockquote>\n")
    return Publishable(bare, block, quoted)


# Block ends and line breaks separate words; inline tags (`<em>gut</em>.`) do not.
_BREAK = re.compile(r"</(?:p|h[1-6]|li|blockquote|figcaption|pre|td|th|div)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]*>")


def _plain(body_html: str) -> str:
    text = _TAG.sub("", _BREAK.sub("\n", body_html))
    return " ".join(html.unescape(text).split())


# A sentence ends at . ! ? or … (and any closing quotes or brackets after it) followed by
# a space and a capital, a digit or an opening quote. Written by hand rather than with a
# sentence-boundary library: those cost milliseconds a paragraph (a cold build of a
# 10,000-article site in excerpt mode would pay seconds), and a wrong boundary here only
# ever makes an excerpt shorter, never longer than the limit.
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=[\"'“‘«„(\[¿¡]?[\d\w])")
_ABBREVIATION = re.compile(
    r"\b(?:\w|Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Mt|No|Nr|Vol|vs|etc|ca|bzw|usw|vgl|Hr|Fr|"
    r"Mme|Mlle|Sra|Sr|Dott|Sig|Ing|z\.B|d\.h|u\.a|e\.g|i\.e)\.$", re.I)


def extract(text: str, limit: int) -> str:
    """Whole sentences from the start of `text`, as many as fit in `limit` words; when
    even the first sentence is longer, its first `limit` words and an ellipsis."""
    taken: list[str] = []
    count = 0
    start = 0
    for match in _END.finditer(text):
        candidate = text[start:match.end()].strip()
        if _ABBREVIATION.search(text[start:match.start() + 1]) and match.group().startswith("."):
            continue  # "Dr. Meier", "J. Smith": not the end of a sentence
        words = len(candidate.split())
        if count + words > limit:
            break
        taken.append(candidate)
        count += words
        start = match.end()
    else:
        rest = text[start:].strip()
        if rest and count + len(rest.split()) <= limit:
            taken.append(rest)
            count += len(rest.split())
    if taken:
        return " ".join(taken)
    first = text.split()
    return " ".join(first[:limit]) + (" …" if len(first) > limit else "")


# The quotation marks of the article's language (CLDR's delimiters, which Babel does
# not ship); English-style marks for the others.
_QUOTES = {
    "de": ("„", "“"), "da": ("»", "«"), "fr": ("« ", " »"), "it": ("«", "»"),
    "es": ("«", "»"), "pt": ("«", "»"), "nb": ("«", "»"), "no": ("«", "»"),
    "nn": ("«", "»"), "ru": ("«", "»"), "pl": ("„", "”"), "nl": ("‘", "’"),
    "sv": ("”", "”"), "fi": ("”", "”"), "cs": ("„", "“"), "ja": ("「", "」"),
    "zh": ("“", "”"), "tr": ("“", "”"),
}


def quotation_marks(lang: str | None) -> tuple[str, str]:
    return _QUOTES.get((lang or "").split("-")[0].lower(), ("“", "”"))


def publishing_notes(config: SiteConfig, articles: Iterable[Article]) -> list[Problem]:
    """What `digest check` says of what is published and how: the articles kept off the
    site (held ones are listed with their review notes as problems), and the policy's
    risks. Printed, not counted: none of them stops a build."""
    policy = config.rights
    line = config.key_lines.get("rights")
    found: list[Problem] = []
    if line is None:
        found.append(Problem(
            "site.yaml", "note: no `rights:` policy, so every article is published in full",
            hint="add `rights: {default: excerpt}` to publish a quoted excerpt and a link "
            "instead, and `full` only for what you may republish"))
    elif policy.excerpt_words > EXCERPT_WORDS_WARNING:
        found.append(Problem(
            "site.yaml", f"warning: rights.excerpt_words is {policy.excerpt_words}: above "
            f"{EXCERPT_WORDS_WARNING} words an excerpt is no longer a short quotation", line,
            "keep it to a few sentences (60 words is the default)"))
    publications: set[str] = set()
    for article in articles:
        meta = article.meta
        if meta.publication:
            publications.add(meta.publication)
        status = meta.effective_status
        if status in ("draft", "rejected"):
            found.append(Problem(article.source, f"note: {status}, not published", hint=(
                "set `status: published` to publish it, or build with --drafts to see it"
                if status == "draft" else "delete the file, or set another `status:`")))
        if article.rights != "full" and not meta.url and status != "rejected":
            shown = "an excerpt" if article.rights == "excerpt" else "a headline"
            when = "published" if status == "published" else "to be published"
            found.append(Problem(
                article.source, f"warning: {when} as {shown} with no `url` to link to "
                "the original", hint="add `url:` with the original's address"))
    known = {slugify(p): p for p in publications}
    for name, _ in policy.publications:
        if slugify(name) not in known:
            hint = suggest(name, sorted(publications))
            found.append(Problem(
                "site.yaml", f"warning: rights.publications names {name!r}, which no "
                "article has", line, hint or "the publication names are those of the "
                "articles' `publication:`"))
    return found
