"""Stage 4: render the Site through Jinja templates into Outputs (path, bytes). Pure: writes nothing."""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime
import difflib
import functools
import hashlib
import html
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import jinja2
import jinja2.meta
from markupsafe import Markup

from ssg import safe_files
from ssg.build import pictures, share_cards
from ssg.build.assets import Asset
from ssg.build.cache import CACHE_DIR, BodyStore, TemplateCodeCache, markup_version
from ssg.build.pictures import Encoded
from ssg.build.policy import PAGE_POLICY
from ssg.build.qr import qr_svg
from ssg.errors import SiteError
from ssg.markdown.directives import DIRECTIVES, PLACEHOLDER
from ssg.model.content import Document, quote_excerpt, slugify
from ssg.model.interface import Interface, load_interface
from ssg.model.kinds import KINDS
from ssg.model.languages import home_of, localized_config, site_languages, unprefixed, versions
from ssg.model.site import TEMPLATES_DIR, Site, page_urls, tags_of, why_left_out
from ssg.parallel import forked_map, ignore_interrupts

if TYPE_CHECKING:
    import types
    from multiprocessing.connection import Connection

    from ssg.markdown import markup
    from ssg.model.config import Config
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


# A generated page: (output path, template, view, what the view shows, for its key)
ListPage = tuple[str, str, PageView, object]


def digest_of(*parts: object) -> str:
    """A short stable hash of some values (their repr, which is deterministic for our dataclasses)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def template_for(document: Document) -> str:
    return getattr(document.meta, "template", None) or KINDS[document.kind].page_template


class Renderer:
    """Renders pages of one Site. Holds the Jinja environment and a Markdown converter."""

    def __init__(self, site: Site, assets: dict[str, Asset], bodies: BodyStore | None = None,
                 template_references: dict[str, frozenset[str | None]] | None = None,
                 pictures: dict[str, Encoded] | None = None) -> None:
        self.site = site
        self.pictures = pictures or {}  # the site's pictures, prepared (ssg/build/pictures.py), by name
        self.assets = assets
        self.bodies = bodies
        self.markup_version = markup_version()  # part of each cached body's key
        self.memory: dict[str, str] = {}  # bodies converted in this process or handed over by convert_ahead
        self.converted: list[tuple[str, str]] = []  # (key, html) converted for the output being rendered
        self.used: set[str] = set()      # what the output being rendered read: "site:title", "quote:x"...
        self.config = RecordingConfig(site.config, self.used)
        self.interfaces: dict[str, Interface] = {}  # read when first needed, by language ("": the main one)
        self.language = ""  # the language of the page being rendered
        self.configs: dict[str, RecordingConfig] = {"": self.config}  # site.yaml as each language's readers see it
        self.env = self._environment()
        self.templates = TemplateDigests(self.env, site.root, template_references or {})

    # --- the Jinja environment -------------------------------------------------------
    def _environment(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=safe_files.TemplateLoader(safe_files.source_folder(self.site.root, TEMPLATES_DIR)),
            # Compiled templates are kept in the build cache: compiling is most of a small rebuild.
            bytecode_cache=TemplateCodeCache(self.site.root),  # signed: see cache.py
            autoescape=jinja2.select_autoescape(("html", "htm", "xml", "svg"), default_for_string=True, default=True),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            auto_reload=False)  # one environment per build: no need to look at each template's time on every use
        env.globals.update(site=self.config, url=self.url, absolute_url=self.absolute_url, asset=self.asset,
                           body=self.body, sources_of=self.sources_of, t=self.t, translations_of=self.translations_of,
                           versions_of=self.versions_of, local_url=self.local_url, content_security_policy=PAGE_POLICY,
                           preview_label=self.preview_label)
        env.globals.update(qr_code=lambda path, label: qr_svg(self.absolute_url(path.lstrip("/")), label))
        env.globals.update(shareable=share_cards.shareable, gets_card=share_cards.gets_card,
                           card_path=share_cards.card_path, picture_size=self.picture_size)
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
        self.used.update(f"home:{code}" for code, _ in site_languages(self.site.config))
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
    # ssg.markdown.markup is imported when first needed: Python-Markdown and its extensions take about
    # 0.2 s to import and set up, which a build that converts nothing need not spend.
    @functools.cached_property
    def converter(self) -> markup.MarkdownConverter:
        from ssg.markdown import markup
        return markup.MarkdownConverter(self.site.config.base_path)

    def body_key(self, document: Document) -> str:
        return digest_of(self.markup_version, self.config.base_path, document.path, document.digest)

    def body_html(self, document: Document) -> str:
        """The Markdown body as HTML, before directives are filled in (cached by content hash)."""
        key = self.body_key(document)
        html = self.memory.get(key)
        if html is None and self.bodies is not None:
            html = self.bodies.get(key)
        if html is None:
            html = self.converter.convert(self.site.bodies.of(document), document.path, document.body_line)
            self.converted.append((key, html))
        if document.kind == "quote":
            self.memory[key] = html
        return html

    def body(self, document: Document, html: str | None = None, within: tuple[str, ...] = ()) -> Markup:
        """The body as HTML with its directives filled in (in the places ssg/markdown/sanitise.py let them stand).
        `within`: the ids of the quotes whose bodies are being filled in around this one."""
        html = self.body_html(document) if html is None else html
        return Markup(PLACEHOLDER.sub(lambda m: self._directive(document, *m.groups(), within=within), html))

    def _directive(self, document: Document, name: str, argument: str, line: str, *,
                   within: tuple[str, ...]) -> str:
        place = (document.path, int(line))
        self.used.add(f"{name}:{argument}")
        if name == "quote":
            quote = self.site.quote(argument)
            draft = None if quote else next(
                (d for d in self.site.read if (d.kind, d.slug) == ("quote", argument)), None)
            if draft is not None:
                raise SiteError(*place, f"the quote '{argument}' is a draft, so it cannot be shown yet",
                                f"delete the line `draft: true` in {draft.path} to publish it; "
                                "`--drafts` shows it in previews")
            if quote is None:
                known = ", ".join(q.slug for q in self.site.quotes) or "none yet"
                raise SiteError(*place, f"there is no quote with the id '{argument}'",
                                f"the id is a file name in content/quotes/ without .md; quotes are: {known}")
            within = (*within, document.slug) if document.kind == "quote" else within
            if argument in within:
                loop = " -> ".join((*within[within.index(argument):], argument))
                raise SiteError(*place, f"the quote '{argument}' would show inside itself ({loop})",
                                "a quote cannot show itself, directly or through another quote: remove this [[quote]]")
            return self._template("partials/quote.html", quote=quote, quote_body=self.body(quote, within=within))
        if name == "chart":
            chart = self.site.charts.get(argument)
            if chart is None:
                known = ", ".join(self.site.charts) or "none yet"
                raise SiteError(*place, f"there is no chart with the id '{argument}'",
                                f"the id is a file name in content/charts/ without .yaml; charts are: {known}")
            return self._template("partials/chart.html", chart=chart, layout=chart.layout())
        if name == "fact":
            facts = self.site.records.get("fact", {})
            if argument not in facts:
                close = difflib.get_close_matches(argument, facts, n=3)
                raise SiteError(*place, f"there is no fact with the id '{argument}'",
                                "the id is a file name in content/facts/ without .yaml"
                                + (f"; did you mean {' or '.join(close)}?" if close else ""))
            return self._template("partials/fact.html", fact=facts[argument])
        wanted = [c for c in self.config.contacts if not argument or c.id == argument]
        if not wanted:
            raise SiteError(*place, f"there is no contact with the id '{argument}' in site.yaml",
                            "contacts are: " + ", ".join(c.id for c in self.config.contacts))
        return self._template("partials/contacts.html", selected=wanted)

    # --- pages -----------------------------------------------------------------------
    def page_title(self, document: Document) -> str:
        """A document's title; a quote, which has none, is titled with who said what."""
        return document.title or f"{document.meta.speaker}: {quote_excerpt(self.site.bodies.of(document))}"

    def document(self, document: Document) -> Output:
        self.used.clear()
        self.language = document.lang
        meta = document.meta
        html = self.body_html(document)
        markdown = functools.partial(self.site.bodies.of, document)  # read if needed: the HTML is often cached
        title = self.page_title(document)
        lead = self._lead_picture(document)
        view = PageView(url=document.url, title=title, kind=document.kind, document=document, lang=document.lang,
                        description=getattr(meta, "summary", None) or quote_excerpt(markdown(), 30),
                        body=self._pictures_in(document, self.body(document, html), eager=lead is None),
                        image=getattr(meta, "image", None), image_alt=getattr(meta, "image_alt", None),
                        picture=lead, jsonld=self._jsonld(document))
        data = self._page(template_for(document), view, document)
        return Output(document.output_path, data, document.kind, tuple(sorted(self.used)))

    # --- pictures (ssg/build/pictures.py) ----------------------------------------------------
    def _lead_picture(self, document: Document) -> Markup | None:
        """The page's `image:` as a <picture> (loaded at once: it is the first picture of the page)."""
        image = getattr(document.meta, "image", None)
        name = pictures.picture_name(image, "/") if image else None
        if name is None or name not in self.pictures:
            return None
        self.used.add(f"picture:{name}")
        picture = pictures.picture_html(self.pictures[name], self.url("images/"), document.meta.image_alt, lazy=False)
        return Markup(picture)

    def picture_size(self, image: str) -> tuple[int, int] | None:
        """The size `image` is published at, if it is one of the site's pictures (for og:image:width and height)."""
        encoded = self.pictures.get(pictures.picture_name(image, "/") or "")
        return (encoded.original.width, encoded.original.height) if encoded else None

    def _pictures_in(self, document: Document, body: Markup, eager: bool) -> Markup:
        """The body with each picture from images/ as a <picture>; all but the page's first load lazily."""
        if "<img" not in body:
            return body
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

    def list_pages(self) -> Iterator[ListPage]:
        """The generated pages as (output path, template, view, what the view shows, for its key), in every
        language: the main language has them all; another language has the lists of the kinds it has documents
        of, and its 404 page. Each knows its versions in the other languages (the same list)."""
        made = [page for code, _ in site_languages(self.site.config) for page in self._list_pages_in(code)]
        found: dict[str, dict[str, str]] = {}
        for _, _, view, _ in made:
            if view.kind != "error":  # a 404 page is no translation of another
                found.setdefault(unprefixed(view.url, view.lang), {})[view.lang] = view.url
        for path, template, view, shown in made:
            urls = found.get(unprefixed(view.url, view.lang), {view.lang: view.url}) if view.kind != "error" else {}
            urls = urls or {view.lang: view.url}
            yield (path, template, dataclasses.replace(view, extra={**view.extra, "versions": urls}),
                   (shown, sorted(urls.items())))

    def _list_pages_in(self, code: str) -> Iterator[ListPage]:
        site, prefix, text = self.site, home_of(code), self.interface_for(code).text
        tags = site.tags if not code else tags_of([d for k in KINDS.values() if k.tags for d in site.of(k.name, code)])
        topics = any(kind.tags for kind in KINDS.values()) and bool(tags or not code)  # this language has tag pages
        for kind in KINDS.values():
            listing = kind.list_page
            documents = site.of(kind.name, code) if listing else ()
            if listing is None or (code and not documents):
                continue
            title, description = text(listing.title), text(listing.description)
            if listing.paginated:
                yield from self._paginated(code, prefix + listing.url, title, description, documents,
                                           listing.items, listing.template, items=listing.items, topics=topics)
            else:
                yield (prefix + listing.url + "index.html", listing.template, PageView(
                    url=prefix + listing.url, title=title, description=description, kind=listing.items, lang=code,
                    extra={listing.items: documents, "topics": topics}), (documents_digest(documents), topics))
        if topics:
            for tag in tags:
                yield from self._paginated(code, prefix + tag.url, text("tag_title", name=tag.name),
                                           text("tag_description", name=tag.name), tag.articles, "tag",
                                           "tag.html", tag=tag)
            yield (prefix + "tags/index.html", "tags.html", PageView(
                url=prefix + "tags/", title=text("tags_title"), description=text("tags_description"), kind="tags",
                lang=code, extra={"tags": tags}), tuple((t.name, t.slug, documents_digest(t.articles)) for t in tags))
        yield (prefix + "404.html", "404.html", PageView(
            url=prefix + "404.html", title=text("not_found_title"), description=text("not_found_description"),
            kind="error", lang=code), ())

    def _paginated(self, code: str, url: str, title: str, description: str, documents: tuple[Document, ...],
                   kind: str, template: str, items: str = "articles",
                   **extra: Any) -> Iterator[ListPage]:
        size = self.site.config.articles_per_page
        urls = page_urls(url, len(documents), size)
        for number, page_url in enumerate(urls, start=1):
            pagination = {"number": number, "total": len(urls),
                          "previous": urls[number - 2] if number > 1 else None,
                          "next": urls[number] if number < len(urls) else None}
            shown_title = title if number == 1 else self.interface_for(code).text(
                "page_of_title", title=title, number=number, total=len(urls))
            shown = documents[(number - 1) * size:number * size]
            view = PageView(url=page_url, title=shown_title, description=description, kind=kind, lang=code,
                            extra={items: shown, "pagination": pagination, **extra})
            yield (page_url + "index.html", template, view,
                   (sorted(pagination.items()), documents_digest(shown), extra.get("topics")))

    def list_page(self, path: str, template: str, view: PageView) -> Output:
        self.used.clear()
        self.language = view.lang
        return Output(path, self._page(template, view), "list", tuple(sorted(self.used)))

    def _page(self, template: str, view: PageView, document: Document | None = None) -> bytes:
        self.used.update(("site:language", "site:languages"))
        if self.language:  # its site.yaml words come from its interface file, its menus link to translations
            self.used.update((f"interface:{self.language}", f"links:{self.language}"))
        language = self.site.config.language_named(self.language)
        return self._template(template, page=view, document=document, language=language).encode()

    def _template(self, name: str, **context: Any) -> str:
        context.setdefault("site", self.site_seen_in(self.language))
        with template_errors(self.site.root, context.get("document")):
            return self.env.get_template(name).render(**context)

    # --- what each output depends on --------------------------------------------------
    @functools.cache  # noqa: B019 (one Renderer per build; the site does not change)
    def dependency_state(self, dependency: str) -> str:
        """A hash of the current value of something an output read, as recorded in Output.deps."""
        return digest_of(dependency, self._dependency_value(dependency))

    def _dependency_value(self, dependency: str) -> object:
        kind, _, name = dependency.partition(":")
        if kind == "site":
            return repr(getattr(self.site.config, name, None))
        if kind == "asset":
            asset = self.assets.get(name)
            return asset.output_path if asset else None
        if kind == "interface":
            return self.interface_for(name).digest
        if kind == "home":
            return self.home_url(name)
        if kind == "links":
            return sorted(self.translated_urls(name).items())
        if kind == "translations":
            kind_name, _, slug = name.partition(":")
            return [(d.lang, d.url) for d in self.site.translations.get((kind_name, slug), ())]
        if kind == "quote":
            quote = self.site.quote(name)
            return (quote.digest if quote else None, self.templates.digest("partials/quote.html"))
        if kind == "chart":
            chart = self.site.charts.get(name)
            return (chart.digest if chart else None, self.templates.digest("partials/chart.html"))
        if kind in self.site.records:  # a record a page cites or shows (a fact)
            record = self.site.records[kind].get(name)
            shown_by = self.templates.digest(f"partials/{kind}.html") if kind in DIRECTIVES else None
            return (record.digest if record else None, shown_by)
        return self.templates.digest("partials/contacts.html")

    def key(self, template: str, inputs: object, deps: tuple[str, ...]) -> str:
        """Hash of everything an output depends on; `deps` are what it read when last rendered."""
        digest = self._key_start(template, deps).copy()
        digest.update(repr(inputs).encode())
        return digest.hexdigest()

    @functools.cache  # noqa: B019 (thousands of pages share a template and the settings they read)
    def _key_start(self, template: str, deps: tuple[str, ...]) -> hashlib.blake2b:
        """A hash of the template (with everything it includes) and of the current value of each of `deps`,
        which each output's own inputs are added to."""
        with template_errors(self.site.root, None):
            template_digest = self.templates.digest(template)
        states = digest_of([(d, self.dependency_state(d)) for d in deps])
        return hashlib.blake2b(f"{template_digest}\0{states}\0".encode(), digest_size=16)

    # --- structured data ------------------------------------------------------------
    def _jsonld(self, document: Document) -> dict[str, object]:
        meta, config = document.meta, self.site_seen_in(document.lang)
        language = self.site.config.language_named(document.lang).code
        publisher = {"@type": "Organization", "name": config.publisher or config.title, "url": config.base_url}
        if document.kind == "quote":
            source = meta.source
            return {"@context": "https://schema.org", "@type": "Quotation",
                    "text": " ".join(self.site.bodies.of(document).split()), "dateCreated": meta.date.isoformat(),
                    "spokenByCharacter": {"@type": "Person", "name": meta.speaker, "jobTitle": meta.role},
                    "isBasedOn": {"@type": "CreativeWork", "name": source.title, "url": source.url,
                                  "publisher": {"@type": "Organization", "name": source.publisher}},
                    "url": self.absolute_url(document.url)}
        if document.kind == "article":
            data = {"@context": "https://schema.org", "@type": "Article", "headline": meta.title,
                    "description": meta.summary, "datePublished": meta.date.isoformat(),
                    "dateModified": (meta.updated or meta.date).isoformat(), "inLanguage": language,
                    "mainEntityOfPage": self.absolute_url(document.url), "publisher": publisher,
                    "author": publisher}
            if meta.image:
                data["image"] = self.absolute_url(meta.image)
            return data
        if document.url == home_of(document.lang):
            return {"@context": "https://schema.org", "@type": "WebSite", "name": config.title,
                    "description": config.description, "url": config.base_url, "inLanguage": language,
                    "publisher": publisher}
        return {"@context": "https://schema.org", "@type": "WebPage", "name": meta.title,
                "description": meta.summary, "url": self.absolute_url(document.url), "inLanguage": language}


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
                        "check the {% %} and {{ }} tags on this line: "
                        "each {% if %} or {% for %} needs its {% end... %}") from None
    except jinja2.TemplateNotFound as error:
        names = sorted(p.name for p in (root / TEMPLATES_DIR).glob("*.html"))
        path, line = _failing_template_line(root, error.__traceback__)
        if path is None:
            if document is None:  # one the site itself needs, not one a template or page asked for
                raise SiteError(f"{TEMPLATES_DIR}/{error.name}", None, "this template is missing",
                                "the site needs it: restore it from a copy of the site") from None
            path = document.path
        raise SiteError(path, line, f"the template '{error.name}' does not exist",
                        f"templates in {TEMPLATES_DIR}/ are: {', '.join(names) or 'none'}") from None
    except RecursionError as error:
        path, line = _failing_template_line(root, error.__traceback__, loop=True)
        raise SiteError(path or TEMPLATES_DIR, line, "templates include or extend each other in an endless loop",
                        "look for a template that includes itself, directly or through another") from None
    except UnicodeDecodeError:
        raise _not_utf8_template(root) from None
    except Exception as error:  # UndefinedError, errors raised by template code
        path, line = _failing_template_line(root, error.__traceback__)
        message = getattr(error, "message", None) or str(error)
        hint = ("check the spelling; every variable a template uses must exist (or use `| default(...)`)"
                if isinstance(error, jinja2.UndefinedError) else "fix the expression on this line")
        if path is None:
            raise
        raise SiteError(path, line, f"template error: {message}", hint) from None


def _not_utf8_template(root: Path) -> SiteError:
    """The error for the first template that is not UTF-8 (Jinja's own error does not name it)."""
    for file in sorted((root / TEMPLATES_DIR).rglob("*")):
        if file.is_file():
            raw = file.read_bytes()
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as error:
                return SiteError(_template_path(root, str(file)), raw[:error.start].count(b"\n") + 1,
                                 "this template is not UTF-8 text", "save it as UTF-8 in your editor")
    return SiteError(TEMPLATES_DIR, None, "a template is not UTF-8 text", "save every template as UTF-8")


def _template_path(root: Path, filename: str | None) -> str:
    if not filename:
        return TEMPLATES_DIR
    path = Path(filename)
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(root.resolve()).as_posix()
    return f"{TEMPLATES_DIR}/{filename}"


def _failing_template_line(root: Path, traceback: types.TracebackType | None,
                           loop: bool = False) -> tuple[str | None, int | None]:
    """The innermost template frame of a traceback: Jinja maps its line numbers to the template.

    With `loop` (an endless include or extends loop): the outermost of the templates that
    repeat (a page template is entered twice, by extends and by its block, so a loop member is
    one seen three times or more), at its first frame. Stable, unlike the innermost frame,
    which depends on where Python's recursion limit happened to stop the loop.
    """
    frames: list[tuple[str, int]] = []
    templates = str((root / TEMPLATES_DIR).resolve())
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(templates) or re.search(r"\.(html|xml|svg|txt)$", filename):
            frames.append((_template_path(root, filename), traceback.tb_lineno))
        traceback = traceback.tb_next
    if loop:
        counts = collections.Counter(path for path, _ in frames)
        repeating = [frame for frame in frames if counts[frame[0]] >= 3]
        if repeating:
            return repeating[0]
    return frames[-1] if frames else (None, None)


def documents_digest(documents: tuple[Document, ...]) -> str:
    """One hash for a list of documents (their paths and contents), to put in a list page's key."""
    return hashlib.blake2b("".join([d.identity for d in documents]).encode(), digest_size=16).hexdigest()


class RecordingConfig:
    """The site's Config as templates see it: every setting read is noted in `used`.

    That is how the build knows exactly which pages a change to site.yaml affects.
    """
    # For the type checker only, with no value: reading a setting still goes through __getattr__.
    _config: Config
    _used: set[str]
    base_path: str  # the settings this module's own code reads (templates may read any)
    base_url: str

    def __init__(self, config: Config, used: set[str]) -> None:
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_used", used)

    def __getattr__(self, name: str) -> Any:
        if name == "base_path":
            self._used.add("site:base_url")
        elif not name.startswith("_"):
            self._used.add(f"site:{name}")
        return getattr(self._config, name)


class TemplateDigests:
    """Hash of a template together with every template it extends, includes or imports."""

    def __init__(self, env: jinja2.Environment, root: Path, references: dict[str, frozenset[str | None]]) -> None:
        if env.loader is None:
            raise TypeError("templates are digested as the environment's loader reads them: it has none")
        self.env, self.loader, self.root = env, env.loader, root
        self.known: dict[str, str] = {}
        self.remembered = references  # what the templates reference, by hash of their source (from the cache)
        self.references: dict[str, frozenset[str | None]] = {}  # those of this build's templates, for the cache

    def digest(self, name: str, visiting: frozenset[str] = frozenset()) -> str:
        if name in self.known:
            return self.known[name]
        source, filename, _ = self.loader.get_source(self.env, name)
        references = self._references(source, name, filename)
        if None in references or name in visiting:  # a name computed at render time, or a loop
            parts = [self.loader.get_source(self.env, n)[0] for n in sorted(self.env.list_templates())]
        else:
            named = cast("frozenset[str]", references)  # every one a name: None is not in it
            parts = [source] + [self.digest(r, visiting | {name}) for r in sorted(named)]
        self.known[name] = digest_of(parts)
        return self.known[name]

    def _references(self, source: str, name: str, filename: str | None) -> frozenset[str | None]:
        """The templates a template's source names (parsing is slow: a source seen before is not parsed again)."""
        source_digest = digest_of(name, source)
        references = self.remembered.get(source_digest)
        if references is None:
            references = frozenset(jinja2.meta.find_referenced_templates(_PARSER.parse(source, name, filename)))
        self.references[source_digest] = references
        return references


_PARSER = jinja2.Environment()  # only parses: what a template references does not depend on settings


@dataclass(frozen=True)
class SiteFile:
    """A site-wide file (feed, sitemap...): its path, template ("" for none), what it shows, how to make it."""
    path: str
    template: str
    inputs: tuple[object, ...]
    make: Callable[[], Output]


@dataclass(frozen=True)
class Job:
    """One output file to produce, with a key that changes whenever its content could."""
    path: str
    kind: str
    key: str
    document: Document | None = None              # a page from a document, or
    make: Callable[[], Output] | None = None      # anything else (both render in worker processes)
    template: str = ""                            # with `inputs`, what the key is made of,
    inputs: tuple[object, ...] = ()               # besides what the output reads while rendering

    def key_after(self, renderer: Renderer, deps: tuple[str, ...]) -> str:
        """The key to remember, now that we know what the output read (`deps`) while it was rendered."""
        if not self.template:
            return self.key
        return renderer.key(self.template, self.inputs, deps)


def plan(renderer: Renderer, site_wide: list[SiteFile], previous: dict[str, Any]) -> list[Job]:
    """Every output of the site as a Job. `previous` maps output paths to what the last build wrote."""
    def deps(path: str) -> tuple[str, ...]:
        return previous[path].deps if path in previous else ()

    jobs = []
    inputs: tuple[object, ...]
    for document in renderer.site.documents:
        path, template = document.output_path, template_for(document)
        inputs = ("document", document.path, document.digest)
        jobs.append(Job(path, document.kind, renderer.key(template, inputs, deps(path)),
                        document=document, template=template, inputs=inputs))
    if renderer.site.config.share_cards:
        jobs += share_card_jobs(renderer)
    for path, template, view, shown in renderer.list_pages():
        inputs = ("list", view.url, view.title, view.description, shown)
        if renderer.site.config.share_cards and share_cards.gets_card(None, view.kind):
            jobs.append(share_card_job(renderer, view.url, view.title, view.lang))
        make = functools.partial(renderer.list_page, path, template, view)
        jobs.append(Job(path, "list", renderer.key(template, inputs, deps(path)),
                        make=make, template=template, inputs=inputs))
    for kind in KINDS.values():  # records published as files: pictures, in the versions ssg/build/pictures.py made
        if not kind.publish:
            continue
        for record in renderer.site.records.get(kind.name, {}).values():
            source, encoded = picture_source(renderer.site.root, record), renderer.pictures[record.id]
            for variant in (*encoded.variants, encoded.original):
                path = kind.publish.format(slug=variant.name)
                jobs.append(Job(path, kind.name, digest_of("picture", variant.digest),
                                make=functools.partial(_picture_file, renderer.site.root, source, variant, path)))
    for asset in renderer.assets.values():
        jobs.append(Job(asset.output_path, "asset", digest_of("asset", asset.digest),
                        make=functools.partial(_copy_asset, asset)))
    for file in site_wide:
        key = renderer.key(file.template, file.inputs, deps(file.path)) if file.template else digest_of(file.inputs)
        jobs.append(Job(file.path, "other file", key, make=file.make, template=file.template, inputs=file.inputs))
    return jobs


def picture_source(root: Path, record: Any) -> pictures.Source:
    return pictures.Source(str(root / record.path), record.path, record.id, record.digest)


def prepare_pictures(site: Site, processes: int) -> dict[str, Encoded]:
    """Every picture of the site made ready (encoded, or found in the cache), by name."""
    records = [r for kind in KINDS.values() if kind.publish for r in site.records.get(kind.name, {}).values()]
    sources = [picture_source(site.root, r) for r in records]
    prepared = pictures.prepare_all(sources, site.root / PICTURES_CACHE, processes)
    return {record.id: encoded for record, encoded in zip(records, prepared, strict=True)}


PICTURES_CACHE = CACHE_DIR / "pictures"
CARDS_CACHE = CACHE_DIR / "cards"


def share_card_jobs(renderer: Renderer) -> list[Job]:
    """Each document's share card (ssg/build/share_cards.py), for those whose `image:` cannot stand for them."""
    return [share_card_job(renderer, document.url, renderer.page_title(document), document.lang)
            for document in renderer.site.documents
            if share_cards.gets_card(getattr(document.meta, "image", None), document.kind)]


def share_card_job(renderer: Renderer, url: str, title: str, lang: str) -> Job:
    """The share card of the page at `url`, with its title and its language's footer."""
    footer = renderer.interface_for(lang).text("share_card_footer")
    path = share_cards.card_path(url)
    return Job(path, "share card", digest_of("card", share_cards.DRAWING_VERSION, title, footer),
               make=functools.partial(_share_card, renderer.site.root, title, footer, path))


def _share_card(root: Path, title: str, footer: str, path: str) -> Output:
    return Output(path, share_cards.cached_card(title, footer, root / CARDS_CACHE), "share card")


def _picture_file(root: Path, source: pictures.Source, variant: pictures.Variant, path: str) -> Output:
    return Output(path, pictures.published_bytes(source, root / PICTURES_CACHE, variant), "picture")


def _copy_asset(asset: Asset) -> Output:
    return Output(asset.output_path, asset.source.read_bytes(), "asset")


PARALLEL_THRESHOLD = 48  # fewer documents than this render faster in one process than via a pool


def convert_ahead(renderer: Renderer, documents: list[Document], processes: int) -> Callable[[], None]:
    """Start converting the bodies of a few changed documents in a forked process; returns how to wait for it.

    After an edit or two, setting up Python-Markdown (about 0.2 s) takes longer than converting
    the bodies. Done in another process, it overlaps with planning the build here; the bodies
    come back through a pipe (and that process stores them in the cache). A body that process
    could not convert is converted again when its page is rendered, which reports any mistake in it.
    """
    if processes < 2 or not documents or len(documents) >= PARALLEL_THRESHOLD or renderer.bodies is None \
            or "ssg.markdown.markup" in sys.modules:
        return lambda: None  # nothing to convert, a pool will, or this process has Python-Markdown ready
    import multiprocessing
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_convert_quietly, args=(renderer, renderer.bodies, documents, sender))
    process.start()
    sender.close()

    def wait() -> None:
        try:
            renderer.memory.update(receiver.recv())
        except EOFError:  # it stopped before sending: the pages convert their bodies themselves
            pass
        finally:
            receiver.close()
            process.join()
    return wait


def _convert_quietly(renderer: Renderer, bodies: BodyStore, documents: list[Document], sender: Connection) -> None:
    ignore_interrupts()
    converted = {}
    try:
        for document in documents:
            converted[renderer.body_key(document)] = renderer.body_html(document)
    except Exception:
        pass
    with contextlib.suppress(OSError):  # the build has stopped (Ctrl-C, say) and no longer listens
        sender.send(converted)
    sender.close()
    bodies.add(renderer.converted)
    bodies.flush()


Result = TypeVar("Result")


def produce(renderer: Renderer, jobs: list[Job], processes: int,
            finish: Callable[[Job, Output], Result]) -> Iterator[tuple[Job, Result]]:
    """Render the jobs in `processes` worker processes (in this one if there are few), streaming results in order.

    Each output is passed to `finish` in the process that rendered it (the pipeline checks and writes it
    there), so only what `finish` returns travels back to the build process.
    """
    documents = sum(1 for job in jobs if job.document is not None or job.kind == "share card")
    if processes > 1 and documents >= PARALLEL_THRESHOLD:
        yield from zip(jobs, forked_map(lambda index: finish(jobs[index], _render(renderer, jobs[index])),
                                        len(jobs), processes), strict=True)
    else:
        for job in jobs:
            yield job, finish(job, _render(renderer, job))


def _render(renderer: Renderer, job: Job) -> Output:
    renderer.converted.clear()
    if job.document is not None:
        output = renderer.document(job.document)
    else:
        output = cast("Callable[[], Output]", job.make)()  # a Job has a document or a way to make it
    return dataclasses.replace(output, bodies=tuple(renderer.converted)) if renderer.converted else output
