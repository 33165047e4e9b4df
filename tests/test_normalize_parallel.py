"""normalize() in forked workers writes and reports exactly what one process does."""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from digest.config import load_config
from digest.normalize import NormalizeReport, normalize, work
from digest.normalize import common as common_module

FIXTURES = Path(__file__).parent / "fixtures" / "dumps"


def _magzter(title: str, publication: str, date: str, body: list[str], footer: list[str]) -> str:
    """A Magzter app copy, as tests/fixtures/dumps/magzter_app_*.txt."""
    return "\n".join(["Try GOLD - Free", title, publication, f"|{date}", *body, *footer,
                      "Listen", "Translate", "Change font size"]) + "\n"


_EN_FOOTER = [
    "This story is from the {date} edition of {pub}.",
    "Subscribe to Magzter GOLD to access thousands of curated premium stories, "
    "and 9,000+ magazines and newspapers.",
    "Already a subscriber? Sign In",
]
_DE_FOOTER = [
    "Diese Geschichte stammt aus der {date}-Ausgabe von {pub}.",
    "Abonnieren Sie Magzter GOLD, um auf Tausende kuratierter Premium-Geschichten und "
    "über 9.000 Zeitschriften und Zeitungen zuzugreifen.",
    "Sie sind bereits Abonnent? Anmelden",
]
_EN_BODY = [
    "The {topic} committee met on Tuesday evening to settle a question that has divided "
    "the valley for a decade: who pays to keep the old road open in winter.",
    "Farmers on the upper slopes said the snow plough reaches them two days after everyone "
    "else, and that the delay costs them a week of milk collections every year.",
    "The council promised a report before the spring budget and a public meeting in March.",
]
_DE_BODY = [
    "Der Ausschuss für {topic} hat am Dienstagabend über eine Frage beraten, die das Tal "
    "seit zehn Jahren spaltet: wer bezahlt den Winterdienst auf der alten Passstraße.",
    "Die Bauern an den oberen Hängen sagen, dass der Schneepflug sie zwei Tage nach allen "
    "anderen erreicht und dass sie dadurch jedes Jahr eine Woche Milchabholung verlieren.",
    "Der Gemeinderat versprach einen Bericht vor dem Frühjahrshaushalt.",
]


def _inbox() -> dict[str, bytes]:
    """A dozen dumps of several shapes and languages, duplicates and broken files."""
    dumps: dict[str, bytes] = {}
    topics = ["roads", "schools", "water", "harbour", "forests"]
    for number, topic in enumerate(topics):
        pub, date = "The Valley Review", f"November {10 + number:02d}, 2023"
        body = [line.format(topic=topic) for line in _EN_BODY]
        footer = [line.format(date=date, pub=pub) for line in _EN_FOOTER]
        title = f"Valley {topic} committee weighs the cost of winter"
        dumps[f"en-{topic}.txt"] = _magzter(title, pub, date, body, footer).encode()
    for number, topic in enumerate(["Straßen", "Schulen"]):
        pub, date = "Der Talbote", f"March {number + 4:02d}, 2024"
        body = [line.format(topic=topic) for line in _DE_BODY]
        footer = [line.format(date=date, pub=pub) for line in _DE_FOOTER]
        title = f"Ausschuss für {topic} streitet über den Winterdienst"
        dumps[f"de-{number}.txt"] = _magzter(title, pub, date, body, footer).encode("utf-8")
    # The same text with other line ends and spacing: reported as a duplicate, not written.
    dumps["en-roads-again.txt"] = dumps["en-roads.txt"].replace(b"\n", b"\r\n").replace(
        b"committee met", b"committee   met"
    )
    for name in ("pressreader.txt", "newsletter_pasted.txt", "zinio_article_en.txt",
                 "plain.txt", "curated.md"):
        dumps[name] = (FIXTURES / name).read_bytes()
    dumps["empty.txt"] = b""
    dumps["photo.png"] = bytes(range(256)) * 8
    dumps["bad.md"] = b"---\ntitle: x\nfeatured: maybe\n---\nBody\n"
    return dumps


def _run(root: Path, jobs: int, force: bool = False) -> NormalizeReport:
    return normalize(load_config(root), None, force=force, dry_run=False, stdout=None,
                     progress=False, jobs=jobs)


def _written(root: Path) -> dict[str, bytes]:
    """Everything normalize wrote: the articles and the state file."""
    content = root / "content"
    return {
        path.relative_to(content).as_posix(): path.read_bytes()
        for path in sorted(content.rglob("*"))
        if path.is_file() and not path.relative_to(content).as_posix().startswith("inbox/")
    }


def _outcome(report: NormalizeReport) -> tuple[object, ...]:
    return (report.written, report.unchanged, report.duplicates,
            [str(p) for p in report.problems], report.summary())


@pytest.fixture(autouse=True)
def _always_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(work, "_PARALLEL_FROM", 2)  # a small inbox still goes to workers


def test_two_jobs_write_and_report_what_one_job_does(make_site: Callable[..., Path]) -> None:
    inbox = _inbox()
    one, two = make_site(inbox=inbox, name="one"), make_site(inbox=inbox, name="two")
    first, second = _run(one, jobs=1), _run(two, jobs=2)
    assert _outcome(second) == _outcome(first)
    assert _written(two) == _written(one)
    # Problems in file order, each with its line and hint; everything else still written.
    assert [(p.path, p.line) for p in first.problems] == [
        ("inbox/bad.md", 3), ("inbox/empty.txt", None), ("inbox/photo.png", None)
    ]
    assert first.duplicates == ("inbox/en-roads.txt: duplicate of inbox/en-roads-again.txt",)
    assert len(first.written) == len(inbox) - 4
    languages = {
        rel: data for rel, data in _written(one).items() if b"ui_language: de" in data
    }
    assert len(languages) == 2  # the app's language was detected in the workers too
    # Edit an article and change its dump: --force re-normalises it, keeping the curator's
    # fields, the same way in both.
    forests = next(rel for rel in first.written if "forests" in rel)
    for root, jobs in ((one, 1), (two, 2)):
        article = root / "content" / forests
        article.write_text(article.read_text().replace("\nsource:", "\nnote: keep\nsource:", 1))
        dump = root / "content" / "inbox" / "en-forests.txt"
        dump.write_bytes(dump.read_bytes().replace(b"public meeting", b"town meeting"))
        again = _run(root, jobs=jobs, force=True)
        assert not again.conflicts
    assert _written(two) == _written(one)
    assert b"town meeting" in (two / "content" / forests).read_bytes()
    assert b"note: keep" in (two / "content" / forests).read_bytes()


def test_output_does_not_depend_on_what_was_drafted_while_the_model_loaded(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers draft dumps while the language model loads; how many they get to is a
    matter of timing. A slow load (all drafted) and an instant one (few) agree."""
    inbox = _inbox()
    reference = make_site(inbox=inbox, name="reference")
    _run(reference, jobs=1)
    load = common_module.load_language_model

    def slow_load() -> None:
        time.sleep(1.5)
        load()

    for name, loader in (("slow", slow_load), ("instant", load)):
        root = make_site(inbox=inbox, name=name)
        monkeypatch.setattr(common_module, "load_language_model", loader)
        _run(root, jobs=2)
        assert _written(root) == _written(reference), name


def test_a_draft_sent_between_processes_completes_to_the_same_article() -> None:
    """What a drafting worker pickles is all the finishing needs."""
    for name, data in sorted(_inbox().items()):
        job = work.Job(f"inbox/{name}", data, hashlib.sha256(data).hexdigest())
        drafted = pickle.loads(pickle.dumps(work.draft_job(job)))
        assert work.finish_job(drafted, keep_document=True) == work.parse_job(job, True), name


def test_stopping_early_leaves_no_worker_behind() -> None:
    data = _inbox()
    jobs = [work.Job(f"inbox/{name}", data[name], "0" * 64) for name in sorted(data)]
    results = work.parse_all(jobs * 4, 2, keep_document=False)
    first = next(results)
    assert first.key == jobs[0].key
    results.close()  # as when writing fails or Ctrl-C stops the run
    assert multiprocessing.active_children() == []
