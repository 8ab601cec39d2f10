"""Site-wide files besides the pages: Atom feed, sitemap, robots.txt, _headers."""
from __future__ import annotations

from typing import Callable

from .render import Output, Renderer

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


def site_files(renderer: Renderer) -> dict[str, Callable[[], Output]]:
    """The site-wide files, each as a function that renders it (cheap enough to redo every build)."""
    site = renderer.site
    return {
        "feed.xml": lambda: Output("feed.xml", renderer._template(
            "feed.xml", articles=site.articles[:site.config.feed_size], updated=_feed_updated(site)).encode()),
        "sitemap.xml": lambda: Output("sitemap.xml", renderer._template(
            "sitemap.xml", entries=sitemap_entries(renderer)).encode()),
        "robots.txt": lambda: Output("robots.txt", (
            f"User-agent: *\nAllow: /\n\nSitemap: {renderer.absolute_url('sitemap.xml')}\n").encode()),
        "_headers": lambda: Output("_headers", headers_file(site.config.base_path).encode()),
    }


def _feed_updated(site) -> str:
    dates = [a.meta.updated or a.meta.date for a in site.articles]
    return (max(dates) if dates else site.today).isoformat() + "T00:00:00Z"


def sitemap_entries(renderer: Renderer) -> list[tuple[str, str]]:
    """(absolute URL, last modified date or '') for every public page, sorted by URL."""
    site = renderer.site
    entries = {renderer.absolute_url(d.url): _lastmod(d) for d in site.documents}
    size = site.config.articles_per_page
    for url, count in [("articles/", len(site.articles))] + [(t.url, len(t.articles)) for t in site.tags]:
        entries[renderer.absolute_url(url)] = ""
        for number in range(2, -(-count // size) + 1):
            entries[renderer.absolute_url(f"{url}page/{number}/")] = ""
    entries[renderer.absolute_url("tags/")] = ""
    entries[renderer.absolute_url("quotes/")] = ""
    return sorted(entries.items())


def _lastmod(document) -> str:
    meta = document.meta
    date = getattr(meta, "updated", None) or (meta.date if document.kind != "page" else None)
    return date.isoformat() if date else ""


def headers_file(base_path: str) -> str:
    """Netlify and Cloudflare Pages `_headers`: security headers everywhere, long caching for assets."""
    lines = [f"{base_path}*"] + [f"  {name}: {value}" for name, value in SECURITY_HEADERS.items()]
    lines += ["", f"{base_path}assets/*", "  Cache-Control: public, max-age=31536000, immutable", ""]
    return "\n".join(lines)
