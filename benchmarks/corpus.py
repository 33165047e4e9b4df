"""Deterministic synthetic corpora for the benchmarks.

`write_corpus(iter_articles(n, seed), dests)` writes n front-matter Markdown
articles, 700-900 words of filler each (6-10 paragraphs, one `##` heading, one
bullet list, one link, some *emphasis*), to every destination: digest sites get
`date: YYYY-MM-DD`, the Hugo copy gets a full timestamp plus the `days`, `months`
and `archive` taxonomy keys Hugo 0.111 needs for per-day, per-month and per-year pages
(digest refuses unknown front-matter keys, so the copies differ in front matter only).
Articles are generated one at a time and written to every destination at once, so a
50,000-article corpus never sits in memory.  `write_dumps(n, inbox)` writes n raw text
dumps shaped like a Magzter app copy.  Same n and seed give byte-identical files.
Standard library only.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_ADJ = ["Amber", "Brass", "Cedar", "Cobalt", "Copper", "Crimson", "Granite", "Harbor",
        "Iron", "Ivory", "Juniper", "Lantern", "Maple", "Marble", "Meadow", "Northern",
        "Oaken", "Pewter", "Quartz", "Silver"]
_NOUN = ["Courier", "Dispatch", "Ledger", "Gazette", "Bulletin", "Chronicle", "Herald",
         "Observer", "Sentinel", "Tribune"]


def _words(text: str) -> list[str]:
    return text.split()


# Letters and spaces only: every engine's slugify gives the same slug.
PUBLICATIONS = [f"The {_ADJ[i % 20]} {_NOUN[(i * 7 + i // 20) % 10]}" for i in range(40)]
TAGS = _words("""economy climate energy transport housing health schools science space oceans
farming trade labor courts elections budget tourism culture music cinema books sport
football cycling weather wildlife forests rivers cities villages technology software
hardware startups banking markets retail food water policing migration diplomacy
defense aviation railways ports mining research museums archives""")
WORDS = _words("""the a an of to in on for with from by about across after before during under
over between among against toward through while since until because although council
market harbor river valley bridge station district committee report survey budget plan
project program network system region village city province coast island farmer trader
engineer teacher doctor officer resident visitor reporter analyst mayor minister board
panel agency office school clinic museum library archive factory mill port depot
warehouse tower square garden field orchard forest meadow canal road railway tunnel ferry
airport runway signal lantern ledger record figure number share price cost rate level
volume season winter spring summer autumn morning evening night week month year decade
quarter schedule forecast estimate target threshold margin rise fall growth decline shift
change delay return recovery surplus deficit shortage proposal decision vote debate
review audit inquiry hearing ruling appeal statement quiet steady sharp modest brief
broad narrow local regional national coastal rural urban northern southern eastern
western early late recent annual weekly public private formal informal new old small
large major minor careful cautious bold said noted added argued warned expected reported
announced confirmed suggested opened closed raised lowered moved held kept met built
planned approved rejected delayed extended reduced increased measured counted recorded
published reviewed will would could should might may must can does did has had was were
is are be been more less most least very rather quite still already again also only
even just""")
_LINKS = ["full report", "council minutes", "survey results", "original notice",
          "public record", "earlier coverage", "agency statement", "data table"]


def slugify(text: str) -> str:
    return "-".join(text.lower().split())


@dataclass(frozen=True)
class Article:
    title: str
    publication: str
    when: dt.datetime
    tags: tuple[str, ...]
    body: str

    @property
    def day(self) -> str:
        return self.when.strftime("%Y-%m-%d")

    @property
    def relpath(self) -> str:
        """Path under content/articles/ (digest) or the Hugo content folder."""
        return f"{slugify(self.publication)}/{self.day}-{slugify(self.title)}.md"

    def text(self, hugo: bool = False, title: str | None = None) -> str:
        title = title or self.title
        date = self.when.strftime("%Y-%m-%dT%H:%M:%S") if hugo else self.day
        extra = (f'days: ["{self.day}"]\nmonths: ["{self.day[:7]}"]\narchive: ["{self.day[:4]}"]\n'
                 if hugo else "")
        return (f'---\ntitle: "{title}"\npublication: "{self.publication}"\n'
                f"date: {date}\ntags: [{', '.join(self.tags)}]\n{extra}---\n\n{self.body}")


def _sentence(rng: random.Random, emphasis: bool) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    if emphasis:
        i = rng.randrange(1, len(words))
        words[i] = f"*{words[i]}*"
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice(".....?!")


def _paragraph(rng: random.Random, target: int, emphasis: float = 0.3) -> str:
    out: list[str] = []
    count = 0
    while count < target:
        out.append(_sentence(rng, rng.random() < emphasis))
        count += len(out[-1].split())
    return " ".join(out)


def _phrase(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()


def _body(rng: random.Random) -> str:
    n_par = rng.randint(6, 10)
    per_par = (rng.randint(700, 900) - 40) // n_par
    heading_at, list_at = rng.randint(2, n_par - 2), rng.randint(1, n_par - 1)
    link_at = rng.randrange(n_par)
    blocks: list[str] = []
    for i in range(n_par):
        if i == heading_at:
            blocks.append("## " + _phrase(rng, 3, 6))
        text = _paragraph(rng, rng.randint(per_par - 9, per_par - 3))
        if i == link_at:
            words = rng.choice(_LINKS)
            url = f"https://example.com/{slugify(words)}/{rng.randint(1000, 9999)}"
            text += f" See the [{words}]({url}) for details."
        blocks.append(text)
        if i == list_at:
            blocks.append("\n".join("- " + _phrase(rng, 4, 9) for _ in range(rng.randint(3, 5))))
    return "\n\n".join(blocks) + "\n"


def iter_articles(n: int, seed: int = 1) -> Iterator[Article]:
    """n articles over 365 days of 2025, 40 publications, unique timestamps and paths."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1)
    seen_when: set[dt.datetime] = set()
    seen_slug: set[str] = set()
    for _ in range(n):
        pub = rng.choice(PUBLICATIONS)
        when = start + dt.timedelta(days=rng.randrange(365), hours=rng.randrange(6, 22),
                                    minutes=rng.randrange(60), seconds=rng.randrange(60))
        while when in seen_when:
            when += dt.timedelta(seconds=1)
        seen_when.add(when)
        title = _phrase(rng, 4, 8).title()
        base, k = title, 2
        while slugify(title) in seen_slug:
            title, k = f"{base} {k}", k + 1
        seen_slug.add(slugify(title))
        tags = tuple(rng.sample(TAGS, rng.randint(2, 3)))
        yield Article(title, pub, when, tags, _body(rng))


def articles(n: int, seed: int = 1) -> list[Article]:
    """`iter_articles` as a list (small n: every article stays in memory)."""
    return list(iter_articles(n, seed))


@dataclass
class Counts:
    """How many articles each publication and each tag got."""

    publications: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)

    def add(self, art: Article) -> None:
        self.publications[art.publication] += 1
        self.tags.update(art.tags)

    def largest(self) -> tuple[int, int]:
        """(articles of the largest publication, of the largest tag)."""
        return (max(self.publications.values(), default=0), max(self.tags.values(), default=0))


def write_corpus(items: Iterable[Article], dests: Sequence[tuple[Path, bool]]) -> Counts:
    """Write every article under every destination, as (folder, hugo) pairs.

    A folder is content/articles of a digest site (`hugo` false) or a Hugo content
    folder; `items` is consumed once, so it can be `iter_articles(n, seed)`.
    """
    made: set[Path] = set()
    counts = Counts()
    for art in items:
        counts.add(art)
        texts = {hugo: art.text(hugo=hugo) for hugo in {h for _, h in dests}}
        for dest, hugo in dests:
            path = dest / art.relpath
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_text(texts[hugo], encoding="utf-8")
    return counts


def write_articles(items: Iterable[Article], dest: Path, hugo: bool = False) -> None:
    """Write every article under dest (content/articles, or a Hugo content folder)."""
    write_corpus(items, [(dest, hugo)])


# --- raw dumps: the Magzter app-copy shape, invented text ---------------------------

_UI = {
    "en": ("Try GOLD - Free", "This story is from the {date} edition of {pub}.",
           "Subscribe to Magzter GOLD to access thousands of curated premium stories, "
           "and 9,000+ magazines and newspapers.", "Already a subscriber? Sign In",
           "MORE STORIES FROM {pub}"),
    "de": ("Versuchen GOLD - Frei", "Diese Geschichte stammt aus der {date}-Ausgabe von {pub}.",
           "Abonnieren Sie Magzter GOLD, um auf Tausende kuratierter Premium-Geschichten und "
           "über 9.000 Zeitschriften und Zeitungen zuzugreifen.",
           "Sie sind bereits Abonnent? Anmelden", "WEITERE GESCHICHTEN VON {pub}"),
}


def _long_date(when: dt.date) -> str:
    return when.strftime("%B %d, %Y")


def dump(rng: random.Random, index: int) -> tuple[str, str]:
    """One raw dump: (file name, text)."""
    lang = "de" if rng.random() < 0.3 else "en"
    try_gold, footer, call, sign_in, more = _UI[lang]
    pub = rng.choice(PUBLICATIONS)
    when = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
    title = _phrase(rng, 5, 10)
    if rng.random() < 0.3:
        title = f"'{_phrase(rng, 2, 3)}' {title}"
    paragraphs = [_paragraph(rng, rng.randint(30, 90), 0) for _ in range(rng.randint(4, 9))]
    if rng.random() < 0.3:  # a sentence broken across two lines with a stray period
        words = paragraphs[1].split(" ")
        cut = rng.randint(3, 7)
        paragraphs[1:2] = [" ".join(words[:cut]) + ".", " ".join(words[cut:]).capitalize()]
    lines = [try_gold, title, pub, f"|{_long_date(when)}", *paragraphs,
             footer.format(date=_long_date(when), pub=pub), call, sign_in,
             more.format(pub=pub)]
    for _ in range(rng.randint(2, 4)):
        later = when + dt.timedelta(days=rng.randint(1, 90))
        lines += [pub, _phrase(rng, 4, 9), _paragraph(rng, 20, 0),
                  f"{rng.randint(1, 9)} mins", _long_date(later)]
    lines += ["Listen", "Translate", "Change font size"]
    name = f"{index:05d}-{slugify(title.replace(chr(39), ''))[:60]}.txt"
    return name, "\n".join(lines) + "\n"


def write_dumps(n: int, inbox: Path, seed: int = 1) -> None:
    rng = random.Random(seed * 7919 + 1)
    inbox.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        name, text = dump(rng, i)
        (inbox / name).write_text(text, encoding="utf-8")
