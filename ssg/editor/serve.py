"""Live preview: serve the built site, rebuild at each save, and update the pages open in a browser.

A small tornado application with four parts:

- SourceWatcher hears saves from the operating system as they happen (watchdog), waits for a
  short quiet spell so a burst of saves makes one rebuild (Debouncer), and never drops a save
  that arrives during a rebuild (it rebuilds again after).
- PreviewFiles serves only files whose real path is inside the output folder, answers missing
  pages with the nearest 404 page (the Welsh one under /cy/), and answers pages with the build
  error while the latest build fails (the last good site stays on disk and keeps its styles and
  scripts). Every HTML answer gets one extra tag, `<script src="/_serve/live.js">`: the page's
  own copy on disk, which is what `build` publishes, never holds it.
- LiveSocket tells every open page that the site was rebuilt. ssg/editor/live/live.js, in the page,
  then fetches its own address and patches itself in place with Idiomorph (vendored from npm,
  see package.json), or reloads when the server or the page says a patch cannot express the change.
  It also tells each page the build's warnings (broken links, missing alt text...), which live.js
  lists in a panel that blocks nothing (ssg/editor/preview_notices.py makes the message, and the
  error page, in the page's language).
- Access: every endpoint answers only the addresses the preview serves on, and the socket only
  the preview's own pages (docs/security.md).

Every rebuild is `pipeline.build()`, which publishes atomically: the server never sees a
half-written site.
"""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import importlib
import json
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

from tornado import httputil, web
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClosedError, WebSocketHandler
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from ssg.build.cache import StateMemory
from ssg.build.pipeline import BuildOptions, BuildReport, build
from ssg.editor.admin import Admin
from ssg.editor.preview_notices import (
    PublishedPages,
    WarningsMessage,
    WarningsOnShow,
    error_page,
    site_languages,
    warnings_message,
)
from ssg.errors import SiteError, UsageError
from ssg.model.config import CONFIG_FILE
from ssg.model.site import ASSET_PREFIX, SOURCE_FOLDERS

CONTENT_PREFIX = "content/"
DEFAULT_PAGE = "index.html"
# A change a patch cannot express: a template (pages may change shape entirely) or a script (only
# loading the page runs it as a visitor's browser would). Open pages reload in full after these.
SCRIPT_SUFFIXES = (".js", ".mjs")
# Editors save in a few quick steps (write a temporary file, rename it, ...): wait this long
# without a new event before rebuilding, so one save, or a burst of them, makes one rebuild.
QUIET_SECONDS = 0.05
# A file closed after writing, renamed into place or deleted is a finished save: the next step
# of a burst (a script or `git checkout` writing many files) comes sooner than this, if at all.
SETTLED_QUIET_SECONDS = 0.02
SETTLED_EVENTS = (FileClosedEvent, FileMovedEvent, FileDeletedEvent, DirMovedEvent, DirDeletedEvent)
# What a save looks like. Opening and reading files, as every build does, is not a change.
SAVE_EVENTS = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
               DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
# Files editors write beside the one being edited (Vim swap files, Emacs locks and autosaves,
# backups). A rebuild for them would reload the page while the editor is still typing.
SCRATCH_PREFIXES = (".#", "#")
SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp")
EVERY_INTERFACE = ("0.0.0.0", "::", "")
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")
LISTEN_HINTS: dict[int | None, str] = {  # by OSError.errno, which may be None
    errno.EADDRINUSE: "another program (perhaps another preview) uses that port: stop it, or add --port 8001",
    errno.EACCES: "ports below 1024 need special rights: use a port like 8000",
    errno.EADDRNOTAVAIL: "this computer has no such address: leave out --host to use 127.0.0.1"}
LIVE_PATH = "/_serve/"  # serve's own addresses, answered before the site's files
LIVE_SCRIPT_TAG = b'<script src="/_serve/live.js"></script>'
HEAD_END = b"</head>"
LIVE_SCRIPTS = ("idiomorph.min.js", "live.js")  # in ssg/editor/live/, joined into /_serve/live.js


def source_path(root: Path, path: str) -> str | None:
    """`path` relative to `root` ("content/x.md", "site.yaml") if the build reads it, else None."""
    try:
        relative = PurePosixPath(Path(path).relative_to(root).as_posix())
    except ValueError:
        return None
    if str(relative) == CONFIG_FILE:
        return CONFIG_FILE
    if len(relative.parts) < 2 or relative.parts[0] not in SOURCE_FOLDERS:
        return None
    if relative.name.startswith(SCRATCH_PREFIXES) or relative.name.endswith(SCRATCH_SUFFIXES):
        return None
    return str(relative)


class Debouncer:
    """Calls `action(paths)` once per burst of `notice(path)` calls, after `quiet` seconds without one
    (`settled_quiet` seconds if the last one was a finished save).

    The action runs in a thread of its own, so the server answers requests during a rebuild;
    paths noticed while it runs are kept for the next call, never dropped.
    """

    def __init__(self, action: Callable[[set[str]], None], quiet: float = QUIET_SECONDS,
                 settled_quiet: float = SETTLED_QUIET_SECONDS) -> None:
        self._action = action
        self._quiet = quiet
        self._settled_quiet = settled_quiet
        self._pending: set[str] = set()
        self._deadline = 0.0
        self._stopping = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def notice(self, path: str, settled: bool = False) -> None:
        with self._wake:
            self._pending.add(path)
            self._deadline = time.monotonic() + (self._settled_quiet if settled else self._quiet)
            self._wake.notify()

    def stop(self) -> None:
        """Stop once the action in progress, if any, has finished (a build is never cut short)."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while (burst := self._next_burst()) is not None:
            self._action(burst)

    def _next_burst(self) -> set[str] | None:
        with self._wake:
            while not self._stopping:
                if not self._pending:
                    self._wake.wait()
                    continue
                quiet_left = self._deadline - time.monotonic()
                if quiet_left <= 0:
                    burst, self._pending = self._pending, set()
                    return burst
                self._wake.wait(quiet_left)
            return None


class Preview:
    """The state the server shows: the last good site, or the problem that stopped the latest build.

    After each rebuild it calls `tell(reload, pages)`: reload is True if open pages must reload in
    full, False if a patch in place shows the change; pages is None for every open page, or the
    addresses of the only pages to update. A good build tells as soon as the new site is in place,
    before the build's own bookkeeping (saving its cache). After an edit of content only, the
    first page rendered (the edited one) is served from memory at once and its open copies are
    told then, before the rest of the site is rendered and published. When the site's warnings
    change, it calls `tell_warnings(message)` (preview_notices.warnings_message).
    """

    def __init__(self, options: BuildOptions, tell: Callable[[bool, list[str] | None], None] = lambda *_: None,
                 tell_warnings: Callable[[WarningsMessage], None] = lambda _: None) -> None:
        self.options = options
        self.problem: str | None = None
        self.early_pages: dict[str, bytes] = {}  # output path -> the page rendered by the build under way
        self.warnings = WarningsOnShow()
        self.checking: threading.Thread | None = None  # _check_reused_pages, if started
        self._had_good_build = False
        self._warnings_lock = threading.Lock()  # rebuilds and the check of reused pages both update the warnings
        self._tell = tell
        self._tell_warnings = tell_warnings
        self._saved_state = StateMemory()  # each rebuild takes the cache state the one before saved from here

    def rebuild(self, changed: Iterable[str] = ()) -> None:
        reload = self.problem is not None or any(needs_reload(name) for name in changed)
        content_only = not reload and bool(changed) and all(name.startswith(CONTENT_PREFIX) for name in changed)
        options = dataclasses.replace(self.options, published=lambda: self._published(reload),
                                      rendered=self._rendered if content_only else None,
                                      state_memory=self._saved_state)
        try:
            report = build(options)
        except SiteError as error:
            self._show_problem(str(error))
            return
        finally:
            self.early_pages = {}
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr, flush=True)
        print(f"{self._describe(changed)}{report.summary()}", flush=True)
        self._note_warnings(report)

    def _note_warnings(self, report: BuildReport) -> None:
        """Keep the site's warnings up to date, and tell the open pages when they change. After the first
        good build, if it reused pages of an earlier one, check those too."""
        pages = PublishedPages(self.options.root, self.options.base_url, report)
        with self._warnings_lock:
            if self.warnings.update(report, pages):
                self._tell_warnings_on_show()
        if not self._had_good_build and report.rendered < sum(report.counts.values()):
            self.checking = threading.Thread(target=self._check_reused_pages, args=(pages,), name="check pages",
                                             daemon=True)
            self.checking.start()
        self._had_good_build = True

    def _check_reused_pages(self, pages: PublishedPages) -> None:
        """Check the pages the first good build reused without looking at them (serve started on a site
        built earlier), in a thread of its own: on a large site this takes seconds, and saves go on meanwhile."""
        found = pages.check(pages.html_pages())
        with self._warnings_lock:
            added = self.warnings.add_checked(found, pages)
            for notice in added:
                print(f"warning: {notice}", file=sys.stderr, flush=True)
            if added:
                self._tell_warnings_on_show()

    def _tell_warnings_on_show(self) -> None:
        self._tell_warnings(warnings_message(self.warnings.notices, site_languages(self.options.root)))

    def _rendered(self, output_path: str, data: bytes) -> None:
        if self.early_pages or not output_path.endswith(".html"):
            return
        self.early_pages = {output_path: data}
        self._tell(False, [page_address(output_path)])

    def _published(self, reload: bool) -> None:
        self.problem = None
        self.early_pages = {}
        self._tell(reload, None)

    def rebuild_after_save(self, changed: set[str]) -> None:
        """Like rebuild(), but every failure is shown, not raised: the preview goes on and the next save tries again."""
        try:
            self.rebuild(changed)
        except UsageError as error:  # e.g. the output folder was changed by hand and is refused
            self._show_problem(str(error))
        except Exception as error:
            traceback.print_exc()
            self._show_problem(f"the build stopped on an unexpected error ({type(error).__name__}: {error})"
                               "\nhint: this is a bug in the site generator; the details are in the terminal")

    def _show_problem(self, problem: str) -> None:
        self.problem = problem
        print(f"error: {problem}", file=sys.stderr, flush=True)  # as `build.py build` prints it
        self._tell(True, None)

    def _describe(self, changed: Iterable[str]) -> str:
        # Files that still exist first: an editor's temporary file is less telling than the file saved.
        names = sorted(changed, key=lambda name: (not (self.options.root / name).exists(), name))
        more = f" and {len(names) - 1} more" if len(names) > 1 else ""
        return f"{names[0]}{more} changed. " if names else ""


def page_address(output_path: str) -> str:
    """The address a page is opened at: "articles/x/index.html" -> "/articles/x/"."""
    return "/" + output_path.removesuffix(DEFAULT_PAGE)


def output_path_of(request_path: str) -> str:
    """The output file a request path names: "articles/x/" -> "articles/x/index.html"."""
    return request_path + DEFAULT_PAGE if request_path == "" or request_path.endswith("/") else request_path


def needs_reload(changed: str) -> bool:
    """True if open pages must reload after this source changed: a template, a script, or a whole folder of them."""
    return changed.startswith("templates") or changed == "static/" or (
        changed.startswith("static/") and changed.endswith(SCRIPT_SUFFIXES))


class LiveClients:
    """The pages open in browsers, each with its socket; tell() is safe to call from any thread."""

    def __init__(self) -> None:
        self.sockets: set[WebSocketHandler] = set()
        self.loop: IOLoop | None = None
        self.warnings = ""  # the latest warnings message, for each page as it connects ("": none to show)

    def tell(self, reload: bool, pages: list[str] | None) -> None:
        """Tell every open page (or those at the addresses in `pages`) to update: patched in place, or reloaded."""
        if self.loop is None:  # not serving yet (the first build): no page is open
            return
        message = json.dumps({"command": "update", "reload": reload, **({"pages": pages} if pages else {})})
        self.loop.add_callback(self._send, message)  # tornado is not thread-safe: send on its own thread

    def tell_warnings(self, message: WarningsMessage) -> None:
        """Tell every open page, and each page that opens from now on, the warnings to show."""
        self.warnings = json.dumps(message) if message["warnings"] else ""
        if self.loop is not None:
            self.loop.add_callback(self._send, json.dumps(message))

    def _send(self, message: str) -> None:
        for socket in list(self.sockets):
            with contextlib.suppress(WebSocketClosedError):
                socket.write_message(message)


class SourceWatcher:
    """Watches the sources: each burst of saves makes one rebuild, then one update of every open page."""

    def __init__(self, preview: Preview) -> None:
        self.root = preview.options.root.resolve()
        self._preview = preview
        self._observer = Observer()
        self._handler = _SaveHandler(self)
        self._watches: dict[str, ObservedWatch] = {}  # the source folders watched, by name
        self._rebuilds = Debouncer(preview.rebuild_after_save)

    def observe(self) -> None:
        """Start noting saves; they are kept until start() and rebuilt then, so none made meanwhile is lost."""
        self._observer.schedule(self._handler, str(self.root), event_filter=SAVE_EVENTS)  # site.yaml, new folders
        for folder in SOURCE_FOLDERS:
            self._watch_folder(folder)
        self._observer.start()

    def _watch_folder(self, name: str) -> None:
        """Watch a source folder and everything in it, if it exists (again, if it was made anew)."""
        with contextlib.suppress(KeyError):  # an earlier folder of that name, since removed or replaced
            self._observer.unschedule(self._watches.pop(name))
        if (self.root / name).is_dir():
            self._watches[name] = self._observer.schedule(self._handler, str(self.root / name), recursive=True,
                                                          event_filter=SAVE_EVENTS)

    def start(self) -> None:
        """Start rebuilding (once the server serves)."""
        self._rebuilds.start()

    def stop(self) -> None:
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join()
        self._rebuilds.stop()

    def saved(self, path: str, settled: bool = False) -> None:
        folder = Path(path)
        if folder.parent == self.root and folder.name in SOURCE_FOLDERS:  # the folder itself made, moved or removed
            self._watch_folder(folder.name)
            self._rebuilds.notice(f"{folder.name}/")
            return
        changed = source_path(self.root, path)
        if changed:
            self._rebuilds.notice(changed, settled)


class _SaveHandler(FileSystemEventHandler):
    def __init__(self, watcher: SourceWatcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        settled = isinstance(event, SETTLED_EVENTS)
        self._watcher.saved(str(event.src_path), settled)
        if event.dest_path:  # a rename: the new name matters too (editors save by renaming)
            self._watcher.saved(str(event.dest_path), settled)


class Access:
    """Which Host names and which Origins the preview answers: the addresses it serves on, nothing else."""

    def __init__(self, host: str, port: int) -> None:
        self.port = port
        # Listening on every interface means being reached under any name; otherwise only under local ones.
        self.host_names = None if host in EVERY_INTERFACE else (*LOCAL_NAMES, host.lower(), f"[{host.lower()}]")

    def host_allowed(self, name: str) -> bool:
        return self.host_names is None or name.lower() in self.host_names

    def origin_allowed(self, origin: str, request_host: str) -> bool:
        """A page of this preview, never another site: the origin is one of the preview's own addresses."""
        if self.host_names is None:  # any name is served: the page must come from the name it asks
            return origin.lower() == f"http://{request_host.lower()}"
        return origin.lower() in {f"http://{name}:{self.port}" for name in self.host_names}


class KnownHostsOnly(web.RequestHandler):
    """Answers only requests addressed to a name the server serves on (a base of every handler).

    A web page elsewhere could point a name of its own at 127.0.0.1 ("DNS rebinding") and read
    the preview, drafts included: answer only to this computer's own names, or, listening on
    every interface, to any (the user was warned). Each handler's initialize adds keywords of its own
    (tornado passes it those its route names), hence their `type: ignore[override]`.
    """

    def initialize(self, access: Access, **kwargs: Any) -> None:
        self.access = access
        super().initialize(**kwargs)

    def prepare(self) -> None:
        if not self.access.host_allowed(self.request.host_name):
            raise web.HTTPError(403)


class LiveSocket(KnownHostsOnly, WebSocketHandler):
    """Tells the page at the other end after each rebuild. Open only to the preview's own pages:
    any other page in the browser could otherwise learn of every save."""

    def initialize(self, clients: LiveClients, **kwargs: Any) -> None:  # type: ignore[override]
        super().initialize(**kwargs)
        self.clients = clients

    def check_origin(self, origin: str) -> bool:
        return self.access.origin_allowed(origin, self.request.host)

    def open(self, *args: str, **kwargs: str) -> None:  # its address has no groups: no arguments
        self.clients.sockets.add(self)
        if self.clients.warnings:
            self.write_message(self.clients.warnings)

    def on_close(self) -> None:
        self.clients.sockets.discard(self)

    def on_message(self, message: str | bytes) -> None:
        pass  # pages have nothing to say


class LiveScript(KnownHostsOnly, web.RequestHandler):
    """/_serve/live.js: Idiomorph and the script that uses it, one file (the pages' CSP allows only 'self')."""

    def initialize(self, script: bytes, **kwargs: Any) -> None:  # type: ignore[override]
        super().initialize(**kwargs)
        self.script = script

    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=UTF-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(self.script)


def live_script() -> bytes:
    folder = Path(__file__).with_name("live")
    return b"\n".join((folder / name).read_bytes() for name in LIVE_SCRIPTS)


class WithLiveScript(web.OutputTransform):
    """Adds the live script's tag to every HTML answer, just before </head>, on the way out only."""

    def transform_first_chunk(self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes,
                              finishing: bool) -> tuple[int, httputil.HTTPHeaders, bytes]:
        if "html" in headers.get("Content-Type", "") and HEAD_END in chunk:
            chunk = chunk.replace(HEAD_END, LIVE_SCRIPT_TAG + HEAD_END, 1)
            if "Content-Length" in headers:
                headers["Content-Length"] = str(int(headers["Content-Length"]) + len(LIVE_SCRIPT_TAG))
        return status_code, headers, chunk


class PreviewFiles(KnownHostsOnly, web.StaticFileHandler):
    """tornado's file handler, kept inside the output folder, with the site's 404 page and the build error page."""

    def initialize(self, preview: Preview, **kwargs: Any) -> None:  # type: ignore[override]
        super().initialize(**kwargs)
        self.preview = preview

    async def get(self, path: str, include_body: bool = True) -> None:
        if self.preview.problem is not None and PurePosixPath(path).suffix in ("", ".html"):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            languages = site_languages(self.preview.options.root)
            lang = languages.of_address(path)
            self.finish(error_page(self.preview.problem, languages.words_of(lang), lang))
            return
        early = self.preview.early_pages.get(output_path_of(path))
        if early is not None:
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(early)
            return
        await super().get(path, include_body)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        # tornado only compares the spelled-out path with the root, so a symbolic link inside
        # the folder could lead anywhere on the disk: compare where the path really leads.
        checked = super().validate_absolute_path(root, absolute_path)
        if checked is not None and not Path(checked).resolve().is_relative_to(Path(root).resolve()):
            raise web.HTTPError(403)
        return checked

    def compute_etag(self) -> str | None:
        # A page served from memory (the early page) has no file to tag.
        return super().compute_etag() if getattr(self, "absolute_path", None) else None

    def should_return_304(self) -> bool:
        # A rebuild can rewrite a page within the second its date is counted in: always send the file.
        return False

    def set_extra_headers(self, path: str) -> None:
        # Fingerprinted names change with their content, so the browser may keep them, as the
        # published site's _headers lets it: a reload then fetches only the page.
        if path.startswith(ASSET_PREFIX):
            self.set_header("Cache-Control", "max-age=31536000, immutable")

    def log_exception(self, typ: type[BaseException] | None, value: BaseException | None,
                      tb: TracebackType | None) -> None:
        if not isinstance(value, web.HTTPError):  # a refused or missing file is answered, not news
            super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        not_found_page = nearest_not_found_page(Path(self.root), self.path_args[0] if self.path_args else "")
        if status_code != 404 or not_found_page is None:
            super().write_error(status_code, **kwargs)
            return
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(not_found_page.read_bytes())


def nearest_not_found_page(root: Path, missing: str) -> Path | None:
    """The 404.html nearest a missing address, as hosts like Cloudflare Pages answer: a Welsh page's
    (cy/404.html) under /cy/, the site's own (404.html) elsewhere."""
    folders = PurePosixPath(missing).parts[:-1] if not missing.endswith("/") else PurePosixPath(missing).parts
    for depth in range(len(folders), -1, -1):
        page = root.joinpath(*folders[:depth], "404.html")
        with contextlib.suppress(OSError, ValueError):  # a name the file system refuses
            if page.is_file() and page.resolve().is_relative_to(root.resolve()):
                return page
    return None


def application(preview: Preview, clients: LiveClients, access: Access, admin: Admin | None = None) -> web.Application:
    files = {"path": str(preview.options.out), "default_filename": DEFAULT_PAGE, "preview": preview}
    return web.Application([
        (LIVE_PATH + "socket", LiveSocket, {"access": access, "clients": clients}),
        (LIVE_PATH + "live.js", LiveScript, {"access": access, "script": live_script()}),
        *(admin.routes(access) if admin else []),  # the CMS, with --cms (ssg/editor/admin.py)
        (r"/(.*)", PreviewFiles, {"access": access, **files}),
    ], transforms=[WithLiveScript])


def address(host: str, port: int) -> str:
    """The address to open in a browser on this computer."""
    if host in EVERY_INTERFACE:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(options: BuildOptions, host: str, port: int, admin: Admin | None = None) -> None:
    """Build, then serve options.out on host:port, rebuilding at each save, until Ctrl+C.

    A build error (in the first build too) is shown in the browser and the terminal, and serving goes on.
    """
    # Loaded once, in this long-lived process: each rebuild then converts the saved page here, at
    # once, instead of starting a process to load Python-Markdown at every save (producing.convert_ahead).
    importlib.import_module("ssg.markdown.markup")
    clients = LiveClients()
    preview = Preview(options, clients.tell, clients.tell_warnings)
    watcher = SourceWatcher(preview)
    watcher.observe()  # before the first build: a save made during it is rebuilt after
    logging.getLogger("tornado.access").disabled = True  # serve prints plain-English lines instead
    try:
        preview.rebuild()
        listen(application(preview, clients, Access(host, port), admin), host, port)
        print(f"Serving {options.out} at {address(host, port)} (press Ctrl+C to stop).", flush=True)
        if admin:
            print(f"Edit the content at {address(host, port)}admin/", flush=True)
        clients.loop = IOLoop.current()
        watcher.start()
        with contextlib.suppress(KeyboardInterrupt):
            clients.loop.start()
        clients.loop.close(all_fds=True)
    finally:
        watcher.stop()


def listen(app: web.Application, host: str, port: int) -> None:
    try:
        app.listen(port, address=host)
    except OSError as error:
        raise UsageError(f"cannot serve on {host} port {port}: {error.strerror or error}."
                         f"\nhint: {LISTEN_HINTS.get(error.errno, 'check --host and --port')}") from None
