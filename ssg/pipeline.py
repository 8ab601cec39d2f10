"""The build as a short recipe: one call per stage.

Every build is incremental when it can be: the cache (ssg/cache.py) remembers what the
last build read and wrote, each output has a key hashing everything it depends on, and
only outputs whose key changed are rendered; only files whose bytes changed are written.
With no cache, or an output folder that does not match it, everything is rendered and a
whole new folder is swapped in. Both paths give byte-identical results (tests/test_incremental.py).
"""
from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .assets import collect_assets
from .cache import BuildCache, BuildState, Written
from .config import load_config
from .content import Document
from .errors import SiteError, UsageError
from .outputs import site_files
from .publish import Publisher, check_output_folder, marker_build_id, recover
from .redirects import redirect_files
from .render import Job, Renderer, convert_ahead, plan, prepare_pictures, produce
from .site import Site, load_site


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    jobs: int | None = None          # rendering processes; None means one per core
    today: datetime.date | None = None
    remember: bool = True            # save the cache; False for throw-away builds (check), so the
                                     # next real build still finds the cache of the real output


@dataclass(frozen=True)
class BuildReport:
    out: Path
    counts: dict[str, int]           # outputs per kind
    seconds: float
    rendered: int = 0                # outputs rendered this time
    changed: int = 0                 # files written or deleted this time
    left_out: dict[str, int] = field(default_factory=dict)
    warnings: tuple[SiteError, ...] = ()
    documents: tuple[Document, ...] = ()  # every source read, drafts too (for check, which needs them again)

    def summary(self) -> str:
        order = ["page", "article", "quote", "list", "asset", "other file"]
        counts = sorted(self.counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99)
        written = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts)
        skipped = ", ".join(f"{n} {reason}" for reason, n in self.left_out.items() if n)
        return (f"Built {self.out}: {written}; {self.changed} file{'s' if self.changed != 1 else ''} changed, "
                f"in {self.seconds:.2f} s" + (f" (left out: {skipped})" if skipped else "") + ".")


def today_from_environment() -> datetime.date:
    """Today's date, or the one SOURCE_DATE_EPOCH gives, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH must be a number of seconds, not '{epoch}'") from None
    return datetime.date.today()


def build(options: BuildOptions) -> BuildReport:
    """Read, render and publish the site. On any error the previous output is left as it was."""
    started = time.perf_counter()
    root, out = options.root.resolve(), options.out.resolve()
    check_output_folder(root, out)
    recover(out)
    cache = BuildCache(root)
    with long_lived_objects() as all_made:
        state = cache.load(out)
        outputs_match = check_outputs_aside(out, state)
        config = load_config(root, options.base_url)
        processes = options.jobs or os.cpu_count() or 1
        site = load_site(root, config, today=options.today or today_from_environment(),
                         drafts=options.drafts, strict=options.strict, known=state.documents, processes=processes)
        renderer = Renderer(site, collect_assets(root), cache.bodies(), state.template_references,
                            prepare_pictures(site, processes))
        bodies_converted = convert_ahead(renderer, changed_documents(site, state), processes)
        try:
            previous = state.outputs if outputs_match() else {}
            jobs = plan(renderer, site_files(renderer) + redirect_files(renderer), previous)
        finally:
            bodies_converted()  # waits for the other process, even if planning failed
        all_made()
        written, changed = publish(renderer, jobs, previous, out, processes)
        remember_bodies(renderer, site)
        documents = {d.path: d for d in site.read}  # drafts too, so they are not parsed again next time
        references = renderer.templates.references
        unchanged = written == previous and references == state.template_references \
            and documents.keys() == state.documents.keys() and all(
                (state.documents[path].digest, state.documents[path].stamp) == (document.digest, document.stamp)
                for path, document in documents.items())
        if options.remember and not unchanged:
            cache.save(BuildState(cache.fingerprint, str(out), build_id(written), documents, written,
                                  template_references=references), state)
    counts: dict[str, int] = {}
    for job in jobs:
        counts[job.kind] = counts.get(job.kind, 0) + 1
    rendered = sum(1 for job in jobs if _stale(job, previous))
    return BuildReport(out, counts, time.perf_counter() - started, rendered, changed, site.left_out, site.warnings,
                       site.read)


def changed_documents(site: Site, state: BuildState) -> list[Document]:
    """The published documents that are new or changed since the last build."""
    return [d for d in site.documents if (before := state.documents.get(d.path)) is None or before.digest != d.digest]


def remember_bodies(renderer: Renderer, site: Site) -> None:
    """Store the bodies this build converted, and forget those of documents that have changed since."""
    if renderer.bodies is None:
        return
    renderer.bodies.flush()
    if renderer.bodies.written:
        renderer.bodies.keep_only({renderer.body_key(document) for document in site.read})


@contextlib.contextmanager
def long_lived_objects() -> Iterator[Callable[[], None]]:
    """Keep Python's cycle collector from rescanning what a build reads and keeps until its end.

    The collector rescans every live object each time enough new ones have been made. Reading
    the cache and the documents of a large site makes millions that all live until the build
    ends, and rescanning them was a fifth of a no-op build. So the collector is paused while
    they are made; when the block calls the function it is given, they are set aside
    (gc.freeze) and the collector runs again, over the short-lived objects of rendering only.
    Worker processes inherit the same arrangement when they fork.
    """
    was_enabled = gc.isenabled()

    def all_made() -> None:
        gc.freeze()
        if was_enabled:
            gc.enable()

    gc.disable()
    try:
        yield all_made
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def publish(renderer: Renderer, jobs: list[Job], previous: dict[str, Written], out: Path,
            processes: int) -> tuple[dict[str, Written], int]:
    """Render what is stale, write what changed; returns what the folder now holds and how many files changed."""
    publisher = Publisher(out, changes_only=bool(previous))
    written = {job.path: previous[job.path] for job in jobs if not _stale(job, previous)}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # most outputs read the same settings: keep one copy
    changed = 0
    try:
        for job, output in produce(renderer, [job for job in jobs if _stale(job, previous)], processes):
            if output.bodies and renderer.bodies is not None:
                renderer.bodies.add(output.bodies)
            digest = hashlib.blake2b(output.data, digest_size=16).hexdigest()
            key, before = job.key_after(renderer, output), previous.get(job.path)
            deps = shared.setdefault(output.deps, output.deps)
            if before is not None and before.digest == digest:
                written[job.path] = Written(key, digest, before.size, before.mtime_ns, deps)
                continue
            stat = publisher.write(job.path, output.data)
            written[job.path] = Written(key, digest, stat.st_size, stat.st_mtime_ns, deps)
            changed += 1
        deleted = sorted(set(previous) - set(written))
        if changed or deleted or not previous:
            publisher.commit(deleted, build_id(written))
        else:
            publisher.abandon()  # nothing changed: rewrite no file
    except BaseException:
        publisher.abandon()
        raise
    return written, changed + len(deleted)


def _stale(job: Job, previous: dict[str, Written]) -> bool:
    before = previous.get(job.path)
    return before is None or before.key != job.key


CHECK_ASIDE = 2000  # fewer outputs than this are checked here: starting a process would cost more


def check_outputs_aside(out: Path, state: BuildState) -> Callable[[], bool]:
    """Start output_matches() in a forked process; returns how to get its answer.

    Its stat of every output file (0.07 s at 10,000 articles) then overlaps with reading the
    sources here. The other process only stats files and writes one byte to a pipe.
    """
    if not state.outputs:
        return lambda: False  # nothing built yet, or the cache was not trusted
    if len(state.outputs) < CHECK_ASIDE or not hasattr(os, "fork"):
        matches = output_matches(out, state)
        return lambda: matches
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the other process
        try:
            os.write(writer, b"1" if output_matches(out, state) else b"0")
        finally:
            os._exit(0)
    os.close(writer)

    def answer() -> bool:
        try:
            return os.read(reader, 1) == b"1"  # nothing read (it died) means no: everything is rendered again
        finally:
            os.close(reader)
            os.waitpid(pid, 0)
    return answer


def output_matches(out: Path, state: BuildState) -> bool:
    """True if the output folder holds exactly what the cache says the last build wrote."""
    if not state.outputs or marker_build_id(out) != state.build_id:
        return False
    folder = str(out)
    for path, entry in state.outputs.items():
        try:
            stat = os.stat(os.path.join(folder, path))
        except OSError:
            return False
        if stat.st_size != entry.size or stat.st_mtime_ns != entry.mtime_ns:
            return False
    return True


def build_id(written: dict[str, Written]) -> str:
    """Names one exact set of output files (so the marker file, like every output, is reproducible)."""
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(written):
        digest.update(f"{path}\0{written[path].digest}\n".encode())
    return digest.hexdigest()
