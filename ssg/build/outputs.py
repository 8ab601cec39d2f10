"""Site-wide files besides the pages: Atom feed, sitemap, robots.txt, _headers."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ssg.build.digests import digest_of, documents_digest
from ssg.build.planning import GeneratedPage, SiteFile
from ssg.build.policy import CONTENT_SECURITY_POLICY
from ssg.build.rendering import Output, Renderer
from ssg.model.config import Language
from ssg.model.content import Document
from ssg.model.kinds import KINDS
from ssg.model.languages import home_of, site_languages
from ssg.model.site import Site, feed_entries

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# What the feeds and the sitemap show, for their keys, by path: most of the work of planning them on a large
# site (build/incremental.py works it out in another process while this one plans the pages)
Shown = dict[str, tuple[object, ...]]


def site_wide_files(renderer: Renderer, pages: list[GeneratedPage], shown: Shown) -> list[SiteFile]:
    """The site-wide files, with what each shows (for its key) and how to make it. `pages`: the generated
    pages (planning.generated_pages()); `shown`: shown_site_wide(site, pages)."""
    site = renderer.site
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {renderer.absolute_url('sitemap.xml')}\n"
    headers = headers_file(site.config.base_path)
    return [feed_file(renderer, code, shown[feed_path(code)]) for code, _ in site_languages(site.config)] + [
        SiteFile("sitemap.xml", "sitemap.xml", shown["sitemap.xml"],
                 lambda: _from_template(renderer, "sitemap.xml", entries=sitemap_entries(site, pages))),
        SiteFile("robots.txt", "", (robots,), lambda: Output("robots.txt", robots.encode())),
        SiteFile("_headers", "", (headers,), lambda: Output("_headers", headers.encode())),
    ]


def shown_site_wide(site: Site, pages: list[GeneratedPage]) -> Shown:
    """What each feed shows (its language, when it was last updated, its articles) and what the sitemap lists."""
    shown: Shown = {}
    for code, _ in site_languages(site.config):
        entries_in_feed = feed_entries(site, code)
        shown[feed_path(code)] = (code, _feed_updated(site, entries_in_feed),
                                  documents_digest(entries_in_feed[:site.config.feed_size]))
    shown["sitemap.xml"] = (digest_of(sitemap_entries(site, pages)),)
    return shown


def feed_path(code: str) -> str:
    """feed.xml for the main language, cy/feed.xml for Welsh."""
    return home_of(code) + "feed.xml"


def feed_file(renderer: Renderer, code: str, shown: tuple[object, ...]) -> SiteFile:
    """The Atom feed of one language's articles (`shown`: what shown_site_wide() found it shows)."""
    path = feed_path(code)

    def make() -> Output:
        entries_in_feed = feed_entries(renderer.site, code)
        return _from_template(renderer, "feed.xml", path=path, language=code,
                              articles=entries_in_feed[:renderer.site.config.feed_size],
                              updated=_feed_updated(renderer.site, entries_in_feed))
    return SiteFile(path, "feed.xml", shown, make)


def _from_template(renderer: Renderer, template: str, path: str = "", language: str = "", **context: Any) -> Output:
    return renderer.other_file(path or template, template, language, feed_path=path, home=home_of(language),
                               feed_language=renderer.site.config.language_named(language).code, **context)


def _feed_updated(site: Site, documents: tuple[Document, ...]) -> str:
    dates = [d.meta.updated or d.meta.date for d in documents]
    return (max(dates) if dates else site.today).isoformat() + "T00:00:00Z"


# The hreflang alternates of a page: (language code, URL) of each of its versions
Alternates = tuple[tuple[str, str], ...]


def sitemap_entries(site: Site, list_pages: Iterable[GeneratedPage]) -> list[tuple[str, str, Alternates]]:
    """(site-relative URL, last modified date or '', its translations as (language code, URL) or ()) for every
    public page, sorted by URL. `list_pages`: planning.generated_pages() (each knows its versions)."""
    entries: dict[str, tuple[str, Alternates]] = {}
    languages = site_languages(site.config)
    alternates_of: dict[tuple[str, str], Alternates] = {}  # the language versions of a document share theirs
    for kind in KINDS.values():
        for document in site.published.get(kind.name, ()) if kind.sitemap else ():
            versions = (document.kind, document.slug)
            alternates = alternates_of.get(versions)
            if alternates is None:
                urls = {d.lang: d.url for d in site.translations.get(versions, ())}
                alternates = alternates_of[versions] = _alternates(languages, urls)
            entries[document.url] = (_lastmod(document), alternates)
    for _, _, view, _ in list_pages:
        if view.kind != "error":
            entries[view.url] = ("", _alternates(languages, view.extra["versions"]))
    return [(url, *entries[url]) for url in sorted(entries)]


def _alternates(languages: tuple[tuple[str, Language], ...], urls: dict[str, str]) -> Alternates:
    """(hreflang, URL) of each language version of a page that has more than one, main language first."""
    if len(urls) < 2:
        return ()
    return tuple((language.code, urls[code]) for code, language in languages if code in urls)


def _lastmod(document: Document) -> str:
    meta = document.meta
    date = getattr(meta, "updated", None) or getattr(meta, "date", None)
    return date.isoformat() if date else ""


def headers_file(base_path: str) -> str:
    """Netlify and Cloudflare Pages `_headers`: security headers everywhere, long caching for assets."""
    lines = [f"{base_path}*"] + [f"  {name}: {value}" for name, value in SECURITY_HEADERS.items()]
    lines += ["", f"{base_path}assets/*", "  Cache-Control: public, max-age=31536000, immutable", ""]
    return "\n".join(lines)
