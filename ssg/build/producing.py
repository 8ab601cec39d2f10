"""Producing the planned outputs: rendering the stale jobs, in worker processes when there are many.

Also convert_ahead: after an edit or two, the changed bodies are converted in another process
while the build plans.
"""
from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar, cast

from ssg.parallel import forked_map, ignore_interrupts

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from ssg.build.bodies import BodyCache
    from ssg.build.cache import BodyStore
    from ssg.build.planning import Job
    from ssg.build.rendering import Output, Renderer
    from ssg.model.content import Document

PARALLEL_THRESHOLD = 48  # fewer documents than this render faster in one process than via a pool

Result = TypeVar("Result")


def produce(renderer: Renderer, jobs: list[Job], processes: int,
            finish: Callable[[Job, Output], Result]) -> Iterator[tuple[Job, Result]]:
    """Render the jobs in `processes` worker processes (in this one if there are few), streaming results in order.

    Each output is passed to `finish` in the process that rendered it (the pipeline checks and writes it
    there), so only what `finish` returns travels back to the build process.
    """
    documents = sum(1 for job in jobs if job.document is not None or job.kind == "share card")
    if processes > 1 and documents >= PARALLEL_THRESHOLD:
        yield from zip(jobs, forked_map(lambda index: finish(jobs[index], _render(renderer, jobs[index])),
                                        len(jobs), processes), strict=True)
    else:
        for job in jobs:
            yield job, finish(job, _render(renderer, job))


def _render(renderer: Renderer, job: Job) -> Output:
    """One job's output, with the bodies converted to make it (for the store)."""
    if job.document is not None:
        output = renderer.document(job.document)
    else:
        output = cast("Callable[[], Output]", job.make)()  # a Job has a document or a way to make it
    converted = renderer.bodies.take_converted()
    return dataclasses.replace(output, bodies=converted) if converted else output


def convert_ahead(bodies: BodyCache, documents: list[Document], processes: int) -> Callable[[], None]:
    """Start converting the bodies of a few changed documents in a forked process; returns how to wait for it.

    After an edit or two, setting up Python-Markdown (about 30 ms) takes longer than converting
    the bodies. Done in another process, it overlaps with planning the build here; the bodies
    come back through a pipe (and that process stores them in the cache). A body that process
    could not convert is converted again when its page is rendered, which reports any mistake in it.
    """
    if processes < 2 or not documents or len(documents) >= PARALLEL_THRESHOLD or bodies.store is None \
            or "ssg.markdown.markup" in sys.modules:
        return lambda: None  # nothing to convert, a pool will, or this process has Python-Markdown ready
    import multiprocessing
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_convert_quietly, args=(bodies, bodies.store, documents, sender))
    process.start()
    sender.close()

    def wait() -> None:
        try:
            bodies.keep(receiver.recv())
        except EOFError:  # it stopped before sending: the pages convert their bodies themselves
            pass
        finally:
            receiver.close()
            process.join()
    return wait


def _convert_quietly(bodies: BodyCache, store: BodyStore, documents: list[Document], sender: Connection) -> None:
    ignore_interrupts()
    converted = {}
    try:
        for document in documents:
            converted[bodies.key(document)] = bodies.html(document)
    except Exception:
        pass
    with contextlib.suppress(OSError):  # the build has stopped (Ctrl-C, say) and no longer listens
        sender.send(converted)
    sender.close()
    store.add(bodies.take_converted())
    store.flush()
