"""A build killed at any moment never leaves a mix of two sites (issue 6).

A site of a few hundred articles is built; then every article changes and the build is
started again and killed (SIGKILL, no chance to tidy up) at different moments: at random
times, as soon as its staging folder appears, and as soon as it starts to swap. After each
kill, recovering (the first thing the next build does) must leave _site/ exactly the old
site or exactly the new one; the next build must succeed and leave no staging folders.
Publishing has two paths, whole (a new folder swapped in) and changes only (a journal,
used when the cache matches the output folder): both are killed.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, PROJECT, article, run_cli, snapshot, write_files
from ssg.build.publish import MARKER, recover

ARTICLES = 120
LEFTOVERS = ("_site.staging-", "_site.old-", "_site.commit-")


def articles(version: str) -> dict[str, str]:
    return {f"content/articles/a-{n:03d}.md": article(f"{version} article {n}", date=f"2024-{n % 12 + 1:02d}-01",
                                                      tags=f"[topic-{n % 7}]", body=f"{version} text {n}. " * 20)
            for n in range(ARTICLES)}


def build(root: Path, out: Path | None = None) -> None:
    result = run_cli("build", "--root", root, "--jobs", "1", *(["--out", out] if out else []))
    assert result.status == 0, result.err


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def leftovers(root: Path) -> list[str]:
    return sorted(name for name in os.listdir(root) if name.startswith(LEFTOVERS))


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """(a site built with the old articles, then edited to the new ones; old _site; new _site; build seconds)."""
    base = tmp_path_factory.mktemp("kill")
    root = base / "site"
    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(PROJECT / "static", root / "static")
    write_files(root, {"site.yaml": MINIMAL_CONFIG, "content/pages/index.md": "---\ntitle: Home\nsummary: S.\n---\nHi.\n",
                       **articles("Old")})
    build(root)
    old = snapshot(root / "_site")
    write_files(root, articles("New"))
    started = time.monotonic()
    build(root, base / "fresh")  # the new site, built from nothing into a folder of its own
    seconds = time.monotonic() - started
    new = snapshot(base / "fresh")
    shutil.rmtree(base / "fresh")
    assert old != new and len(new) > ARTICLES
    return root, old, new, seconds


def kill_when(process: subprocess.Popen, root: Path, moment: str, delay: float) -> None:
    """SIGKILL the build at `moment`: after `delay` seconds, when a staging folder shows, or when the swap starts.

    The swap has started once a commit or old folder shows, or _site/'s marker (which names
    the build) has changed: then the old site is being removed.
    """
    started = time.monotonic()
    marker = (root / "_site" / MARKER).read_bytes()
    while process.poll() is None and time.monotonic() - started < 60:
        names = os.listdir(root)
        if moment == "random" and time.monotonic() - started >= delay:
            break
        if moment == "staging" and any(name.startswith("_site.staging-") for name in names):
            break
        if moment == "swap" and (any(name.startswith(("_site.commit-", "_site.old-")) for name in names)
                                 or _read(root / "_site" / MARKER) != marker):
            break
        time.sleep(0.0005)
    process.send_signal(signal.SIGKILL)
    process.wait()


# (moment, fraction of a build's time for "random")
MOMENTS = [("random", 0.3), ("random", 0.8), ("staging", 0), ("swap", 0)]


@pytest.mark.parametrize("whole", [True, False], ids=["whole-folder", "changes-only"])
def test_a_killed_build_leaves_the_old_site_or_the_new_one(sites, tmp_path, whole):
    template, old, new, seconds = sites
    outcomes = []
    for moment, delay in MOMENTS:
        root = tmp_path / f"{moment}-{delay}"
        shutil.copytree(template, root, symlinks=True)
        if whole:
            shutil.rmtree(root / ".cache")  # no cache: every output is rendered into a new folder
        process = subprocess.Popen([sys.executable, PROJECT / "build.py", "build", "--root", root, "--jobs", "1"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when(process, root, moment, seconds * delay * random.uniform(0.5, 1.5))

        recover(root / "_site")
        after = snapshot(root / "_site")
        assert after in (old, new), f"killed at {moment} {delay}: _site/ is a mix of the old and new sites"
        outcomes.append("old" if after == old else "new")

        build(root)
        assert snapshot(root / "_site") == new
        assert leftovers(root) == []
        shutil.rmtree(root)
    assert "old" in outcomes  # the kills did land before the end of the build


def test_ctrl_c_while_pages_render_in_worker_processes_prints_one_plain_line(sites, tmp_path):
    """Ctrl-C reaches the build and its worker processes (the whole process group): the build
    says 'stopped' and nothing else (no worker prints a traceback), and the last site stays."""
    template, old, new, seconds = sites
    root = tmp_path / "site"
    shutil.copytree(template, root, symlinks=True)
    shutil.rmtree(root / ".cache")
    process = subprocess.Popen([sys.executable, PROJECT / "build.py", "build", "--root", root, "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < 60:  # until the workers have written a page
        if any((root / name / "articles").is_dir() for name in os.listdir(root) if name.startswith("_site.staging-")):
            break
        time.sleep(0.001)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (130, "", "stopped\n")
    assert snapshot(root / "_site") == old
    assert leftovers(root) == []


# --- a template edit of a large site, killed at many points (issue 12, class 8) ----------------
# Kills the incremental build (the cache matches _site/, so only changed files are written and
# the rest are linked into the new folder) and looks at _site/ straight after, with no recovery.

LARGE = 1500
KILL_POINTS = [("first change", 0), ("staging", 0), ("linking", 0), ("swap", 0)] + \
    [("random", f / 10) for f in range(1, 11)]
WATCHED = ("index.html", "articles/index.html", "tags/index.html", MARKER)  # files the template edit changes


def _load_generator():
    """bench/generate.py, the benchmark's site writer."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_generate", PROJECT / "bench" / "generate.py")
    module = sys.modules.setdefault("bench_generate", importlib.util.module_from_spec(spec))
    if not hasattr(module, "write_site"):
        spec.loader.exec_module(module)
    return module


def edit_template(root: Path) -> None:
    base = root / "templates" / "base.html"
    text = base.read_text()
    base.write_text(text.replace('<meta name="viewport"', '<meta name="generator" content="edited">\n'
                                                          '<meta name="viewport"', 1))


def _copy_in(template: Path, root: Path) -> None:
    """Put the edited site, its old _site/ and its cache at `root` (the path the cache names), times kept.

    The cache's key file stays where it is: the cache trusts only the key file it made (its inode
    and change time are part of the key), and a copied key file is a new file.
    """
    key = root / ".cache" / "ssg" / "key"
    if root.exists():
        for folder, folders, files in os.walk(root, topdown=False):
            for name in files + [f for f in folders if os.path.islink(os.path.join(folder, f))]:
                if Path(folder, name) != key:
                    os.unlink(os.path.join(folder, name))
            if folder != str(root) and not key.is_relative_to(folder) and not os.listdir(folder):
                os.rmdir(folder)
    keep_key = (lambda folder, names: ["key"] if Path(folder) == template / ".cache" / "ssg" else [])
    shutil.copytree(template, root, symlinks=True, dirs_exist_ok=True, ignore=keep_key)


@pytest.fixture(scope="module")
def large_site(tmp_path_factory):
    """(edited site with its old _site/ and cache, kept aside; where it is built; old _site/; new _site/; seconds)."""
    base = tmp_path_factory.mktemp("kill-large")
    root, template = base / "site", base / "template"
    _load_generator().write_site(root, LARGE)
    build(root)
    old = snapshot(root / "_site")
    edit_template(root)
    shutil.copytree(root, template, symlinks=True)
    _copy_in(template, root)
    robots = (root / "_site" / "robots.txt").stat().st_ino
    started = time.monotonic()
    build(root)
    seconds = time.monotonic() - started
    new = snapshot(root / "_site")
    assert (root / "_site" / "robots.txt").stat().st_ino == robots  # incremental: unchanged files were linked
    changed = [name for name in new if old.get(name) != new[name]]
    assert len(old) > LARGE and len(changed) > LARGE
    return template, root, old, new, seconds


def _inodes(site: Path) -> list[int | None]:
    def inode(path: Path) -> int | None:
        try:
            return path.stat().st_ino
        except OSError:
            return None
    return [inode(site / name) for name in WATCHED]


def kill_large_when(process: subprocess.Popen, root: Path, moment: str, delay: float) -> None:
    """SIGKILL at `moment`: after `delay` s; as soon as any watched file of _site/ is replaced; when staging
    shows; once unchanged files are being linked; at the swap (_site/'s marker changed)."""
    started = time.monotonic()
    marker, inodes = (root / "_site" / MARKER).read_bytes(), _inodes(root / "_site")
    while process.poll() is None and time.monotonic() - started < 300:
        if moment == "random" and time.monotonic() - started >= delay:
            break
        if moment == "first change" and _inodes(root / "_site") != inodes:
            break
        staging = [root / name for name in os.listdir(root) if name.startswith("_site.staging-")]
        if moment == "staging" and staging:
            break
        if moment == "linking" and any((folder / "robots.txt").exists() for folder in staging):
            break
        if moment == "swap" and _read(root / "_site" / MARKER) != marker:
            break
        time.sleep(0.0005)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_a_template_edit_killed_at_any_point_leaves_the_old_site_or_the_new_one(large_site):
    template, root, old, new, seconds = large_site
    outcomes = []
    for moment, fraction in KILL_POINTS:
        _copy_in(template, root)
        process = subprocess.Popen([sys.executable, PROJECT / "build.py", "build", "--root", root],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_large_when(process, root, moment, seconds * fraction * 1.2)
        after = snapshot(root / "_site")  # before anything else runs: no recovery step
        assert after in (old, new), f"killed at {moment} {fraction}: _site/ is a mix of the old and new sites"
        outcomes.append("old" if after == old else "new")
    assert "old" in outcomes and "new" in outcomes, outcomes  # kills landed before and after the swap
    build(root)
    assert snapshot(root / "_site") == new
    assert leftovers(root) == []
