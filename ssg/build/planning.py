"""Planning a build: every output the site has, as a Job, with a key that says whether it is stale.

An output's key hashes everything it depends on: its template (with all it includes), what it
shows, and the current value of what it read when it was last rendered (its deps). A job whose
key matches what the output folder holds need not be rendered again (ssg/build/incremental.py).
Generated pages (lists, tags, 404) are enumerated here; rendering them is ssg/build/rendering.py's.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ssg.build import share_cards
from ssg.build.assets import Asset
from ssg.build.cache import CACHE_DIR
from ssg.build.digests import TemplateDigests, digest_of, documents_digest
from ssg.build.directives import SHOWN
from ssg.build.rendering import Output, PageView, Renderer, template_for
from ssg.build.template_errors import template_errors
from ssg.model.content import Document
from ssg.model.kinds import KINDS
from ssg.model.languages import home_of, site_languages, unprefixed
from ssg.model.site import Site, page_urls, tags_of

if TYPE_CHECKING:  # the picture code is loaded only by a site that has pictures (start-up time)
    from ssg.build import pictures
    from ssg.build.pictures import Encoded

# A generated page: (output path, template, view, what the view shows, for its key)
GeneratedPage = tuple[str, str, PageView, object]


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
    keys: Keys | None = field(default=None, compare=False, repr=False)  # with a template: how to key it again

    def key_after(self, deps: tuple[str, ...]) -> str:
        """The key to remember, now that we know what the output read (`deps`) while it was rendered."""
        if self.keys is None:
            return self.key
        return self.keys.key(self.template, self.inputs, deps)


def plan(renderer: Renderer, keys: Keys, pages: list[GeneratedPage], site_wide: Callable[[], list[SiteFile]],
         previous: dict[str, Any]) -> list[Job]:
    """Every output of the site as a Job. `pages`: generated_pages(); `site_wide`: gives the site-wide files,
    asked for last (they may be worked out in another process meanwhile); `previous` maps output paths to what
    the last build wrote."""
    def keyed(path: str, kind: str, template: str, inputs: tuple[object, ...], **how: Any) -> Job:
        deps = previous[path].deps if path in previous else ()
        return Job(path, kind, keys.key(template, inputs, deps), template=template, inputs=inputs, keys=keys, **how)

    jobs = [keyed(document.output_path, document.kind, template_for(document),
                  ("document", document.path, document.digest), document=document)
            for document in renderer.site.documents]
    if renderer.site.config.share_cards:
        jobs += share_card_jobs(renderer)
    for path, template, view, shown in pages:
        if renderer.site.config.share_cards and share_cards.gets_card(None, view.kind):
            jobs.append(share_card_job(renderer, view.url, view.title, view.lang))
        jobs.append(keyed(path, "list", template, ("list", view.url, view.title, view.description, shown),
                          make=functools.partial(renderer.list_page, path, template, view)))
    jobs += picture_jobs(renderer)
    jobs += [Job(asset.output_path, "asset", digest_of("asset", asset.digest),
                 make=functools.partial(_copy_asset, asset)) for asset in renderer.assets.values()]
    for file in site_wide():
        jobs.append(keyed(file.path, "other file", file.template, file.inputs, make=file.make) if file.template
                    else Job(file.path, "other file", digest_of(file.inputs), make=file.make, inputs=file.inputs))
    return jobs


# --- the generated pages ------------------------------------------------------------------
def generated_pages(renderer: Renderer) -> Iterator[GeneratedPage]:
    """The generated pages as (output path, template, view, what the view shows, for its key), in every
    language: the main language has them all; another language has the lists of the kinds it has documents
    of, and its 404 page. Each knows its versions in the other languages (the same list)."""
    made = [page for code, _ in site_languages(renderer.site.config) for page in _generated_pages_in(renderer, code)]
    found: dict[str, dict[str, str]] = {}
    for _, _, view, _ in made:
        if view.kind != "error":  # a 404 page is no translation of another
            found.setdefault(unprefixed(view.url, view.lang), {})[view.lang] = view.url
    for path, template, view, shown in made:
        urls = found.get(unprefixed(view.url, view.lang), {view.lang: view.url}) if view.kind != "error" else {}
        urls = urls or {view.lang: view.url}
        yield (path, template, dataclasses.replace(view, extra={**view.extra, "versions": urls}),
               (shown, sorted(urls.items())))


def _generated_pages_in(renderer: Renderer, code: str) -> Iterator[GeneratedPage]:
    site, prefix, text = renderer.site, home_of(code), renderer.interface_for(code).text
    tags = site.tags if not code else tags_of([d for k in KINDS.values() if k.tags for d in site.of(k.name, code)])
    topics = any(kind.tags for kind in KINDS.values()) and bool(tags or not code)  # this language has tag pages
    for kind in KINDS.values():
        listing = kind.list_page
        documents = site.of(kind.name, code) if listing else ()
        if listing is None or (code and not documents):
            continue
        title, description = text(listing.title), text(listing.description)
        if listing.paginated:
            yield from _paginated(renderer, code, prefix + listing.url, title, description, documents,
                                  listing.items, listing.template, items=listing.items, topics=topics)
        else:
            yield (prefix + listing.url + "index.html", listing.template, PageView(
                url=prefix + listing.url, title=title, description=description, kind=listing.items, lang=code,
                extra={listing.items: documents, "topics": topics}), (documents_digest(documents), topics))
    if topics:
        listed = []  # each tag's articles for the tags page's key: the hashes of its pages' lists, hashed together
        for tag in tags:  # (rather than all of them again: 40,000 at 10,000 articles)
            pages = list(_paginated(renderer, code, prefix + tag.url, text("tag_title", name=tag.name),
                                    text("tag_description", name=tag.name), tag.articles, "tag", "tag.html", tag=tag))
            listed.append((tag.name, tag.slug, digest_of([shown.documents for *_, shown in pages
                                                          if isinstance(shown, PageShown)])))
            yield from pages
        yield (prefix + "tags/index.html", "tags.html", PageView(
            url=prefix + "tags/", title=text("tags_title"), description=text("tags_description"), kind="tags",
            lang=code, extra={"tags": tags}), tuple(listed))
    yield (prefix + "404.html", "404.html", PageView(
        url=prefix + "404.html", title=text("not_found_title"), description=text("not_found_description"),
        kind="error", lang=code), ())


def _paginated(renderer: Renderer, code: str, url: str, title: str, description: str,
               documents: tuple[Document, ...], kind: str, template: str, items: str = "articles",
               **extra: Any) -> Iterator[GeneratedPage]:
    size = renderer.site.config.articles_per_page
    urls = page_urls(url, len(documents), size)
    for number, page_url in enumerate(urls, start=1):
        pagination = {"number": number, "total": len(urls),
                      "previous": urls[number - 2] if number > 1 else None,
                      "next": urls[number] if number < len(urls) else None}
        shown_title = title if number == 1 else renderer.interface_for(code).text(
            "page_of_title", title=title, number=number, total=len(urls))
        shown = documents[(number - 1) * size:number * size]
        view = PageView(url=page_url, title=shown_title, description=description, kind=kind, lang=code,
                        extra={items: shown, "pagination": pagination, **extra})
        yield (page_url + "index.html", template, view,
               PageShown(sorted(pagination.items()), documents_digest(shown), extra.get("topics")))


class PageShown(NamedTuple):
    """What a page of a paginated list shows, for its key."""
    pagination: list[tuple[str, object]]
    documents: str   # the hash of its share of the list (documents_digest)
    topics: object   # whether the site has tag pages (a list of articles links to them), or None


# --- pictures, share cards and static files -----------------------------------------------
PICTURES_CACHE = CACHE_DIR / "pictures"
CARDS_CACHE = CACHE_DIR / "cards"


def picture_jobs(renderer: Renderer) -> list[Job]:
    """Records published as files: pictures, in the versions ssg/build/pictures.py made."""
    jobs = []
    for kind in KINDS.values():
        if not kind.publish:
            continue
        for record in renderer.site.records.get(kind.name, {}).values():
            source, encoded = picture_source(renderer.site.root, record), renderer.pictures[record.id]
            for variant in (*encoded.variants, encoded.original):
                path = kind.publish.format(slug=variant.name)
                jobs.append(Job(path, kind.name, digest_of("picture", variant.digest),
                                make=functools.partial(_picture_file, renderer.site.root, source, variant, path)))
    return jobs


def picture_source(root: Path, record: Any) -> pictures.Source:
    from ssg.build import pictures
    return pictures.Source(str(root / record.path), record.path, record.id, record.digest)


def prepare_pictures(site: Site, processes: int) -> dict[str, Encoded]:
    """Every picture of the site made ready (encoded, or found in the cache), by name."""
    records = [r for kind in KINDS.values() if kind.publish for r in site.records.get(kind.name, {}).values()]
    if not records:
        return {}
    from ssg.build import pictures
    sources = [picture_source(site.root, r) for r in records]
    prepared = pictures.prepare_all(sources, site.root / PICTURES_CACHE, processes)
    return {record.id: encoded for record, encoded in zip(records, prepared, strict=True)}


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
    from ssg.build import pictures
    return Output(path, pictures.published_bytes(source, root / PICTURES_CACHE, variant), "picture")


def _copy_asset(asset: Asset) -> Output:
    return Output(asset.output_path, asset.source.read_bytes(), "asset")


# --- keys ------------------------------------------------------------------------------
class Keys:
    """The keys of outputs: hashes of everything each depends on, worked out once per build."""

    def __init__(self, renderer: Renderer, template_references: dict[str, frozenset[str | None]]) -> None:
        self.renderer, self.site = renderer, renderer.site
        self.templates = TemplateDigests(renderer.env, renderer.site.root, template_references)

    def key(self, template: str, inputs: object, deps: tuple[str, ...]) -> str:
        """Hash of everything an output depends on: its template (with everything it includes), the current
        value of each of `deps` (what it read when last rendered) and its own inputs."""
        if deps:
            digest = self._state_after(template, deps[:-1]).copy()
            digest.update(self._dependency_line(deps[-1]))
        else:
            digest = self._template_start(template).copy()
        digest.update(repr(inputs).encode())
        return digest.hexdigest()

    @functools.cache  # noqa: B019 (one Keys per build)
    def _state_after(self, template: str, deps: tuple[str, ...]) -> hashlib.blake2b:
        """The hash after the template and `deps`: the deps of thousands of pages differ only in their last one
        (the page's own translations, which sort last), so the lines before it are hashed once for them all."""
        digest = self._template_start(template).copy()
        for dependency in deps:
            digest.update(self._dependency_line(dependency))
        return digest

    @functools.cache  # noqa: B019 (thousands of pages share a template)
    def _template_start(self, template: str) -> hashlib.blake2b:
        with template_errors(self.site.root, None):
            return hashlib.blake2b(f"{self.templates.digest(template)}\0".encode(), digest_size=16)

    @functools.cache  # noqa: B019 (one Keys per build; the site does not change)
    def _dependency_line(self, dependency: str) -> bytes:
        """Something an output read, as recorded in Output.deps, with its current value as written by repr (one
        line: repr escapes line breaks), which the key's hash takes in; hashing it apart first cost more than
        it saved, as most values are a few words and most are read by one page (its own translations)."""
        return f"{dependency}\0{self._dependency_value(dependency)!r}\n".encode()

    def _dependency_value(self, dependency: str) -> object:
        kind, _, name = dependency.partition(":")
        if kind == "site":
            return repr(getattr(self.site.config, name, None))
        if kind == "asset":
            asset = self.renderer.assets.get(name)
            return asset.output_path if asset else None
        if kind == "interface":
            return self.renderer.interface_for(name).digest
        if kind == "home":
            return self.renderer.home_url(name)
        if kind == "links":
            return sorted(self.renderer.translated_urls(name).items())
        if kind == "translations":
            kind_name, _, slug = name.partition(":")
            return [(d.lang, d.url) for d in self.site.translations.get((kind_name, slug), ())]
        directive = SHOWN.get(kind)
        if directive is not None:  # a quote, chart, fact or the contacts, shown by a directive
            shown_by = self.templates.digest(directive.template)
            return (directive.digest(self.site, name), shown_by) if directive.digest else shown_by
        if kind in self.site.records:  # a record a page reads (a picture)
            record = self.site.records[kind].get(name)
            return (record.digest if record else None, None)
        return None
