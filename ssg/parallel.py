"""Work spread over forked worker processes, for the stages that have a lot of it (reading, rendering)."""
from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from typing import TypeVar, cast

Result = TypeVar("Result")

_task: Callable[[int], object] | None = None  # set by forked_map; the workers inherit it when they fork


def forked_map(task: Callable[[int], Result], count: int, processes: int) -> Iterator[Result]:
    """task(0) ... task(count - 1), computed in `processes` forked worker processes, yielded in order.

    Workers are forked, so they inherit `task` and everything it uses (a closure is fine):
    only the indexes and the results travel between processes.
    """
    import multiprocessing  # here, not at the top: a build with little to do does not need it

    global _task
    _task = task
    chunk = max(1, min(64, count // (processes * 8)))
    try:
        with multiprocessing.get_context("fork").Pool(processes, initializer=ignore_interrupts) as pool:
            yield from cast(Iterator[Result], pool.imap(_run, range(count), chunk))  # task's results
    finally:
        _task = None


def _run(index: int) -> object:
    if _task is None:
        raise RuntimeError("_run is for forked_map's worker processes, which inherit its task")
    return _task(index)


def ignore_interrupts() -> None:
    """For a worker process: Ctrl-C stops the build process, which then ends its workers.

    Without this, each worker would print a Python traceback of its own under the build's 'stopped'.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
