"""How far each language's translations have got: for each language, the pages up to date with their
source, out of date (the source changed since) and missing (no translation yet), with the out-of-date ones
listed. `--mark FILE`: record that a translation (like content/pages/about.cy.md) is up to date with its
source now; run it when you finish translating or updating a page. Nothing here changes the build.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ssg.build.pipeline import today_from_environment
from ssg.editor import translations
from ssg.errors import SiteError
from ssg.model.config import load_config
from ssg.model.content import Document
from ssg.model.kinds import KINDS
from ssg.model.languages import site_languages
from ssg.model.site import Site, load_site


def add_arguments(parser: argparse.ArgumentParser, default_root: Path) -> None:
    parser.add_argument("--root", type=Path, default=default_root, metavar="DIR",
                        help="the site folder holding site.yaml and content/ (default: %(default)s)")
    parser.add_argument("--mark", nargs="+", metavar="FILE", default=(),
                        help="translations to record as up to date with their source, like content/pages/about.cy.md")


def run(args: argparse.Namespace) -> int:
    root = args.root
    site = load_site(root, load_config(root), today=today_from_environment(), drafts=True)
    for path in args.mark:
        source = _source_of(site, _relative(root, path))
        translations.mark(root, _relative(root, path), source)
        print(f"{_relative(root, path)}: marked as a translation of {source.path} as it is now")
    if not args.mark:
        print(coverage(site))
    return 0


def coverage(site: Site) -> str:
    """One line per language: up to date, out of date, missing; then the out-of-date translations."""
    originals = [d for kind in KINDS.values() if kind.url is not None for d in site.published.get(kind.name, ())
                 if not d.lang]
    stale = translations.stale_translations(site.translations)
    lines = []
    for code, language in site_languages(site.config)[1:]:
        versions = [site.translations.get((d.kind, d.slug), ()) for d in originals]
        done = [next(t for t in found if t.lang == code) for found in versions if any(t.lang == code for t in found)]
        behind = [f for f in stale if f.translation.lang == code]
        lines.append(f"{language.name} ({code}): {len(done) - len(behind)} up to date, {len(behind)} out of date, "
                     f"{len(originals) - len(done)} missing, of {len(originals)} pages")
        lines += [f"  {item.translation.path}: {translations.problem(item).message}" for item in behind]
    return "\n".join(lines) or "This site has one language: site.yaml declares no other under `languages:`."


def _relative(root: Path, path: str) -> str:
    given = Path(path)
    if given.is_absolute():
        return given.resolve().relative_to(root.resolve()).as_posix()
    return given.as_posix()


def _source_of(site: Site, path: str) -> Document:
    """The main language version of the translation at `path`."""
    translation = next((d for d in site.read if d.path == path), None)
    if translation is None or not translation.lang:
        raise SiteError(path, None, "this is not a translation the site knows",
                        "give the path of a translated file, like content/pages/about.cy.md")
    found = site.translations.get((translation.kind, translation.slug), ())
    if not found or found[0].lang:
        raise SiteError(path, None, "there is no version of this page in the main language to translate from",
                        f"add the page's main language file beside it, like {path.split('.')[0]}.md")
    return found[0]
