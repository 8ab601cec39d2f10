"""Stage 5: write outputs into a staging folder, then swap it in for the output folder.

The output folder is the only thing the generator owns. It refuses folders that could
hold anything else (a project, a home folder), replaces an existing folder only when it
carries the marker file it writes, and swaps atomically, so `_site/` is always either
the last good site or the new one, never a mix (issue 6; MkDocs #346 is the cautionary tale).
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
from pathlib import Path

from .errors import SiteError, UsageError

MARKER = ".ssg-output"
MARKER_TEXT = "This folder is written by build.py. Everything in it is replaced at each build.\n"
PROJECT_FILES = ("content", "templates", "site.yaml", ".git")
JOURNAL = ".ssg-journal.json"


def check_output_folder(root: Path, out: Path) -> None:
    """Refuse an output folder that might hold something that is not ours."""
    root, out = root.resolve(), out.resolve()
    home = Path.home().resolve()
    if out == root or root.is_relative_to(out) or out in (home, Path(out.anchor)):
        raise UsageError(f"refusing to use {out} as the output folder: it holds the project (or is /, or your home folder)."
                         "\nhint: use a folder of its own, like _site")
    for inside in ("content", "templates", "static", ".git"):
        if out.is_relative_to(root / inside):
            raise UsageError(f"refusing to write the site inside {root / inside}.\nhint: use a folder of its own, like _site")
    cache = root / ".cache" / "ssg"  # ssg.cache.CACHE_DIR (serve --drafts writes beside it, in .cache/preview)
    if out.is_relative_to(cache) or cache.is_relative_to(out):
        raise UsageError(f"refusing to use {out} as the output folder: it is or holds the build cache {cache}."
                         "\nhint: use a folder of its own, like _site")
    if out.is_dir():
        held = [name for name in PROJECT_FILES if (out / name).exists()]
        if held:
            raise UsageError(f"refusing to replace {out}: it holds {', '.join(held)}, so it looks like a project."
                             "\nhint: choose an empty or new folder for the site")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise UsageError(f"refusing to replace {out}: it is not empty and was not made by build.py "
                             f"(it has no {MARKER} file).\nhint: choose a new folder, or empty this one yourself")
    elif out.exists():
        raise UsageError(f"refusing to use {out} as the output folder: it is a file.\nhint: choose a folder name")


def recover(out: Path) -> None:
    """Finish or undo what a killed build left, so the output folder is the old site or the new one.

    A committed change set (`_site.commit-*`) is applied again (applying is idempotent); a
    swap cut short is undone; staging folders that never reached their commit are dropped.
    What a build still running in another process is doing (its number ends the folder's
    name) is left to it.
    """
    for commit in sorted(out.parent.glob(f"{out.name}.commit-*")):
        if _ours(commit) and not _still_running(commit):
            if (commit / JOURNAL).is_file() and out.is_dir():
                _apply(commit, out)
            _remove_ours(commit)
    for leftover in sorted(out.parent.glob(f"{out.name}.old-*")):
        if _still_running(leftover):
            continue
        if (leftover / MARKER).is_file() and not out.exists():
            os.rename(leftover, out)
        elif _ours(leftover):
            _remove_ours(leftover)
    for leftover in out.parent.glob(f"{out.name}.staging-*"):
        if _ours(leftover) and not _still_running(leftover):
            _remove_ours(leftover)


def _still_running(folder: Path) -> bool:
    """True if the build process that named this folder (`_site.staging-1234`) is running in another process."""
    number = folder.name.rpartition("-")[2]
    if not number.isdigit() or int(number) == os.getpid():  # this process builds one site at a time
        return False
    try:
        os.kill(int(number), 0)  # signal 0: only asks whether the process exists
    except (ProcessLookupError, OverflowError):  # no such process (and none can have too large a number)
        return False
    except PermissionError:  # one of another user's processes
        return True
    return True


def _ours(folder: Path) -> bool:
    """A folder the generator made carries its marker until the moment it is empty."""
    return (folder / MARKER).is_file() or not any(folder.iterdir())


def _remove_ours(folder: Path) -> None:
    """Delete a folder the generator made, its marker last, so a kill part-way leaves it recognisably ours."""
    for child in folder.iterdir():
        if child.name != MARKER:
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    shutil.rmtree(folder)


def marker_build_id(out: Path) -> str | None:
    try:
        text = (out / MARKER).read_text()
    except OSError:
        return None
    return text.rpartition("build ")[2].strip() or None


class Publisher:
    """Writes one build's outputs, then makes them the output folder in one step.

    Whole mode: every output goes into a new staging folder, swapped in for the old one.
    Changes mode (the output folder is known to hold the last build): only changed files
    go into the staging folder, with a journal of what to replace and delete; renaming the
    staging folder to `*.commit-*` is the moment of commit, after which the change set is
    applied, and re-applied by recover() if the process dies half-way.
    """

    def __init__(self, out: Path, changes_only: bool) -> None:
        self.out = out
        self.changes_only = changes_only
        self.staging = out.parent / f"{out.name}.staging-{os.getpid()}"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        (self.staging / MARKER).write_text(MARKER_TEXT)
        self.written: list[str] = []

    def write(self, path: str, data: bytes) -> os.stat_result:
        """Stage one output file; returns its stat (size and time, to recognise it later)."""
        parts = path.split("/")
        if path.startswith(("/", MARKER)) or ".." in parts or "" in parts:
            raise SiteError(path, None, "this output would be written outside the output folder", "rename the source file")
        # Plain strings and os calls, not pathlib: this runs for every file of a first build.
        target = os.path.join(self.staging, path)
        try:
            _make_folder(os.path.dirname(target))
            with open(target, "wb") as file:
                file.write(data)
                file.flush()  # all of it in the file before the stat, which the next build compares with
                stat = os.fstat(file.fileno())
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            raise SiteError(path, None, "two sources would publish to the same address", "rename one of them") from None
        self.written.append(path)
        return stat

    def commit(self, deleted: list[str], build_id: str) -> None:
        marker = MARKER_TEXT + f"build {build_id}\n"
        if not self.changes_only:
            (self.staging / MARKER).write_text(marker)
            swap_in(self.staging, self.out)
            return
        journal = {"write": self.written, "delete": deleted, "marker": marker}
        (self.staging / JOURNAL).write_text(json.dumps(journal))
        commit = self.out.parent / f"{self.out.name}.commit-{os.getpid()}"
        os.rename(self.staging, commit)   # the moment of commit
        _apply(commit, self.out)
        _remove_ours(commit)

    def abandon(self) -> None:
        if self.staging.exists():
            _remove_ours(self.staging)


def _make_folder(folder: str) -> None:
    """The folder a file goes into: usually a new one whose parent exists (one call), else every missing one."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            raise
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def _apply(commit: Path, out: Path) -> None:
    """Move a committed change set into the output folder. Safe to run twice."""
    journal = json.loads((commit / JOURNAL).read_text())
    for path in journal["write"]:
        source, target = commit / path, out / path
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for path in journal["delete"]:
        target = out / path
        if target.resolve().is_relative_to(out.resolve()):
            target.unlink(missing_ok=True)
            _remove_empty_folders(target.parent, out)
    temporary = out / f"{MARKER}.tmp"
    temporary.write_text(journal["marker"])
    os.replace(temporary, out / MARKER)


def _remove_empty_folders(folder: Path, out: Path) -> None:
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:  # not empty, or already gone
            return
        folder = folder.parent


def swap_in(staging: Path, out: Path) -> None:
    """Make `staging` the output folder in one step, and remove the old site."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        _remove_ours(staging)  # it now holds the old site
        return
    old = out.parent / f"{out.name}.old-{os.getpid()}"
    os.rename(out, old)       # a kill between these two renames is undone by recover()
    os.rename(staging, out)
    _remove_ours(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))
