"""The build as a short recipe: load, plan, render, publish.

What makes it fast (the cache, keys that skip up-to-date outputs, worker processes, the
garbage collector's arrangement) lives in ssg/build/incremental.py, which a reader can skip.
"""
from __future__ import annotations

import datetime
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ssg.build.assets import collect_assets
from ssg.build.cache import StateMemory, Written
from ssg.build.incremental import LastBuild, build_id, stale
from ssg.build.page_checks import RenderedPageChecks
from ssg.build.planning import Job, prepare_pictures
from ssg.build.producing import produce
from ssg.build.publish import Publisher, check_output_folder, recover, write_file
from ssg.build.rendering import Output, Renderer
from ssg.errors import SiteError, UsageError
from ssg.markdown.directive_mistakes import refuse_misplaced_directives
from ssg.model.config import load_config
from ssg.model.content import Document
from ssg.model.site import load_site


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
    published: Callable[[], None] | None = None  # called once the new site is in place, before the
                                     # cache is saved (serve updates the open pages then)
    rendered: Callable[[str, bytes], None] | None = None  # called with each output as soon as it is
                                     # rendered, before it is published (serve shows the edited page early)
    check_pages: bool = True         # warn of broken links and pictures without alt text on the pages
                                     # rendered (build/page_checks.py); check, which does more, turns it off
    state_memory: StateMemory | None = None  # the cache state the last build saved, kept by a process that
                                     # builds again (serve) so as not to read it back; None reads the cache folder
    stop_early: bool = True          # stop at once if nothing has changed since the last build; its report then
                                     # has no documents (deploy, which checks them, says False)


@dataclass(frozen=True)
class BuildReport:
    out: Path
    counts: dict[str, int]           # outputs per kind
    seconds: float
    rendered: int = 0                # outputs rendered this time
    changed: int = 0                 # files written or deleted this time
    linked: int = 0                  # unchanged files hard-linked into the new folder this time
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
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH must be a number of seconds, not '{epoch}'") from None
    return datetime.date.today()


def stop_early_settings(options: BuildOptions, out: Path, today: datetime.date) -> tuple[object, ...] | None:
    """What, besides the sources and the code, shapes this build's output, for a build that may stop at once
    if none of it has changed (incremental.LastBuild.report_if_unchanged); None for one that may not: one that
    keeps no cache (check), or hands its outputs to a caller as they are made (serve knows what it changed), or
    is told not to (deploy)."""
    if not options.stop_early or not options.remember or options.state_memory or options.rendered \
            or options.published:
        return None
    return str(out), options.drafts, options.base_url, options.strict, options.check_pages, today.isoformat()


def build(options: BuildOptions) -> BuildReport:
    """Load, plan, render and publish the site. On any error the previous output is left as it was."""
    started = time.perf_counter()
    root, out = options.root.resolve(), options.out.resolve()
    check_output_folder(root, out)
    recover(out)
    processes = options.jobs or os.cpu_count() or 1
    today = options.today or today_from_environment()
    last = LastBuild(root, out, processes, options.state_memory, stop_early_settings(options, out, today))
    if (unchanged := last.report_if_unchanged()) is not None:
        return BuildReport(out, unchanged.counts, time.perf_counter() - started, left_out=unchanged.left_out,
                           warnings=unchanged.warnings)
    with last:
        site = load_site(root, load_config(root, options.base_url), today=today,
                         drafts=options.drafts, strict=options.strict, known=last.documents, processes=processes,
                         seen=last.sources.stats)
        refuse_misplaced_directives(site)
        renderer = Renderer(site, collect_assets(root), last.bodies(site), prepare_pictures(site, processes))
        jobs = last.plan(renderer)
        checks = RenderedPageChecks(root, site.config.base_url, site.documents, {job.path for job in jobs},
                                    options.strict) if options.check_pages else None
        published = render_and_write(renderer, jobs, last.outputs, out, processes, checks, options.rendered,
                                     keep_spare=options.remember)
        if options.published:
            options.published()  # serve tells the open pages now, before the cache is saved
        counts: dict[str, int] = {}
        for job in jobs:
            counts[job.kind] = counts.get(job.kind, 0) + 1
        last.remember(renderer, site, published, counts, save=options.remember)
    return BuildReport(out, counts, time.perf_counter() - started, published.rendered, published.changed,
                       published.linked, site.left_out, site.warnings + published.warnings, site.read)


@dataclass(frozen=True)
class Finished:
    """One output as the worker process that rendered it hands it back: checked, digested and, in a
    first build, already written into the staging folder, so that only a few numbers travel back and
    the writing is shared between the workers."""
    digest: str
    deps: tuple[str, ...]
    bodies: tuple[tuple[str, str], ...]
    warnings: tuple[SiteError, ...]
    data: bytes | None             # the bytes, when the build process still needs them
    written: tuple[int, int] | None = None  # (size, mtime_ns) of the file the worker wrote
    new_bytes: bool = True         # False if the output folder already held exactly these bytes


@dataclass(frozen=True)
class Finisher:
    """What each worker does with an output it has rendered (a first build writes it there and then)."""
    checks: RenderedPageChecks | None
    staging: str | None            # a first build's staging folder; None when only changes are written
    twin: str | None               # where a first build also links each file, to become the spare
    out: Path
    previous: dict[str, Written]
    keep_data: bool                # a `rendered` hook wants every output's bytes

    def __call__(self, job: Job, output: Output) -> Finished:
        data = output.data
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        warnings = self.checks(job.path, data) if self.checks else ()
        if self.staging is not None:
            stat = write_file(self.staging, job.path, data, self.twin)
            return Finished(digest, output.deps, output.bodies, warnings, data if self.keep_data else None,
                            (stat.st_size, stat.st_mtime_ns), not _same_bytes(self.out / job.path, data))
        before = self.previous.get(job.path)
        unchanged = before is not None and before.digest == digest
        return Finished(digest, output.deps, output.bodies, warnings,
                        None if unchanged and not self.keep_data else data)


def _same_bytes(path: Path, data: bytes) -> bool:
    """Whether the output folder already holds `data` at `path`: a file rewritten with the same bytes
    (after the last build went to another folder, as `serve --drafts` does) has not changed."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


@dataclass(frozen=True)
class Published:
    written: dict[str, Written]       # what the output folder now holds
    changed: int                      # files written or deleted
    linked: int                       # unchanged files linked into the new folder
    warnings: tuple[SiteError, ...]   # the page checks', each message once (a broken menu link is one mistake)
    rendered: int = 0                 # outputs rendered (the others were up to date in the output folder)
    build_id: str = ""                # names what the folder now holds, if this build wrote it ("": it did not)


def _published_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # gone since the last build: the next build makes it again
        return b""


def render_and_write(renderer: Renderer, jobs: list[Job], previous: dict[str, Written], out: Path, processes: int,
                     checks: RenderedPageChecks | None, rendered: Callable[[str, bytes], None] | None = None,
                     keep_spare: bool = True) -> Published:
    """Render what is stale, write what changed, and swap the new site in."""
    publisher = Publisher(out, changes_only=bool(previous), keep_spare=keep_spare)
    finish = Finisher(checks, None if previous else str(publisher.staging),
                      str(publisher.twin) if publisher.twin else None, out, previous, rendered is not None)
    written: dict[str, Written] = {}
    to_render = []
    for job in jobs:
        if stale(job, previous):
            to_render.append(job)
        else:
            written[job.path] = previous[job.path]
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # most outputs read the same settings: keep one copy
    warnings: dict[str, SiteError] = {}
    changed = 0
    try:
        for job, done in produce(renderer, to_render, processes, finish):
            if rendered and done.data is not None:
                rendered(job.path, done.data)
            for warning in done.warnings:
                warnings.setdefault(warning.message, warning)
            if done.bodies:
                renderer.bodies.store_converted(done.bodies)
            key, before = job.key_after(done.deps), previous.get(job.path)
            deps = shared.setdefault(done.deps, done.deps)
            if done.written is not None:
                publisher.written_elsewhere(job.path)
                written[job.path] = Written(key, done.digest, *done.written, deps)
                changed += done.new_bytes
            elif before is not None and before.digest == done.digest:
                written[job.path] = Written(key, done.digest, before.size, before.mtime_ns, deps)
            else:
                assert done.data is not None  # Finisher keeps the bytes of every changed output
                stat = publisher.write(job.path, done.data)
                written[job.path] = Written(key, done.digest, stat.st_size, stat.st_mtime_ns, deps)
                changed += 1
        if checks and checks.strict:  # and the pages this build did not render, which may hold the same mistakes
            for path in sorted(p for p in set(written) - {job.path for job in to_render} if p.endswith(".html")):
                for warning in checks(path, _published_bytes(out / path)):
                    warnings.setdefault(warning.message, warning)
        if checks and checks.strict and warnings:
            raise next(iter(warnings.values()))
        deleted = sorted(set(previous) - set(written))
        written_id = ""
        if changed or deleted or not previous:
            written_id = build_id(written)
            publisher.commit(deleted, written_id)
        else:
            publisher.abandon()  # nothing changed: rewrite no file
    except BaseException:
        publisher.abandon()
        raise
    return Published(written, changed + len(deleted), publisher.linked, tuple(warnings.values()), len(to_render),
                     written_id)
