"""Draw the build figures of benchmarks/results/ as one SVG: `python -m benchmarks plot`.

Cold, nothing-changed and one-edit (one article's body) wall times against the number
of articles, for digest and the peers in each mode, on log scales.  Each report's
"## Builds" table is read by its header's column names, so columns added later (or
reordered) do not matter.  Where several reports measured the same thing (size, mode,
case, engine), the newest report's figure is drawn: by the date its name starts with,
then by the time its "Started:" line gives, then by its name without `.md` (so a rerun
named `...-10k-edits` counts as newer than `...-10k`).  matplotlib is the `bench` extra.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.engines import HERE

DEFAULT_OUTPUT = HERE.parent / "docs" / "performance.svg"
PANELS = (("cold", "Cold build"), ("nochange", "Nothing changed"),
          ("body", "One article's body edited"))
ENGINE_NAMES = {"digest": "digest", "hugo": "Hugo", "pelican": "Pelican"}
ENGINE_COLOURS = {"digest": "#1f6fb4", "hugo": "#d9480f", "pelican": "#2b8a3e"}
MODE_NAMES = {"full": "full mode", "minimal": "minimal mode"}
CAPTION = ("full mode: digest's default theme (feeds, archives, tags, pagination, search), "
           "Hugo building the same kinds of pages; minimal mode: the peers' page set.\n"
           "Hugo has no build cache between runs: its nothing-changed and edit times are "
           "full builds. Log scales; one run per point where no bar shows.")
MODE_STYLES = {"full": "-", "minimal": "--"}
_STATS = re.compile(r"^\s*([0-9.]+)\s*(?:\(\s*([0-9.]+)\s*-\s*([0-9.]+)\s*\))?\s*$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_STARTED = re.compile(r"^Started: (\d{4}-\d{2}-\d{2} \d{2}:\d{2})", re.M)
_MACHINE = re.compile(r"^Machine: (.+?), (\d+) cores", re.M)


@dataclass(frozen=True)
class Figure:
    """One row of a report's builds table: a median wall time and its min-max spread."""

    size: int
    mode: str
    case: str
    engine: str
    median: float
    low: float
    high: float
    source: str  # the report's file name
    machine: str = ""  # its CPU and cores: reports from other machines do not compare

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.size, self.mode, self.case, self.engine)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_report(text: str, source: str = "") -> list[Figure]:
    """The figures of the "## Builds" table of one report; other tables are ignored."""
    figures: list[Figure] = []
    found = _MACHINE.search(text)
    machine = f"{found.group(1)}, {found.group(2)} cores" if found else "machine unknown"
    in_builds = False
    columns: dict[str, int] | None = None
    for line in text.splitlines():
        if line.startswith("#"):
            in_builds = line.strip() == "## Builds"
            columns = None
            continue
        if not in_builds or not line.lstrip().startswith("|"):
            continue
        cells = _cells(line)
        if columns is None:
            columns = {name: i for i, name in enumerate(cells)}
            continue
        if all(set(cell) <= set("-: ") for cell in cells):
            continue  # the separator row
        figure = _figure(cells, columns, source, machine)
        if figure is not None:
            figures.append(figure)
    return figures


def _figure(cells: list[str], columns: dict[str, int], source: str,
            machine: str) -> Figure | None:
    wall_column = next((i for name, i in columns.items() if name.startswith("wall s")), None)
    try:
        size = int(cells[columns["N"]].replace(",", ""))
        mode, case = cells[columns["mode"]], cells[columns["case"]]
        engine = cells[columns["engine"]]
        wall = _STATS.match(cells[wall_column]) if wall_column is not None else None
    except (KeyError, IndexError, ValueError):
        return None
    if wall is None:
        return None
    median = float(wall.group(1))
    low = float(wall.group(2)) if wall.group(2) else median
    high = float(wall.group(3)) if wall.group(3) else median
    return Figure(size, mode, case, engine, median, low, high, source, machine)


def _newest_last(paths: Iterable[Path]) -> list[Path]:
    # Not the modification time: a checkout gives every file about the same one. Within a
    # day, the time a report says it started (reports before that line come first).
    def order(path: Path) -> tuple[str, str, str]:
        date = _DATE.match(path.name)
        started = _STARTED.search(path.read_text(encoding="utf-8"))
        return (date.group(1) if date else "", started.group(1) if started else "", path.stem)

    return sorted(paths, key=order)


def load_results(folder: Path) -> dict[tuple[int, str, str, str], Figure]:
    """Every build figure in folder's reports (*.md), the newest report's where they overlap."""
    figures: dict[tuple[int, str, str, str], Figure] = {}
    for path in _newest_last(folder.glob("*.md")):
        for figure in parse_report(path.read_text(encoding="utf-8"), path.name):
            figures[figure.key] = figure
    return figures


def _series(figures: Iterable[Figure], case: str) -> dict[tuple[str, str], list[Figure]]:
    out: dict[tuple[str, str], list[Figure]] = {}
    for figure in figures:
        if figure.case == case:
            out.setdefault((figure.engine, figure.mode), []).append(figure)
    for points in out.values():
        points.sort(key=lambda f: f.size)
    return dict(sorted(out.items(), key=lambda item: (item[0][1], item[0][0] != "digest",
                                                      item[0][0])))


def _size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else f"{size:,}"


def sources_caption(figures: Iterable[Figure]) -> str:
    """Which reports, sizes and machines the figures come from: a line per machine."""
    by_machine: dict[str, tuple[set[int], set[str]]] = {}
    for figure in figures:
        sizes, sources = by_machine.setdefault(figure.machine, (set(), set()))
        sizes.add(figure.size)
        sources.add(Path(figure.source).stem)
    lines = [f"{machine}: N = {', '.join(_size_label(s) for s in sorted(sizes))} "
             f"({', '.join(sorted(sources))})"
             for machine, (sizes, sources) in sorted(by_machine.items())]
    if len(lines) > 1:
        lines.append("Points from different machines: compare the engines at one size; a "
                     "line's slope between machines is not the scaling.")
    return "\n".join(textwrap.fill(line, 190) for line in lines)


def draw(figures: dict[tuple[int, str, str, str], Figure], output: Path) -> None:
    """Write the SVG: one panel per case, a line per engine and mode."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "digest-benchmarks"  # the same figures, the same file
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
    from matplotlib import pyplot as plt
    from matplotlib.ticker import (
        FixedLocator,
        FuncFormatter,
        LogLocator,
        NullFormatter,
        NullLocator,
    )

    sizes = sorted({f.size for f in figures.values()})
    fig, axes = plt.subplots(1, len(PANELS), figsize=(13, 4.6))
    for ax, (case, title) in zip(axes, PANELS, strict=True):
        for (engine, mode), points in _series(figures.values(), case).items():
            xs = [p.size for p in points]
            ys = [p.median for p in points]
            spread = [[p.median - p.low for p in points], [p.high - p.median for p in points]]
            ax.errorbar(xs, ys, yerr=spread, marker="o", markersize=4, capsize=3,
                        linestyle=MODE_STYLES.get(mode, ":"),
                        color=ENGINE_COLOURS.get(engine, "#555555"),
                        label=f"{ENGINE_NAMES.get(engine, engine)}, "
                              f"{MODE_NAMES.get(mode, mode)}")
        ax.set_title(title)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(FixedLocator(sizes))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticks(sizes, [_size_label(s) for s in sizes])
        ax.set_xlabel("articles")
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.grid(True, which="both", alpha=0.3)
        if not ax.has_data():
            ax.text(0.5, 0.5, "not measured", transform=ax.transAxes, ha="center")
    axes[0].set_ylabel("wall time, s (median; bars: min to max)")
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    modes = len({f.mode for f in figures.values()})
    legend_rows = -(-len(labels) // modes)  # a column per mode: digest above its peers
    caption = f"{CAPTION}\n{sources_caption(figures.values())}"
    caption_lines = caption.count("\n") + 1
    fig.set_size_inches(13, 3.9 + 0.25 * legend_rows + 0.16 * caption_lines)
    height = fig.get_size_inches()[1]
    caption_top = (0.1 + 0.16 * caption_lines) / height
    fig.legend(handles, labels, loc="lower center", ncol=modes, frameon=False,
               bbox_to_anchor=(0.5, caption_top))
    fig.text(0.5, 0.1 / height, caption, ha="center", va="bottom", fontsize=8,
             color="#444444", linespacing=1.4)
    fig.suptitle("digest and its peers: build time against the number of articles")
    fig.tight_layout(rect=(0, caption_top + (0.3 * legend_rows + 0.05) / height, 1, 1))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    fig.savefig(partial, format="svg", metadata={"Date": None})
    plt.close(fig)
    partial.replace(output)  # a reader never sees half a file


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m benchmarks plot", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", default=str(HERE / "results"),
                    help="folder of the reports to read (*.md)")
    ap.add_argument("--output", default=str(DEFAULT_OUTPUT), help="the SVG to write")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> Path:
    args = parse_args(argv)
    results, output = Path(args.results), Path(args.output)
    figures = load_results(results)
    drawn = {key: f for key, f in figures.items() if f.case in dict(PANELS)}
    if not drawn:
        sys.exit(f"{results}: no build figures found (no report there has a '## Builds' "
                 "table with cold, nochange or body rows); run `python -m benchmarks run` first")
    try:
        draw(drawn, output)
    except ImportError:
        sys.exit("matplotlib is not installed: install the bench extra, "
                 "`pip install -e '.[bench]'`")
    sources = sorted({f.source for f in drawn.values()})
    print(f"{output}: {len(drawn)} figures from {len(sources)} reports ({', '.join(sources)})")
    return output
