"""Rendering many pages in parallel: forked workers and the parent share the batches.

The parent renders too, between looking after its workers: with `jobs` processes busy
there are `jobs - 1` workers, not `jobs`. A forked worker ends up with a private copy of
most of the parent's heap (reference counts are written to every object it touches:
articles, views, compiled templates, locale data), about 60 MB at 10,000 articles, so one
worker fewer is that much less memory for the same parallelism. multiprocessing's Pool
cannot share its tasks with the parent (it queues them all at once), hence the pipes.

Workers are forked, so they share the catalog and the compiled templates without copying,
and write their own files: only small outcomes travel back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import traceback
from array import array
from collections import deque
from collections.abc import Callable, Container, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from digest import dates
from digest.plan import PageSpec
from digest.reads import Item

if TYPE_CHECKING:
    from digest.render import Outcome, Renderer

_AHEAD = 2  # batches sent to a worker before it answers: it never waits for the parent

Batch = tuple[int, int]  # a slice of the specs
Answer = tuple[list["Outcome"], dict[Any, str], list[tuple[Item, str | None]]]

# What a forked worker renders from: set before forking, read by the worker. The only
# module state here; each worker has its own copy.
_WORK: tuple[Renderer, Path, list[PageSpec], Container[str] | None] | None = None


def render_in_processes(
    specs: list[PageSpec], renderer: Renderer, out_dir: Path, jobs: int,
    advance: Callable[[int], None] | None, previous: Container[str] | None,
    number: Callable[[Item], int] | None,
) -> Iterator[Outcome]:
    """Render and write `specs` in `jobs` processes, this one included (jobs >= 2).

    `number`: the parent's numbering of items; a page a worker rendered comes back with
    its reads as those numbers (`Outcome.numbers`), or else as items."""
    global _WORK
    import multiprocessing

    from digest.render import render_and_write

    _give_back_freed_memory()
    # Warm the template cache before forking so no worker compiles the same templates.
    for name in sorted({s.template for s in specs if s.template}):
        with contextlib.suppress(jinja2.TemplateError):  # reported page by page
            renderer.theme.env.get_template(name)
    chunk = max(16, min(256, len(specs) // (jobs * 8)))
    todo: deque[Batch] = deque(
        (start, min(start + chunk, len(specs))) for start in range(0, len(specs), chunk))
    context = multiprocessing.get_context("fork")
    _WORK = (renderer, out_dir, specs, previous)
    workers: list[tuple[Any, Connection]] = []
    try:
        for _ in range(jobs - 1):
            mine, theirs = context.Pipe()
            # The worker closes the parent's ends it inherits, its own pipe's included:
            # else a parent killed mid-build would leave it waiting for work forever.
            inherited = [conn for _, conn in workers] + [mine]
            process = context.Process(target=_serve, args=(theirs, inherited), daemon=True)
            process.start()
            theirs.close()
            workers.append((process, mine))
        _WORK = None  # the parent renders from its own arguments
        sent = {conn: 0 for _, conn in workers}
        translate = _Translation(renderer, number)

        def feed(conn: Connection) -> None:
            while sent[conn] < _AHEAD and todo:
                conn.send(todo.pop())  # workers from the end, the parent from the start
                sent[conn] += 1

        def answers(block: bool) -> Iterator[Outcome]:
            waiting = [conn for conn, n in sent.items() if n]
            for conn in wait(waiting, None if block else 0):
                assert isinstance(conn, Connection)
                answer = _receive(conn)
                sent[conn] -= 1
                feed(conn)
                yield from translate(conn, answer)
                if advance:
                    advance(len(answer[0]))

        for _, conn in workers:
            feed(conn)
        while todo:
            start, end = todo.popleft()
            for i in range(start, end):
                yield render_and_write(renderer, out_dir, specs[i], previous)
                if advance:
                    advance(1)
                yield from answers(block=False)
        while any(sent.values()):
            yield from answers(block=True)
    finally:
        _WORK = None
        for process, conn in workers:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()


def _give_back_freed_memory() -> None:
    """Return the heap's free pages to the system before forking (glibc's malloc_trim;
    elsewhere nothing): freed memory stays in the process, and each worker would count
    it as a copy of its own (at 10k articles, the ~60 MB the search index held)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(None).malloc_trim(0)


def _receive(conn: Connection) -> Answer:
    try:
        answer = conn.recv()
    except (EOFError, OSError):  # its end closed, or reset
        raise RuntimeError("a render worker stopped unexpectedly") from None
    if isinstance(answer, BaseException):
        raise answer
    assert isinstance(answer, tuple)
    return answer


class _Translation:
    """Outcomes from a worker, with its numbering of items turned into the parent's."""

    def __init__(self, renderer: Renderer, number: Callable[[Item], int] | None) -> None:
        self.renderer = renderer
        self.number = number
        self.numbering: dict[Connection, list[int]] = {}  # worker's numbers -> parent's
        self.items: dict[Connection, list[Item]] = {}  # worker's numbers -> items

    def __call__(self, conn: Connection, answer: Answer) -> Iterator[Outcome]:
        from digest.render import Outcome

        outcomes, labels, new = answer
        dates.add(labels)  # kept in the parent's build cache for the next build
        self.renderer.add_values(new)
        number = self.number
        if number is not None:
            self.numbering.setdefault(conn, []).extend(number(item) for item, _ in new)
        else:
            self.items.setdefault(conn, []).extend(item for item, _ in new)
        for outcome in outcomes:
            assert isinstance(outcome, Outcome)
            if outcome.numbers is None:
                yield outcome
                continue
            local = array("I")
            local.frombytes(outcome.numbers)
            if number is not None:
                table = self.numbering[conn]
                yield dataclasses.replace(
                    outcome, numbers=array("I", [table[n] for n in local]).tobytes())
            else:
                known = self.items[conn]
                yield dataclasses.replace(
                    outcome, reads=frozenset(known[n] for n in local), numbers=None)


def _serve(conn: Connection, parents: list[Connection]) -> None:
    """A worker: render each batch the parent sends until it sends None (or is gone)."""
    from digest.render import render_and_write

    for end in parents:
        end.close()
    assert _WORK is not None
    renderer, out_dir, specs, previous = _WORK
    try:
        while (bounds := conn.recv()) is not None:
            try:
                outcomes = [render_and_write(renderer, out_dir, specs[i], previous, local=True)
                            for i in range(*bounds)]
                conn.send((outcomes, dates.unsaved(), renderer.sent()))
            except Exception:  # a bug, not a page's problem: the parent raises it
                conn.send(RuntimeError(f"in a render worker:\n{traceback.format_exc()}"))
    except (EOFError, KeyboardInterrupt):
        pass
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers nor finalisers of the parent's objects
