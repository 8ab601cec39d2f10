"""Site-wide files besides the pages: Atom feed, sitemap, robots.txt, _headers."""
from __future__ import annotations

from .kinds import KINDS
from .render import Output, Renderer, SiteFile, documents_digest, digest_of
from .site import feed_entries, page_urls

# A strict policy the pages are built to work under: no inline script or style, nothing
# from another host (issue: secure by default). JSON-LD blocks are data, not script.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
                           "form-action 'none'; frame-ancestors 'none'; upgrade-insecure-requests")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def site_files(renderer: Renderer) -> list[SiteFile]:
    """The site-wide files, with what each shows (for its key) and how to make it."""
    site = renderer.site
    entries_in_feed = feed_entries(site)
    feed_articles = entries_in_feed[:site.config.feed_size]
    updated = _feed_updated(site, entries_in_feed)
    entries = sitemap_entries(site)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {renderer.absolute_url('sitemap.xml')}\n"
    headers = headers_file(site.config.base_path)
    return [
        SiteFile("feed.xml", "feed.xml", (updated, documents_digest(feed_articles)),
                 lambda: _from_template(renderer, "feed.xml", articles=feed_articles, updated=updated)),
        SiteFile("sitemap.xml", "sitemap.xml", (digest_of(entries),),
                 lambda: _from_template(renderer, "sitemap.xml", entries=entries)),
        SiteFile("robots.txt", "", (robots,), lambda: Output("robots.txt", robots.encode())),
        SiteFile("_headers", "", (headers,), lambda: Output("_headers", headers.encode())),
    ]


def _from_template(renderer: Renderer, template: str, **context) -> Output:
    renderer.used.clear()
    data = renderer._template(template, **context).encode()
    return Output(template, data, "other file", tuple(sorted(renderer.used)))


def _feed_updated(site, documents) -> str:
    dates = [d.meta.updated or d.meta.date for d in documents]
    return (max(dates) if dates else site.today).isoformat() + "T00:00:00Z"


def sitemap_entries(site) -> list[tuple[str, str]]:
    """(site-relative URL, last modified date or '') for every public page, sorted by URL."""
    entries = {d.url: _lastmod(d) for kind in KINDS.values() if kind.sitemap for d in site.published.get(kind.name, ())}
    size = site.config.articles_per_page
    lists = [(k.list_page.url, len(site.of(k.name)) if k.list_page.paginated else 0) for k in KINDS.values()
             if k.list_page]
    for url, count in lists + [(t.url, len(t.articles)) for t in site.tags]:
        entries.update(dict.fromkeys(page_urls(url, count, size), ""))
    if any(kind.tags for kind in KINDS.values()):
        entries["tags/"] = ""
    return sorted(entries.items())


def _lastmod(document) -> str:
    meta = document.meta
    date = getattr(meta, "updated", None) or getattr(meta, "date", None)
    return date.isoformat() if date else ""


def headers_file(base_path: str) -> str:
    """Netlify and Cloudflare Pages `_headers`: security headers everywhere, long caching for assets."""
    lines = [f"{base_path}*"] + [f"  {name}: {value}" for name, value in SECURITY_HEADERS.items()]
    lines += ["", f"{base_path}assets/*", "  Cache-Control: public, max-age=31536000, immutable", ""]
    return "\n".join(lines)
