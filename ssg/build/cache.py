"""The build cache: what the last build read and wrote, so the next build redoes only what changed.

It lives in <root>/.cache/ssg/ (ignored by git, safe to delete at any time) and is never
trusted blindly: it is keyed by content hashes, stamped with a fingerprint of the
generator's own code and library versions, and anything unreadable is thrown away and
rebuilt. It is untrusted input (someone may commit or plant a .cache/): the state is JSON,
read back only into the types its dataclasses declare (see _decoder), so reading it can
never run code, and anything unexpected in it means the whole state is ignored. The output
folder is trusted only if every file the cache says it wrote is still there with the same
size and modification time.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import hashlib
import hmac
import importlib.util
import itertools
import json
import os
import re
import shutil
import stat
import sys
import time
import types
import typing
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import jinja2
import yaml
from jinja2.bccache import Bucket

from ssg.errors import SiteError
from ssg.model.content import Document
from ssg.model.kinds import KINDS
from ssg.safe_files import write_atomically

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

CACHE_DIR = Path(".cache") / "ssg"
STATE_DIR = "state"
HEAD_FILE = "head.json"
SHARD_NAME = re.compile(r"\d\d-[0-9a-f]{24}\.json")
BODIES_FILE = "bodies.sqlite"
COMPILED_TEMPLATES_DIR = "jinja"  # templates compiled by Jinja (site.TEMPLATES_DIR holds their sources)
KEY_FILE = "key"
LAST_REPORT_FILE = "last-report.json"  # see LastReport
# The documents and the outputs are each kept in several files (shards), named by a hash of their
# bytes, so that a build that changed a few entries writes a few small files, not the whole state.
ENTRIES_PER_SHARD = 200
MAX_SHARDS = 64


def shard_count(entries: int) -> int:
    """How many files hold this many entries: one for a small site, a power of two up to MAX_SHARDS for a
    larger one (at 10,000 articles in each of two languages, an edit rewrote 6 of 16 files of 750 KB)."""
    return min(MAX_SHARDS, 1 << (entries // ENTRIES_PER_SHARD).bit_length())


@dataclass(frozen=True)
class Written:
    """One file of the output folder as the last build left it."""
    key: str          # hash of everything its content depends on
    digest: str       # hash of its bytes
    size: int
    mtime_ns: int
    deps: tuple[str, ...] = ()  # quotes and charts it embeds: "quote:id", "chart:id"


@dataclass(frozen=True)
class LastReport:
    """What a build leaves for the next one, to stop at once if nothing has changed since: the key of
    everything it was made from (incremental.look_at_sources), the output folder it left, and its report."""
    key: str
    build_id: str                                # the output folder's marker, as the build left it
    outputs: tuple[tuple[str, int, int], ...]    # (path, size, mtime_ns) of every file it wrote
    counts: dict[str, int]                       # as in pipeline.BuildReport
    left_out: dict[str, int]
    warnings: tuple[SiteError, ...]              # those of the site's sources, which every build reports


@dataclass
class BuildState:
    fingerprint: str
    out: str                                                  # the output folder the outputs are in
    build_id: str = ""                                        # also in the folder's marker file
    documents: dict[str, Document] = field(default_factory=dict)  # by source path
    outputs: dict[str, Written] = field(default_factory=dict)     # by output path
    shards: dict[str, list[str]] = field(default_factory=dict)    # "documents"/"outputs": the files they are in
    template_references: dict[str, frozenset[str | None]] = field(default_factory=dict)  # see digests.TemplateDigests


def code_fingerprint() -> str:
    """Changes whenever the generator's code or a library that shapes the output changes."""
    digest = hashlib.blake2b(digest_size=16)
    for version in (sys.version, jinja2.__version__, yaml.__version__, _markdown_version()):
        digest.update(version.encode())
    for module in sorted(Path(__file__).parent.parent.rglob("*.py")):  # the whole ssg package
        digest.update(module.read_bytes())
    return digest.hexdigest()


def _markdown_version() -> str:
    """Python-Markdown's version file, read rather than imported (see bodies.BodyCache.converter)."""
    return _module_file("markdown").with_name("__meta__.py").read_text(encoding="utf-8")


def _module_file(name: str) -> Path:
    """The file an installed module is loaded from, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    return Path(spec.origin)


# What converting a body runs: a change to any of them, or to Python-Markdown or nh3, gives other HTML.
BODY_MODULES = ("ssg.markdown.markup", "ssg.markdown.sanitise", "ssg.markdown.directives")


def markup_version() -> str:
    """Changes whenever converting Markdown could give other HTML (found without importing Python-Markdown)."""
    digest = hashlib.blake2b(digest_size=12)
    for module in BODY_MODULES:
        digest.update(_module_file(module).read_bytes())
    digest.update(_markdown_version().encode())
    nh3 = os.stat(_module_file("nh3"))  # installing another nh3 changes its binary's size and time
    digest.update(f"{nh3.st_size}:{nh3.st_mtime_ns}".encode())
    return digest.hexdigest()


class StateMemory:
    """The state a process saved last, kept by a process that builds again and again (serve, which makes
    one and hands it to each build): the next build takes it from here rather than read back what was
    just written. It is used only while the head file is the one that was saved (same inode, size and
    modification time): after any other writer, the file is read."""

    def __init__(self) -> None:
        self._saved: tuple[Path, tuple[int, int, int], BuildState] | None = None

    def recall(self, head: Path) -> BuildState | None:
        """The state saved in `head`, if it is still the one there."""
        if self._saved is None or self._saved[0] != head or self._saved[1] != _stamp(head):
            return None
        return self._saved[2]

    def keep(self, head: Path, state: BuildState) -> None:
        self._saved = (head, _stamp(head), state)


class BuildCache:
    """Reads and writes the cache folder of one site (with `memory`, not reading back what it saved)."""

    def __init__(self, root: Path, memory: StateMemory | None = None) -> None:
        self.folder = root / CACHE_DIR
        self.fingerprint = code_fingerprint()
        self.memory = memory
        own_folders(root)
        self.key = cache_key(root)

    def load(self, out: Path) -> BuildState:
        """The last build's state, or an empty one if there is none we can trust."""
        empty = BuildState(self.fingerprint, str(out))
        head = self.folder / STATE_DIR / HEAD_FILE
        try:
            remembered = self.memory.recall(head) if self.memory is not None else None
            state = remembered if remembered is not None else self._read(head)
        except Exception:  # none yet, or damaged, or not ours (_Untrusted): rebuild rather than trust it
            return empty
        if not isinstance(state, BuildState) or state.fingerprint != self.fingerprint:
            return empty
        if state.out != str(out):
            return dataclasses.replace(state, outputs={}, build_id="", out=str(out))
        return state

    def _read(self, head: Path) -> BuildState:
        """The state in the head file and the shard files it lists; _Untrusted if anything is unexpected."""
        head_content = _signed_content(self.key, HEAD_FILE, _read_cache_file(head))
        state: BuildState = _dataclass(BuildState)(json.loads(head_content))
        if state.fingerprint == self.fingerprint:
            for part, names in state.shards.items():
                if part not in PARTS:
                    raise _Untrusted(part)
                merged, decode = getattr(state, part), PARTS[part].decode
                for name in names:
                    data = _read_cache_file(head.parent / _checked_shard_name(name))
                    if _content_name(int(name[:2]), data) != name:
                        raise _Untrusted(name)
                    merged.update(decode(json.loads(data)))
            if not _are_output_paths(state.outputs):
                raise _Untrusted("outputs")
        return state

    def save(self, state: BuildState, previous: BuildState) -> None:
        """Write the state, rewriting only the shard files whose content changed since `previous`.

        Shard files are never overwritten (a new content gets a new name), and the head file that
        lists them is replaced last, in one step: a build stopped at any point leaves the old state
        or the new one. Documents are kept without their bodies, which their files hold.
        """
        folder = self.folder / STATE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        shards = {part: _save_shards(folder, getattr(state, part), getattr(previous, part),
                                     previous.shards.get(part, []), kept)
                  for part, kept in PARTS.items()}
        state = dataclasses.replace(state, shards=shards)
        head = dataclasses.replace(state, documents={}, outputs={})  # they are in the shard files
        write_atomically(folder / HEAD_FILE, _signed(self.key, HEAD_FILE, _json(head)))
        _delete_unlisted(folder, {name for names in shards.values() for name in names} | {HEAD_FILE})
        _delete_obsolete(self.folder)
        if self.memory is not None:
            self.memory.keep(folder / HEAD_FILE, state)

    def bodies(self) -> BodyStore:
        return BodyStore(self.folder / BODIES_FILE, self.key)

    def last_report(self, key: str) -> LastReport | None:
        """The last build's report, if that build was made from the same `key`; else (or if the file is
        missing, damaged or not signed by this cache) None."""
        try:
            signed = _read_cache_file(self.folder / LAST_REPORT_FILE)
            if signed.partition(b"\n")[2].partition(b"\n")[0] != key.encode():  # its key: the line after the signature
                return None
            _, header, outputs = _signed_content(self.key, LAST_REPORT_FILE, signed).decode().split("\n", 2)
            report = _last_report_from_text(key, json.loads(header), outputs)
        except Exception:  # none yet, or damaged, or not ours: the build runs in full
            return None
        return report if _are_output_paths(path for path, _, _ in report.outputs) else None

    def save_last_report(self, report: LastReport) -> None:
        """Write the report: its key, then its other fields as one line of JSON, then a line per output (a third
        of the time JSON takes to write for the 12,000 outputs of a large site, which every build saves)."""
        header = {"build_id": report.build_id, "counts": report.counts, "left_out": report.left_out,
                  "warnings": [(w.path, w.line, w.message, w.hint) for w in report.warnings]}
        outputs = "\n".join([f"{size} {mtime_ns} {path}" for path, size, mtime_ns in report.outputs])
        if outputs.count("\n") != max(len(report.outputs) - 1, 0):  # a line break in a file's name
            self.forget_last_report()
            return
        data = report.key.encode() + b"\n" + _json(header) + b"\n" + outputs.encode()
        with contextlib.suppress(OSError):  # the site is published already; the next build just runs in full
            write_atomically(self.folder / LAST_REPORT_FILE, _signed(self.key, LAST_REPORT_FILE, data))

    def forget_last_report(self) -> None:
        """After a build that leaves no report to stop at (see incremental.LastBuild.remember). One left
        behind (a file that cannot be removed) is harmless: it is used only while the sources, settings and
        output folder are all as it names them, and then what it reports is true."""
        with contextlib.suppress(OSError):
            os.unlink(self.folder / LAST_REPORT_FILE)


# --- what makes the cache trustworthy -----------------------------------------------------
# Someone may commit or plant a .cache/ folder, or put links in it. So: its folders must be
# real folders (a link or file in their place is removed, never followed), files are read
# without following links, and what could change the site (the state, stored bodies, compiled
# templates) is signed with a key that only this copy of the cache can know (cache_key).

def own_folders(root: Path) -> None:
    """Make .cache, .cache/ssg and the folders in it real folders of this site: a link or file in the
    place of one is removed (the link itself, never what it points to)."""
    cache = root / CACHE_DIR
    for folder in (cache.parent, cache, cache / STATE_DIR, cache / COMPILED_TEMPLATES_DIR):
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                os.unlink(folder)
        folder.mkdir(exist_ok=True)


def _remove(path: Path | str) -> None:
    """Remove whatever is at `path` (a folder with what it holds; a link, not what it points to)."""
    with contextlib.suppress(FileNotFoundError):
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def cache_key(root: Path) -> bytes:
    """The key that signs this cache: random bytes kept in .cache/ssg/key, mixed with where and when that
    file was made (device, inode and change time to the nanosecond).

    A key file copied or planted from elsewhere is a new file here, with a change time nobody could
    have known: what was signed elsewhere does not check, and is rebuilt, never used. (Copying the
    site folder therefore starts a new cache: the first build after it is a full one.)
    """
    file = root / CACHE_DIR / KEY_FILE
    for _ in range(2):
        try:
            descriptor = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            _make_key_file(file)
            continue
        except OSError:  # a link (ELOOP) or something else planted there: start a new key
            _remove(file)
            continue
        with os.fdopen(descriptor, "rb") as opened:
            made = os.fstat(descriptor)
            secret = opened.read(64) if stat.S_ISREG(made.st_mode) else b""
        if len(secret) == 32:
            return hashlib.blake2b(secret + f"{made.st_dev}:{made.st_ino}:{made.st_ctime_ns}".encode()).digest()
        if stat.S_ISREG(made.st_mode) and len(secret) < 32 and time.time() - made.st_ctime < 10:
            break  # being written by another build this instant: sign nothing it could trust
        _remove(file)
    return os.urandom(32)  # a key no later build knows: this build's cache is written, and not used again


def _make_key_file(file: Path) -> None:
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as opened:
            opened.write(os.urandom(32))


def _signature(key: bytes, name: str, data: bytes) -> bytes:
    return hashlib.blake2b(name.encode() + b"\0" + data, key=key[:64], digest_size=32).hexdigest().encode()


def _signed(key: bytes, name: str, data: bytes) -> bytes:
    """`data` with a first line signing it (and the name it is kept under, so files cannot be swapped)."""
    return _signature(key, name, data) + b"\n" + data


def _signed_content(key: bytes, name: str, signed: bytes) -> bytes:
    signature, _, data = signed.partition(b"\n")
    if not hmac.compare_digest(signature, _signature(key, name, data)):
        raise _Untrusted(name)
    return data


def _read_cache_file(path: Path) -> bytes:
    """A regular file of the cache, never a link (OSError otherwise)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as opened:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise _Untrusted(path.name)
        return opened.read()


class TemplateCodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in .cache/ssg/jinja/ and signed: Jinja reads them back with
    pickle and marshal, which would run whatever code a planted file held, so an unsigned one is
    never given to Jinja (the template is compiled again).

    A template this process compiled for an earlier build (of any site) is not compiled again either
    (see COMPILED_IN_THIS_PROCESS)."""

    def __init__(self, root: Path) -> None:
        own_folders(root)
        self.folder = root / CACHE_DIR / COMPILED_TEMPLATES_DIR
        self.key = cache_key(root)
        self._shared_as: dict[str, tuple[str, str]] = {}  # bucket key -> (template name, hash of its source)

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = super().get_bucket(environment, name, filename, source)  # this site's signed file, if any
        shared = self._shared_as[bucket.key] = (name, bucket.checksum)
        compiled = COMPILED_IN_THIS_PROCESS.get(shared)
        if bucket.code is None and compiled is not None:
            bucket.code = _compiled_from(compiled, filename or "<template>")  # as Jinja names it (see above)
            self.dump_bytecode(bucket)  # for this site's next build, in another process
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        """Keep what Jinja has just compiled, in this process and in the site's cache folder."""
        if len(COMPILED_IN_THIS_PROCESS) >= 512:
            COMPILED_IN_THIS_PROCESS.clear()  # a bound on memory: it fills again from the builds that follow
        if bucket.code is not None:
            COMPILED_IN_THIS_PROCESS[self._shared_as[bucket.key]] = bucket.code
        super().set_bucket(bucket)

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            code = _signed_content(self.key, bucket.key, _read_cache_file(self._file(bucket)))
        except (OSError, _Untrusted):
            return
        bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # a cache: a full disk means compiling again next time
            write_atomically(self._file(bucket), _signed(self.key, bucket.key, bucket.bytecode_to_string()))

    def _file(self, bucket: Bucket) -> Path:
        return self.folder / f"__jinja2_{bucket.key}.cache"


# The templates compiled in this process, by name and hash of their source: the tests build a thousand
# small sites from the same templates (compiling them was half of each build), and serve builds its site
# again and again. Compiled code is a pure function of the source, its name and the environment's
# settings; like Jinja's own bytecode caches, this one takes the settings to be the same for every
# build (the generator makes its environment in one place, rendering.Renderer._environment). Each
# site's templates are in their own files: the code is given the file name of the site that uses it,
# as Jinja would have compiled it, so that errors name that site's template.
COMPILED_IN_THIS_PROCESS: dict[tuple[str, str], types.CodeType] = {}


def _compiled_from(code: types.CodeType, filename: str) -> types.CodeType:
    """`code` (with the functions it defines) as if compiled from the file `filename`."""
    constants = tuple(_compiled_from(constant, filename) if isinstance(constant, types.CodeType) else constant
                      for constant in code.co_consts)
    return code.replace(co_filename=filename, co_consts=constants)


def _stamp(path: Path) -> tuple[int, int, int]:
    stat = os.stat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _same_document(document: Document, before: Document) -> bool:
    return document.digest == before.digest and document.stamp == before.stamp  # all else comes from the bytes


def _same_output(written: Written, before: Written) -> bool:
    return written is before or written == before


# The outputs' deps are kept factored. Those of thousands of outputs differ only in their last one (a
# page's own translations, which sort last: see planning.Keys), so each shard file lists every other
# part once, and an output names it by its place: less than half the bytes to read, hash and parse at
# 10,000 articles per language, and the names of what outputs read are shared strings once loaded.

def _outputs_json(shard: dict[str, Written]) -> bytes:
    heads: dict[tuple[str, ...], int] = {}
    entries = {path: [written.key, written.digest, written.size, written.mtime_ns,
                      [heads.setdefault(written.deps[:-1], len(heads)), written.deps[-1]] if written.deps else []]
               for path, written in shard.items()}
    return _json([list(heads), entries])


def _outputs_from_json(value: Any) -> dict[str, Written]:
    """The outputs of a shard file that _outputs_json wrote (a value of any other shape raises)."""
    heads_json, entries = value
    heads = [tuple(head) for head in heads_json]
    outputs = {}
    for path, (key, digest, size, mtime_ns, deps) in entries.items():
        written = object.__new__(Written)  # as _dataclass builds them: without a call to __init__
        written.__dict__.update(key=key, digest=digest, size=size, mtime_ns=mtime_ns,
                                deps=heads[deps[0]] + (deps[1],) if deps else ())
        outputs[path] = written
    return outputs


Value = TypeVar("Value")


def _shard_of(path: str, count: int) -> int:
    return zlib.crc32(path.encode()) % count


def _shard(items: dict[str, Value], count: int) -> list[dict[str, Value]]:
    shards: list[dict[str, Value]] = [{} for _ in range(count)]
    for path, value in items.items():
        shards[_shard_of(path, count)][path] = value
    return shards


def _save_shards(folder: Path, items: dict[str, Value], before: dict[str, Value], names: list[str],
                 kept: KeptPart) -> list[str]:
    """The files holding `items` in shards: the old file of each shard that did not change, a new one for the rest.

    A shard is unchanged if it lost no entry and each of its entries is the same as before (`before` was
    kept in `names`, as many shards as now, or none is reused)."""
    count = shard_count(len(items))
    reusable = len(names) == count
    emptied = {_shard_of(path, count) for path in before.keys() - items.keys()}
    saved = []
    for index, shard in enumerate(_shard(items, count)):
        if reusable and index not in emptied and all(
                (old := before.get(path)) is not None and kept.same(value, old) for path, value in shard.items()):
            saved.append(names[index])
            continue
        data = kept.encode(shard)
        name = _content_name(index, data)
        if not (folder / name).exists():
            write_atomically(folder / name, data)
        saved.append(name)
    return saved


def _content_name(index: int, data: bytes) -> str:
    """A shard file's name: its place and a hash of its bytes (checked when it is read back)."""
    return f"{index:02d}-{hashlib.blake2b(data, digest_size=12).hexdigest()}.json"


def _delete_unlisted(folder: Path, listed: set[str]) -> None:
    """Remove the shard files no longer listed, and temporary files that a stopped build left."""
    stale = time.time() - 600
    for entry in os.scandir(folder):
        if entry.name not in listed and (entry.name.endswith((".json", ".pickle"))
                                         or entry.stat(follow_symlinks=False).st_mtime < stale):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)


def _delete_obsolete(folder: Path) -> None:
    """Remove what earlier versions of the generator kept here: a file per stored body, one state file."""
    with contextlib.suppress(OSError):  # gone already, or a link (which rmtree does not follow)
        shutil.rmtree(folder / "bodies")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / "state.pickle")


# --- the state as JSON ----------------------------------------------------------------
# Values are written as plain JSON (a dataclass as a list: its class name, then its fields;
# a date as {"date": "2024-01-02"}) and read back by decoders made from the types the
# dataclasses declare, which build only those types: reading the state never runs code.
# (The outputs' shard files, whose deps are factored, are read by _outputs_from_json, which
# builds only Written, of strings and numbers.)
# What is read was written by this cache's own builds (the head is signed, see cache_key,
# and the shard files it lists are named by their hashes), so the decoders check only the
# shape, cheaply: anything unexpected raises, and the whole state is ignored.

class _Untrusted(Exception):
    """The cache holds something this generator did not write: it is ignored, and everything rebuilt."""


# Fields the cache does not keep. Document.file: where the file is now, set when it is found again (Document.found_at)
_SKIPPED_FIELDS: dict[type, tuple[str, ...]] = {Document: ("file",)}


def _last_report_from_text(key: str, data: dict[str, Any], outputs: str) -> LastReport:
    """A LastReport from what save_last_report wrote; raises on anything else."""
    def numbers(counted: dict[str, Any]) -> dict[str, int]:
        return {str(name): int(count) for name, count in counted.items()}
    written = []
    for line in outputs.split("\n") if outputs else ():
        size, mtime_ns, path = line.split(" ", 2)
        written.append((path, int(size), int(mtime_ns)))
    return LastReport(
        key, str(data["build_id"]), tuple(written), numbers(data["counts"]), numbers(data["left_out"]),
        tuple(SiteError(str(path), None if line is None else int(line), str(message), str(hint))
              for path, line, message, hint in data["warnings"]))


def _json(value: Any) -> bytes:
    return json.dumps(value, default=_plain, ensure_ascii=False, separators=(",", ":")).encode()


def _plain(value: Any) -> Any:
    """What json cannot write by itself: dataclasses, dates, sets, errors."""
    if dataclasses.is_dataclass(value):
        cls: type = type(value)
        return [cls.__name__, *map(value.__dict__.__getitem__, _kept_fields(cls))]
    if type(value) is datetime.date:
        return {"date": value.isoformat()}
    if isinstance(value, frozenset):
        return sorted(value, key=str)
    if isinstance(value, SiteError):
        return [value.path, value.line, value.message, value.hint]
    raise TypeError(f"the build cache cannot keep a {type(value).__name__}")


@functools.cache
def _kept_fields(cls: type) -> tuple[str, ...]:
    """The names of the fields of `cls` the cache keeps, in order."""
    skipped = _SKIPPED_FIELDS.get(cls, ())
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in skipped)


def _checked_shard_name(name: object) -> str:
    if not isinstance(name, str) or not SHARD_NAME.fullmatch(name):
        raise _Untrusted(name)
    return name


# What no path inside the output folder holds, with a newline around each path: a leading '/',
# an empty, '.' or '..' part, a backslash. (Substring tests: a regular expression took 10 ms at 1,000 pages.)
_NOT_IN_AN_OUTPUT_PATH = ("\n/", "//", "/\n", "\n\n", "\\", "/./", "/../", "\n./", "\n../", "/.\n", "/..\n",
                          "\n.\n", "\n..\n")


def _are_output_paths(paths: Iterable[str]) -> bool:
    """Files inside the output folder: relative, with no '..', '.' or empty part, no backslash."""
    paths = list(paths)
    joined = "\n" + "\n".join(paths) + "\n"
    return not paths or not any(bad in joined for bad in _NOT_IN_AN_OUTPUT_PATH)


def _value_type(cls: type, name: str) -> Any:
    """The type of the values of the dict field `name` of `cls`: dict[str, X] gives a decoder of dict[str, X]."""
    return typing.get_type_hints(cls)[name]


Decoder = Callable[[Any], Any]


@functools.cache
def _decoder(kind: Any) -> Decoder | None:
    """How to turn the JSON written for a value of type `kind` back into one; None if the JSON value is it."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind in (str, int, bool, float, type(None)):
        return None
    if kind is datetime.date:
        return _date
    if kind is SiteError:
        return lambda value: SiteError(*value)
    if origin in (typing.Union, types.UnionType):
        return _union(args)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])
        return tuple if item is None else lambda value: tuple(map(item, value))
    if origin is tuple:  # a fixed length, like a file's stamp
        items = [_decoder(arg) for arg in args]
        if not any(items):
            return tuple
        return lambda value: tuple(item(part) if item else part for item, part in zip(items, value, strict=True))
    if origin in (frozenset, list) and _decoder(args[0]) is None:
        return cast(Decoder, origin)  # the collection made from the JSON list as it is
    if origin is dict and args[0] is str:
        decode_value = _decoder(args[1])
        return dict if decode_value is None else lambda value: {key: decode_value(part) for key, part in value.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind)
    if kind is typing.Any:  # Document.meta
        return _front_matter
    raise TypeError(f"the build cache cannot read back a {kind}")


def _front_matter(value: Any) -> Any:
    """A document's front matter: the dataclass of one of the declared kinds, told apart by its class name.

    Looked up at each call, not once: a kind may be declared after the first state was read (tests do)."""
    if type(value) is list:
        for kind in KINDS.values():
            if kind.meta.__name__ == value[0]:
                return _dataclass(kind.meta)(value)
    raise _Untrusted(value[:1])


def _date(value: dict[str, str]) -> datetime.date:
    return datetime.date.fromisoformat(value["date"])


def _union(members: tuple[Any, ...]) -> Decoder | None:
    """A value of one of `members`: dataclasses told apart by their class name, a date by being a dict."""
    by_name = {member.__name__: _dataclass(member) for member in members
               if isinstance(member, type) and dataclasses.is_dataclass(member)}
    lists = [decode_list for member in members
             if typing.get_origin(member) in (tuple, list, frozenset) and (decode_list := _decoder(member)) is not None]
    dates = datetime.date in members
    if not (by_name or lists or dates):
        return None

    def decode(value: Any) -> Any:
        if type(value) is list:
            return by_name[value[0]](value) if by_name else lists[0](value)
        if type(value) is dict:
            if not dates:
                raise _Untrusted(value)
            return _date(value)
        return value
    return decode


@functools.cache
def _dataclass(cls: type[DataclassInstance]) -> Decoder:
    """Builds the instance without calling __init__ (as pickle did), from [class name, *fields].

    The function is written out for each class, as the dataclasses module writes __init__,
    with each field's conversion written in line (_inline): loading the state of a large site
    makes tens of thousands of these, and a function call per field took three times as long.
    Only the class's own field names and fixed helper names go into the code.
    """
    hints = typing.get_type_hints(cls)
    skipped = _SKIPPED_FIELDS.get(cls, ())
    kept = _kept_fields(cls)
    scope: dict[str, object] = {
        "cls": cls, "new": object.__new__, "Untrusted": _Untrusted, "fromiso": datetime.date.fromisoformat,
        "starmap": itertools.starmap, "SiteError": SiteError,
        "defaults": {f.name: f.default for f in dataclasses.fields(cls) if f.name in skipped}}
    values = [f"{name}={_inline(hints[name], f'value[{index}]', name, scope)}"
              for index, name in enumerate(kept, start=1)]
    source = (f"def decode(value):\n"
              f"    if value[0] != {cls.__name__!r} or len(value) != {len(kept) + 1}:\n"
              f"        raise Untrusted(value[0])\n"
              f"    made = new(cls)\n"
              f"    made.__dict__.update(defaults, {', '.join(values)})\n"
              f"    return made\n")
    exec(source, scope)
    return cast(Decoder, scope["decode"])


def _inline(kind: Any, item: str, name: str, scope: dict[str, object]) -> str:
    """Python code turning the JSON `item` into a value of type `kind` (helpers it needs are put in `scope`)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    optional = origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args
    if optional:
        inner = _inline(next(arg for arg in args if arg is not type(None)), "v", name, scope)
        return item if inner == "v" else f"(None if (v := {item}) is None else {inner})"
    if _decoder(kind) is None:
        return item
    if kind is datetime.date:
        return f"fromiso({item}['date'])"
    if origin is tuple and (len(args) != 2 or args[1] is not Ellipsis) and not any(map(_decoder, args)):
        return f"tuple({item})"
    if origin is tuple and args[1] is Ellipsis:
        member = args[0]
        if _decoder(member) is None:
            return f"tuple({item})"
        if typing.get_origin(member) is tuple and not any(map(_decoder, typing.get_args(member))):
            return f"tuple(map(tuple, {item}))"
        if member is SiteError:
            return f"tuple(starmap(SiteError, {item}))"
        scope[f"decode_{name}_item"] = _decoder(member)
        return f"tuple(map(decode_{name}_item, {item}))"
    scope[f"decode_{name}"] = _decoder(kind)
    return f"decode_{name}({item})"


@dataclass(frozen=True)
class KeptPart:
    """How one part of the state is kept in shard files."""
    same: Callable[[Any, Any], bool]                 # an entry unchanged since the last save
    encode: Callable[[dict[str, Any]], bytes]        # the bytes of a shard file
    decode: Callable[[Any], dict[str, Any]]          # its entries, from the JSON read back


def _documents_from_json(value: Any) -> dict[str, Any]:
    return cast("dict[str, Any]", _documents_decoder()(value))


@functools.cache  # made when a state is first read, not at start-up
def _documents_decoder() -> Decoder:
    return cast(Decoder, _decoder(_value_type(BuildState, "documents")))  # a dict of dataclasses: never None


PARTS = {  # the parts of BuildState kept in shard files
    "documents": KeptPart(_same_document, _json, _documents_from_json),
    "outputs": KeptPart(_same_output, _outputs_json, _outputs_from_json),
}


class BodyStore:
    """Markdown bodies converted to HTML, by content hash, in one SQLite file (a table of key, checksum, html).

    A file per body cost more to create than converting some bodies took, on a large first
    build. Any process may read (worker processes do, while they render); the bodies that
    workers convert travel back with their pages and the build process writes them, in one
    transaction. A damaged entry or file is a miss, never a page: the file is then made anew.
    """

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self.key = key  # signs each body (see cache_key): a planted row is a miss, never a page
        self._connection: Any = None
        self._opened_by = 0  # a connection must not cross a fork: each process opens its own
        self._pending: list[tuple[str, str]] = []
        self.written = 0  # bodies this process stored
        self._unreadable = False

    def _connect(self) -> Any:
        if self._connection is None or self._opened_by != os.getpid():
            import sqlite3  # here: a build that needs no stored body does not load it

            self.path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):  # SQLite would write through a link planted here
                if os.path.islink(f"{self.path}{suffix}"):
                    os.unlink(f"{self.path}{suffix}")
            connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")  # readers go on while the build writes
            connection.execute("PRAGMA synchronous=OFF")   # a cache: losing the last writes is harmless
            # A rowid table: four times faster to fill than WITHOUT ROWID with rows of pages' size
            connection.execute("CREATE TABLE IF NOT EXISTS bodies "
                               "(key TEXT PRIMARY KEY, checksum TEXT NOT NULL, html TEXT NOT NULL)")
            self._connection, self._opened_by = connection, os.getpid()
        return self._connection

    def get(self, key: str) -> str | None:
        if self._unreadable:
            return None
        try:
            row = self._connect().execute("SELECT checksum, html FROM bodies WHERE key = ?", (key,)).fetchone()
        except Exception:
            self._unreadable = True
            return None
        return row[1] if row is not None and row[0] == _checksum(self.key, key, row[1]) else None

    def add(self, items: Iterable[tuple[str, str]]) -> None:
        """Store (key, html) pairs, a few hundred to a transaction; flush() writes the last ones."""
        self._pending.extend(items)
        if len(self._pending) >= 256:
            self.flush()

    def flush(self) -> None:
        """Write what add() was given."""
        rows = [(key, _checksum(self.key, key, html), html) for key, html in self._pending]
        self._pending.clear()
        if not rows:
            return
        try:
            self._write(rows)
        except Exception:
            self.close()
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{self.path}{suffix}")
            try:
                self._write(rows)
            except Exception:
                self.close()
                return
        self.written += len(rows)

    def _write(self, rows: list[tuple[str, str, str]]) -> None:
        connection = self._connect()
        with connection:
            connection.execute("BEGIN")
            connection.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)", rows)

    def keep_only(self, keys: set[str]) -> None:
        """Forget the bodies of old versions of documents, once they are more than the current ones."""
        with contextlib.suppress(Exception):  # sqlite3.Error: the old bodies are forgotten another time
            self._forget_all_but(keys)

    def _forget_all_but(self, keys: set[str]) -> None:
        connection = self._connect()
        if connection.execute("SELECT count(*) FROM bodies").fetchone()[0] <= 2 * len(keys) + 100:
            return
        with connection:
            connection.execute("BEGIN")
            connection.execute("CREATE TEMP TABLE current (key TEXT PRIMARY KEY)")
            connection.executemany("INSERT INTO current VALUES (?)", ((key,) for key in keys))
            connection.execute("DELETE FROM bodies WHERE key NOT IN (SELECT key FROM current)")
            connection.execute("DROP TABLE current")

    def close(self) -> None:
        if self._connection is not None and self._opened_by == os.getpid():
            self._connection.close()
        self._connection = None


def _checksum(secret: bytes, key: str, html: str) -> str:
    """Of the key too: a damaged file that gave one key's row for another would be caught; signed with
    the cache's key: a row this cache did not write never checks."""
    return hashlib.blake2b(f"{key}\0{html}".encode(), key=secret[:64], digest_size=16).hexdigest()
