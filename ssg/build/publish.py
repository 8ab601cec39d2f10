"""Stage 5: write outputs into a staging folder, then swap it in for the output folder.

The output folder is the only thing the generator owns. It refuses folders that could
hold anything else (a project, a home folder), replaces an existing folder only when it
carries the marker file it writes, and swaps whole folders atomically, so `_site/` is at
every instant either the last good site or the new one, never a mix, even if the build is
killed (issues 6 and 12; MkDocs #346 is the cautionary tale). The folder a swap leaves
behind is kept as the next build's staging folder (see Publisher), so a small rebuild
costs O(changes), not O(files).
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
from pathlib import Path

from ssg.errors import SiteError, UsageError
from ssg.safe_files import holds_the_project, remove_empty_folders

MARKER = ".ssg-output"
MARKER_TEXT = "This folder is written by build.py. Everything in it is replaced at each build.\n"
PROJECT_FILES = ("content", "templates", "site.yaml", ".git")
SPARE_JOURNAL = MARKER + "-spare"  # in the spare folder only: which build it trails, and what that build changed


def check_output_folder(root: Path, out: Path) -> None:
    """Refuse an output folder that might hold something that is not ours."""
    root, out = root.resolve(), out.resolve()
    if holds_the_project(out, root):
        raise UsageError(f"refusing to use {out} as the output folder: "
                         "it holds the project (or is /, or your home folder)."
                         "\nhint: use a folder of its own, like _site")
    for inside in ("content", "templates", "static", ".git"):
        if out.is_relative_to(root / inside):
            raise UsageError(f"refusing to write the site inside {root / inside}."
                             "\nhint: use a folder of its own, like _site")
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

    Every output written goes into a staging folder that no reader sees. In changes mode
    (the output folder is known to hold the last build) only changed files are written, and
    the staging folder is the *spare*: the folder the last swap left behind, kept as
    `_site.spare` with a journal of the paths that build wrote or deleted. It shares every
    other file with `_site/` through hard links, so re-linking those few paths makes it equal
    to `_site/` again: publishing costs O(changes). Without a trusted spare (none, a journal
    that does not name the output folder's build, anything odd), the staging folder is new
    and gets a hard link to each unchanged file (no bytes copied). Either way the two folders
    are then swapped atomically, and the old one becomes the next build's spare.
    """

    def __init__(self, out: Path, changes_only: bool, keep_spare: bool = True) -> None:
        self.out = out
        self.changes_only = changes_only
        self.staging = out.parent / f"{out.name}.staging-{os.getpid()}"
        self.ready = False       # in changes mode the staging folder is made at the first write
                                 # (a no-op build makes none)
        self.from_spare = False
        self.written: list[str] = []
        self.touched: list[str] = []  # paths of the spare this build has changed (written or deleted)
        self.linked = 0  # files linked (or copied) into the staging folder besides those written
        self._safe_folders: set[str] = set()
        # A first build also links each file it writes into a twin of the staging folder, which becomes
        # the spare: so the first edit after it costs O(changes) too, not a link to every file. Not a
        # build whose output no later build starts from (`keep_spare` False: check's throw-away build).
        self.twin = out.parent / f"{out.name}.staging-twin-{os.getpid()}" if keep_spare and not changes_only else None
        if not changes_only:
            self._make_ready()  # a first build's worker processes write into it: it must exist before they fork

    def _make_ready(self) -> None:
        if self.staging.exists():  # left by a build of this process that was stopped
            shutil.rmtree(self.staging)
        self.from_spare = self.changes_only and self._take_spare()
        if not self.from_spare:
            self._new_staging()
        if self.twin is not None:
            _new_folder_of_ours(self.twin)
        self.ready = True

    def _new_staging(self) -> None:
        _new_folder_of_ours(self.staging)

    def _take_spare(self) -> bool:
        """Make the spare the staging folder, equal to the output folder; False (and no spare) if it is not trusted."""
        spare = spare_folder(self.out)
        changed = _spare_journal(spare, marker_build_id(self.out))
        if changed is None:
            return False
        try:
            os.rename(spare, self.staging)  # taken: a kill from here on leaves a staging folder, which recover() drops
            os.unlink(self.staging / SPARE_JOURNAL)
            for path in changed:
                self.linked += self._catch_up(path)
        except OSError:
            if self.staging.exists():
                _remove_ours(self.staging)
            self.linked = 0
            return False
        return True

    def _catch_up(self, path: str) -> int:
        """Make one path of the staging folder what it is in the output folder; returns 1 if a file was linked."""
        target = os.path.join(self.staging, path)
        self._check_folder(os.path.dirname(target))
        _unlink_if_there(target)
        source = os.path.join(self.out, path)
        if not os.path.isfile(source) or os.path.islink(source):
            remove_empty_folders(os.path.dirname(target), str(self.staging))
            return 0
        _make_folder(os.path.dirname(target))
        _link_or_copy(source, target)
        return 1

    def _check_folder(self, folder: str) -> None:
        """Refuse to work through a folder of the spare that leads elsewhere (a planted symlink)."""
        if folder in self._safe_folders:
            return
        real = os.path.realpath(folder)
        if real != folder and not real.startswith(str(self.staging) + os.sep):
            raise NotADirectoryError(errno.ENOTDIR, "a folder of the spare leads outside it", folder)
        self._safe_folders.add(folder)

    def write(self, path: str, data: bytes) -> os.stat_result:
        """Stage one output file; returns its stat (size and time, to recognise it later)."""
        if not self.ready:
            self._make_ready()
        try:
            stat = self._write(path, data)
        except (SiteError, OSError):
            if not self.from_spare:
                raise
            self._leave_spare()  # an old file stands where a folder now goes (or the reverse): start clean
            return self.write(path, data)
        self.written.append(path)
        return stat

    def _write(self, path: str, data: bytes) -> os.stat_result:
        if self.from_spare:
            check_output_path(path)
            target = os.path.join(self.staging, path)
            self._check_folder(os.path.dirname(target))
            self.touched.append(path)
            _unlink_if_there(target)  # never write into a file: the spare shares it with the output folder
        return write_file(str(self.staging), path, data, str(self.twin) if self.twin else None)

    def written_elsewhere(self, path: str) -> None:
        """Count a file a worker process wrote into a first build's staging folder with write_file()."""
        self.written.append(path)

    def _leave_spare(self) -> None:
        """Carry what this build wrote into a new staging folder, drop the spare, and go on without it."""
        spare = self.staging.with_name(self.staging.name + "-spare")
        os.rename(self.staging, spare)
        self.from_spare = False
        self._new_staging()
        for path in self.written:
            _make_folder(os.path.dirname(os.path.join(self.staging, path)))
            os.rename(os.path.join(spare, path), os.path.join(self.staging, path))
        _remove_ours(spare)

    def commit(self, deleted: list[str], build_id: str) -> None:
        if not self.ready:
            self._make_ready()
        if self.from_spare:
            try:
                self._delete(deleted)
            except OSError:
                self._leave_spare()
        if self.changes_only and not self.from_spare:
            self.linked += link_unchanged(self.out, self.staging, skip={MARKER, *self.written, *deleted})
        _unlink_if_there(str(self.staging / MARKER))
        (self.staging / MARKER).write_text(MARKER_TEXT + f"build {build_id}\n")
        old = swap_in(self.staging, self.out)
        # The new site is in place: from here on, a failure only loses the spare, which is a speed-up.
        with contextlib.suppress(OSError):
            if self.twin is not None:  # a first build: its twin is the new site again; the old site is of no use
                if old is not None:
                    _remove_ours(old)
                keep_as_spare(self.twin, self.out, build_id, [])
            elif old is not None:  # the old site, sharing every file but these with the new one
                keep_as_spare(old, self.out, build_id, [*self.written, *deleted])

    def _delete(self, deleted: list[str]) -> None:
        for path in deleted:
            target = os.path.join(self.staging, path)
            self.touched.append(path)
            self._check_folder(os.path.dirname(target))
            _unlink_if_there(target)
            remove_empty_folders(os.path.dirname(target), str(self.staging))

    def abandon(self) -> None:
        """Drop the staging folder; a spare goes back, with what this build changed in it added to its journal."""
        if self.from_spare and self.staging.is_dir():
            site_build = marker_build_id(self.out)
            if site_build is not None:
                keep_as_spare(self.staging, self.out, site_build, self.touched)
                return
        for folder in (self.staging, self.twin):
            if folder is not None and folder.exists():
                _remove_ours(folder)


def _new_folder_of_ours(folder: Path) -> None:
    """A new, empty folder carrying the marker (one a killed build left under the same name goes)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text(MARKER_TEXT)


def spare_folder(out: Path) -> Path:
    return out.parent / f"{out.name}.spare"


def _spare_journal(spare: Path, site_build: str | None) -> list[str] | None:
    """The paths that differ between the spare and the output folder, if the spare trails its build exactly."""
    try:
        if spare.is_symlink() or not (spare / MARKER).is_file() or site_build is None:
            return None
        journal = json.loads((spare / SPARE_JOURNAL).read_text())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    changed = journal.get("changed") if isinstance(journal, dict) else None
    if journal.get("site") != site_build or not isinstance(changed, list) or \
            not all(isinstance(path, str) and _plain_path(path) for path in changed):
        return None
    return changed


def _plain_path(path: str) -> bool:
    """A path inside a folder of ours, written the one way the build writes it, that is not the marker."""
    parts = path.split("/")
    return not path.startswith(("/", MARKER)) and ".." not in parts and "" not in parts and "\0" not in path


def remove_spare(out: Path) -> None:
    spare = spare_folder(out)
    if spare.is_dir() and not spare.is_symlink() and _ours(spare):
        _remove_ours(spare)


def keep_as_spare(old: Path, out: Path, build_id: str, changed: list[str]) -> None:
    """Keep the folder a swap left behind as the next build's spare (or remove it if that name is taken)."""
    remove_spare(out)
    spare = spare_folder(out)
    if spare.exists() or spare.is_symlink():
        _remove_ours(old)
        return
    (old / SPARE_JOURNAL).write_text(json.dumps({"site": build_id, "changed": changed}))
    os.rename(old, spare)  # trusted from this instant: its journal names the build now in the output folder


def _unlink_if_there(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def check_output_path(path: str) -> None:
    """Refuse an output path that would leave the output folder (or replace its marker)."""
    if not _plain_path(path):
        raise SiteError(path, None, "this output would be written outside the output folder", "rename the source file")


def write_file(staging: str, path: str, data: bytes, twin: str | None = None) -> os.stat_result:
    """Write one output into a staging folder, and link it into `twin` if given; returns its stat (size
    and time, to recognise it later).

    Worker processes call this too, on a first build, each writing the pages it rendered.
    """
    check_output_path(path)
    # Plain strings and os calls, not pathlib: this runs for every file of a first build.
    target = os.path.join(staging, path)
    try:
        _make_folder(os.path.dirname(target))
        with open(target, "wb") as file:
            file.write(data)
            file.flush()  # all of it in the file before the stat, which the next build compares with
            stat = os.fstat(file.fileno())
        if twin is not None:
            _make_folder(os.path.dirname(os.path.join(twin, path)))
            _link_or_copy(target, os.path.join(twin, path))
        return stat
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


def link_unchanged(out: Path, staging: Path, skip: set[str]) -> int:
    """Give `staging` a hard link to every file of `out` whose path is not in `skip`.

    The files are shared, not copied, and `out` is not changed: until the swap, readers see
    the old site whole. Folders are made only for files linked into them, so a folder whose
    files were all deleted is gone from the new site. Where a file system has no hard links,
    files are copied (with their times, which the next build compares). Returns how many.
    """
    linked = 0

    def walk(source: str, target: str, prefix: str) -> None:
        nonlocal linked
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
                    linked += 1
    walk(str(out), str(staging), "")
    return linked


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        shutil.copy2(source, target, follow_symlinks=False)


def swap_in(staging: Path, out: Path) -> Path | None:
    """Make `staging` the output folder in one step; returns the folder now holding the old site, if any."""
    if not out.exists():
        os.rename(staging, out)
        return None
    if _exchange(staging, out):
        return staging  # it now holds the old site
    old = out.parent / f"{out.name}.old-{os.getpid()}"
    os.rename(out, old)       # a kill between these two renames is undone by recover()
    os.rename(staging, out)
    return old


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    import ctypes  # here, not at the top: a build that changes nothing swaps nothing (start-up time)
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
