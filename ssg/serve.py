"""Live preview: serve the built site, rebuild at each save, and reload the pages open in a browser.

Built on livereload's server and browser protocol (issue 4), with two parts replaced:

- the watcher. livereload's own looks for changes every 800 ms and ignores those within 3 s of
  the last reload, so a second save is lost. SourceWatcher is handed to livereload through its
  `watcher` argument: it hears saves from the operating system as they happen (watchdog), waits
  for a short quiet spell so a burst of saves makes one rebuild, and never drops a save that
  arrives during a rebuild (it rebuilds again after).
- the file handler. PreviewFiles serves only files whose real path is inside the output folder,
  answers missing pages with the site's 404 page, and answers pages with the build error while
  the latest build fails (the last good site stays on disk and keeps its styles and scripts).

Every rebuild is `pipeline.build()`, which publishes atomically: the server never sees a
half-written site.
"""
from __future__ import annotations

import contextlib
import errno
import html
import logging
import sys
import threading
import time
import traceback
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from livereload import Server
from livereload.server import LiveScriptInjector
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import escape, web
from tornado.ioloop import IOLoop
from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent,
                             FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileSystemEvent,
                             FileSystemEventHandler)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from .assets import ASSET_PREFIX, collect_assets
from .errors import SiteError, UsageError
from .pipeline import BuildOptions, build

SOURCE_FOLDERS = ("content", "templates", "static")
SETTINGS_FILE = "site.yaml"
STATIC_PREFIX = "static/"
# Editors save in a few quick steps (write a temporary file, rename it, ...): wait this long
# without a new event before rebuilding, so one save, or a burst of them, makes one rebuild.
QUIET_SECONDS = 0.05
# What a save looks like. Opening and reading files, as every build does, is not a change.
SAVE_EVENTS = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
               DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
# Files editors write beside the one being edited (Vim swap files, Emacs locks and autosaves,
# backups). A rebuild for them would reload the page while the editor is still typing.
SCRATCH_PREFIXES = (".#", "#")
SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp")
EVERY_INTERFACE = ("0.0.0.0", "::", "")
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")
LISTEN_HINTS = {errno.EADDRINUSE: "another program (perhaps another preview) uses that port: stop it, or add --port 8001",
                errno.EACCES: "ports below 1024 need special rights: use a port like 8000",
                errno.EADDRNOTAVAIL: "this computer has no such address: leave out --host to use 127.0.0.1"}
# livereload's own snippet: it loads livereload.js from the page's own address and port.
LIVE_SCRIPT = ('<script type="text/javascript">(function(){var s=document.createElement("script");'
               'var port=(window.location.port || (window.location.protocol == \'https:\' ? 443: 80));'
               's.src="//"+window.location.hostname+":"+port+ "/livereload.js?port=" + port;'
               'document.head.appendChild(s);})();</script>')
RELOAD_PAGE = "*"  # a livereload path that matches no stylesheet or image: reload the whole page

ERROR_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The site could not be built</title>
<style>
body {{ font: 1.1rem/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }}
pre {{ white-space: pre-wrap; padding: 1rem; border-left: 0.4rem solid #b00020; background: #fdf2f3; }}
</style>
</head>
<body>
<main>
<h1>The site could not be built</h1>
<pre id="build-error">{problem}</pre>
<p>Fix the file and save it: this page updates by itself. Until then the last good
version of the site is kept.</p>
</main>
</body>
</html>
"""


def source_path(root: Path, path: str) -> str | None:
    """`path` relative to `root` ("content/x.md", "site.yaml") if the build reads it, else None."""
    try:
        relative = PurePosixPath(Path(path).relative_to(root).as_posix())
    except ValueError:
        return None
    if str(relative) == SETTINGS_FILE:
        return SETTINGS_FILE
    if len(relative.parts) < 2 or relative.parts[0] not in SOURCE_FOLDERS:
        return None
    if relative.name.startswith(SCRATCH_PREFIXES) or relative.name.endswith(SCRATCH_SUFFIXES):
        return None
    return str(relative)


class Debouncer:
    """Calls `action(paths)` once per burst of `notice(path)` calls, after `quiet` seconds without one.

    The action runs in a thread of its own, so the server answers requests during a rebuild;
    paths noticed while it runs are kept for the next call, never dropped.
    """

    def __init__(self, action: Callable[[set[str]], None], quiet: float = QUIET_SECONDS) -> None:
        self._action = action
        self._quiet = quiet
        self._pending: set[str] = set()
        self._last_notice = 0.0
        self._stopping = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def notice(self, path: str) -> None:
        with self._wake:
            self._pending.add(path)
            self._last_notice = time.monotonic()
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
                quiet_left = self._last_notice + self._quiet - time.monotonic()
                if quiet_left <= 0:
                    burst, self._pending = self._pending, set()
                    return burst
                self._wake.wait(quiet_left)
            return None


class Preview:
    """The state the server shows: the last good site, or the problem that stopped the latest build."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.problem: str | None = None
        self._asset_names: dict[str, str] = {}   # every asset output path of this session -> asset name
        self._asset_paths: dict[str, str] = {}   # asset name -> its output path in the last good build

    def rebuild(self, changed: Iterable[str] = ()) -> list[str]:
        """Build the site; return the livereload paths to reload (a stylesheet's address, or RELOAD_PAGE)."""
        was_broken = self.problem is not None
        try:
            report = build(self.options)
        except SiteError as error:
            return self._show_problem(str(error))
        self.problem = None
        self._remember_assets()
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr, flush=True)
        print(f"{self._describe(changed)}{report.summary()}", flush=True)
        stylesheets = self._stylesheets(changed)
        return stylesheets if stylesheets and not was_broken else [RELOAD_PAGE]

    def rebuild_after_save(self, changed: set[str]) -> list[str]:
        """Like rebuild(), but every failure is shown, not raised: the preview goes on and the next save tries again."""
        try:
            return self.rebuild(changed)
        except UsageError as error:  # e.g. the output folder was changed by hand and is refused
            return self._show_problem(str(error))
        except Exception as error:  # noqa: BLE001 - a bug in the generator must not end the preview
            traceback.print_exc()
            return self._show_problem(f"the build stopped on an unexpected error ({type(error).__name__}: {error})"
                                      "\nhint: this is a bug in the site generator; the details are in the terminal")

    def _show_problem(self, problem: str) -> list[str]:
        self.problem = problem
        print(f"error: {problem}", file=sys.stderr, flush=True)  # as `build.py build` prints it
        return [RELOAD_PAGE]

    def current_asset(self, output_path: str) -> str | None:
        """The address that replaced an asset's older fingerprinted address, if it changed this session."""
        name = self._asset_names.get(output_path)
        current = self._asset_paths.get(name) if name else None
        return current if current != output_path else None

    def _describe(self, changed: Iterable[str]) -> str:
        # Files that still exist first: an editor's temporary file is less telling than the file saved.
        names = sorted(changed, key=lambda name: (not (self.options.root / name).exists(), name))
        more = f" and {len(names) - 1} more" if len(names) > 1 else ""
        return f"{names[0]}{more} changed. " if names else ""

    def _stylesheets(self, changed: Iterable[str]) -> list[str]:
        """The new addresses of the changed stylesheets; empty if anything else changed too."""
        addresses = []
        for name in changed:
            path = self._asset_paths.get(name.removeprefix(STATIC_PREFIX)) if name.startswith(STATIC_PREFIX) else None
            if not path or not path.endswith(".css"):
                return []
            addresses.append("/" + path)
        return addresses

    def _remember_assets(self) -> None:
        # A page opened before a stylesheet changed still links the old fingerprinted name;
        # livereload refreshes that link in place, so the server must lead it to the new file.
        self._asset_paths = {name: asset.output_path for name, asset in collect_assets(self.options.root).items()}
        self._asset_names = {**self._asset_names, **{path: name for name, path in self._asset_paths.items()}}


class SourceWatcher(Watcher):
    """livereload's watcher, driven by file system events: each burst of saves makes one rebuild and one reload."""

    def __init__(self, preview: Preview) -> None:
        super().__init__()
        self.root = preview.options.root.resolve()
        self._preview = preview
        self._observer = Observer()
        self._handler = _SaveHandler(self)
        self._watches: dict[str, ObservedWatch] = {}  # the source folders watched, by name
        self._rebuilds = Debouncer(self._rebuild_and_reload)
        self._loop: IOLoop | None = None
        super().watch(str(self.root))  # a task, so that livereload does not watch the working folder

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

    def start(self, callback: Callable[[], None]) -> bool:
        """Start rebuilding (livereload calls this once it serves). True tells livereload not to poll."""
        self._loop = IOLoop.current()
        self._rebuilds.start()
        return True

    def stop(self) -> None:
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join()
        self._rebuilds.stop()

    def saved(self, path: str) -> None:
        folder = Path(path)
        if folder.parent == self.root and folder.name in SOURCE_FOLDERS:  # the folder itself made, moved or removed
            self._watch_folder(folder.name)
            self._rebuilds.notice(f"{folder.name}/")
            return
        changed = source_path(self.root, path)
        if changed:
            self._rebuilds.notice(changed)

    def _rebuild_and_reload(self, changed: set[str]) -> None:
        for path in self._preview.rebuild_after_save(changed):
            # livereload's reload call, made on the server's thread (tornado is not thread-safe)
            self._loop.add_callback(LiveReloadHandler.reload_waiters, path)


class _SaveHandler(FileSystemEventHandler):
    def __init__(self, watcher: SourceWatcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._watcher.saved(str(event.src_path))
        if event.dest_path:  # a rename: the new name matters too (editors save by renaming)
            self._watcher.saved(str(event.dest_path))


class KnownHostsOnly:
    """Answers only requests addressed to a name the server serves on (a mixin for every handler).

    A web page elsewhere could point a name of its own at 127.0.0.1 ("DNS rebinding") and read
    the preview, drafts included: answer only to this computer's own names, or, listening on
    every interface, to any (the user was warned).
    """

    def initialize(self, access: "Access", **kwargs) -> None:
        self.access = access
        super().initialize(**kwargs)

    def prepare(self) -> None:
        if not self.access.host_allowed(self.request.host_name):
            raise web.HTTPError(403)


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


class LiveSocket(KnownHostsOnly, LiveReloadHandler):
    """livereload's websocket, open only to the preview's own pages: any page could otherwise hear every save."""

    def check_origin(self, origin: str) -> bool:
        return self.access.origin_allowed(origin, self.request.host)


class LiveScript(KnownHostsOnly, LiveReloadJSHandler):
    pass


class ForceReload(KnownHostsOnly, ForceReloadHandler):
    pass


class PreviewFiles(KnownHostsOnly, StaticFileHandler):
    """livereload's file handler, kept inside the output folder, with the site's 404 page and the build error page."""

    def initialize(self, preview: Preview, **kwargs) -> None:  # type: ignore[override]
        super().initialize(**kwargs)
        self.preview = preview

    async def get(self, path: str, include_body: bool = True) -> None:
        if self.preview.problem is not None and PurePosixPath(path).suffix in ("", ".html"):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(ERROR_PAGE.format(problem=html.escape(self.preview.problem)))
            return
        replacement = self.preview.current_asset(path)
        if replacement:
            self.redirect("/" + replacement)
            return
        await super().get(path, include_body)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        # tornado only compares the spelled-out path with the root, so a symbolic link inside
        # the folder could lead anywhere on the disk: compare where the path really leads.
        checked = super().validate_absolute_path(root, absolute_path)
        if checked is not None and not Path(checked).resolve().is_relative_to(Path(root).resolve()):
            raise web.HTTPError(403)
        return checked

    def set_extra_headers(self, path: str) -> None:
        # Fingerprinted names change with their content, so the browser may keep them, as the
        # published site's _headers lets it: a reload then fetches only the page.
        if path.startswith(ASSET_PREFIX):
            self.set_header("Cache-Control", "max-age=31536000, immutable")

    def log_exception(self, typ, value, tb) -> None:
        if not isinstance(value, web.HTTPError):  # a refused or missing file is answered, not news
            super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs) -> None:
        not_found_page = Path(self.root, "404.html")
        if status_code != 404 or not not_found_page.is_file():
            super().write_error(status_code, **kwargs)
            return
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(not_found_page.read_bytes())


class PreviewServer(Server):
    """livereload's server over the output folder, with SourceWatcher and PreviewFiles."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(watcher=SourceWatcher(preview))
        self.preview = preview

    def application(self, port, host, liveport=None, debug=None, live_css=True) -> None:
        """livereload's application, with every handler answering only the preview's own Host names and Origins."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        access = Access(host, port)
        files = {"path": str(self.preview.options.out), "default_filename": self.default_filename,
                 "preview": self.preview}
        handlers = [(r"/livereload", LiveSocket, {"access": access}),
                    (r"/forcereload", ForceReload, {"access": access}),
                    (r"/livereload.js", LiveScript, {"access": access}),
                    (r"/(.*)", PreviewFiles, {"access": access, **files})]

        class WithLiveScript(LiveScriptInjector):
            script = escape.utf8(LIVE_SCRIPT)

        try:
            web.Application(handlers, transforms=[WithLiveScript]).listen(port, address=host)
        except OSError as error:
            raise UsageError(f"cannot serve on {host} port {port}: {error.strerror or error}."
                             f"\nhint: {LISTEN_HINTS.get(error.errno, 'check --host and --port')}") from None
        print(f"Serving {self.preview.options.out} at {address(host, port)} (press Ctrl+C to stop).", flush=True)

    def _setup_logging(self) -> None:
        # livereload would log every request and its own internals; serve prints plain-English lines instead.
        logging.getLogger("tornado.access").disabled = True

    def stop(self) -> None:
        self.watcher.stop()


def address(host: str, port: int) -> str:
    """The address to open in a browser on this computer."""
    if host in EVERY_INTERFACE:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(options: BuildOptions, host: str, port: int) -> None:
    """Build, then serve options.out on host:port, rebuilding at each save, until Ctrl+C.

    A build error (in the first build too) is shown in the browser and the terminal, and serving goes on.
    """
    preview = Preview(options)
    server = PreviewServer(preview)
    server.watcher.observe()  # before the first build: a save made during it is rebuilt after
    try:
        preview.rebuild()
        server.serve(port=port, host=host, live_css=True)
    finally:
        server.stop()
