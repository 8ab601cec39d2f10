"""The build as a short recipe: load, plan, render, publish.

What makes it fast (the cache, keys that skip up-to-date outputs, worker processes, the
garbage collector's arrangement) lives in ssg/build/incremental.py, which a reader can skip.
"""
from __future__ import annotations

import datetime
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ssg.build.assets import collect_assets
from ssg.build.cache import Written
from ssg.model.config import load_config
from ssg.model.content import Document
from ssg.errors import SiteError, UsageError
from ssg.build.incremental import LastBuild, build_id, stale
from ssg.build.page_checks import RenderedPageChecks
from ssg.markdown.directive_mistakes import refuse_misplaced_directives
from ssg.build.publish import Publisher, check_output_folder, recover
from ssg.build.render import Job, Renderer, prepare_pictures, produce
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
    """Load, plan, render and publish the site. On any error the previous output is left as it was."""
    started = time.perf_counter()
    root, out = options.root.resolve(), options.out.resolve()
    check_output_folder(root, out)
    recover(out)
    processes = options.jobs or os.cpu_count() or 1
    with LastBuild(root, out, processes) as last:
        site = load_site(root, load_config(root, options.base_url), today=options.today or today_from_environment(),
                         drafts=options.drafts, strict=options.strict, known=last.documents, processes=processes)
        refuse_misplaced_directives(site)
        renderer = Renderer(site, collect_assets(root), last.bodies(), last.template_references,
                            prepare_pictures(site, processes))
        jobs = last.plan(renderer)
        checks = RenderedPageChecks(root, site.config.base_url, site.documents, {job.path for job in jobs},
                                    options.strict)
        written, changed = render_and_write(renderer, jobs, last.outputs, out, processes,
                                            _both(options.rendered, checks) if options.check_pages else options.rendered)
        if options.published:
            options.published()  # serve tells the open pages now, before the cache is saved
        last.remember(renderer, site, written, save=options.remember)
    counts: dict[str, int] = {}
    for job in jobs:
        counts[job.kind] = counts.get(job.kind, 0) + 1
    return BuildReport(out, counts, time.perf_counter() - started, last.rendered(jobs), changed, site.left_out,
                       site.warnings + tuple(checks.warnings), site.read)


def _both(first: Callable[[str, bytes], None] | None,
          then: Callable[[str, bytes], None]) -> Callable[[str, bytes], None]:
    """One `rendered` hook that calls the caller's (if any), then the page checks."""
    if first is None:
        return then

    def hook(path: str, data: bytes) -> None:
        first(path, data)
        then(path, data)
    return hook


def _same_bytes(path: Path, data: bytes) -> bool:
    """Whether the output folder already holds `data` at `path`: a file rewritten with the same bytes
    (after the last build went to another folder, as `serve --drafts` does) has not changed."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def render_and_write(renderer: Renderer, jobs: list[Job], previous: dict[str, Written], out: Path, processes: int,
                     rendered: Callable[[str, bytes], None] | None = None) -> tuple[dict[str, Written], int]:
    """Render what is stale, write what changed; returns what the folder now holds and how many files changed."""
    publisher = Publisher(out, changes_only=bool(previous))
    written = {job.path: previous[job.path] for job in jobs if not stale(job, previous)}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # most outputs read the same settings: keep one copy
    changed = 0
    try:
        for job, output in produce(renderer, [job for job in jobs if stale(job, previous)], processes):
            if rendered:
                rendered(job.path, output.data)
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
            changed += before is not None or not _same_bytes(out / job.path, output.data)
        deleted = sorted(set(previous) - set(written))
        if changed or deleted or not previous:
            publisher.commit(deleted, build_id(written))
        else:
            publisher.abandon()  # nothing changed: rewrite no file
    except BaseException:
        publisher.abandon()
        raise
    return written, changed + len(deleted)
