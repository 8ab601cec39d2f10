"""Rendering a page: a document or a generated page in, its bytes and the record of what it read out.

The Renderer holds the Jinja environment and what templates may call (url, asset, t, body...).
Everything a template reads is noted in `used` while an output is rendered (RecordingConfig for
site.yaml's settings) and leaves with the output as its `deps`: planning (ssg/build/planning.py)
hashes their current values into the output's key. Rendering writes nothing.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ssg import safe_files
from ssg.build import share_cards
from ssg.build.cache import TemplateCodeCache
from ssg.build.directives import SHOWN, Use
from ssg.build.policy import PAGE_POLICY
from ssg.build.qr import qr_svg
from ssg.build.recording import RecordingConfig
from ssg.build.structured_data import structured_data
from ssg.build.template_environment import Environment
from ssg.build.template_errors import template_errors
from ssg.errors import SiteError
from ssg.markdown.directives import PLACEHOLDER
from ssg.model.content import Document, quote_excerpt, slugify
from ssg.model.interface import Interface, load_interface
from ssg.model.kinds import KINDS
from ssg.model.languages import home_of, localized_config, site_languages, versions
from ssg.model.site import TEMPLATES_DIR, Site, why_left_out

if TYPE_CHECKING:
    from ssg.build.assets import Asset
    from ssg.build.bodies import BodyCache
    from ssg.build.pictures import Encoded
    from ssg.model.frontmatter import Source
    from ssg.model.languages import Version


@dataclass(frozen=True)
class Output:
    path: str    # relative to the output folder, like "articles/x/index.html"
    data: bytes
    kind: str = "other file"  # for the build summary: page, article, quote, list, asset...
    deps: tuple[str, ...] = ()  # quotes and charts embedded: ("quote:dick-disgusting", "chart:x")
    bodies: tuple[tuple[str, str], ...] = ()  # (key, html) of the bodies converted to make it, for the cache


NO_BODY = Markup("")


@dataclass(frozen=True)
class PageView:
    """What base.html needs to know about any page: its head, its place, its main content."""
    url: str                       # site-relative, "" for the home page
    title: str
    description: str
    kind: str                      # article, page, quote, articles, tag, quotes, tags, error
    jsonld: dict[str, object] | None = None
    document: Document | None = None
    body: Markup = NO_BODY
    image: str | None = None       # site path of a share image, like /images/x.jpg
    image_alt: str | None = None
    lang: str = ""                 # its language: '' for the main one, else its folder code (cy)
    picture: Markup | None = None  # the `image:` as a <picture>, for the top of the page
    extra: dict[str, Any] = field(default_factory=dict)  # list pages: articles, pagination, tag, quotes

    @property
    def is_home(self) -> bool:
        """The home page of its language ('' or 'cy/'): its title is the site's alone."""
        return self.url == home_of(self.lang)


def template_for(document: Document) -> str:
    return getattr(document.meta, "template", None) or KINDS[document.kind].page_template


class Renderer:
    """Renders the pages of one Site: a document or a generated page in, an Output out."""

    def __init__(self, site: Site, assets: dict[str, Asset], bodies: BodyCache,
                 pictures: dict[str, Encoded] | None = None) -> None:
        self.site = site
        self.pictures = pictures or {}  # the site's pictures, prepared (ssg/build/pictures.py), by name
        self.assets = assets
        self.bodies = bodies  # each document's body as HTML (ssg/build/bodies.py)
        self.used: set[str] = set()      # what the output being rendered read: "site:title", "quote:x"...
        self.config = RecordingConfig(site.config, self.used)
        self.interfaces: dict[str, Interface] = {}  # read when first needed, by language ("": the main one)
        self.language = ""  # the language of the page being rendered
        self.configs: dict[str, RecordingConfig] = {"": self.config}  # site.yaml as each language's readers see it
        self.env = self._environment()

    # --- the Jinja environment -------------------------------------------------------
    def _environment(self) -> Environment:
        env = Environment(
            loader=safe_files.TemplateLoader(safe_files.source_folder(self.site.root, TEMPLATES_DIR)),
            # Compiled templates are kept in the build cache: compiling is most of a small rebuild.
            bytecode_cache=TemplateCodeCache(self.site.root),  # signed: see cache.py
            autoescape=jinja2.select_autoescape(("html", "htm", "xml", "svg"), default_for_string=True, default=True),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            auto_reload=False)  # one environment per build: no need to look at each template's time on every use
        env.add_globals(site=self.config, url=self.url, absolute_url=self.absolute_url, asset=self.asset,
                        body=self.body, sources_of=self.sources_of, t=self.t, translations_of=self.translations_of,
                        versions_of=self.versions_of, local_url=self.local_url, content_security_policy=PAGE_POLICY,
                        preview_label=self.preview_label, picture_size=self.picture_size,
                        qr_code=lambda path, label: qr_svg(self.absolute_url(path.lstrip("/")), label),
                        shareable=share_cards.shareable, gets_card=share_cards.gets_card,
                        card_path=share_cards.card_path)
        env.filters.update(human_date=self.human_date, isodate=lambda d: d.isoformat() if d else "",
                           excerpt=quote_excerpt, slug=slugify)
        return env

    def url(self, path: str = "") -> str:
        """A site path ('/about/' or 'about/') as a link that works under any base_url."""
        return self.config.base_path + path.lstrip("/")

    def local_url(self, path: str = "") -> str:
        """A site path in the language of the page being rendered ('tags/' on a Welsh page: '/cy/tags/')."""
        path = path.lstrip("/")
        return self.url(self.home_url(self.language) if not path else home_of(self.language) + path)

    def home_url(self, language: str) -> str:
        """A language's home page ('cy/'), or the main one's ('') while that language has none."""
        self.used.add(f"home:{language}")
        home = self.site.find("page", "index") if not language else next(
            (d for d in self.site.of("page", language) if d.url == home_of(language)), None)
        return home.url if home is not None else ""

    def absolute_url(self, path: str = "") -> str:
        return self.config.base_url + path.lstrip("/")

    def asset(self, name: str, absolute: bool = False) -> str:
        """The fingerprinted address of static/<name>."""
        if name not in self.assets:
            raise jinja2.TemplateRuntimeError(f"there is no file static/{name} (asked for by asset('{name}'))")
        self.used.add(f"asset:{name}")
        path = self.assets[name].output_path
        return self.absolute_url(path) if absolute else self.url(path)

    @property
    def interface(self) -> Interface:
        """The interface text (templates/i18n/) of the language of the page being rendered."""
        return self.interface_for(self.language)

    def interface_for(self, language: str) -> Interface:
        if language not in self.interfaces:
            self.interfaces[language] = load_interface(self.site.root, language or self.site.config.language)
            if language:  # a translation's interface text is complete: a missing key is an error even if unused
                self.interfaces[language].require_keys_of(self.interface_for(""))
        return self.interfaces[language]

    def t(self, key: str, **values: object) -> str:
        """Interface text in the page's language, noted as read like a setting."""
        self.used.add(f"interface:{self.language}")
        return self.interface.text(key, **values)

    def preview_label(self, document: Document | None) -> str:
        """'Draft' or 'Scheduled for ...' on a page only a preview (--drafts) has; '' on a published page."""
        if document is None:
            return ""
        reason = why_left_out(document, self.site.today, drafts=False)
        if reason == "draft":
            return self.t("preview_draft")
        if reason == "scheduled":
            return self.t("preview_scheduled", date=self.human_date(document.meta.date))
        return ""

    def human_date(self, value: datetime.date | str | None) -> str:
        self.used.add(f"interface:{self.language}")
        return self.interface.date(value)

    def translations_of(self, document: Document) -> tuple[Document, ...]:
        """The document's other language versions, for a language toggle and hreflang links."""
        self.used.add(f"translations:{document.kind}:{document.slug}")
        return self.site.translations_of(document)

    def versions_of(self, page: PageView) -> tuple[Version, ...]:
        """The page in every language of the site (languages.Version), for the language toggle and hreflang.

        Both ask for them, on every page: they are worked out once per page and build, and each
        asking notes what they were read from, as rendering them again would."""
        if page.document is not None:
            self.used.add(f"translations:{page.document.kind}:{page.document.slug}")
            urls = tuple((d.lang, d.url) for d in (page.document, *self.site.translations_of(page.document)))
        else:
            urls = tuple(page.extra.get("versions", {page.lang: page.url}).items())
        # Each version shows its language's home page, and its own words (the toggle's hidden text, its locale)
        # from its language's interface file: a change to either shows on this page too.
        for code, _ in site_languages(self.site.config):
            self.used.update((f"home:{code}", f"interface:{code}"))
        return self._versions(self.language, urls)

    @functools.cache  # noqa: B019 (one Renderer per build; the site does not change)
    def _versions(self, language: str, urls: tuple[tuple[str, str], ...]) -> tuple[Version, ...]:
        codes = [code for code, _ in site_languages(self.site.config)]
        homes = {code: self.home_url(code) for code in codes}
        return tuple(dataclasses.replace(version, change_text=self.interface_for(code).text("change_language"),
                                         locale=self.interface_for(code).text("og_locale"))
                     for code, version in zip(codes, versions(self.site.config, language, dict(urls), homes),
                                              strict=True))

    def site_seen_in(self, language: str) -> RecordingConfig:
        """site.yaml as readers of `language` see it: its own title, menus and contacts (languages.py)."""
        if language not in self.configs:
            interface = self.interface_for(language)
            self.configs[language] = RecordingConfig(
                localized_config(self.site.config, interface, self.translated_urls(language)), self.used)
        return self.configs[language]

    def translated_urls(self, language: str) -> dict[str, str]:
        """Main language address -> its address in `language`, for the pages in the site's menus."""
        menus = {link.url.lstrip("/") for link in self.site.config.navigation + self.site.config.footer_links}
        return {found[0].url: d.url for found in self.site.translations.values() if found[0].lang == ""
                and found[0].url in menus for d in found if d.lang == language}

    def sources_of(self, document: Document) -> tuple[Source, ...]:
        """A document's sources list: its own `sources`, then those of the records it cites (its `facts:`),
        once each."""
        sources = list(getattr(document.meta, "sources", ()))
        for kind, record_id, _ in document.refers:
            self.used.add(f"{kind}:{record_id}")
            sources += getattr(self.site.records[kind][record_id], "sources", ())
        return tuple(dict.fromkeys(sources))

    # --- bodies ---------------------------------------------------------------------
    def body_html(self, document: Document) -> str:
        """The Markdown body as HTML, before directives are filled in (its links are made with base_url)."""
        self.used.add("site:base_url")
        return self.bodies.html(document)

    def body(self, document: Document, html: str | None = None, within: tuple[str, ...] = ()) -> Markup:
        """The body as HTML with its directives filled in (in the places ssg/markdown/sanitise.py let them stand).
        `within`: the ids of the quotes whose bodies are being filled in around this one."""
        html = self.body_html(document) if html is None else html
        return Markup(PLACEHOLDER.sub(lambda m: self._directive(document, *m.groups(), within=within), html))

    def _directive(self, document: Document, name: str, argument: str, line: str, *,
                   within: tuple[str, ...]) -> str:
        """A directive's HTML: its template, given what its entry in ssg/build/directives.py finds."""
        self.used.add(f"{name}:{argument}")
        directive = SHOWN[name]
        use = Use(self.site, self.config, document, argument, int(line), within, self.body)
        return self._template(directive.template, **directive.context(use))

    # --- pages -----------------------------------------------------------------------
    def page_title(self, document: Document) -> str:
        """A document's title; a quote, which has none, is titled with who said what."""
        return document.title or f"{document.meta.speaker}: {quote_excerpt(self.site.bodies.of(document))}"

    def document(self, document: Document) -> Output:
        self._start(document.lang)
        meta = document.meta
        html = self.body_html(document)
        markdown = functools.partial(self.site.bodies.of, document)  # read if needed: the HTML is often cached
        title = self.page_title(document)
        lead = self._lead_picture(document)
        view = PageView(url=document.url, title=title, kind=document.kind, document=document, lang=document.lang,
                        description=getattr(meta, "summary", None) or quote_excerpt(markdown(), 30),
                        body=self._pictures_in(document, self.body(document, html), eager=lead is None),
                        image=getattr(meta, "image", None), image_alt=getattr(meta, "image_alt", None),
                        picture=lead, jsonld=structured_data(document, self.site, self.site_seen_in(document.lang),
                                                               self.absolute_url))
        data = self._page(template_for(document), view, document)
        return Output(document.output_path, data, document.kind, tuple(sorted(self.used)))

    def list_page(self, path: str, template: str, view: PageView) -> Output:
        self._start(view.lang)
        return Output(path, self._page(template, view), "list", tuple(sorted(self.used)))

    def other_file(self, path: str, template: str, language: str = "", **context: Any) -> Output:
        """A site-wide file made from a template (a feed, the sitemap), with what it read."""
        self._start(language)
        return Output(path, self._template(template, **context).encode(), "other file", tuple(sorted(self.used)))

    def _start(self, language: str) -> None:
        """Begin an output in `language`: nothing read yet."""
        self.used.clear()
        self.language = language

    def _page(self, template: str, view: PageView, document: Document | None = None) -> bytes:
        self.used.update(("site:language", "site:languages"))
        language = self.site.config.language_named(self.language)
        return self._template(template, page=view, document=document, language=language).encode()

    def _template(self, name: str, **context: Any) -> str:
        if "site" not in context:
            context["site"] = self.site_seen_in(self.language)
            if self.language:  # its site.yaml words come from its interface file, its menus link to translations
                self.used.update((f"interface:{self.language}", f"links:{self.language}"))
        with template_errors(self.site.root, context.get("document")):
            return self.env.get_template(name).render(**context)

    # --- pictures (ssg/build/pictures.py, imported where used: a site without pictures never loads it) ----
    def _lead_picture(self, document: Document) -> Markup | None:
        """The page's `image:` as a <picture> (loaded at once: it is the first picture of the page)."""
        image = getattr(document.meta, "image", None)
        if not image or not self.pictures:
            return None
        from ssg.build import pictures
        name = pictures.picture_name(image, "/")
        if name is None or name not in self.pictures:
            return None
        self.used.add(f"picture:{name}")
        picture = pictures.picture_html(self.pictures[name], self.url("images/"), document.meta.image_alt, lazy=False)
        return Markup(picture)

    def picture_size(self, image: str) -> tuple[int, int] | None:
        """The size `image` is published at, if it is one of the site's pictures (for og:image:width and height)."""
        if not image or not self.pictures:
            return None
        from ssg.build import pictures
        encoded = self.pictures.get(pictures.picture_name(image, "/") or "")
        return (encoded.original.width, encoded.original.height) if encoded else None

    def _pictures_in(self, document: Document, body: Markup, eager: bool) -> Markup:
        """The body with each picture from images/ as a <picture>; all but the page's first load lazily."""
        if "<img" not in body:
            return body
        from ssg.build import pictures
        shown = 0

        def show(src: str, name: str, alt: str, decorative: bool) -> str:
            nonlocal shown
            self.used.add(f"picture:{name}")  # when it appears or changes, the page is made again
            if name not in self.pictures:  # left as it is: `check` reports the broken link with the others
                return f'<img alt="{html.escape(alt)}" src="{html.escape(src)}">'
            lines = self.site.bodies.of(document).splitlines()
            line = next((document.body_line + n for n, text in enumerate(lines) if src in text), None)
            if not alt.strip() and not decorative:
                raise SiteError(document.path, line, f"the picture '{src}' has no alt text",
                                f"describe what it shows: ![a few words on the picture]({src}), or, for a picture "
                                f"that only decorates, mark it: ![]({src} \"decorative\")")
            shown += 1
            return pictures.picture_html(self.pictures[name], self.url("images/"), "" if decorative else alt,
                                         lazy=shown > 1 or not eager)
        return Markup(pictures.replace_images(str(body), self.config.base_path, show))
