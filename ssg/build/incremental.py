"""What makes a build fast, kept out of the recipe (ssg/build/pipeline.py): a reader can skip this module.

Every build is incremental when it can be: the cache (ssg/build/cache.py) remembers what the last
build read and wrote, each output has a key hashing everything it depends on, and only
outputs whose key changed are rendered; only files whose bytes changed are written. With no
cache, or an output folder that does not match it, everything is rendered and a whole new
folder is swapped in. Both paths give byte-identical results (tests/test_incremental.py).

A build with nothing to do stops before all that (LastBuild.report_if_unchanged): if the stamp of
every source file, the settings, the generator's code and the date are those the last build was
made from (look_at_sources), and the output folder still holds what it wrote, that build's report is
given again, without reading the site or the cache's state.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, cast

from ssg.build.bodies import BodyCache
from ssg.build.cache import BuildCache, BuildState, LastReport, StateMemory, Written
from ssg.build.outputs import shown_site_wide, site_wide_files
from ssg.build.planning import Job, Keys, generated_pages, plan
from ssg.build.producing import convert_ahead
from ssg.build.publish import marker_build_id
from ssg.build.redirects import redirect_files
from ssg.build.rendering import Renderer
from ssg.model import content
from ssg.model.config import CONFIG_FILE
from ssg.model.content import Document
from ssg.model.site import SOURCE_FOLDERS, Site

if TYPE_CHECKING:
    from ssg.build.pipeline import Published  # the recipe's type: pipeline imports this module


class LastBuild:
    """What the last build left (the cache and the output folder), and this build's bookkeeping.

    Made as a build starts, when it looks at the sources (a build with nothing to do stops there: see
    report_if_unchanged), then used as `with last:` around the build (memory: see cache.StateMemory;
    None reads the last state from the cache folder). While the block runs, Python's cycle collector
    leaves alone what the build reads and keeps until its end (see `_set_aside`), and the output
    folder is checked against the cache in another process.
    """

    def __init__(self, root: Path, out: Path, processes: int, memory: StateMemory | None = None,
                 settings: tuple[object, ...] | None = None) -> None:
        self.out, self.processes = out, processes
        self.cache = BuildCache(root, memory)
        # What this build is made from, if it may stop early (settings: see pipeline.stop_early_settings)
        self.sources = look_at_sources(root, settings, self.cache.fingerprint) if settings is not None \
            else SourcesSeen(None, {})
        self.state = BuildState(self.cache.fingerprint, str(out))
        self.outputs: dict[str, Written] = {}  # what the output folder holds, if it matches the cache; else nothing
        self.keys: Keys | None = None  # this build's keys of outputs, once it is planned
        self._gc_was_enabled = gc.isenabled()
        self._asides: list[WorkedOutAside[Any]] = []  # work started in other processes, ended with the build

    def __enter__(self) -> Self:
        # The collector rescans every live object each time enough new ones have been made. Reading
        # the cache and the documents of a large site makes millions that all live until the build
        # ends, and rescanning them was a fifth of a no-op build. So the collector is paused while
        # they are made, and they are set aside (gc.freeze) once planning is done. Worker processes
        # inherit the same arrangement when they fork.
        gc.disable()
        self.state = self.cache.load(self.out)
        self._outputs_match = self._aside(  # no outputs: nothing built yet, or the cache was not trusted
            lambda: bool(self.state.outputs) and output_matches(self.out, self.state),
            len(self.state.outputs) >= CHECK_ASIDE)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        for work in self._asides:  # a build that stopped early did not ask for every value
            work.close()
        gc.unfreeze()
        if self._gc_was_enabled:
            gc.enable()

    def report_if_unchanged(self) -> LastReport | None:
        """The last build's report if nothing it was made from has changed and the output folder still holds
        what it wrote: then this build has nothing to do, not even to read the cache's state."""
        if self.sources.key is None:
            return None
        last = self.cache.last_report(self.sources.key)
        if last is None or not folder_holds(self.out, last.build_id, last.outputs):
            return None
        return last

    @property
    def documents(self) -> dict[str, Document]:
        """The documents the last build read, by path (reused where a file is unchanged)."""
        return self.state.documents

    @property
    def template_references(self) -> dict[str, frozenset[str | None]]:
        return self.state.template_references

    def _aside(self, work: Callable[[], Value], worth_it: bool) -> WorkedOutAside[Value]:
        """Work done in another process if it is `worth_it` (see WorkedOutAside), ended with the build."""
        aside = WorkedOutAside(work, worth_it)
        self._asides.append(aside)
        return aside

    def bodies(self, site: Site) -> BodyCache:
        """The site's bodies as HTML, with the store of those converted by earlier builds."""
        return BodyCache(site, self.cache.bodies())

    def plan(self, renderer: Renderer) -> list[Job]:
        """Every output as a Job, each keyed so that the ones the output folder already has are not rendered.

        The bodies of a few changed documents are converted meanwhile in another process.
        """
        bodies_converted = convert_ahead(renderer.bodies, changed_documents(renderer.site, self.state), self.processes)
        try:
            self.outputs = self.state.outputs if self._outputs_match() else {}
            self.keys = Keys(renderer, self.template_references)
            pages = list(generated_pages(renderer))  # the list, tag and 404 pages, which the sitemap lists too
            shown = self._aside(lambda: shown_site_wide(renderer.site, pages),
                                len(pages) + len(renderer.site.documents) >= CHECK_ASIDE)
            jobs = plan(renderer, self.keys, pages,
                        lambda: site_wide_files(renderer, pages, shown()) + redirect_files(renderer, pages),
                        self.outputs)
        finally:
            bodies_converted()  # waits for the other process, even if planning failed
        self._set_aside()
        return jobs

    def _set_aside(self) -> None:
        """Everything made so far lives until the build ends: the collector need not scan it again."""
        gc.freeze()
        if self._gc_was_enabled:
            gc.enable()

    def remember(self, renderer: Renderer, site: Site, published: Published, counts: dict[str, int],
                 save: bool = True) -> None:
        """Keep the bodies converted, and save what this build read and wrote for the next one (unless told
        not to, or it is what the cache holds already), with its report for a next build that may stop early."""
        written = published.written
        assert self.keys is not None, "a build is planned before it is remembered"
        renderer.bodies.save(site.read)  # and forget those of documents that have changed since
        state = self.state
        documents = {d.path: d for d in site.read}  # drafts too, so they are not parsed again next time
        references = self.keys.templates.references
        unchanged = written == self.outputs and references == state.template_references \
            and documents.keys() == state.documents.keys() and all(
                (state.documents[path].digest, state.documents[path].stamp) == (document.digest, document.stamp)
                for path, document in documents.items())
        if save and not unchanged:
            written_id = published.build_id or build_id(written)
            self.cache.save(BuildState(self.cache.fingerprint, str(self.out), written_id, documents, written,
                                       template_references=references), state)
        if save:
            self._remember_report(site, published, counts)

    def _remember_report(self, site: Site, published: Published, counts: dict[str, int]) -> None:
        """Keep the report for the next build to stop at, if this build may be stopped at; else forget
        the last one (this build may have changed the output folder)."""
        if self.sources.key is None:
            self.cache.forget_last_report()
            return
        outputs = tuple((path, entry.size, entry.mtime_ns) for path, entry in published.written.items())
        self.cache.save_last_report(LastReport(self.sources.key, marker_build_id(self.out) or "", outputs, counts,
                                               site.left_out, site.warnings))


# What a build may read in the site folder: its settings, then every file of these folders.
SOURCES = (CONFIG_FILE, *SOURCE_FOLDERS)


@dataclass(frozen=True)
class SourcesSeen:
    """The files a build may read, as they were when it started."""
    key: str | None                       # a hash of them, the settings and the code; None: not to be trusted
    stats: dict[str, os.stat_result]      # each file's stat result, by path in the site folder ("content/x/y.md")


def look_at_sources(root: Path, settings: tuple[object, ...], fingerprint: str) -> SourcesSeen:
    """Everything a build is made from, as one key: the `settings` that shape its output, the generator's code
    (`fingerprint`), and the stamp of every file it may read (see content.file_stamp: inode, size, and times of
    modification and change, so an unchanged stamp means unchanged bytes). The key is None if a file changed
    too recently for its stamp to be trusted, or cannot be looked at: the build runs in full, and says why.
    The files' stat results are kept for reading the documents (load_site), which need them too."""
    folder, stats, missing, trusted = os.fspath(root), {}, [], True
    waiting = list(SOURCES)
    while waiting:
        relative = waiting.pop()
        try:
            with os.scandir(f"{folder}/{relative}") as listing:  # in the folder's order: the same while it is unchanged
                entries = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing]
        except NotADirectoryError:  # site.yaml
            relative, entries = os.path.dirname(relative), [(os.path.basename(relative), False)]
        except FileNotFoundError:
            missing.append(relative)
            continue
        except OSError:
            trusted = False
            continue
        prefix = f"{relative}/" if relative else ""
        for name, is_folder in entries:
            if is_folder:
                waiting.append(prefix + name)
                continue
            try:
                stats[prefix + name] = os.stat(f"{folder}/{prefix}{name}")
            except OSError:  # a link that leads nowhere, say: the build reports it
                trusted = False
    now = time.time()
    if not trusted or any(content.changed_too_recently(stat, now) for stat in stats.values()):
        return SourcesSeen(None, stats)
    lines = [repr((settings, fingerprint, missing))] + [
        f"{path}\0{stat.st_ino}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}"
        for path, stat in stats.items()]
    return SourcesSeen(hashlib.blake2b("\n".join(lines).encode(), digest_size=16).hexdigest(), stats)


def changed_documents(site: Site, state: BuildState) -> list[Document]:
    """The published documents that are new or changed since the last build."""
    return [d for d in site.documents if (before := state.documents.get(d.path)) is None or before.digest != d.digest]


def stale(job: Job, previous: dict[str, Written]) -> bool:
    """True if the output folder does not hold this job's output as it is now."""
    before = previous.get(job.path)
    return before is None or before.key != job.key


# Fewer outputs than this are checked (the output folder's files against the cache: 0.07 s at 10,000 articles)
# or planned (what the feeds and sitemap show) here, not in another process: starting one would cost more
CHECK_ASIDE = 2000


Value = TypeVar("Value")


class WorkedOutAside(Generic[Value]):
    """work() done in a forked process while this one goes on, if `worth_it` (and the system can fork);
    calling the object gives its value.

    The other process inherits what `work` reads and sends back only its value, through a pipe. It is
    given nothing to keep: whatever else it did ends with it. If it failed, work() runs again here, so that
    an error is raised in this process as usual. A build that stops before asking for the value closes it.
    """

    def __init__(self, work: Callable[[], Value], worth_it: bool) -> None:
        self.work = work
        self.value: list[Value] = []  # once known
        self.pid = 0                  # the other process, until it has ended
        if not (worth_it and hasattr(os, "fork") and self._start()):
            self.value.append(work())

    def _start(self) -> bool:
        """Fork the other process; False if the system has no room for one now (the work is then done here)."""
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            return False
        if pid == 0:  # the other process
            try:
                with os.fdopen(writer, "wb") as sending:
                    sending.write(pickle.dumps(self.work()))
            finally:
                os._exit(0)
        os.close(writer)
        self.pid, self.reader = pid, reader
        return True

    def __call__(self) -> Value:
        if not self.value:
            sent = self._received()
            self.value.append(cast(Value, pickle.loads(sent)) if sent else self.work())  # nothing sent: it failed
        return self.value[0]

    def close(self) -> None:
        """Wait for the other process, if it has not been asked for its value, and drop it."""
        if self.pid:
            self._received()

    def _received(self) -> bytes:
        """What the other process sent (nothing if it failed), once it has ended."""
        try:
            with os.fdopen(self.reader, "rb") as receiving:
                return receiving.read()
        finally:
            os.waitpid(self.pid, 0)
            self.pid = 0


def output_matches(out: Path, state: BuildState) -> bool:
    """True if the output folder holds exactly what the cache says the last build wrote."""
    return bool(state.outputs) and folder_holds(
        out, state.build_id, ((path, entry.size, entry.mtime_ns) for path, entry in state.outputs.items()))


def folder_holds(out: Path, written_id: str, files: Iterable[tuple[str, int, int]]) -> bool:
    """True if the output folder is the one the build `written_id` left, with each of its (path, size, mtime_ns)
    `files` still as that build wrote it."""
    if marker_build_id(out) != written_id:
        return False
    folder = str(out)
    for path, size, mtime_ns in files:
        try:
            stat = os.stat(os.path.join(folder, path))
        except OSError:
            return False
        if stat.st_size != size or stat.st_mtime_ns != mtime_ns:
            return False
    return True


def build_id(written: dict[str, Written]) -> str:
    """Names one exact set of output files (so the marker file, like every output, is reproducible)."""
    listed = "".join([f"{path}\0{written[path].digest}\n" for path in sorted(written)])
    return hashlib.blake2b(listed.encode(), digest_size=12).hexdigest()
