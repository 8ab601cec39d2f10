"""`build.py serve --cms`: Decap CMS at /admin/ of the preview, with its local backend, decap-server.

The editor's page is never part of the built site: it is written into .cache/admin/ (the page,
the config.yml from ssg/editor/cms.py, the site's stylesheet for the preview pane, and Decap's
bundle copied from node_modules/, never a CDN) and served by the preview only, under a policy of
its own and `noindex`. So it is in no sitemap, feed or published folder, and the public pages stay
free of its script.

The page talks only to the preview: /admin/api/v1 passes its requests on to decap-server, which
listens on 127.0.0.1 and writes the files into content/. On the way, the preview
- refuses any file outside content/ (decap-server would write anywhere in the project, .git too);
- names the main language's file about.md, where Decap says about.en-GB.md (Decap 3 cannot be told
  to leave the main language out of the name), unless about.en-GB.md is the file on the disk;
- leaves out a translation the editor has not written: Decap saves one file per language of every
  entry, and a Welsh file with no Welsh words in it would be an empty page, refused by the build.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tornado import web
from tornado.httpclient import AsyncHTTPClient

from ssg.editor.cms import API_PATH, cms_config, config_yaml, main_locale_first, translated_folders
from ssg.errors import SiteError, UsageError
from ssg.model.config import load_config
from ssg.model.content import CONTENT_DIR, language_suffix, split_front_matter
from ssg.model.schema import load_yaml

ADMIN_PATH = "/admin/"
ADMIN_FOLDER = Path(".cache", "admin")
DECAP_BUNDLE = Path("decap-cms", "dist")
DECAP_SERVER = Path("decap-server", "dist", "index.js")
SITE_STYLESHEET = Path("static", "site.css")
START_SECONDS = 20
PATH_KEYS = ("path", "newPath", "folder", "mediaFolder")  # the places a decap-server request names a file

# Decap builds its forms with JSON-schema code compiled at run time (ajv: 'unsafe-eval') and styles
# them from script (emotion: 'unsafe-inline' styles); media previews are blob: and data: URLs. It talks
# to this preview and to nothing else.
ADMIN_POLICY = ("default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

# No </head>: serve adds its live-reload script before </head> of every page, and this page must not
# reload itself while an editor is typing (tests/browser/test_cms.py checks it is not there).
ADMIN_PAGE = """<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="robots" content="noindex, nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Content editor</title>
<body>
<script src="decap-cms.js"></script>
<script src="admin.js"></script>
</body>
</html>
"""
# The preview pane is styled by the site's own stylesheet.
ADMIN_SCRIPT = 'CMS.registerPreviewStyle("/admin/site.css");\n'


@dataclass(frozen=True)
class Admin:
    """The CMS while the preview runs: the folder /admin/ serves, and the decap-server behind /admin/api/v1."""
    folder: Path
    backend: str                       # decap-server's API address on 127.0.0.1
    names: FileNames

    def routes(self, access: Any) -> list[tuple[str, type, dict[str, Any]]]:
        """The preview's routes for /admin/ (access: serve's Access, which Host names and Origins it answers)."""
        return [(API_PATH, BackendProxy, {"access": access, "backend": self.backend, "names": self.names}),
                (ADMIN_PATH + "(.*)", AdminFiles, {"access": access, "path": str(self.folder),
                                                    "default_filename": "index.html"})]


class OutsideContent(ValueError):
    """A request names a file outside content/."""


@dataclass(frozen=True)
class FileNames:
    """Between Decap's file names and the site's (see the module's docstring)."""
    root: Path
    main: str                                    # Decap's name for the main language, like en-GB
    translated: dict[str, tuple[str, ...]]       # translated collection's folder -> its translated fields

    def on_disk(self, path: str) -> str:
        """The file a path from Decap means: content/pages/about.en-GB.md is about.md, unless it exists itself."""
        if (not path.startswith(CONTENT_DIR + "/") and path != CONTENT_DIR) or ".." in path.split("/") or "\\" in path:
            raise OutsideContent(path)
        folder, _, name = path.rpartition("/")
        main_suffix = f".{self.main}.md"
        if folder in self.translated and name.endswith(main_suffix) and not (self.root / path).exists():
            return f"{folder}/{name[:-len(main_suffix)]}.md"
        return path

    def in_editor(self, path: str) -> str:
        """The name Decap knows a file by: content/pages/about.md is about.en-GB.md."""
        folder, _, name = path.rpartition("/")
        if folder in self.translated and name.endswith(".md") and not language_suffix(name):
            return f"{folder}/{name[:-3]}.{self.main}.md"
        return path

    def request(self, body: Any) -> Any:
        """Decap's request with the site's file names, and without translations nobody wrote."""
        body = _paths_mapped(body, self.on_disk)
        params = body.get("params") if isinstance(body, dict) else None
        if isinstance(params, dict) and isinstance(params.get("dataFiles"), list):
            params["dataFiles"] = [file for file in params["dataFiles"] if not self.unwritten_translation(file)]
        return body

    def response(self, body: Any) -> Any:
        return _paths_mapped(body, self.in_editor)

    def unwritten_translation(self, data_file: Any) -> bool:
        """A file of another language than the main one with none of the words that language translates."""
        if not isinstance(data_file, dict) or not isinstance(data_file.get("raw"), str):
            return False  # not Decap's: decap-server refuses it
        path, raw = str(data_file.get("path", "")), data_file["raw"]
        folder = path.rpartition("/")[0]
        language = language_suffix(path)
        if folder not in self.translated or language in ("", self.main):
            return False
        try:
            front, line, body, _ = split_front_matter(raw, path)
            values = load_yaml(front, path, line) or {}
        except SiteError:
            return False  # written as it is: the build names the mistake
        written = isinstance(values, dict) and any(values.get(name) for name in self.translated[folder])
        return not written and not body.strip()


def _paths_mapped(value: Any, convert: Callable[[str], str]) -> Any:
    """`value` (JSON) with every file path in it converted."""
    if isinstance(value, dict):
        return {key: convert(item) if key in PATH_KEYS and isinstance(item, str)
                else [convert(path) for path in item] if key == "paths" and isinstance(item, list)
                else _paths_mapped(item, convert) for key, item in value.items()}
    if isinstance(value, list):
        return [_paths_mapped(item, convert) for item in value]
    return value


class AdminFiles(web.StaticFileHandler):
    """/admin/: the CMS's page and scripts, under their own policy, never indexed, for the preview's own names only."""

    def initialize(self, access: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.access = access
        super().initialize(**kwargs)

    def prepare(self) -> None:
        if not self.access.host_allowed(self.request.host_name):
            raise web.HTTPError(403)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Content-Security-Policy", ADMIN_POLICY)
        self.set_header("X-Robots-Tag", "noindex, nofollow")
        self.set_header("Cache-Control", "no-cache")

    def get_content_type(self) -> str:
        return "text/yaml; charset=UTF-8" if str(self.absolute_path).endswith(".yml") else super().get_content_type()


class BackendProxy(web.RequestHandler):
    """/admin/api/v1: the CMS page's requests to decap-server, for the preview's own pages only."""

    def initialize(self, access: Any, backend: str, names: FileNames) -> None:
        self.access, self.backend, self.names = access, backend, names

    def prepare(self) -> None:
        # Another web page open in the browser could post here: answer only the preview's own pages,
        # under the preview's own names (DNS rebinding: see serve's KnownHostsOnly).
        origin = self.request.headers.get("Origin", "")
        if not (self.access.host_allowed(self.request.host_name)
                and self.access.origin_allowed(origin, self.request.host)):
            raise web.HTTPError(403)

    async def post(self) -> None:
        try:
            body = self.names.request(json.loads(self.request.body))
        except ValueError:  # not JSON, or a file outside content/ (OutsideContent)
            raise web.HTTPError(403) from None
        answer = await AsyncHTTPClient().fetch(self.backend, method="POST", body=json.dumps(body),
                                               headers={"Content-Type": "application/json"},
                                               raise_error=False, request_timeout=120)
        self.set_status(answer.code if answer.code >= 200 else 502)
        self.set_header("Content-Type", "application/json")
        if answer.code == 200:
            self.finish(json.dumps(self.names.response(json.loads(answer.body))))
        else:
            self.finish(answer.body or b"{}")


def node_modules(root: Path) -> Path:
    """The node_modules/ with Decap in it: the site's own, else the one beside this package."""
    for folder in (root / "node_modules", Path(__file__).resolve().parents[2] / "node_modules"):
        if (folder / DECAP_BUNDLE / "decap-cms.js").is_file() and (folder / DECAP_SERVER).is_file():
            return folder
    raise UsageError("--cms needs Decap CMS, which is not installed.\n"
                     "hint: run `npm ci` in the project folder (it installs the versions package-lock.json pins)")


def find_node() -> str:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise UsageError("--cms needs Node.js, which is not installed on this computer.\n"
                         "hint: install Node.js 18 or later (Debian and Ubuntu: `sudo apt install nodejs npm`; "
                         "others: https://nodejs.org/), then run `npm ci` in the project folder")
    return node


def write_admin(root: Path, modules: Path) -> Path:
    """.cache/admin/: the page, config.yml from the content model, the site's stylesheet and Decap's scripts."""
    folder = root / ADMIN_FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(ADMIN_PAGE, encoding="utf-8")
    (folder / "admin.js").write_text(ADMIN_SCRIPT, encoding="utf-8")
    (folder / "config.yml").write_text(config_yaml(root, load_config(root)), encoding="utf-8")
    if (root / SITE_STYLESHEET).is_file():
        shutil.copyfile(root / SITE_STYLESHEET, folder / "site.css")
    for script in (modules / DECAP_BUNDLE).glob("*decap-cms.js"):  # the bundle and the parts it loads later
        shutil.copyfile(script, folder / script.name)
    return folder


def file_names(root: Path) -> FileNames:
    config = load_config(root)
    return FileNames(root.resolve(), main_locale_first(config)[0], translated_folders(cms_config(root, config)))


@contextlib.contextmanager
def cms_running(root: Path, port: int, preview_origin: str) -> Iterator[Admin]:
    """Write /admin/ and run decap-server on 127.0.0.1:`port`, editing the files under `root`, until the end."""
    node, modules = find_node(), node_modules(root)
    if _answers(port):  # else the program there would pass for decap-server
        raise UsageError(f"cannot start decap-server on 127.0.0.1 port {port}: another program uses it.\n"
                         "hint: stop that program, or choose another port with --cms-port")
    folder = write_admin(root, modules)
    environment = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
                   "GIT_REPO_DIRECTORY": str(root.resolve()), "LOG_LEVEL": "warn", "ORIGIN": preview_origin}
    process = subprocess.Popen([node, str(modules / DECAP_SERVER)], env=environment, cwd=root,
                               stdin=subprocess.DEVNULL)
    try:
        _wait_until_listening(process, port)
        yield Admin(folder, f"http://127.0.0.1:{port}/api/v1", file_names(root))
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def _wait_until_listening(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if _answers(port):
            return
        time.sleep(0.1)
    raise UsageError(f"decap-server did not start on 127.0.0.1 port {port}.\n"
                     "hint: run `npm ci` in the project folder again, or choose another port with --cms-port")
