"""Fixtures for real-browser tests: Debian's Chromium driven by Playwright,
and a local HTTP server for a built site directory.

Outside CI a missing Chromium skips the tests; under CI=true it fails them.
Helpers (run_axe, validate_html, ...) live in tests/browser/helpers.py.
Typical use in a test module of this package:

    from .helpers import collect_console_errors, collect_offsite_requests, run_axe

    def test_home(page, serve_dir, built_site):
        base = serve_dir(built_site, headers={"Content-Security-Policy": CSP})
        offsite = collect_offsite_requests(page, base)
        errors = collect_console_errors(page)
        page.goto(f"{base}/")
        assert run_axe(page) == []
        assert errors == [] and offsite == []
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from .helpers import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, require

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def chromium_browser():
    """A headless Debian Chromium (Playwright Browser), shared by the session."""
    require(os.access(CHROMIUM, os.X_OK), CHROMIUM, "apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright package", "pip install -r requirements-dev.txt")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, request):
    """A fresh page in its own browser context (10 s default timeout).

    If the test fails, a screenshot is saved to tests/artifacts/.
    """
    context = chromium_browser.new_context()
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not pg.is_closed():
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        with contextlib.suppress(Exception):  # a screenshot is a bonus; never mask the failure
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep the call-phase report on the item, for the `page` fixture."""
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static file handler: quiet, extra headers, 404.html for missing paths."""

    extra_headers: ClassVar[dict[str, str]] = {}
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".webmanifest": "application/manifest+json",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".xml": "application/xml",
    }

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def end_headers(self):
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code, message=None, explain=None):
        page_404 = Path(self.directory) / "404.html"
        if code != 404 or not page_404.is_file():
            return super().send_error(code, message, explain)
        body = page_404.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(path, headers=None) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve `path` over HTTP on a free loopback port from a background thread, adding `headers` to every
    response and 404.html with status 404 for missing paths: (base URL with no trailing slash, the server,
    to shut down and close)."""
    handler = type("Handler", (_Handler,), {"extra_headers": dict(headers or {})})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(path)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture
def serve_dir():
    """Factory: serve_dir(path, headers=None) -> base URL, e.g.
    "http://127.0.0.1:41234" (no trailing slash).

    Serves `path` (see serve()), adding `headers` (e.g. {"Content-Security-Policy": ...}) to every
    response. All servers stop at teardown.
    """
    servers = []

    def start(path, headers=None) -> str:
        base, server = serve(path, headers)
        servers.append(server)
        return base

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
