"""Site-wide files besides the pages: Atom feed, sitemap, robots.txt, _headers."""
from __future__ import annotations

from .policy import CONTENT_SECURITY_POLICY
from .render import Output, Renderer, SiteFile, documents_digest, digest_of

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
    feed_articles = site.articles[:site.config.feed_size]
    updated = _feed_updated(site)
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


def _feed_updated(site) -> str:
    dates = [a.meta.updated or a.meta.date for a in site.articles]
    return (max(dates) if dates else site.today).isoformat() + "T00:00:00Z"


def sitemap_entries(site) -> list[tuple[str, str]]:
    """(site-relative URL, last modified date or '') for every public page, sorted by URL."""
    entries = {d.url: _lastmod(d) for d in site.documents}
    size = site.config.articles_per_page
    for url, count in [("articles/", len(site.articles))] + [(t.url, len(t.articles)) for t in site.tags]:
        entries[url] = ""
        for number in range(2, -(-count // size) + 1):
            entries[f"{url}page/{number}/"] = ""
    entries["tags/"] = ""
    entries["quotes/"] = ""
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
