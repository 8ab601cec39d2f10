"""Stage 5: write outputs into a staging folder, then swap it in for the output folder.

The output folder is the only thing the generator owns. It refuses folders that could
hold anything else (a project, a home folder), replaces an existing folder only when it
carries the marker file it writes, and swaps whole folders atomically, so `_site/` is at
every instant either the last good site or the new one, never a mix, even if the build is
killed (issues 6 and 12; MkDocs #346 is the cautionary tale).
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path

from ssg.errors import SiteError, UsageError

MARKER = ".ssg-output"
MARKER_TEXT = "This folder is written by build.py. Everything in it is replaced at each build.\n"
PROJECT_FILES = ("content", "templates", "site.yaml", ".git")


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
    cache = root / ".cache" / "ssg"  # ssg.build.cache.CACHE_DIR (serve --drafts writes beside it, in .cache/preview)
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
    """Tidy what a killed build left next to the output folder (which is the old site or the new one).

    A swap cut short where folders cannot be exchanged atomically is undone; staging folders
    are dropped (after an exchange, one holds the old site). What a build still running in
    another process is doing (its number ends the folder's name) is left to it.
    """
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

    Every output written goes into a new staging folder. In changes mode (the output folder
    is known to hold the last build) only changed files are written; at commit the staging
    folder gets a hard link to each unchanged file of the output folder (no bytes copied),
    so it holds the whole new site. Then the two folders are swapped atomically.
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
        stat = write_file(str(self.staging), path, data)
        self.written.append(path)
        return stat

    def written_elsewhere(self, path: str) -> None:
        """Count a file a worker process wrote into the staging folder with write_file()."""
        self.written.append(path)

    def commit(self, deleted: list[str], build_id: str) -> None:
        if self.changes_only:
            link_unchanged(self.out, self.staging, skip={MARKER, *self.written, *deleted})
        (self.staging / MARKER).write_text(MARKER_TEXT + f"build {build_id}\n")
        swap_in(self.staging, self.out)

    def abandon(self) -> None:
        if self.staging.exists():
            _remove_ours(self.staging)


def write_file(staging: str, path: str, data: bytes) -> os.stat_result:
    """Write one output into a staging folder; returns its stat (size and time, to recognise it later).

    Worker processes call this too, on a first build, each writing the pages it rendered.
    """
    parts = path.split("/")
    if path.startswith(("/", MARKER)) or ".." in parts or "" in parts:
        raise SiteError(path, None, "this output would be written outside the output folder", "rename the source file")
    # Plain strings and os calls, not pathlib: this runs for every file of a first build.
    target = os.path.join(staging, path)
    try:
        _make_folder(os.path.dirname(target))
        with open(target, "wb") as file:
            file.write(data)
            file.flush()  # all of it in the file before the stat, which the next build compares with
            return os.fstat(file.fileno())
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        raise SiteError(path, None, "two sources would publish to the same address", "rename one of them") from None


def _make_folder(folder: str) -> None:
    """The folder a file goes into: usually a new one whose parent exists (one call), else every missing one."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            raise
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def link_unchanged(out: Path, staging: Path, skip: set[str]) -> None:
    """Give `staging` a hard link to every file of `out` whose path is not in `skip`.

    The files are shared, not copied, and `out` is not changed: until the swap, readers see
    the old site whole. Folders are made only for files linked into them, so a folder whose
    files were all deleted is gone from the new site. Where a file system has no hard links,
    files are copied (with their times, which the next build compares).
    """
    def walk(source: str, target: str, prefix: str) -> None:
        made = os.path.isdir(target)
        with os.scandir(source) as entries:
            for entry in entries:
                path = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, os.path.join(target, entry.name), path + "/")
                elif path not in skip:
                    if not made:
                        _make_folder(target)
                        made = True
                    _link_or_copy(entry.path, os.path.join(target, entry.name))
    walk(str(out), str(staging), "")


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        shutil.copy2(source, target, follow_symlinks=False)


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
