"""Shared fixtures: build tiny whole sites in tmp_path from inline files, run the command line in-process."""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import io
import json
import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ssg.cli import main as command_line

PROJECT = Path(__file__).resolve().parent.parent

MINIMAL_CONFIG = """\
title: Test site
description: A site made by a test.
base_url: https://example.org/
contacts:
  - id: emergency
    label: "Emergency: call 999"
    number: "999"
    href: "tel:999"
    when: "A crime is happening now."
"""

# A valid quote file (content/quotes/ada.md in the tests that use it).
QUOTE = """---
speaker: Ada Example
role: Chief Constable
date: 2020-01-02
source: {title: A report, publisher: Example News, url: "https://example.org/report", date: 2020-01-03}
---
We want people to help safely.
"""


@dataclass
class Result:
    status: int
    out: str
    err: str


def run_cli(*args: str | Path) -> Result:
    """Run build.py's command line in this process and capture what it prints."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = command_line([str(a) for a in args], default_root=PROJECT, prog="build.py")
        except SystemExit as exit_:  # argparse usage errors
            status = exit_.code
    return Result(status, stdout.getvalue(), stderr.getvalue())


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")


def article(title: str = "An article", date: str = "2024-01-02", body: str = "Some text.", **extra: str) -> str:
    """Markdown source of a valid article with optional extra front matter lines."""
    lines = [f"title: {title}", "summary: A short summary.", f"date: {date}"] + [f"{k}: {v}" for k, v in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def new_site(folder: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """A small site in `folder` using the project's real templates and static files.

    `files` maps paths to text; "site.yaml" defaults to a minimal valid configuration.
    """
    shutil.copytree(PROJECT / "templates", folder / "templates")
    shutil.copytree(PROJECT / "static", folder / "static")
    write_files(folder, {"site.yaml": MINIMAL_CONFIG, "content/pages/index.md":
                         "---\ntitle: Home\nsummary: The home page.\n---\nWelcome.\n", **(files or {})})
    return folder


@pytest.fixture
def make_site(tmp_path: Path):
    """make_site(files, name="site") -> root of a new_site(tmp_path / name, files)."""
    def make(files: dict[str, str | bytes] | None = None, *, name: str = "site") -> Path:
        return new_site(tmp_path / name, files)
    return make


@pytest.fixture
def build_site():
    """build_site(root, *extra args) -> Result of `build.py build --root ROOT`."""
    def build(root: Path, *args: str) -> Result:
        return run_cli("build", "--root", root, *args)
    return build


MEMORY_FOLDER = Path("/dev/shm")
MEMORY_ROOM = 4 * 1024**3  # a whole run writes about 0.7 GB; pytest keeps the last three runs' folders


def in_memory(folder: Path) -> bool:
    """True if `folder` is a tmpfs (memory) mount where programs may run and there is room for the test runs."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
        room = shutil.disk_usage(folder).free
    except OSError:
        return False
    return room >= MEMORY_ROOM and any(
        fields[1] == str(folder) and fields[2] == "tmpfs" and "noexec" not in fields[3].split(",")
        for fields in (line.split() for line in mounts) if len(fields) > 3)


def pytest_configure(config: pytest.Config) -> None:
    """The tests' temporary folders (tmp_path) go in memory, in /dev/shm, when it is a tmpfs with room.

    The tests build thousands of small sites: on a disk, making and removing their folders and the
    build's fsyncs took a fifth of the suite's time. Nothing is asked of the disk that a tmpfs does
    differently (renames, hard and symbolic links, fsync all work). A --basetemp, a TMPDIR or a
    PYTEST_DEBUG_TEMPROOT (pytest's own setting for this) chosen by the person running the tests wins.
    Under pytest-xdist, the workers are given their folders inside the main process's.
    """
    chosen = config.option.basetemp or {"TMPDIR", "PYTEST_DEBUG_TEMPROOT"} & set(os.environ)
    if not chosen and in_memory(MEMORY_FOLDER):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY_FOLDER)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/browser/ drives a browser: `-m 'not browser'` leaves it out.

    The slow tests run first: run in parallel (./test.sh), the others are shared out among the
    workers meanwhile (--dist worksteal), instead of a slow test starting late and ending the run alone.
    """
    browser_tests = PROJECT / "tests" / "browser"
    for item in items:
        if browser_tests in item.path.parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: the rest keep their order


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder of this test run that all its processes share: under pytest-xdist each worker's
    own temporary folder is in the run's, which is new for every run."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def one_process_at_a_time(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """The folder `name` of this test run, shared by all its processes, locked for as long as the `with`
    lasts: the first process makes what they all read there, the others wait for it."""
    folder = shared_folder(tmp_path_factory) / name
    folder.mkdir(exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield folder


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The campaign site (content/, templates/, static/, site.yaml) built once per test run, as
    `./build.sh` builds it today: tests read it, never change it.

    The first worker process to ask builds it, holding a lock; the others wait for it and then read it.
    """
    from ssg.build.pipeline import BuildOptions, build
    with one_process_at_a_time(tmp_path_factory, "campaign") as folder:
        out, built = folder / "_site", folder / "built"
        if not built.exists():
            with pytest.MonkeyPatch.context() as patch:
                patch.delenv("SOURCE_DATE_EPOCH", raising=False)
                build(BuildOptions(root=PROJECT, out=out))
            built.touch()
    return out


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, work_out: Callable[[], Any]) -> Any:
    """What `work_out()` returns (made of JSON's types), worked out by the first process of this test run
    to ask, and read back by every later asker: for a costly check of the real site whose findings
    several tests assert on (each on its part), wherever pytest-xdist runs them."""
    with one_process_at_a_time(tmp_path_factory, name) as folder:
        found = folder / "found.json"
        if not found.exists():
            found.write_text(json.dumps(work_out()))
        return json.loads(found.read_text())


@pytest.fixture(scope="session")
def real_site_check(tmp_path_factory: pytest.TempPathFactory) -> Result:
    """What `build.py check` says of a copy of the campaign site, run once per test run: each test that
    reads it (test_corrections.py, test_editor_mistakes.py) asserts on its own part of the output."""
    def check() -> dict[str, Any]:
        root = tmp_path_factory.mktemp("check") / "site"
        for name in ("content", "templates", "static"):
            shutil.copytree(PROJECT / name, root / name)
        shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
        return dataclasses.asdict(run_cli("check", "--root", root))
    return Result(**once_per_run(tmp_path_factory, "campaign-check", check))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to compare two builds or prove nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
