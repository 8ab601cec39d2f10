"""Stage 2: read content/ into Documents: front matter checked, body kept as Markdown.

Three kinds of document, one folder each:
    content/articles/<slug>.md  ->  /articles/<slug>/
    content/pages/<slug>.md     ->  /<slug>/      (pages/index.md is the home page)
    content/quotes/<id>.md      ->  /quotes/<id>/
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import doc
from .errors import SiteError
from .schema import build_dataclass, load_yaml

CONTENT_DIR = "content"
CHARTS_DIR = "charts"   # content/charts/<id>.yaml, read by charts.py
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SOURCE_BYTES = 500_000  # 80,000 words: a Markdown file larger than this is not an article
TEMPLATE_NAME = (r"[a-z0-9_-]+\.html", "should be a template file name like home.html")


@dataclass(frozen=True)
class Source:
    """Where a fact or quote comes from."""
    title: str = field(metadata=doc("the title of the article, report or page"))
    publisher: str = field(metadata=doc("who published it, like BBC News or gov.uk"))
    url: str = field(metadata=doc("its full web address", pattern=(r"https?://\S+", "should be a web address starting with https://")))
    date: datetime.date | str | None = field(default=None, metadata=doc("when it was published: 2018-12-04, or text like 'October 2024'"))


@dataclass(frozen=True)
class ArticleMeta:
    title: str = field(metadata=doc("the article's headline", max_length=150))
    summary: str = field(metadata=doc("one or two sentences, shown in lists and to search engines", max_length=400))
    date: datetime.date = field(metadata=doc("publication date, like 2018-12-04; a future date schedules it"))
    updated: datetime.date | None = field(default=None, metadata=doc("date of the last real change"))
    expires: datetime.date | None = field(default=None, metadata=doc("after this date the article is left out"))
    tags: tuple[str, ...] = field(default=(), metadata=doc("topics, like [law, footage]", max_length=60))
    draft: bool = field(default=False, metadata=doc("true to keep it out of the site (build with --drafts to see it)"))
    image: str | None = field(default=None, metadata=doc("a picture for the top of the article and for sharing, like /images/x.jpg"))
    image_alt: str | None = field(default=None, metadata=doc("what the picture shows, for people who cannot see it"))
    sources: tuple[Source, ...] = field(default=(), metadata=doc("where the facts come from"))


@dataclass(frozen=True)
class PageMeta:
    title: str = field(metadata=doc("the page's heading", max_length=150))
    summary: str = field(metadata=doc("one sentence about the page, shown to search engines", max_length=400))
    template: str | None = field(default=None, metadata=doc("a template from templates/ (default page.html)", pattern=TEMPLATE_NAME))
    updated: datetime.date | None = field(default=None, metadata=doc("date of the last real change"))
    draft: bool = field(default=False, metadata=doc("true to keep it out of the site"))
    image: str | None = field(default=None, metadata=doc("a picture for sharing, like /images/x.jpg"))
    image_alt: str | None = field(default=None, metadata=doc("what the picture shows"))
    sources: tuple[Source, ...] = field(default=(), metadata=doc("where the facts come from"))


@dataclass(frozen=True)
class QuoteMeta:
    speaker: str = field(metadata=doc("who said it", max_length=120))
    role: str = field(metadata=doc("their job or role at the time", max_length=200))
    date: datetime.date = field(metadata=doc("when they said it, like 2018-12-04"))
    source: Source = field(metadata=doc("where it was reported: title, publisher, url, date"))
    draft: bool = field(default=False, metadata=doc("true to keep it out of the site"))


KINDS = {"article": ("articles", ArticleMeta), "page": ("pages", PageMeta), "quote": ("quotes", QuoteMeta)}
Meta = ArticleMeta | PageMeta | QuoteMeta


@dataclass(frozen=True)
class Document:
    """One Markdown file: its checked front matter and its Markdown body."""
    kind: str                    # "article", "page" or "quote"
    path: str                    # as shown in messages: content/articles/x.md
    slug: str
    meta: Meta
    body: str
    body_line: int               # line of the file where the body starts
    digest: str                  # hash of the file's bytes, for caches
    warnings: tuple[SiteError, ...] = ()
    key_lines: tuple[tuple[str, int], ...] = ()  # (front matter key, its line), for later checks' messages

    def line_of(self, key: str) -> int | None:
        return dict(self.key_lines).get(key)

    @property
    def url(self) -> str:
        """Site-relative URL: 'articles/x/', 'about/', '' for the home page."""
        return url_for(self.kind, self.slug)

    @property
    def output_path(self) -> str:
        return self.url + "index.html"

    @property
    def title(self) -> str:
        return self.meta.title if self.kind != "quote" else f"{self.meta.speaker}: {quote_excerpt(self.body)}"


def url_for(kind: str, slug: str) -> str:
    if kind == "page":
        return "" if slug == "index" else f"{slug}/"
    return f"{KINDS[kind][0]}/{slug}/"


def url_for_content_file(relative: str) -> str | None:
    """URL of a content file given as 'articles/x.md' (for links written to .md files)."""
    parts = relative.split("/")
    if len(parts) != 2 or not parts[1].endswith(".md"):
        return None
    kind = next((k for k, (folder, _) in KINDS.items() if folder == parts[0]), None)
    return url_for(kind, parts[1][:-3]) if kind else None


def quote_excerpt(body: str, words: int = 8) -> str:
    text = " ".join(body.split())
    cut = text.split(" ")
    return text if len(cut) <= words else " ".join(cut[:words]) + "…"


def find_sources(root: Path) -> list[tuple[str, Path]]:
    """Every Markdown file of each kind, sorted, as (kind, path).

    Anything else in content/ is refused, so that no file an editor adds is silently left
    out. Hidden files (.DS_Store, editors' swap files) are ignored.
    """
    folders = [folder for folder, _ in KINDS.values()] + [CHARTS_DIR]
    listing = ", ".join(f"{folder}/" for folder in sorted(folders))
    for name in visible_names(root / CONTENT_DIR):
        if name not in folders:
            raise SiteError(f"{CONTENT_DIR}/{name}", None,
                            f"content/ has no folder called '{name}'" if (root / CONTENT_DIR / name).is_dir()
                            else "files in content/ belong in one of its folders",
                            f"content/ holds {listing}; move what is in here into one of them")
    for folder in folders:
        _refuse_linked_folder(root, root / CONTENT_DIR / folder)
    found = []
    for kind, (folder, _) in KINDS.items():
        directory = root / CONTENT_DIR / folder
        for name in visible_names(directory):
            file = directory / name
            if name.lower().endswith(".md"):
                found.append((kind, file))
            elif file.is_dir():
                raise SiteError(f"{CONTENT_DIR}/{folder}/{name}", None, f"content/{folder}/ cannot have folders inside it",
                                f"move the files in it up into content/{folder}/")
            else:
                raise SiteError(f"{CONTENT_DIR}/{folder}/{name}", None,
                                f"only Markdown (.md) files belong in content/{folder}/",
                                "put pictures and other files in static/, and link to them from the text")
    return found


def _refuse_linked_folder(root: Path, folder: Path) -> None:
    """A content folder may be a link only to a folder inside the site (checked once, not per file)."""
    if os.path.islink(folder):
        try:
            target = folder.resolve(strict=True)
        except (OSError, RuntimeError):
            target = None
        if target is None or not target.is_relative_to(root.resolve()):
            shown = folder.relative_to(root).as_posix()
            raise SiteError(shown, None, "this folder is a link that points outside the site folder, or nowhere",
                            "replace the link with a real folder holding the files")


def visible_names(folder: Path) -> list[str]:
    """The sorted names in `folder` that do not start with '.'; none if it does not exist."""
    return sorted(name for name in os.listdir(folder) if not name.startswith(".")) if folder.is_dir() else []


def read_document(root: Path, kind: str, file: Path, known: dict[str, Document] | None = None) -> Document:
    """Read and check one Markdown file; unknown front matter keys become the Document's warnings.

    `known` maps paths to Documents read by an earlier build: one whose bytes are unchanged
    (same content hash) is reused instead of parsed again.
    """
    path = f"{CONTENT_DIR}/{KINDS[kind][0]}/{file.name}"
    raw = read_source(root, file, path)
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    previous = (known or {}).get(path)
    if previous is not None and previous.digest == digest and previous.kind == kind:
        # The cache keeps front matter, not bodies (they are most of its size): take the body from the file.
        _, _, body, _ = split_front_matter(decode_text(raw, path), path)
        return dataclasses.replace(previous, body=body)
    return parse_document(kind, path, decode_text(raw, path), digest)


def parse_document(kind: str, path: str, text: str, digest: str) -> Document:
    slug = _checked_slug(path)
    front, front_line, body, body_line = split_front_matter(text, path)
    warnings: list[SiteError] = []
    data = load_yaml(front, path, front_line) if front.strip() else {}
    meta = build_dataclass(KINDS[kind][1], data, path, front_line, warnings=warnings)
    key_lines = tuple(getattr(data, "key_lines", {}).items())
    line_of = dict(key_lines).get
    if getattr(meta, "image", None) and not getattr(meta, "image_alt", None):
        raise SiteError(path, line_of("image"), "'image' has no 'image_alt'",
                        "add `image_alt:` with a few words on what the picture shows")
    wordless = next((tag for tag in getattr(meta, "tags", ()) if not slugify(tag)), None)
    if wordless is not None:
        raise SiteError(path, line_of("tags"), f"the tag '{wordless}' has no letters or digits, so it cannot have a page",
                        "use a word or two for each tag, like law or footage")
    if kind == "quote" and not body.strip():
        raise SiteError(path, body_line, "the quote is empty", "write the words of the quote under the closing '---'")
    return Document(kind, path, slug, meta, body, body_line, digest, tuple(warnings), key_lines)


def refuse_outside_link(root: Path, file: Path, path: str) -> None:
    """Refuse a file that is a link leading out of the site folder, or nowhere (content/ and static/)."""
    if os.path.islink(file):  # only links need the (slow) full resolve; find_sources checks the folders
        try:
            target = file.resolve(strict=True)
        except (OSError, RuntimeError):
            raise SiteError(path, None, "this link points to a file that does not exist, or to itself",
                            "replace the link with the real file") from None
        if not target.is_relative_to(root.resolve()):
            folder = path.split("/", 1)[0]
            raise SiteError(path, None, "this link points outside the site folder",
                            f"copy the file into {folder}/ instead of linking to it")


def read_source(root: Path, file: Path, path: str) -> bytes:
    """The bytes of a file in content/, refusing links that lead out of the site folder (or nowhere)."""
    refuse_outside_link(root, file, path)
    try:
        raw = file.read_bytes()
    except IsADirectoryError:
        raise SiteError(path, None, "this is a folder, not a file",
                        f"rename it so it does not end in {Path(path).suffix}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SiteError(path, None, f"this file is {len(raw):,} bytes; the limit is {MAX_SOURCE_BYTES:,}",
                        "split it into several articles")
    return raw


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


def _checked_slug(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    stem = name[:-3]
    if not (name.endswith(".md") and SLUG.fullmatch(stem)):
        raise SiteError(path, None, f"the file name '{name}' would make a poor web address",
                        f"rename it to {slugify(stem) or 'a-name-like-this'}.md (lower-case letters, digits and hyphens)")
    return stem


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
    first_line, newline, rest = text.partition("\n")
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
