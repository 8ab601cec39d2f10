"""`python build.py serve` in a child process, for the serve tests (tests/test_serve.py, tests/browser/)."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

PROJECT = Path(__file__).resolve().parent.parent
EPOCH = {"SOURCE_DATE_EPOCH": "1735732800"}  # 2025-01-01: previews and comparison builds agree on "today"
WAIT_SECONDS = 30  # generous for a loaded CI machine; every wait returns as soon as its condition holds


def ends_a_build(line: str) -> bool:
    return line.startswith("error: ") or " Built " in f" {line}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str]

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class PreviewProcess:
    """The preview server on a free loopback port; what it prints (stdout and stderr) is kept line by line."""

    def __init__(self, root: Path, *args: str, env: dict[str, str] | None = None, port: int | None = None) -> None:
        self.root = root
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self._printed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(root), "--port", str(self.port), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._printed:
                self.lines.append(line.rstrip("\n"))
                self._printed.notify_all()
        with self._printed:
            self._printed.notify_all()

    def wait_for(self, matches: Callable[[str], bool], after: int = 0, what: str = "the line expected",
                 timeout: float = WAIT_SECONDS) -> str:
        """The first printed line from index `after` on that `matches`; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._printed:
            while True:
                found = [line for line in self.lines[after:] if matches(line)]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"the server never printed {what}; it printed:\n" + "\n".join(self.lines))
                self._printed.wait(min(left, 0.5))

    def wait_until_serving(self, timeout: float = WAIT_SECONDS) -> PreviewProcess:
        self.wait_for(lambda line: line.startswith("Serving "), what="its address", timeout=timeout)
        return self

    def mark(self) -> int:
        """A position in the output: pass it as `after` to wait for what comes next."""
        with self._printed:
            return len(self.lines)

    def wait_for_build(self, after: int, timeout: float = WAIT_SECONDS) -> str:
        """The line that ends the first build after `after`: its summary, or its error."""
        return self.wait_for(ends_a_build, after, "the end of a build", timeout)

    def builds(self, after: int = 0) -> list[str]:
        with self._printed:
            return [line for line in self.lines[after:] if ends_a_build(line)]

    def get(self, path: str) -> Response:
        try:
            with OPENER.open(self.url + path, timeout=WAIT_SECONDS) as answer:
                return Response(answer.status, answer.read().decode(), dict(answer.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(), dict(error.headers))

    def stop(self) -> int:
        """Stop it as a process manager would (SIGTERM, handled like Ctrl+C); its exit status, once every line
        it printed is in `lines` (on a busy machine the reading thread can trail the process's end)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(WAIT_SECONDS)
        return self.process.returncode


class ReloadListener:
    """What an open page hears: connects to serve's socket, as a page of the preview, and keeps every message."""

    def __init__(self, url: str) -> None:
        self.messages: list[dict] = []  # {"command": "update", ...}
        self.warnings: list[dict] = []  # {"command": "warnings", ...}
        self._received = threading.Condition()
        self._socket = None
        self._loop = asyncio.new_event_loop()
        connected = threading.Event()
        listening = self._listen(url, connected)
        threading.Thread(target=self._loop.run_until_complete, args=(listening,), daemon=True).start()
        assert connected.wait(WAIT_SECONDS), "could not connect to /_serve/socket"

    async def _listen(self, url: str, connected: threading.Event) -> None:
        request = HTTPRequest(url.replace("http://", "ws://") + "/_serve/socket", headers={"Origin": url})
        self._socket = await websocket_connect(request)
        connected.set()
        while (message := await self._socket.read_message()) is not None:
            with self._received:
                received = json.loads(message)
                (self.warnings if received["command"] == "warnings" else self.messages).append(received)
                self._received.notify_all()

    def wait_for_updates(self, count: int) -> list[dict]:
        """The first `count` messages ({"command": "update", "reload": bool}); fails if fewer come in WAIT_SECONDS."""
        with self._received:
            assert self._received.wait_for(lambda: len(self.messages) >= count, WAIT_SECONDS), self.messages
            return self.messages[:count]

    def wait_for_warnings(self, count: int) -> list[dict]:
        """The first `count` warnings messages; fails if fewer come within WAIT_SECONDS."""
        with self._received:
            assert self._received.wait_for(lambda: len(self.warnings) >= count, WAIT_SECONDS), self.warnings
            return self.warnings[:count]

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._socket.close)


@pytest.fixture
def preview():
    """preview(root, *args) -> a PreviewProcess that is serving; every one is stopped at teardown."""
    started: list[PreviewProcess] = []

    def start(root: Path, *args: str) -> PreviewProcess:
        started.append(PreviewProcess(root, *args, env=EPOCH))
        return started[-1].wait_until_serving()

    yield start
    for server in started:
        server.stop()
