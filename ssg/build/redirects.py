"""Short links and redirects: `short_links:` in site.yaml and `aliases:` in front matter send a short or old
address on to a page.

Two forms, so every host works: a `_redirects` file with 301s (read by Netlify and Cloudflare Pages),
and, at each old address, a small page that sends the browser on (meta refresh), names the real
page as canonical and asks search engines not to index it (for GitHub Pages, which reads no file).
A short link that collides with a page, leads to no page, or leads to another redirect (a chain or
a loop) stops the build with the line in site.yaml.
"""
from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ssg.errors import SiteError
from ssg.model.config import CONFIG_FILE

if TYPE_CHECKING:
    from ssg.build.planning import GeneratedPage, SiteFile
    from ssg.build.rendering import Renderer
    from ssg.model.site import Site


@dataclass(frozen=True)
class Redirect:
    source: str      # site-relative, as the site writes page URLs: "help/"
    target: str      # "how-to-help/"
    line: int | None  # its line in `file`
    file: str = CONFIG_FILE  # where it is declared: site.yaml, or a page's file (its `aliases:`)


def site_relative(path: str) -> str:
    """'/help' and '/help/' -> 'help/'; '/' -> ''."""
    path = path.strip("/")
    return f"{path}/" if path else ""


def redirects_of(site: Site) -> list[Redirect]:
    """The site's short links, then each page's `aliases:`."""
    lines = _lines(site.root / CONFIG_FILE)
    short = [Redirect(site_relative(link.path), site_relative(link.to), _line_of(lines, link.path))
             for link in site.config.short_links]
    return short + [Redirect(site_relative(alias), document.url, document.line_of("aliases"), document.path)
                    for document in site.documents for alias in getattr(document.meta, "aliases", ())]


def check(redirects: list[Redirect], pages: set[str], taken: set[str]) -> None:
    """Refuse a redirect that collides with a page or file, leads nowhere, or leads to another redirect."""
    sources = {}
    for redirect in redirects:
        where = (redirect.file, redirect.line)
        shown = f"/{redirect.source}"
        if redirect.source in sources:
            raise SiteError(*where, f"the short link {shown} is listed twice", "keep one of them")
        sources[redirect.source] = redirect
        if redirect.source in pages or f"{redirect.source}index.html" in taken or redirect.source.rstrip("/") in taken:
            raise SiteError(*where, f"the short link {shown} is the address of a page the site already has",
                            "choose another short address, or remove the short link")
    for redirect in redirects:
        where, shown = (redirect.file, redirect.line), f"/{redirect.source}"
        if redirect.target in sources:
            seen, step = [redirect.source], redirect.target
            while step in sources and step not in seen:
                seen.append(step)
                step = sources[step].target
            what = "a loop" if step in seen else "a chain"
            steps = " -> ".join(f"/{s}" for s in seen + [step])
            raise SiteError(*where, f"the short link {shown} leads to /{redirect.target}, itself a short link: {what}",
                            f"make each short link lead straight to a page: {steps}")
        if redirect.target not in pages:
            raise SiteError(*where, f"the short link {shown} leads to /{redirect.target}, "
                            "which is not a page of the site",
                            "use the address of a page as the site shows it, like /how-to-help/")


def redirects_file(redirects: list[Redirect], base_path: str) -> str:
    """Netlify and Cloudflare Pages' `_redirects`: each address with and without its final slash, 301."""
    lines = []
    for redirect in redirects:
        source = base_path + redirect.source
        for form in (source.rstrip("/"), source):
            lines.append(f"{form} {base_path}{redirect.target} 301")
    return "\n".join(lines) + "\n" if lines else ""


def redirect_page(target: str, canonical: str, language: str) -> str:
    """The page left at an old address, for hosts that read no `_redirects` (GitHub Pages).

    `target` is the page's path on this host ("/how-to-help/", so previews stay on their host);
    `canonical` its full address, for search engines.
    """
    url, full = html.escape(target, quote=True), html.escape(canonical, quote=True)
    return (f"<!doctype html>\n<html lang=\"{html.escape(language)}\">\n<meta charset=\"utf-8\">\n"
            f"<title>{full}</title>\n"
            f"<link rel=\"canonical\" href=\"{full}\">\n<meta name=\"robots\" content=\"noindex\">\n"
            f"<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n"
            f"<p><a href=\"{url}\">{full}</a></p>\n")


def redirect_files(renderer: Renderer, generated: list[GeneratedPage]) -> list[SiteFile]:
    """The site files redirects need: `_redirects` and a page at each old address (none without short links).
    `generated`: the generated pages (planning.generated_pages())."""
    from ssg.build.outputs import sitemap_entries
    from ssg.build.planning import SiteFile
    from ssg.build.rendering import Output
    site = renderer.site
    redirects = redirects_of(site)
    if not redirects:
        return []
    listed = {entry[0] for entry in sitemap_entries(site, generated)}
    pages = {d.url for d in site.documents} | listed
    check(redirects, pages, {d.output_path for d in site.documents})
    text = redirects_file(redirects, site.config.base_path)
    files = [SiteFile("_redirects", "", (text,), lambda: Output("_redirects", text.encode()))]
    for redirect in redirects if site.config.redirect_pages else ():
        path = f"{redirect.source}index.html"
        target = redirect.target
        page = redirect_page(renderer.url(target), renderer.absolute_url(target), site.config.language)
        files.append(SiteFile(path, "", (page,), functools.partial(Output, path, page.encode())))
    return files


def _lines(file: Path) -> list[str]:
    try:
        return file.read_text("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _line_of(lines: list[str], path: str) -> int | None:
    """The line of `path: <path>` in site.yaml (the file was parsed already: this only finds the line)."""
    pattern = re.compile(rf"""\bpath:\s*["']?{re.escape(path)}["']?\s*(?:[,}}#]|$)""")
    return next((n for n, text in enumerate(lines, 1) if pattern.search(text)), None)
