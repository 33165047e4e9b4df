"""The generators under test, the sites they build, and the edits each case makes.

An `Engine` is one command that builds one site from one content folder.  A case
prepares the state before every timed run (outside the timer): `cold` moves the
output and caches aside, `body`/`title` rewrite one article, `template` changes one
template, `added` adds an article dated after all others (a curator's new story of the
day, which opens a new edition); each run's edit is new (a run counter), so a
content-keyed cache cannot reuse an earlier run's result.  `restore()` puts the edited
files back and removes the added ones.
"""

from __future__ import annotations

import re
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
EDIT_CASES = ("body", "title", "template", "added")


@dataclass
class Engine:
    name: str
    cmd: list[str]
    content: Path  # folder of article files (edits go here)
    output: Path
    caches: list[Path]
    template: Path  # the template the `template` case edits
    comment: Callable[[int], str]  # a template comment that changes nothing visible
    trash: Path
    originals: dict[Path, bytes] = field(default_factory=dict)
    added: list[Path] = field(default_factory=list)

    def edited_article(self) -> Path:
        return min(self.content.rglob("*.md"))

    def prepare(self, case: str, run: int) -> None:
        """Set up the state for one timed run of case (run counts from 0 in the case)."""
        if case.startswith("cold"):
            self.trash.mkdir(parents=True, exist_ok=True)
            for path in (self.output, *self.caches):
                if path.exists():
                    path.rename(self.trash / uuid.uuid4().hex)
        elif case == "body":
            self._append(self.edited_article(), f"\n\nEdited line {run}.\n")
        elif case == "title":
            path = self.edited_article()
            text = self._remember(path).decode("utf-8")
            new = re.sub(r'^title: "(.*)"$', rf'title: "\1 rev {run}"', text, count=1, flags=re.M)
            path.write_text(new, encoding="utf-8")
        elif case == "template":
            self._append(self.template, self.comment(run))
        elif case == "added":
            path = self.content / "added" / f"2031-01-{run + 1:02d}-added-story-{run}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_text(
                f'---\ntitle: "Added story {run}"\npublication: "The Added Gazette"\n'
                f"date: 2031-01-{run + 1:02d}\ntags: [added]\n---\n\nA new story, number {run}.\n",
                encoding="utf-8")
            self.added.append(path)

    def _remember(self, path: Path) -> bytes:
        return self.originals.setdefault(path, path.read_bytes())

    def _append(self, path: Path, text: str) -> None:
        path.write_bytes(self._remember(path) + text.encode("utf-8"))

    def restore(self) -> None:
        for path, data in self.originals.items():
            path.write_bytes(data)
        self.originals.clear()
        for path in self.added:
            path.unlink(missing_ok=True)
        self.added.clear()
        shutil.rmtree(self.trash, ignore_errors=True)


def digest_command(site: Path, jobs: int | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "digest", "build", "--site", str(site)]
    return [*cmd, "--jobs", str(jobs)] if jobs else cmd


def default_theme_dir() -> Path | None:
    """The bundled default theme, wherever this digest keeps it."""
    import digest

    package = Path(digest.__file__).resolve().parent
    for candidate in (package / "themes" / "default", package.parent / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    return None


def digest_engine(name: str, site: Path, work: Path, jobs: int | None = None) -> Engine:
    """digest building `site`; the template edited is the site's own copy of article.html."""
    override = site / "templates" / "article.html"
    local_theme = site / "themes" / "minimal" / "templates" / "article.html"
    template = local_theme if local_theme.exists() else override
    if not template.exists():
        theme = default_theme_dir()
        if theme is not None and (theme / "templates" / "article.html").exists():
            template.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(theme / "templates" / "article.html", template)
    return Engine(
        name=name, cmd=digest_command(site, jobs), content=site / "content" / "articles",
        output=site / "_site", caches=[site / ".digest-cache"], template=template,
        comment=lambda k: f"\n{{# edit {k} #}}\n", trash=work / "trash" / name,
    )


def hugo_engine(hugo: str, corpus: Path, work: Path, mode: str = "minimal") -> Engine:
    """Hugo 0.111 with its site copied to work/ (the copy is what gets edited).

    The minimal mode's site is benchmarks/peers/hugo, the full mode's peers/hugo-full.
    """
    folder = "hugo" if mode == "minimal" else "hugo-full"
    source = work / f"{folder}-site"
    if not source.exists():
        shutil.copytree(HERE / "peers" / folder, source)
    out, cache = work / f"out-{folder}", work / f"cache-{folder}"
    return Engine(
        name="hugo",
        cmd=[hugo, "--quiet", "--source", str(source), "--contentDir", str(corpus),
             "--destination", str(out), "--cacheDir", str(cache)],
        content=corpus, output=out, caches=[cache, source / "resources"],
        template=source / "layouts" / "_default" / "single.html",
        comment=lambda k: f"{{{{/* edit {k} */}}}}", trash=work / "trash" / folder,
    )


def pelican_engine(pelican: str, corpus: Path, work: Path) -> Engine:
    """Pelican with its content cache on (its only incremental path), theme copied to work/."""
    source = work / "pelican-site"
    if not source.exists():
        shutil.copytree(HERE / "peers" / "pelican", source)
    out, cache = work / "out-pelican", work / "cache-pelican"
    return Engine(
        name="pelican",
        cmd=[pelican, str(corpus), "-q", "-s", str(source / "pelicanconf.py"), "-o", str(out),
             "--cache-path", str(cache), "-t", str(source / "theme"),
             "-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"],
        content=corpus, output=out, caches=[cache],
        template=source / "theme" / "templates" / "article.html",
        comment=lambda k: f"\n{{# edit {k} #}}\n", trash=work / "trash" / "pelican",
    )


def pages(output: Path) -> set[str]:
    """Site paths of the HTML pages in an output folder (`a/b/` for a/b/index.html)."""
    found = set()
    for path in output.rglob("*.html"):
        rel = path.relative_to(output).as_posix()
        found.add(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return found
