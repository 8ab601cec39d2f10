"""Stage 3: gather every document into a Site: what is published, sorted, with URLs.

Everything is read and checked before anything is rendered, and two sources that
would write one output path are refused here, before a single file is written.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ssg.errors import SiteError
from ssg.model.config import Config
from ssg.model.content import (
    CONTENT_DIR,
    Bodies,
    Document,
    find_sources,
    language_suffix,
    read_documents,
    refuse_unknown,
    slugify,
)
from ssg.model.kinds import KINDS, Kind, with_pages

# Output paths the generator itself writes besides its kinds' pages and lists; a page may not take them.
# (A page at /assets/ would also get the year-long cache lifetime _headers gives fingerprinted files.)
ASSET_PREFIX = "assets/"  # where static/ files are published, under fingerprinted names (build/assets.py)
SITE_FILES = ("tags/", ASSET_PREFIX, "404.html", "feed.xml", "sitemap.xml", "robots.txt", "_headers")
TEMPLATES_DIR = "templates"
STATIC_DIR = "static"  # published by build/assets.py
# Every folder a build reads (site.yaml besides): what serve watches, and what a build looks at to stop early.
SOURCE_FOLDERS = (CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR)


def generated_paths() -> tuple[str, ...]:
    """Every output path (or start of one) the site makes itself: the kinds' own URLs and lists, then SITE_FILES."""
    kinds = [kind.url_prefix for kind in with_pages()] + [k.list_page.url for k in KINDS.values() if k.list_page]
    kinds += [k.publish.split("{", 1)[0] for k in KINDS.values() if k.publish]
    return tuple(dict.fromkeys(path for path in kinds + list(SITE_FILES) if path))


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str
    articles: tuple[Document, ...]  # the documents tagged with it, in their kind's order

    @property
    def url(self) -> str:
        return f"tags/{self.slug}/"


@dataclass(frozen=True)
class Site:
    root: Path
    config: Config
    today: datetime.date
    published: dict[str, tuple[Document, ...]]  # by kind, in each kind's order (see Kind.newest_first)
    # What list pages, tags and the feed show: the documents in the main language. (Lists per
    # language, and a language toggle, come with the Welsh site.)
    listed: dict[str, tuple[Document, ...]]
    translations: dict[tuple[str, str], tuple[Document, ...]]  # (kind, slug) -> its versions, main language first
    tags: tuple[Tag, ...]                   # by slug
    records: dict[str, dict[str, Any]]      # YAML kinds' records by kind, then id: {"chart": {...}, "fact": {...}}
    left_out: dict[str, int] = field(default_factory=dict)  # {"draft": 2, "scheduled": 1, "expired": 0}
    warnings: tuple[SiteError, ...] = ()
    read: tuple[Document, ...] = ()         # every document read, published or not (for the cache)
    bodies: Bodies = field(default_factory=Bodies, compare=False, repr=False)  # their Markdown, read when needed

    # Worked out once (the fields never change): planning a large site asks for them many times.
    @functools.cached_property
    def documents(self) -> tuple[Document, ...]:
        """Every published document in every language, kind by kind in the order of the declarations (pages first)."""
        return tuple(d for kind in sorted(self.published, key=_page_kinds_first) for d in self.published[kind])

    def of(self, kind: str, lang: str = "") -> tuple[Document, ...]:
        """The published documents of a kind in the main language (or in `lang`), as lists show them."""
        if lang:
            return self._in_other_languages.get((kind, lang), ())
        return self.listed.get(kind, ())

    @functools.cached_property
    def _in_other_languages(self) -> dict[tuple[str, str], tuple[Document, ...]]:
        """The published documents in a language other than the main one, by (kind, language), in order."""
        found: dict[tuple[str, str], list[Document]] = {}
        for kind, documents in self.published.items():
            for document in documents:
                if document.lang:
                    found.setdefault((kind, document.lang), []).append(document)
        return {key: tuple(documents) for key, documents in found.items()}

    def translations_of(self, document: Document) -> tuple[Document, ...]:
        """The other published language versions of the same document (about.md and about.cy.md know each other)."""
        return tuple(d for d in self.translations.get((document.kind, document.slug), ()) if d is not document)

    def find(self, kind: str, slug: str) -> Any:
        """The published document or the record of `kind` called `slug`, or None."""
        if kind in self.records:
            return self.records[kind].get(slug)
        return next((d for d in self.of(kind) if d.slug == slug), None)  # in the main language

    # For the directives, which name what they show.
    @property
    def quotes(self) -> tuple[Document, ...]:
        return self.of("quote")

    def quote(self, quote_id: str) -> Document | None:
        quote: Document | None = self.find("quote", quote_id)  # quotes have pages: a Document, not a record
        return quote

    @property
    def charts(self) -> dict[str, Any]:
        return self.records.get("chart", {})


def feed_entries(site: Site, lang: str = "") -> tuple[Document, ...]:
    """Every published document (in one language) of the kinds that feed the Atom feed, newest first."""
    found = [d for kind in KINDS.values() if kind.feed for d in site.of(kind.name, lang)]
    return tuple(sorted(found, key=lambda d: (d.meta.date, d.slug), reverse=True))


def page_urls(url: str, count: int, size: int) -> list[str]:
    """The URLs of a list of `count` items shown `size` to a page: url, url/page/2/, ... (always at least one)."""
    return [url if number == 1 else f"{url}page/{number}/" for number in range(1, max(1, -(-count // size)) + 1)]


def _page_kinds_first(kind: str) -> tuple[int, int]:
    """Root-level pages first, as the build has always listed them; then the kinds in declaration order."""
    names = list(KINDS)
    return (0 if KINDS[kind].url_prefix == "" else 1, names.index(kind) if kind in names else len(names))


def load_site(root: Path, config: Config, *, today: datetime.date, drafts: bool = False,
              strict: bool = False, known: dict[str, Document] | None = None, processes: int = 1,
              seen: Mapping[str, os.stat_result] | None = None) -> Site:
    """Read every document and record under content/ and decide what is published today.

    `known`: documents from an earlier build, reused where a file is unchanged (`seen`: the files'
    stat results, if this build has them already). `processes`: how many processes may share the
    reading. With `strict`, a warning (like an unknown front matter key) is an error.
    """
    documents_read, bodies = read_documents(find_sources(root), known, processes, seen)
    read = _with_languages(documents_read, config)
    if strict:
        for document in read:
            if document.warnings:
                raise document.warnings[0]
    records = _records(read)
    for document in read:
        for kind, record_id, line in document.refers:
            refuse_unknown(records, kind, record_id, document.path, line)
    documents = [d for d in read if KINDS[d.kind].url is not None]
    left_out = {"draft": 0, "scheduled": 0, "expired": 0}
    published: dict[str, list[Document]] = {kind.name: [] for kind in with_pages()}
    for document in documents:
        reason = why_left_out(document, today, drafts)
        if reason:
            left_out[reason] += 1
        else:
            published[document.kind].append(document)
    in_order = {name: tuple(_sorted(KINDS[name], found)) for name, found in published.items()}
    main = {name: tuple(d for d in found if not d.lang) for name, found in in_order.items()}  # lists: see Site
    site = Site(root=root, config=config, today=today, published=in_order, listed=main,
                translations=group_translations(in_order),
                tags=tags_of([d for kind in KINDS.values() if kind.tags for d in main[kind.name]]),
                records=records, left_out=left_out,
                warnings=tuple(w for d in read for w in d.warnings), read=tuple(read), bodies=bodies)
    _refuse_collisions(site)
    _refuse_missing_templates(site)
    return site


def _with_languages(documents: list[Document], config: Config) -> list[Document]:
    """Each document with its language resolved from its file name: '' for the main language (about.md,
    about.en.md), a code site.yaml declares (about.cy.md); an undeclared one is an error naming the file.
    Two files for the same page in the same language are refused."""
    resolved: list[Document] = []
    seen: dict[tuple[str, str, str], str] = {}  # (kind, slug, language): the path of the file
    for document in documents:
        # The suffix is read from the name each time: a document remembered from the last build may hold
        # the language site.yaml gave it then.
        suffix = language_suffix(document.path) if document.path.count(".") > 1 else ""
        if suffix:
            code = config.language_of_suffix(suffix)
            if code is None:
                codes = ", ".join([config.language] + [lang.code for lang in config.languages])
                raise SiteError(document.path, None,
                                f"the language '{suffix}' in this file name is not one site.yaml declares",
                                f"declare it under `languages:` in site.yaml, or rename the file (languages: {codes})")
            if code != document.lang:
                document = dataclasses.replace(document, lang=code)
        key = (document.kind, document.slug, document.lang)
        if key in seen and KINDS[document.kind].url is not None:
            raise SiteError(document.path, None, f"{seen[key]} is already this {document.kind} in this language",
                            "keep one of the two files (name.md and name.en.md are the same language)")
        seen[key] = document.path
        resolved.append(document)
    return resolved


def group_translations(published: Mapping[str, Sequence[Document]]) -> dict[tuple[str, str], tuple[Document, ...]]:
    """The language versions of each document that has more than one, main language first."""
    versions: dict[tuple[str, str], list[Document]] = {}
    for documents in published.values():
        for document in documents:
            versions.setdefault((document.kind, document.slug), []).append(document)
    return {key: tuple(sorted(found, key=lambda d: (d.lang != "", d.lang)))
            for key, found in versions.items() if len(found) > 1}


def _records(documents: list[Document]) -> dict[str, dict[str, Any]]:
    """The records of the kinds with no page (charts, facts), by kind and id; two files with one id are refused."""
    records: dict[str, dict[str, Any]] = {kind.name: {} for kind in KINDS.values() if kind.url is None}
    for document in documents:
        if document.kind in records:
            same = records[document.kind].get(document.slug)
            if same is not None:
                raise SiteError(document.path, None,
                                f"another {document.kind} already has the id '{document.slug}' ({same.path})",
                                "rename one of them, or delete the one you do not need")
            records[document.kind][document.slug] = document.meta
    return records


def _sorted(kind: Kind, documents: list[Document]) -> list[Document]:
    if kind.newest_first:
        return sorted(documents, key=lambda d: (d.meta.date, d.slug), reverse=True)
    return sorted(documents, key=lambda d: d.slug)


def why_left_out(document: Document, today: datetime.date, drafts: bool) -> str | None:
    meta = document.meta
    if getattr(meta, "draft", False) and not drafts:
        return "draft"
    if KINDS[document.kind].schedules and meta.date > today and not drafts:
        return "scheduled"
    if KINDS[document.kind].schedules and meta.expires and meta.expires < today:
        return "expired"
    return None


def tags_of(documents: list[Document]) -> tuple[Tag, ...]:
    names: dict[str, str] = {}
    members: dict[str, dict[str, Document]] = {}  # by path: a document listing a tag twice appears once
    for document in documents:
        for name in document.meta.tags:
            slug = slugify(name)
            if slug:
                names.setdefault(slug, name)
                members.setdefault(slug, {})[document.path] = document
    return tuple(Tag(names[slug], slug, tuple(members[slug].values())) for slug in sorted(members))


def _refuse_collisions(site: Site) -> None:
    """A document of a kind whose pages sit at the site's root may not take an address the site makes itself."""
    generated = generated_paths()
    for kind in with_pages():
        if kind.url_prefix:
            continue
        for page in site.published[kind.name]:
            clash = next((g for g in generated if page.url == g or page.url.startswith(g)), None)
            if clash:
                folders = ", ".join(g.rstrip("/") for g in generated if g.endswith("/"))
                raise SiteError(page.path, None,
                                f"this page would publish to /{page.url}, an address the site makes itself",
                                f"rename the file; pages cannot be called {folders}")


def _refuse_missing_templates(site: Site) -> None:
    """A page's `template:` must name a file in templates/ (checked here, where the line is known)."""
    folder = site.root / TEMPLATES_DIR
    for page in site.documents:
        name = getattr(page.meta, "template", None)
        if name and not (folder / name).is_file():
            names = sorted(p.name for p in folder.glob("*.html"))
            raise SiteError(page.path, page.line_of("template"), f"the template '{name}' does not exist",
                            f"templates in {TEMPLATES_DIR}/ are: {', '.join(names) or 'none'}")
