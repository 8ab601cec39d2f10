"""Every kind of content, declared once: the one place that knows articles, pages, quotes, charts and facts.

Site loading, validation, `build.py new`, list pages, tag pages, the feed, the sitemap,
`build.py check` and the README reference all loop over KINDS and read these declarations;
none of them names a kind. To add a kind (say "event"): write its front matter dataclass
(from the shared bases in ssg/model/frontmatter.py), add a `Kind(...)` to KINDS below (or call
`register()` from a site's own code, as tests/test_kinds.py does), and write its templates.
"""
from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ssg.model.charts import Chart, check_chart
from ssg.model.config import doc
from ssg.model.frontmatter import Publishable, Record, Source, Written

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# A kind's file format: Markdown with front matter, plain YAML, or a picture (published by ssg/build/pictures.py,
# metadata removed).
MARKDOWN, YAML, PICTURE = "markdown", "yaml", "picture"


@dataclass(frozen=True)
class ListPage:
    """A page listing every published document of a kind (split into pages of `articles_per_page` if paginated)."""
    url: str                  # "articles/"
    template: str             # "articles.html"
    title: str                # the interface text (templates/i18n/) shown as its heading, like "articles_title"
    description: str          # the interface text of its description, for search engines
    items: str                # the name its template reads the documents by: page.extra.<items>
    paginated: bool = True


@dataclass(frozen=True)
class Kind:
    """One kind of content: where its files live, what they hold, and what the site makes of them."""
    name: str                             # "article": Document.kind, the `new` argument, the template name
    folder: str                           # its folder under content/
    meta: type[DataclassInstance]         # its front matter (or, for YAML kinds, its whole file) as a dataclass
    heading: str                          # the README reference heading, after "### "
    format: str = MARKDOWN                # MARKDOWN (front matter + body) or YAML (data, no page)
    url: str | None = None                # its pages' URL rule, like "articles/{slug}/"; None: no page of its own
    home: str | None = None               # the slug published at the site's root instead (pages: "index")
    newest_first: bool = False            # sort by (date, slug), newest first; else by slug
    template: str = ""                    # its page template (default "<name>.html"; `template:` may override)
    list_page: ListPage | None = None     # a list of all its documents
    tags: bool = False                    # its `tags:` get tag pages
    feed: bool = False                    # its documents are entries of the Atom feed
    sitemap: bool = True                  # its pages are in the sitemap
    schedules: bool = False               # a future `date` holds it back; a past `expires` takes it down
    needs_body: bool = False              # a document with an empty body is an error
    scaffold: str = ""                    # the body `build.py new` writes (Markdown kinds)
    check: Callable[[Any, Any, str], None] | None = None  # rules the schema cannot say: (record, data, path)
    publish: str | None = None            # records published as files at this rule, like "images/{slug}" (pictures)

    @property
    def extension(self) -> str:
        return {MARKDOWN: ".md", YAML: ".yaml"}.get(self.format, "")

    @property
    def page_template(self) -> str:
        return self.template or f"{self.name}.html"

    def url_of(self, slug: str) -> str:
        """The site-relative URL of a document of this kind: 'articles/x/', 'about/', '' for the home page."""
        if slug == self.home:
            return ""
        if self.url is None:  # only kinds with pages are asked
            raise ValueError(f"the kind '{self.name}' has no pages")
        return self.url.format(slug=slug)

    @property
    def url_prefix(self) -> str:
        """The fixed start of its URLs ('articles/'), or '' for a kind whose pages sit at the root."""
        return self.url.split("{", 1)[0] if self.url else ""


# --- the front matter of each kind -------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class ArticleMeta(Written):
    date: datetime.date = field(metadata=doc("publication date, like 2018-12-04; a future date schedules it"))
    expires: datetime.date | None = field(default=None, metadata=doc("after this date the article is left out"))
    tags: tuple[str, ...] = field(default=(), metadata=doc("topics, like [law, footage]", max_length=60))


TEMPLATE_NAME = (r"[a-z0-9_-]+\.html", "should be a template file name like home.html")


@dataclass(frozen=True, kw_only=True)
class PageMeta(Written):
    template: str | None = field(default=None, metadata=doc("a template from templates/ (default page.html)",
                                                            pattern=TEMPLATE_NAME))


@dataclass(frozen=True, kw_only=True)
class QuoteMeta(Publishable):
    speaker: str = field(metadata=doc("who said it", max_length=120))
    role: str = field(metadata=doc("their job or role at the time", max_length=200))
    date: datetime.date = field(metadata=doc("when they said it, like 2018-12-04"))
    source: Source = field(metadata=doc("where it was reported: title, publisher, url, date"))


@dataclass(frozen=True, kw_only=True)
class Fact(Record):
    """One checked fact (the fact register): a page that states it cites its id in `facts:`."""
    statement: str = field(metadata=doc("the fact in our own plain words", max_length=400))
    figures: tuple[str, ...] = field(default=(), metadata=doc(
        "each figure as the site may write it, like [\"6,556\", \"nearly 18\"]"))
    sources: tuple[Source, ...] = field(metadata=doc("where it comes from: one or more sources"))
    confidence: str = field(metadata=doc("how sure the sources make us: high, medium or low",
                                         pattern=(r"high|medium|low", "should be high, medium or low")))
    checked: datetime.date = field(metadata=doc("when someone last checked it against its sources"))
    check_again: datetime.date | None = field(default=None, metadata=doc(
        "`build.py check` reports it once this date has passed"))
    note: str = field(default="", metadata=doc("a caveat shown with the fact", required_text=False))


@dataclass(frozen=True, kw_only=True)
class Picture(Record):
    """A picture in content/images/: no settings; its alt text is written where it is shown."""


def check_fact(fact: Fact, data: Any, path: str) -> None:
    from ssg.errors import SiteError
    if not fact.sources:
        raise SiteError(path, data.line_of("sources"), "the fact has no sources",
                        "add at least one source under `sources:` (title, publisher, url, date)")


# --- the registry ------------------------------------------------------------------------

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Declare a kind (the site's own kinds are declared below). Returns it, so a test can remove it again."""
    taken = next((k for k in KINDS.values() if k.folder == kind.folder and k.name != kind.name), None)
    if taken is not None:
        raise ValueError(f"content/{kind.folder}/ already belongs to the kind '{taken.name}'")
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    KINDS.pop(name, None)


register(Kind(
    "article", "articles", ArticleMeta, "Articles: `content/articles/<slug>.md`",
    url="articles/{slug}/", newest_first=True, tags=True, feed=True, schedules=True,
    list_page=ListPage("articles/", "articles.html", "articles_title", "articles_description", "articles"),
    scaffold="FILL IN: write the article here. Use ## for a section heading.\n"))
register(Kind(
    "page", "pages", PageMeta, "Pages: `content/pages/<slug>.md`", url="{slug}/", home="index",
    scaffold="FILL IN: write the page here. Use ## for a section heading.\n"))
register(Kind(
    "quote", "quotes", QuoteMeta,
    "Quotes: `content/quotes/<id>.md` (the quote itself is the text under the front matter)",
    url="quotes/{slug}/", newest_first=True, needs_body=True,
    list_page=ListPage("quotes/", "quotes.html", "quotes_title", "quotes_description", "quotes", paginated=False),
    scaffold="FILL IN: the exact words, as the source reports them.\n"))
register(Kind("chart", "charts", Chart, "Charts: `content/charts/<id>.yaml` (plain YAML, no `---`)",
              format=YAML, check=check_chart))
register(Kind("picture", "images", Picture,
              "Pictures: `content/images/<name>.jpg` (.jpg, .png, .gif, .webp, .avif or .svg), "
              "published at `/images/<name>.jpg`",
              format=PICTURE, publish="images/{slug}"))
register(Kind("fact", "facts", Fact, "Facts: `content/facts/<id>.yaml` (plain YAML, no `---`; no page of its own)",
              format=YAML, check=check_fact))


def published_record(path: str) -> tuple[str, str] | None:
    """(kind, id) of the record published as it is at site path `path` ('/images/x.jpg'), if a kind publishes there."""
    for kind in KINDS.values():
        prefix = kind.publish.split("{", 1)[0] if kind.publish else ""
        if prefix and path.lstrip("/").startswith(prefix):
            return kind.name, path.lstrip("/")[len(prefix):]
    return None


def with_pages() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.url is not None]


def kind_in_folder(folder: str) -> Kind | None:
    return next((kind for kind in KINDS.values() if kind.folder == folder), None)


def source_for_url(url: str) -> str | None:
    """The content file that would publish at site-relative `url` ('articles/x/' -> 'articles/x.md')."""
    slug_of = url.strip("/")
    for kind in sorted(with_pages(), key=lambda k: -len(k.url_prefix)):
        if url.strip("/") == "" and kind.home is not None:
            return f"{kind.folder}/{kind.home}{kind.extension}"
        prefix = kind.url_prefix
        if url.startswith(prefix) and slug_of:
            rest = url[len(prefix):].strip("/")
            if rest and "/" not in rest and "." not in rest:
                return f"{kind.folder}/{rest}{kind.extension}"
    return None


def readme_reference() -> str:
    """The README's front matter reference: a heading and a table per kind (tests/test_readme.py keeps it in step)."""
    from ssg.model.schema import reference_table
    no_settings = "No settings: the file is all there is."
    return "\n\n".join(f"### {kind.heading}\n\n" + (reference_table(kind.meta) if has_settings(kind) else no_settings)
                       for kind in KINDS.values())


def has_settings(kind: Kind) -> bool:
    return any(item.metadata.get("doc") for item in dataclasses.fields(kind.meta))
