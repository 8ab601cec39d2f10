"""The one rule for every file the build reads from the site folder (issue 12, class 5).

A source is a regular file whose real path is inside its own source folder: content/,
templates/, static/, or the site folder itself for site.yaml. Anything else (a link that
leaves that folder or leads nowhere, a named pipe, a device, a socket) is refused with
its path and a hint. Files are opened without blocking and checked once open, so a named
pipe put in place after the folder was listed cannot make the build wait. Names starting
with '.' are never read or published: editors' files, version control (.git), secrets (.env).

What the generator writes outside the output folder (its cache, a deploy folder) is written
whole, in one step, and never through a link (write_atomically).
"""
from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import jinja2
from jinja2.loaders import split_template_path

from ssg.errors import SiteError

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
# A new file only: never one already there, nor a link planted in its place (O_EXCL refuses a link too;
# O_NOFOLLOW says so twice).
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class SourceFolder:
    """A folder the build reads (content/, static/...): every file in it must stay inside `real`."""
    path: str    # where it is: <root>/static
    shown: str   # as messages name it: "static"
    real: str    # its real path, links resolved
    site: str    # the real path of the site folder, to say where a link leads


class Entry(NamedTuple):  # a NamedTuple: a site has thousands, and a frozen dataclass is slower to make
    """A visible name in a source folder: a regular file or a folder (links already checked)."""
    name: str
    path: str         # to open it: <root>/static/img/x.png
    shown: str        # static/img/x.png
    is_folder: bool


def source_folder(root: Path, name: str) -> SourceFolder:
    """The source folder `name` of the site at `root`.

    It may be a link only to a visible folder inside the site folder: a `static` link to
    /etc, to the home folder or to .git would otherwise publish what is there.
    """
    site = os.path.realpath(root)
    path = os.path.join(root, name)
    real = os.path.realpath(path)
    if os.path.islink(path) and not (os.path.isdir(real) and _visible_inside(real, site)):
        raise SiteError(name, None, "this folder is a link that points outside the site folder, or nowhere",
                        "replace the link with a real folder holding the files")
    return SourceFolder(path, name, real, site)


def list_folder(folder: SourceFolder, relative: str = "") -> list[Entry]:
    """The visible entries of a folder (or of one of its sub-folders), sorted by name; none if it does not exist.

    Names starting with '.' are skipped without being looked at. A link is followed only to a
    regular file or folder inside `folder`; a named pipe, device or socket is refused.
    """
    directory = os.path.join(folder.path, relative)
    try:
        with os.scandir(directory) as scanned:
            found = sorted((entry for entry in scanned if not entry.name.startswith(".")), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    entries = []
    prefix = "".join(f"{part}/" for part in (folder.shown, relative) if part)
    for entry in found:
        shown = prefix + entry.name
        if entry.is_symlink():
            is_folder = _checked_link(folder, entry.path, shown, directory)
        elif entry.is_dir(follow_symlinks=False):
            is_folder = True
        elif entry.is_file(follow_symlinks=False):
            is_folder = False
        else:
            raise not_a_file(shown, entry.stat(follow_symlinks=False).st_mode)
        entries.append(Entry(entry.name, entry.path, shown, is_folder))
    return entries


def walk_files(folder: SourceFolder, relative: str = "") -> Iterator[Entry]:
    """Every visible regular file under `folder`, in name order, hidden folders left out."""
    for entry in list_folder(folder, relative):
        inner = f"{relative}/{entry.name}" if relative else entry.name
        if entry.is_folder:
            yield from walk_files(folder, inner)
        else:
            yield entry


def checked_site_file(root: Path, name: str) -> str:
    """A file at the top of the site folder (site.yaml), where a link must lead to a visible file inside it."""
    site = os.path.realpath(root)
    file = os.path.join(root, name)
    check_file(SourceFolder(os.fspath(root), "", site, site), file, name)
    return file


def check_file(folder: SourceFolder, file: str, shown: str) -> None:
    """Refuse `file` (in `folder`) if it is a link that leaves the folder, or not a regular file."""
    if os.path.islink(file) and _checked_link(folder, file, shown, os.path.dirname(file)):
        raise IsADirectoryError(file)


def _checked_link(folder: SourceFolder, link: str, shown: str, directory: str) -> bool:
    """Check a link found in `directory`; True if it leads to a folder, False if to a regular file."""
    try:
        real = os.path.realpath(link, strict=True)
        mode = os.stat(real).st_mode
    except (OSError, RuntimeError):
        raise SiteError(shown, None, "this link points to a file that does not exist, or to itself",
                        "replace the link with the real file") from None
    if not _visible_inside(real, folder.real):
        outside_folder = real == folder.real or os.path.relpath(real, folder.real).startswith("..")
        where = ("outside the site folder" if os.path.relpath(real, folder.site).startswith("..")
                 else f"outside {folder.shown}/" if outside_folder
                 else "to a hidden file or folder")
        if stat.S_ISDIR(mode):
            raise SiteError(shown, None, f"this folder is a link that points {where}, or nowhere",
                            "replace the link with a real folder holding the files")
        raise SiteError(shown, None, f"this link points {where}",
                        f"copy the file into {folder.shown + '/' if folder.shown else 'the site folder'} "
                        "instead of linking to it")
    if stat.S_ISDIR(mode):
        if _visible_inside(os.path.realpath(directory), real) or real == os.path.realpath(directory):
            raise SiteError(shown, None, "this link points to a folder that holds it, an endless loop",
                            "replace the link with a real folder holding the files")
        return True
    if not stat.S_ISREG(mode):
        raise not_a_file(shown, mode)
    return False


def _visible_inside(real: str, folder: str) -> bool:
    """True if the real path `real` is inside the real folder `folder`, through no hidden folder or file."""
    relative = os.path.relpath(real, folder)
    parts = relative.split(os.sep)
    return relative != "." and parts[0] != ".." and not any(part.startswith(".") for part in parts)


def not_a_file(shown: str, mode: int) -> SiteError:
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return SiteError(shown, None, f"this is {kind}, not a regular file",
                     "only ordinary files can be part of the site: delete it, or replace it with a real file")


def read_bytes(file: str | Path, shown: str, limit: int | None = None) -> bytes:
    """The bytes of a regular file, opened without blocking; a folder raises IsADirectoryError.

    Links are checked when the folder is listed (list_folder, check_file); this refuses
    whatever is not a regular file once open, and a file larger than `limit` before reading it.
    """
    try:
        descriptor = os.open(file, _OPEN_FLAGS)
    except PermissionError:
        raise SiteError(shown, None, "this file cannot be read (permission denied)",
                        "make it readable, or remove it") from None
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise
    except OSError as error:  # a link loop, say
        raise SiteError(shown, None, f"this file cannot be read ({error.strerror})",
                        "replace it with a real file") from None
    with os.fdopen(descriptor, "rb") as opened:
        mode = os.fstat(descriptor)
        if stat.S_ISDIR(mode.st_mode):
            raise IsADirectoryError(file)
        if not stat.S_ISREG(mode.st_mode):
            raise not_a_file(shown, mode.st_mode)
        if limit is not None and mode.st_size > limit:
            return opened.read(limit + 1)  # the caller sees it is too big, without reading it all
        return opened.read()


class TemplateLoader(jinja2.BaseLoader):
    """Jinja's loader for templates/, under the same rule: visible regular files inside the folder."""

    def __init__(self, folder: SourceFolder) -> None:
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        parts = split_template_path(template)  # refuses '..'
        if any(part.startswith(".") for part in parts):
            raise jinja2.TemplateNotFound(template)
        file = os.path.join(self.folder.path, *parts)
        shown = "/".join((self.folder.shown, *parts))
        try:
            check_file(self.folder, file, shown)
            raw = read_bytes(file, shown)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise jinja2.TemplateNotFound(template) from None
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SiteError(shown, raw[:error.start].count(b"\n") + 1, "this template is not UTF-8 text",
                            "save it as UTF-8 in your editor") from None
        modified = os.path.getmtime(file)
        return source, file, lambda: _unchanged(file, modified)

    def list_templates(self) -> list[str]:
        return sorted(entry.shown.split("/", 1)[1] for entry in walk_files(self.folder))


def _unchanged(file: str, modified: float) -> bool:
    try:
        return os.path.getmtime(file) == modified
    except OSError:
        return False


def write_atomically(path: str | Path, data: bytes, mode: int = 0o600) -> None:
    """Write the file `path` whole, in one step: whoever reads it meanwhile sees the old file or the new one.

    The bytes go into a new file beside it, with a name nobody can guess, never through a link
    planted there (_NEW_FILE_FLAGS); then that file takes the place of `path`. `mode` is the new
    file's permissions before the umask: the default for the generator's own cache (this user only),
    0o666 for a file that others must read (a deployed site). Any OSError is raised, and no
    temporary file is left behind.
    """
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, _temporary_name(name))
    descriptor = os.open(temporary, _NEW_FILE_FLAGS, mode)
    try:
        with os.fdopen(descriptor, "wb") as opened:
            opened.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _temporary_name(name: str) -> str:
    """A hidden name for the file that will become `name`, different at each call."""
    return f".{name}.{os.urandom(8).hex()}.tmp"


def remove_empty_folders(folder: str | Path, top: str | Path) -> None:
    """Remove `folder` and its parents up to `top` (not included) while they are empty."""
    folder, top = os.fspath(folder), os.fspath(top)
    while folder != top and folder.startswith(top + os.sep):
        try:
            os.rmdir(folder)
        except OSError:  # not empty, or already gone
            if os.path.isdir(folder):
                return
        folder = os.path.dirname(folder)


def holds_the_project(folder: Path, root: Path) -> bool:
    """Whether replacing `folder` would touch the project at `root`, the home folder or the whole disk
    (`folder` and `root` resolved)."""
    return root.is_relative_to(folder) or folder in (Path.home().resolve(), Path(folder.anchor))
