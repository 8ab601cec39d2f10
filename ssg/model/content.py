"""Stage 2: read content/ into Documents (front matter checked, body kept as Markdown) and Records (YAML data).

Each kind of content has one folder under content/, declared in ssg/model/kinds.py:
    content/articles/<slug>.md  ->  /articles/<slug>/
    content/pages/<slug>.md     ->  /<slug>/      (pages/index.md is the home page)
    content/quotes/<id>.md      ->  /quotes/<id>/
    content/charts/<id>.yaml, content/facts/<id>.yaml: data that pages show, no page of their own
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Self, TypeVar, cast, overload

from ssg import safe_files
from ssg.errors import SiteError
from ssg.model.frontmatter import Record, Source  # noqa: F401 (Source: where callers have always found it)
from ssg.model.kinds import KINDS, MARKDOWN, PICTURE, YAML, ArticleMeta, Kind, PageMeta, QuoteMeta, published_record  # noqa: F401
from ssg.model.schema import build_dataclass, load_yaml
from ssg.parallel import forked_map

CONTENT_DIR = "content"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SOURCE_BYTES = 500_000  # 80,000 words: a Markdown file larger than this is not an article


# What identifies one version of a file without reading it: inode, size, modification and change times.
FileStamp = tuple[int, int, int, int]
KeyLines = tuple[tuple[str, int], ...]  # (front matter key, its line)


Value = TypeVar("Value")


class worked_out_once(Generic[Value]):  # noqa: N801 (named like the functools.cached_property it stands for)
    """functools.cached_property without its lock: a value worked out from an instance's fields when first
    asked for, and kept in the instance's __dict__ (past a frozen dataclass's __setattr__). Python 3.11's
    cached_property takes a lock at each first use, which made it three times as slow as this for the
    30,000 values a build of 10,000 articles works out (tests/test_incremental.py holds the two alike)."""

    def __init__(self, work: Callable[[Any], Value]) -> None:
        self.work, self.name = work, work.__name__
        self.__doc__ = work.__doc__

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> Value: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> Self | Value:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.work(instance)
        return value


@dataclass(frozen=True)
class Document:
    """One source file as checked: its front matter (or a record's data), without the Markdown body,
    which Bodies holds (a build reuses unchanged Documents without reading their files again)."""
    kind: str                    # the name of its Kind: "article", "page", "quote"...
    path: str                    # as shown in messages: content/articles/x.md
    slug: str
    meta: Any                    # its kind's front matter dataclass (KINDS[kind].meta)
    body_line: int               # line of the file where the body starts
    digest: str                  # hash of the file's bytes, for caches
    warnings: tuple[SiteError, ...] = ()
    key_lines: KeyLines = ()     # for later checks' messages
    file: str = field(default="", compare=False, repr=False)  # where it is now, to read the body from
    stamp: FileStamp | None = field(default=None, compare=False, repr=False)  # see file_stamp()
    refers: tuple[tuple[str, str, int | None], ...] = ()  # (kind, id, line) of the records it names: facts...
    lang: str = ""               # its language: "" for the site's main one, else a code from site.yaml (about.cy.md)

    def found_at(self, file: str) -> Document:
        """This document as remembered, at the place its file is now (the site folder may have moved)."""
        # A plain copy of the fields: dataclasses.replace costs ten times more, and this runs for every file.
        document = object.__new__(Document)
        document.__dict__.update(self.__dict__, file=file)  # what it has worked out stays true: same fields
        return document

    def __getstate__(self) -> dict[str, object]:
        """Pickled (for the build cache) without where the file is (found_at sets that)."""
        return {name: self.__dict__[name] for name in _PICKLED_FIELDS}

    def line_of(self, key: str) -> int | None:
        return dict(self.key_lines).get(key)

    # Worked out from the fields when first asked for, and kept with the document (see worked_out_once):
    # planning asks for them tens of thousands of times on a large site. They are never saved with it (see
    # __getstate__ and cache._plain).
    @worked_out_once
    def url(self) -> str:
        """Site-relative URL: 'articles/x/', 'about/', '' for the home page."""
        return url_for(self.kind, self.slug, self.lang)

    @worked_out_once
    def identity(self) -> str:
        """Its path and content hash, as the keys of the list pages that show it use them."""
        return f"{self.path}\0{self.digest}\n"

    @worked_out_once
    def output_path(self) -> str:
        return self.url + "index.html"

    @property
    def title(self) -> str | None:
        """Its front matter's title; None for a kind without one (a page names a quote by its words)."""
        return getattr(self.meta, "title", None)


class Bodies:
    """The Markdown bodies of one build's documents, by path.

    Those parsed in this build were read with their front matter and are kept from then; the
    others (Documents reused from the last build without reading their files) are read the
    first time a page shows them, which makes a no-op or one-edit build read almost nothing.
    """

    def __init__(self, read: dict[str, str] | None = None) -> None:
        self.read = read or {}

    def of(self, document: Document) -> str:
        body = self.read.get(document.path)
        if body is None:
            body = self.read[document.path] = read_body(document)
        return body


def read_body(document: Document) -> str:
    """The Markdown after the front matter, read from the file: its bytes must be the ones the
    digest was taken of, or the file changed during the build."""
    if KINDS[document.kind].format != MARKDOWN:
        return ""  # a YAML record is all data
    raw = read_source(document.file, document.path)
    if hashlib.blake2b(raw, digest_size=16).hexdigest() != document.digest:
        raise SiteError(document.path, None, "this file changed while the site was being built",
                        "build the site again")
    return split_front_matter(decode_text(raw, document.path), document.path)[2]


_PICKLED_FIELDS = tuple(f.name for f in dataclasses.fields(Document) if f.name != "file")


@functools.cache  # a pure function of the kinds, which never change: asked several times per
def url_for(kind: str, slug: str, lang: str = "") -> str:  # page by the plan, the sitemap and the lists
    """The one URL rule: a document's kind's rule, under /<lang>/ for a language other than the main one."""
    return (f"{lang}/" if lang else "") + KINDS[kind].url_of(slug)


def url_for_content_file(relative: str) -> str | None:
    """URL of a content file given as 'articles/x.md' (for links written to .md files)."""
    parts = relative.split("/")
    if len(parts) != 2 or not parts[1].endswith(".md"):
        return None
    kind = next((k for k in KINDS.values() if k.folder == parts[0] and k.url is not None), None)
    return kind.url_of(parts[1][:-3]) if kind else None


def quote_excerpt(body: str, words: int = 8) -> str:
    text = " ".join(body.split())
    cut = text.split(" ")
    return text if len(cut) <= words else " ".join(cut[:words]) + "…"


def find_sources(root: Path) -> list[tuple[str, str]]:
    """Every file of each kind, sorted, as (kind name, file path).

    Anything else in content/ is refused, so that no file an editor adds is silently left
    out. Hidden files (.DS_Store, editors' swap files) are ignored. Links, named pipes and
    the like are checked here (safe_files.list_folder), where listing the folder tells which
    names are links without asking the disk again.
    """
    folders = [kind.folder for kind in KINDS.values()]
    listing = ", ".join(f"{folder}/" for folder in sorted(folders))
    content = safe_files.source_folder(root, CONTENT_DIR)
    for entry in safe_files.list_folder(content):
        if entry.name not in folders:
            raise SiteError(entry.shown, None,
                            f"content/ has no folder called '{entry.name}'" if entry.is_folder
                            else "files in content/ belong in one of its folders",
                            f"content/ holds {listing}; move what is in here into one of them")
    found = []
    for kind in KINDS.values():
        folder = kind.folder
        for entry in safe_files.list_folder(content, folder):
            if entry.name.lower().endswith(EXTENSIONS[kind.format]):
                found.append((kind.name, entry.path))
            elif entry.is_folder:
                raise SiteError(entry.shown, None, f"content/{folder}/ cannot have folders inside it",
                                f"move the files in it up into content/{folder}/")
            else:
                raise SiteError(entry.shown, None,
                                f"only {FORMAT_NAMES[kind.format]} files belong in content/{folder}/",
                                "put pictures and other files in static/, and link to them from the text")
    return found


PICTURE_TYPES = {".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",),
                 ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",), ".avif": (b"ftypavif", b"ftypavis"),
                 ".svg": (b"<", b"\xef\xbb\xbf<")}  # checked against the SVG allow-list by ssg/build/pictures.py
EXTENSIONS: dict[str, str | tuple[str, ...]] = {
    MARKDOWN: ".md", YAML: (".yaml", ".yml"), PICTURE: tuple(PICTURE_TYPES)}
FORMAT_NAMES = {MARKDOWN: "Markdown (.md)", YAML: "YAML (.yaml)", PICTURE: "picture (" + ", ".join(PICTURE_TYPES) + ")"}
MAX_PICTURE_BYTES = 20_000_000  # larger than any picture a web page should carry


# A file changed less than this long ago could change again within the same tick of the
# file system's clock, leaving its stamp as it was; such a file is read again next time.
RACY_SECONDS = 2.0


def changed_too_recently(stat: os.stat_result, now: float) -> bool:
    """Whether a file changed less than RACY_SECONDS before `now`: its stamp is not to be trusted."""
    return now - max(stat.st_mtime, stat.st_ctime) < RACY_SECONDS


def file_stamp(file: str, path: str, now: float, seen: os.stat_result | None = None) -> FileStamp | None:
    """The file's stamp, or None if it changed too recently for the stamp to be trusted. `seen`: what
    the file system said of the file earlier in this build, if it was asked (incremental.look_at_sources).

    Every write changes a file's size or its change time (ctime), which no program can set
    back (touch and copy tools can only set the modification time), and a file replaced by
    another gets a new inode. So an unchanged stamp means unchanged bytes, as in git's index.
    """
    try:
        stat = seen or os.stat(file)
    except FileNotFoundError:
        raise _disappeared(path) from None
    if changed_too_recently(stat, now):
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


PARALLEL_READING = 200  # fewer files to parse than this are parsed faster here than by worker processes
# What _read_changed reads a file with: kind, path, file, stamp, the document remembered for that path.
_Unread = tuple[str, str, str, FileStamp | None, Document | None]


def read_documents(sources: list[tuple[str, str]], known: dict[str, Document] | None = None, processes: int = 1,
                   seen: Mapping[str, os.stat_result] | None = None) -> tuple[list[Document], Bodies]:
    """Read and check the (kind, file) sources find_sources lists; unknown front matter keys become
    each Document's warnings. Returns the Documents and their Bodies.

    `known` maps paths to Documents read by an earlier build. One whose file has the same stamp
    is reused without reading the file; one whose bytes are unchanged (same content hash) is
    reused without parsing it again. When many must be parsed (the first build of a large site),
    `processes` worker processes share the work. `seen`: the files' stat results taken earlier in this
    build, by path, if they were (see file_stamp).
    """
    now, known, seen = time.time(), known or {}, seen or {}
    documents: list[Document | None] = []
    bodies: dict[str, str] = {}
    unread: list[tuple[int, _Unread]] = []  # (place in documents, what _read_changed reads)
    for kind, file in sources:
        path = f"{CONTENT_DIR}/{KINDS[kind].folder}/{os.path.basename(file)}"
        stamp, previous = file_stamp(file, path, now, seen.get(path)), known.get(path)
        if previous is not None and previous.kind == kind and stamp is not None and previous.stamp == stamp:
            documents.append(previous.found_at(file))
        else:
            unread.append((len(documents), (kind, path, file, stamp, previous)))
            documents.append(None)
    shared: dict[KeyLines, KeyLines] = {}  # one copy of the key lines of the many files laid out alike
    if processes > 1 and len(unread) >= PARALLEL_READING:
        # Documents travel between processes without their file (see __getstate__): found_at sets it again.
        parsed = forked_map(lambda index: _read_changed(*unread[index][1], shared), len(unread), processes)
        for (place, (_, _, file, _, _)), (document, body) in zip(unread, parsed, strict=True):
            documents[place], bodies[document.path] = document.found_at(file), body
    else:
        for place, changed in unread:
            documents[place], bodies[changed[1]] = _read_changed(*changed, shared)
    return cast("list[Document]", documents), Bodies(bodies)  # every None has been replaced


def read_document(kind: str, file: str | Path) -> Document:
    """Read and check one Markdown file (see read_documents)."""
    return read_documents([(kind, os.fspath(file))])[0][0]


def _read_changed(kind: str, path: str, file: str, stamp: FileStamp | None, previous: Document | None,
                  shared: dict[KeyLines, KeyLines]) -> tuple[Document, str]:
    if KINDS[kind].format == PICTURE:
        return _read_picture(kind, path, file, stamp)
    raw = read_source(file, path)
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    text = decode_text(raw, path)
    if previous is not None and previous.digest == digest and previous.kind == kind:
        body = split_front_matter(text, path)[2] if KINDS[kind].format == MARKDOWN else ""
        return dataclasses.replace(previous, file=file, stamp=stamp), body
    return parse_document(kind, path, text, digest, file, stamp, shared)


def parse_document(kind: str, path: str, text: str, digest: str, file: str = "",
                   stamp: FileStamp | None = None,
                   shared: dict[KeyLines, KeyLines] | None = None) -> tuple[Document, str]:
    """Check one file's text into a Document and its Markdown body. `shared`: key lines seen in this reading,
    so that the many files laid out alike hold one copy (a dict of the caller's, not this module's: it ends
    with the build)."""
    if KINDS[kind].format == YAML:
        return _parse_record(kind, path, text, digest, file, stamp)
    slug, lang = _checked_slug(path)
    front, front_line, body, body_line = split_front_matter(text, path)
    warnings: list[SiteError] = []
    data = load_yaml(front, path, front_line) if front.strip() else {}
    meta = build_dataclass(KINDS[kind].meta, data, path, front_line, warnings=warnings)
    key_lines = tuple(getattr(data, "key_lines", {}).items())
    key_lines = shared.setdefault(key_lines, key_lines) if shared is not None else key_lines
    line_of = dict(key_lines).get
    if getattr(meta, "image", None) and not getattr(meta, "image_alt", None):
        raise SiteError(path, line_of("image"), "'image' has no 'image_alt'",
                        "add `image_alt:` with a few words on what the picture shows")
    wordless = next((tag for tag in getattr(meta, "tags", ()) if not slugify(tag)), None)
    if wordless is not None:
        raise SiteError(path, line_of("tags"),
                        f"the tag '{wordless}' has no letters or digits, so it cannot have a page",
                        "use a word or two for each tag, like law or footage")
    if KINDS[kind].needs_body and not body.strip():
        raise SiteError(path, body_line, f"the {kind} is empty",
                        f"write the words of the {kind} under the closing '---'")
    refers = tuple(references(meta, line_of, data))
    image = getattr(meta, "image", None)
    pictured = published_record(image) if image else None
    if pictured is not None:  # `image: images/x.jpg` must name a picture in content/images/
        refers += ((*pictured, line_of("image")),)
    return Document(kind, path, slug, meta, body_line, digest, tuple(warnings), key_lines, file, stamp,
                    refers, lang), body


def _read_picture(kind: str, path: str, file: str, stamp: FileStamp | None) -> tuple[Document, str]:
    """A picture: checked to be what its name says (by its first bytes), its bytes hashed for the build."""
    name = path.rsplit("/", 1)[-1]
    stem, _, extension = name.rpartition(".")
    if not SLUG.fullmatch(stem) or f".{extension}" not in PICTURE_TYPES:
        raise SiteError(path, None, f"the file name '{name}' would make a poor web address",
                        f"rename it to {slugify(stem) or 'a-picture'}.{extension.lower()} "
                        "(lower-case letters, digits and hyphens)")
    try:
        raw = safe_files.read_bytes(file, path, limit=MAX_PICTURE_BYTES)
    except FileNotFoundError:
        raise _disappeared(path) from None
    if len(raw) > MAX_PICTURE_BYTES:
        raise SiteError(path, None, f"this picture is larger than {MAX_PICTURE_BYTES // 1_000_000} MB",
                        "save it smaller: 2000 pixels wide is plenty for a web page")
    head = raw[4:12] if extension == "avif" else raw[:8]
    if not any(head.startswith(magic) for magic in PICTURE_TYPES[f".{extension}"]) or \
            (extension == "webp" and raw[8:12] != b"WEBP"):
        raise SiteError(path, None, f"this file is not a .{extension} picture",
                        "export it again from your photo editor, or give it the right extension")
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    record = cast("type[Record]", KINDS[kind].meta)(id=name, digest=digest, path=path)  # a picture is a Record
    return Document(kind, path, name, record, 1, digest, (), (), file, stamp), ""


def _parse_record(kind_name: str, path: str, text: str, digest: str, file: str,
                  stamp: FileStamp | None) -> tuple[Document, str]:
    """A YAML file of a kind with no page (a chart, a fact): its meta is the whole file, with id, digest and path."""
    kind, name = KINDS[kind_name], path.rsplit("/", 1)[-1]
    record_id = name.rpartition(".")[0]
    if not SLUG.fullmatch(record_id):
        raise SiteError(path, None, f"the file name '{name}' is not a usable {kind.name} id",
                        f"use lower-case letters, digits and hyphens, like {slugify(record_id) or 'an-id'}.yaml")
    data = load_yaml(text, path)
    record = build_dataclass(kind.meta, data, path, 1, what=f"the {kind.name}")
    if kind.check is not None:
        kind.check(record, data, path)
    record = dataclasses.replace(record, id=record_id, digest=digest, path=path)
    key_lines = tuple(data.key_lines.items())
    return Document(kind_name, path, record_id, record, 1, digest, (), key_lines, file, stamp,
                    tuple(references(record, data.line_of, data))), ""


def refuse_outside_link(root: Path, file: Path, path: str) -> None:
    """Refuse a file that is a link leading out of its source folder (the first folder of `path`), or nowhere."""
    if os.path.islink(file):  # only links need the (slow) full resolve; find_sources checks the folders
        safe_files.check_file(safe_files.source_folder(root, path.split("/", 1)[0]), os.fspath(file), path)


def read_source(file: str | Path, path: str) -> bytes:
    """The bytes of a file in content/ (whose links find_sources or the caller has checked)."""
    try:
        raw = safe_files.read_bytes(file, path, limit=MAX_SOURCE_BYTES)
    except IsADirectoryError:
        raise SiteError(path, None, "this is a folder, not a file",
                        f"rename it so it does not end in {Path(path).suffix}") from None
    except (FileNotFoundError, NotADirectoryError):  # deleted since it was listed (a body is read when a page needs it)
        raise _disappeared(path) from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SiteError(path, None, f"this file is {os.path.getsize(file):,} bytes; the limit is {MAX_SOURCE_BYTES:,}",
                        "split it into several articles")
    return raw


def _disappeared(path: str) -> SiteError:
    return SiteError(path, None, "this file disappeared while the site was being built", "build the site again")


def decode_text(raw: bytes, path: str) -> str:
    """A source file's text: UTF-8 (with or without a BOM), any line endings made '\\n'."""
    if b"\0" in raw:
        raise SiteError(path, None, "this is not a text file",
                        "only text files belong in content/; put pictures in static/")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SiteError(path, raw[:error.start].count(b"\n") + 1, "this file is not UTF-8 text",
                        "save it as UTF-8 in your editor (in Word or Notepad: Save As, Encoding: UTF-8)") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


LANGUAGE_SUFFIX = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")  # about.cy.md, about.en-GB.md


def language_suffix(path: str) -> str:
    """The language code a file's name ends with ('about.cy.md': 'cy'), or ''."""
    stem, _, suffix = path.rsplit("/", 1)[-1].rpartition(".")[0].rpartition(".")
    return suffix if stem and LANGUAGE_SUFFIX.fullmatch(suffix) else ""


def _checked_slug(path: str) -> tuple[str, str]:
    """(slug, language suffix or '') of a Markdown file's name: 'about.cy.md' -> ('about', 'cy')."""
    name = path.rsplit("/", 1)[-1]
    stem, _, suffix = name[:-3].rpartition(".")
    if not (stem and LANGUAGE_SUFFIX.fullmatch(suffix)):
        stem, suffix = name[:-3], ""
    if not (name.endswith(".md") and SLUG.fullmatch(stem)):
        raise SiteError(path, None, f"the file name '{name}' would make a poor web address",
                        f"rename it to {slugify(stem) or 'a-name-like-this'}.md "
                        "(lower-case letters, digits and hyphens)")
    return stem, suffix


@functools.lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    import unicodedata
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


FENCE = re.compile(r"^(?:---|\.\.\.)[ \t\f\v]*$", re.M)  # a line that closes the front matter


def split_front_matter(text: str, path: str) -> tuple[str, int, str, int]:
    """Split '---' front matter from the body: (yaml, its first line, body, its first line)."""
    if not text.strip():
        raise SiteError(path, 1, "the file is empty", "start it with front matter between two '---' lines")
    first_line, _, rest = text.partition("\n")
    if first_line.rstrip() != "---":
        raise SiteError(path, 1, "the file does not start with front matter",
                        "make the first line '---', then the settings (title: ...), then another '---'")
    closing = FENCE.search(rest)
    if closing:
        front = rest[:closing.start()].removesuffix("\n")
        body = rest[closing.end() + 1:]
        body_line = rest.count("\n", 0, closing.start()) + 3
        return front, 2, body, body_line
    raise SiteError(path, 1, "the front matter has no closing '---'",
                    "add a line with just '---' after the last setting, before the text starts")


def references(value: Any, line_of: Callable[[str], int | None], data: Any = None) -> list[tuple[str, str, int | None]]:
    """(kind, id, line) for each field of dataclass `value`, or of its groups and lists of groups, that names a
    record of another kind (metadata `refers_to`). `line_of` gives a key's line; `data`, the YAML read (for
    the lines inside groups), if there is one."""
    found = []
    for item in dataclasses.fields(value):
        target, content = item.metadata.get("refers_to"), getattr(value, item.name)
        listed = content if isinstance(content, tuple) else (content,)
        if target and content:
            found += [(target, one, line_of(item.name)) for one in listed]
        for index, group in enumerate(listed):
            if dataclasses.is_dataclass(group):
                inner = _group_data(data, item.name, index if isinstance(content, tuple) else None)
                found += references(group, getattr(inner, "line_of", line_of), inner)
    return found


def _group_data(data: Any, name: str, index: int | None) -> Any:
    """data[name] (or data[name][index]): the YAML of a group, to find its keys' lines; None if there is none."""
    try:
        return data[name] if index is None else data[name][index]
    except (TypeError, KeyError, IndexError):
        return None


def refuse_unknown(records: dict[str, dict[str, Any]], kind: str, record_id: str, path: str, line: int | None) -> None:
    """A reference to a record that does not exist is an error at the referring file's line."""
    if record_id not in records.get(kind, {}):
        folder = KINDS[kind].folder
        known = ", ".join(sorted(records.get(kind, {}))) or "none yet"
        raise SiteError(path, line, f"there is no {kind} with the id '{record_id}'",
                        f"the id is a file name in {CONTENT_DIR}/{folder}/"
                        + (" without .yaml" if KINDS[kind].format == YAML else "") + f"; {folder} are: {known}")
