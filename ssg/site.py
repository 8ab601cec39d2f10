"""Stage 3: gather every document into a Site: what is published, sorted, with URLs.

Everything is read and checked before anything is rendered, and two sources that
would write one output path are refused here, before a single file is written.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from .assets import ASSET_PREFIX
from .charts import Chart, load_charts
from .config import Config
from .content import Document, find_sources, read_documents, slugify
from .errors import SiteError

# Output paths the generator itself writes; a page may not take them. (A page at /assets/
# would also get the year-long cache lifetime _headers gives fingerprinted files.)
GENERATED = ("articles/", "quotes/", "tags/", ASSET_PREFIX, "404.html", "feed.xml", "sitemap.xml", "robots.txt",
             "_headers")
TEMPLATES_DIR = "templates"


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str
    articles: tuple[Document, ...]

    @property
    def url(self) -> str:
        return f"tags/{self.slug}/"


@dataclass(frozen=True)
class Site:
    root: Path
    config: Config
    today: datetime.date
    articles: tuple[Document, ...]          # published, newest first
    pages: tuple[Document, ...]
    quotes: tuple[Document, ...]            # newest first
    tags: tuple[Tag, ...]                   # by slug
    charts: dict[str, Chart]
    left_out: dict[str, int] = field(default_factory=dict)  # {"draft": 2, "scheduled": 1, "expired": 0}
    warnings: tuple[SiteError, ...] = ()
    read: tuple[Document, ...] = ()         # every document read, published or not (for the cache)

    @property
    def documents(self) -> tuple[Document, ...]:
        return self.pages + self.articles + self.quotes

    def quote(self, quote_id: str) -> Document | None:
        return next((q for q in self.quotes if q.slug == quote_id), None)


def load_site(root: Path, config: Config, *, today: datetime.date, drafts: bool = False,
              strict: bool = False, known: dict[str, Document] | None = None, processes: int = 1) -> Site:
    """Read every document under content/ and decide what is published today.

    `known`: documents from an earlier build, reused where a file is unchanged. `processes`:
    how many processes may share the reading. With `strict`, a warning (like an unknown front
    matter key) is an error.
    """
    documents = read_documents(find_sources(root), known, processes)
    if strict:
        for document in documents:
            if document.warnings:
                raise document.warnings[0]
    left_out = {"draft": 0, "scheduled": 0, "expired": 0}
    published = []
    for document in documents:
        reason = why_left_out(document, today, drafts)
        if reason:
            left_out[reason] += 1
        else:
            published.append(document)
    by_kind = {kind: [d for d in published if d.kind == kind] for kind in ("article", "page", "quote")}
    newest_first = lambda d: (d.meta.date, d.slug)  # noqa: E731
    articles = tuple(sorted(by_kind["article"], key=newest_first, reverse=True))
    site = Site(root=root, config=config, today=today, articles=articles,
                pages=tuple(sorted(by_kind["page"], key=lambda d: d.slug)),
                quotes=tuple(sorted(by_kind["quote"], key=newest_first, reverse=True)),
                tags=_tags(articles), charts=load_charts(root), left_out=left_out,
                warnings=tuple(w for d in documents for w in d.warnings), read=tuple(documents))
    _refuse_collisions(site)
    _refuse_missing_templates(site)
    return site


def why_left_out(document: Document, today: datetime.date, drafts: bool) -> str | None:
    meta = document.meta
    if meta.draft and not drafts:
        return "draft"
    if document.kind == "article" and meta.date > today and not drafts:
        return "scheduled"
    if document.kind == "article" and meta.expires and meta.expires < today:
        return "expired"
    return None


def _tags(articles: tuple[Document, ...]) -> tuple[Tag, ...]:
    names: dict[str, str] = {}
    members: dict[str, dict[str, Document]] = {}  # by path: an article listing a tag twice appears once
    for article in articles:
        for name in article.meta.tags:
            slug = slugify(name)
            if slug:
                names.setdefault(slug, name)
                members.setdefault(slug, {})[article.path] = article
    return tuple(Tag(names[slug], slug, tuple(members[slug].values())) for slug in sorted(members))


def _refuse_collisions(site: Site) -> None:
    for page in site.pages:
        clash = next((g for g in GENERATED if page.url == g or page.url.startswith(g)), None)
        if clash:
            raise SiteError(page.path, None, f"this page would publish to /{page.url}, an address the site makes itself",
                            "rename the file; pages cannot be called " + ", ".join(g.rstrip("/") for g in GENERATED
                                                                                   if g.endswith("/")))


def _refuse_missing_templates(site: Site) -> None:
    """A page's `template:` must name a file in templates/ (checked here, where the line is known)."""
    folder = site.root / TEMPLATES_DIR
    for page in site.pages:
        name = page.meta.template
        if name and not (folder / name).is_file():
            names = sorted(p.name for p in folder.glob("*.html"))
            raise SiteError(page.path, page.line_of("template"), f"the template '{name}' does not exist",
                            f"templates in {TEMPLATES_DIR}/ are: {', '.join(names) or 'none'}")
