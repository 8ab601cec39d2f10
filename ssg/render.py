"""Stage 4: render the Site through Jinja templates into Outputs (path, bytes). Pure: writes nothing."""
from __future__ import annotations

import contextlib
import datetime
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import jinja2
from markupsafe import Markup

from .assets import Asset
from .content import Document, quote_excerpt, slugify
from .errors import SiteError
from .markup import PLACEHOLDER, MarkdownConverter
from .site import Site, Tag

TEMPLATES_DIR = "templates"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class Output:
    path: str    # relative to the output folder, like "articles/x/index.html"
    data: bytes
    kind: str = "other file"  # for the build summary: page, article, quote, list, asset...


@dataclass(frozen=True)
class PageView:
    """What base.html needs to know about any page: its head, its place, its main content."""
    url: str                       # site-relative, "" for the home page
    title: str
    description: str
    kind: str                      # article, page, quote, articles, tag, quotes, tags, error
    jsonld: dict | None = None
    document: Document | None = None
    body: Markup = Markup("")
    image: str | None = None       # site path of a share image, like /images/x.jpg
    image_alt: str | None = None
    extra: dict = field(default_factory=dict)  # list pages: articles, pagination, tag, quotes


def human_date(value: datetime.date | str | None) -> str:
    if isinstance(value, datetime.date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return value or ""


class Renderer:
    """Renders pages of one Site. Holds the Jinja environment and a Markdown converter."""

    def __init__(self, site: Site, assets: dict[str, Asset], body_cache: dict | None = None) -> None:
        self.site = site
        self.assets = assets
        self.converter = MarkdownConverter(site.config.base_path)
        self.body_cache = body_cache if body_cache is not None else {}
        self.env = self._environment()

    # --- the Jinja environment -------------------------------------------------------
    def _environment(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.site.root / TEMPLATES_DIR),
            autoescape=jinja2.select_autoescape(("html", "htm", "xml", "svg"), default_for_string=True, default=True),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        env.globals.update(site=self.site.config, url=self.url, absolute_url=self.absolute_url, asset=self.asset,
                           contacts=self.site.config.contacts, navigation=self.site.config.navigation,
                           footer_links=self.site.config.footer_links)
        env.filters.update(human_date=human_date, isodate=lambda d: d.isoformat() if d else "",
                           excerpt=quote_excerpt, slug=slugify)
        return env

    def url(self, path: str = "") -> str:
        """A site path ('/about/' or 'about/') as a link that works under any base_url."""
        return self.site.config.base_path + path.lstrip("/")

    def absolute_url(self, path: str = "") -> str:
        return self.site.config.base_url + path.lstrip("/")

    def asset(self, name: str, absolute: bool = False) -> str:
        """The fingerprinted address of static/<name>."""
        if name not in self.assets:
            raise jinja2.TemplateRuntimeError(f"there is no file static/{name} (asked for by asset('{name}'))")
        path = self.assets[name].output_path
        return self.absolute_url(path) if absolute else self.url(path)

    # --- bodies ---------------------------------------------------------------------
    def body_html(self, document: Document) -> str:
        """The Markdown body as HTML, before directives are filled in (cacheable)."""
        key = (document.digest, self.site.config.base_path, document.path)
        html = self.body_cache.get(key)
        if html is None:
            html = self.converter.convert(document.body, document.path, document.body_line)
            self.body_cache[key] = html
        return html

    def body(self, document: Document) -> Markup:
        html = self.body_html(document)
        return Markup(PLACEHOLDER.sub(lambda m: self._directive(document, *m.groups()), html))

    def _directive(self, document: Document, name: str, argument: str, line: str) -> str:
        place = (document.path, int(line))
        if name == "quote":
            quote = self.site.quote(argument)
            if quote is None:
                known = ", ".join(q.slug for q in self.site.quotes) or "none yet"
                raise SiteError(*place, f"there is no quote with the id '{argument}'",
                                f"the id is a file name in content/quotes/ without .md; quotes are: {known}")
            return self._template("partials/quote.html", quote=quote, quote_body=self.body(quote))
        if name == "chart":
            chart = self.site.charts.get(argument)
            if chart is None:
                known = ", ".join(self.site.charts) or "none yet"
                raise SiteError(*place, f"there is no chart with the id '{argument}'",
                                f"the id is a file name in content/charts/ without .yaml; charts are: {known}")
            return self._template("partials/chart.html", chart=chart, layout=chart.layout())
        wanted = [c for c in self.site.config.contacts if not argument or c.id == argument]
        if not wanted:
            raise SiteError(*place, f"there is no contact with the id '{argument}' in site.yaml",
                            "contacts are: " + ", ".join(c.id for c in self.site.config.contacts))
        return self._template("partials/contacts.html", selected=wanted)

    # --- pages -----------------------------------------------------------------------
    def document(self, document: Document) -> Output:
        meta = document.meta
        view = PageView(url=document.url, title=document.title, kind=document.kind, document=document,
                        description=getattr(meta, "summary", None) or quote_excerpt(document.body, 30),
                        body=self.body(document), image=getattr(meta, "image", None),
                        image_alt=getattr(meta, "image_alt", None), jsonld=self._jsonld(document))
        template = getattr(meta, "template", None) or f"{document.kind}.html"
        return Output(document.output_path, self._page(template, view, document), document.kind)

    def lists(self) -> Iterator[Output]:
        """The generated pages: article lists, tag pages, quote list, 404."""
        yield from self._paginated("articles/", "Articles", "All articles, newest first.", self.site.articles,
                                   "articles")
        for tag in self.site.tags:
            yield from self._paginated(tag.url, f"Articles about {tag.name}",
                                       f"Articles tagged ‘{tag.name}’, newest first.", tag.articles, "tag", tag=tag)
        yield Output("tags/index.html", self._page("tags.html", PageView(
            url="tags/", title="Topics", description="Every topic the articles cover.", kind="tags",
            extra={"tags": self.site.tags})), "list")
        yield Output("quotes/index.html", self._page("quotes.html", PageView(
            url="quotes/", title="Voices", description="What police leaders and others have said, with sources.",
            kind="quotes", extra={"quotes": [(q, self.body(q)) for q in self.site.quotes]})), "list")
        yield Output("404.html", self._page("404.html", PageView(
            url="404.html", title="Page not found", description="This page could not be found.", kind="error")))

    def _paginated(self, url: str, title: str, description: str, articles: tuple[Document, ...], kind: str,
                   **extra: Any) -> Iterator[Output]:
        size = self.site.config.articles_per_page
        pages = max(1, math.ceil(len(articles) / size))
        page_url = lambda n: url if n == 1 else f"{url}page/{n}/"  # noqa: E731
        for number in range(1, pages + 1):
            pagination = {"number": number, "total": pages,
                          "previous": page_url(number - 1) if number > 1 else None,
                          "next": page_url(number + 1) if number < pages else None}
            shown_title = title if number == 1 else f"{title} (page {number} of {pages})"
            view = PageView(url=page_url(number), title=shown_title, description=description, kind=kind,
                            extra={"articles": articles[(number - 1) * size:number * size],
                                   "pagination": pagination, **extra})
            yield Output(page_url(number) + "index.html",
                         self._page(f"{kind if kind == 'tag' else 'articles'}.html", view), "list")

    def _page(self, template: str, view: PageView, document: Document | None = None) -> bytes:
        return self._template(template, page=view, document=document).encode()

    def _template(self, name: str, **context: Any) -> str:
        with template_errors(self.site.root, context.get("document")):
            return self.env.get_template(name).render(**context)

    # --- structured data ------------------------------------------------------------
    def _jsonld(self, document: Document) -> dict:
        meta, config = document.meta, self.site.config
        publisher = {"@type": "Organization", "name": config.publisher or config.title, "url": config.base_url}
        if document.kind == "quote":
            source = meta.source
            return {"@context": "https://schema.org", "@type": "Quotation",
                    "text": " ".join(document.body.split()), "dateCreated": meta.date.isoformat(),
                    "spokenByCharacter": {"@type": "Person", "name": meta.speaker, "jobTitle": meta.role},
                    "isBasedOn": {"@type": "CreativeWork", "name": source.title, "url": source.url,
                                  "publisher": {"@type": "Organization", "name": source.publisher}},
                    "url": self.absolute_url(document.url)}
        if document.kind == "article":
            data = {"@context": "https://schema.org", "@type": "Article", "headline": meta.title,
                    "description": meta.summary, "datePublished": meta.date.isoformat(),
                    "dateModified": (meta.updated or meta.date).isoformat(), "inLanguage": config.language,
                    "mainEntityOfPage": self.absolute_url(document.url), "publisher": publisher,
                    "author": publisher}
            if meta.image:
                data["image"] = self.absolute_url(meta.image)
            return data
        if document.url == "":
            return {"@context": "https://schema.org", "@type": "WebSite", "name": config.title,
                    "description": config.description, "url": config.base_url, "inLanguage": config.language,
                    "publisher": publisher}
        return {"@context": "https://schema.org", "@type": "WebPage", "name": meta.title,
                "description": meta.summary, "url": self.absolute_url(document.url), "inLanguage": config.language}


@contextlib.contextmanager
def template_errors(root: Path, document: Document | None) -> Iterator[None]:
    """Turn Jinja's exceptions into SiteErrors that name the template file and line."""
    try:
        yield
    except SiteError:
        raise
    except jinja2.TemplateSyntaxError as error:
        raise SiteError(_template_path(root, error.filename or error.name), error.lineno,
                        f"template syntax error: {error.message}",
                        "check the {% %} and {{ }} tags on this line: each {% if %} or {% for %} needs its {% end... %}") from None
    except jinja2.TemplateNotFound as error:
        names = sorted(p.name for p in (root / TEMPLATES_DIR).glob("*.html"))
        asked_by = document.path if document else TEMPLATES_DIR
        raise SiteError(asked_by, None, f"the template '{error.name}' does not exist",
                        f"templates in {TEMPLATES_DIR}/ are: {', '.join(names) or 'none'}") from None
    except RecursionError:
        raise SiteError(TEMPLATES_DIR, None, "templates include or extend each other in an endless loop",
                        "look for a template that includes itself, directly or through another") from None
    except Exception as error:  # UndefinedError, errors raised by template code
        path, line = _failing_template_line(root, error.__traceback__)
        message = getattr(error, "message", None) or str(error)
        hint = ("check the spelling; every variable a template uses must exist (or use `| default(...)`)"
                if isinstance(error, jinja2.UndefinedError) else "fix the expression on this line")
        if path is None:
            raise
        raise SiteError(path, line, f"template error: {message}", hint) from None


def _template_path(root: Path, filename: str | None) -> str:
    if not filename:
        return TEMPLATES_DIR
    path = Path(filename)
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(root.resolve()).as_posix()
    return f"{TEMPLATES_DIR}/{filename}"


def _failing_template_line(root: Path, traceback) -> tuple[str | None, int | None]:
    """The innermost template frame of a traceback: Jinja maps its line numbers to the template."""
    found = (None, None)
    templates = str((root / TEMPLATES_DIR).resolve())
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(templates) or re.search(r"\.(html|xml|svg|txt)$", filename):
            found = (_template_path(root, filename), traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def render_site(renderer: Renderer) -> Iterator[Output]:
    """Every page of the site: documents first, then the generated lists."""
    for document in renderer.site.documents:
        yield renderer.document(document)
    yield from renderer.lists()


def copy_assets(assets: dict[str, Asset]) -> Iterator[Output]:
    for asset in assets.values():
        yield Output(asset.output_path, asset.source.read_bytes(), "asset")
