"""Errors a user can cause: each carries a location and a hint, never a traceback.

Anything that is not a `DigestError` is a bug in digest and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, printed as `path:line: message`."""

    path: str
    message: str
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text}\n  {self.hint}" if self.hint else text


class DigestError(Exception):
    """One or more problems the user can fix; the CLI prints them and exits 1."""

    def __init__(self, *problems: Problem) -> None:
        if not problems:
            raise ValueError("DigestError needs at least one problem")
        self.problems: tuple[Problem, ...] = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def at(
        cls, path: str | Path, message: str, line: int | None = None, hint: str | None = None
    ) -> DigestError:
        return cls(Problem(str(path), message, line, hint))


def display_path(path: Path, root: Path) -> str:
    """The path as a user would type it: relative to the site when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
