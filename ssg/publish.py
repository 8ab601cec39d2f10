"""Stage 5: write outputs into a staging folder, then swap it in for the output folder.

The output folder is the only thing the generator owns. It refuses folders that could
hold anything else (a project, a home folder), replaces an existing folder only when it
carries the marker file it writes, and swaps atomically, so `_site/` is always either
the last good site or the new one, never a mix (issue 6; MkDocs #346 is the cautionary tale).
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path
from typing import Iterable

from .errors import SiteError, UsageError

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
    for inside in ("content", "templates", "static"):
        if out.is_relative_to(root / inside):
            raise UsageError(f"refusing to write the site inside {root / inside}.\nhint: use a folder of its own, like _site")
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
    """Undo what a killed build left: restore the old site if the swap was cut short, drop staging folders."""
    for leftover in sorted(out.parent.glob(f"{out.name}.old-*")):
        if (leftover / MARKER).is_file() and not out.exists():
            os.rename(leftover, out)
        elif (leftover / MARKER).is_file():
            shutil.rmtree(leftover)
    for leftover in out.parent.glob(f"{out.name}.staging-*"):
        if (leftover / MARKER).is_file() or not any(leftover.iterdir()):
            shutil.rmtree(leftover)


def staging_folder(out: Path) -> Path:
    staging = out.parent / f"{out.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / MARKER).write_text(MARKER_TEXT)
    return staging


def write_outputs(outputs: Iterable, staging: Path) -> dict[str, int]:
    """Write each Output under `staging`; returns how many files of each kind were written."""
    written: set[str] = set()
    counts: dict[str, int] = {}
    for output in outputs:
        if output.path in written:
            raise SiteError(output.path, None, "two sources would publish to the same address",
                            "rename one of them")
        written.add(output.path)
        target = staging / output.path
        if not target.resolve().is_relative_to(staging.resolve()):
            raise SiteError(output.path, None, "this output would be written outside the output folder",
                            "rename the source file")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.data)
        counts[output.kind] = counts.get(output.kind, 0) + 1
    return counts


def swap_in(staging: Path, out: Path) -> None:
    """Make `staging` the output folder in one step, and remove the old site."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging)  # it now holds the old site
        return
    old = out.parent / f"{out.name}.old-{os.getpid()}"
    os.rename(out, old)       # a kill between these two renames is undone by recover()
    os.rename(staging, out)
    shutil.rmtree(old)


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
