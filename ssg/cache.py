"""The build cache: what the last build read and wrote, so the next build redoes only what changed.

It lives in <root>/.cache/ssg/ (ignored by git, safe to delete at any time) and is never
trusted blindly: it is keyed by content hashes, stamped with a fingerprint of the
generator's own code and library versions, and anything unreadable is thrown away and
rebuilt. The output folder is trusted only if every file the cache says it wrote is still
there with the same size and modification time.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml

from .content import Document

CACHE_DIR = Path(".cache") / "ssg"
STATE_FILE = "state.pickle"
BODIES_DIR = "bodies"


@dataclass(frozen=True)
class Written:
    """One file of the output folder as the last build left it."""
    key: str          # hash of everything its content depends on
    digest: str       # hash of its bytes
    size: int
    mtime_ns: int
    deps: tuple[str, ...] = ()  # quotes and charts it embeds: "quote:id", "chart:id"


@dataclass
class BuildState:
    fingerprint: str
    out: str                                                  # the output folder the outputs are in
    build_id: str = ""                                        # also in the folder's marker file
    documents: dict[str, Document] = field(default_factory=dict)  # by source path
    outputs: dict[str, Written] = field(default_factory=dict)     # by output path


def code_fingerprint() -> str:
    """Changes whenever the generator's code or a library that shapes the output changes."""
    digest = hashlib.blake2b(digest_size=16)
    for version in (sys.version, jinja2.__version__, yaml.__version__, _markdown_version()):
        digest.update(version.encode())
    for module in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def _markdown_version() -> str:
    """Python-Markdown's version file, read rather than imported (see Renderer.converter)."""
    spec = importlib.util.find_spec("markdown")
    return Path(spec.origin).with_name("__meta__.py").read_text(encoding="utf-8")


class BuildCache:
    """Reads and writes the cache folder of one site."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR
        self.fingerprint = code_fingerprint()

    def load(self, out: Path) -> BuildState:
        """The last build's state, or an empty one if there is none we can trust."""
        empty = BuildState(self.fingerprint, str(out))
        path = self.folder / STATE_FILE
        try:
            stamp = _stamp(path)
            remembered = _REMEMBERED.get(str(path))
            if remembered is not None and remembered[0] == stamp:  # this process wrote it (serve): skip reading
                state = remembered[1]
            else:
                with open(path, "rb") as file:
                    state = pickle.load(file)
        except FileNotFoundError:
            return empty
        except Exception:  # a truncated or corrupt cache: rebuild it rather than trust it
            return empty
        if not isinstance(state, BuildState) or state.fingerprint != self.fingerprint:
            return empty
        if state.out != str(out):
            return dataclasses.replace(state, outputs={}, build_id="", out=str(out))
        return state

    def save(self, state: BuildState) -> None:
        """Write the state (documents are pickled without their bodies: see Document.__getstate__)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f"{STATE_FILE}.{os.getpid()}.tmp"
        with open(temporary, "wb") as file:
            pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.folder / STATE_FILE)
        _REMEMBERED[str(self.folder / STATE_FILE)] = (_stamp(self.folder / STATE_FILE), state)

    def bodies(self) -> BodyStore:
        return BodyStore(self.folder / BODIES_DIR)


# The state this process last saved, by file, with the file's stamp: a long-running process
# (serve) rebuilding again does not read back what it has just written. Any other writer
# changes the stamp, and then the file is read.
_REMEMBERED: dict[str, tuple[tuple[int, int, int], BuildState]] = {}


def _stamp(path: Path) -> tuple[int, int, int]:
    stat = os.stat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class BodyStore:
    """Markdown bodies converted to HTML, one file per content hash (shared by worker processes)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"

    def get(self, key: str) -> str | None:
        try:
            text = self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        checksum, _, html = text.partition("\n")
        return html if checksum == _checksum(html) else None  # a damaged entry is a miss, not a page

    def put(self, key: str, html: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(f"{_checksum(html)}\n{html}", encoding="utf-8")
        os.replace(temporary, path)


def _checksum(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
