"""What `build.py serve` shows on a page besides the site itself, in the language of that page.

- The build error page: while the latest build fails, every page is this page (it blocks, since
  the site on show is no longer what the sources say).
- The warnings panel: a broken link, a picture without alt text, an unknown front matter key...
  The page still updates; ssg/editor/live/live.js lists the warnings in a panel from the message
  made here, and the panel goes once they are fixed.

Their words come from the interface text (templates/i18n/<language>.yaml, keys serve_*), so a
Welsh page gets Welsh words. A file or key that is missing or broken (perhaps the very mistake the
editor is fixing) falls back to English: the preview must always be able to say what is wrong.
The build's own messages (the problem and its hint) are in English.
"""
from __future__ import annotations

import contextlib
import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NotRequired, TypedDict

from ssg.build.page_checks import RenderedPageChecks
from ssg.build.pipeline import BuildReport
from ssg.errors import SiteError, UsageError
from ssg.model.config import load_config
from ssg.model.interface import load_interface
from ssg.model.kinds import KINDS

# The words of the error page and the warnings panel: name in this file -> key in templates/i18n/.
WORD_KEYS = {"error_title": "serve_error_title", "error_help": "serve_error_help",
             "warnings_title": "serve_warnings_title", "warnings_intro": "serve_warnings_intro",
             "hint": "serve_hint", "hide": "serve_hide"}
# Used only where the site's own interface file cannot say it (the same words as templates/i18n/en-GB.yaml).
ENGLISH = {"error_title": "The site could not be built",
           "error_help": "Fix the file and save it: this page updates by itself. "
                         "Until then the last good version of the site is kept.",
           "warnings_title": "Warnings ({count})",
           "warnings_intro": "The page is up to date. These do not stop the preview, but fix them before you publish.",
           "hint": "Hint:",
           "hide": "Hide warnings"}
ENGLISH_CODE = "en-GB"
MESSAGES_LANGUAGE = "en"  # the build's messages (problem, hint) are written in English

ERROR_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 1.1rem/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }}
pre {{ white-space: pre-wrap; padding: 1rem; border-left: 0.4rem solid #b00020; background: #fdf2f3; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<pre id="build-error" lang="{messages_lang}">{problem}</pre>
<p>{help}</p>
</main>
</body>
</html>
"""


@dataclass(frozen=True)
class Languages:
    """The site's languages and each one's words for serve: `main` is at the site's root, the others under /<code>/."""
    main: str
    words: dict[str, dict[str, str]]  # language code -> name in WORD_KEYS -> text

    def of_address(self, path: str) -> str:
        """The language of the page at `path` ("cy/articles/x/" -> "cy"), as the build lays pages out."""
        first = PurePosixPath(path).parts[:1]
        return first[0] if first and first[0] in self.words and first[0] != self.main else self.main

    def words_of(self, code: str) -> dict[str, str]:
        return self.words.get(code) or self.words[self.main]


def site_languages(root: Path) -> Languages:
    """The languages site.yaml declares, with their words; English alone if site.yaml cannot be read."""
    try:
        config = load_config(root)
    except (SiteError, UsageError):
        return Languages(ENGLISH_CODE, {ENGLISH_CODE: dict(ENGLISH)})
    codes = [config.language, *(language.code for language in config.languages if language.code != config.language)]
    return Languages(config.language, {code: words_in(root, code) for code in codes})


def words_in(root: Path, code: str) -> dict[str, str]:
    """serve's words in templates/i18n/<code>.yaml, each in English where the file lacks it (or cannot be read)."""
    try:
        texts = load_interface(root, code).texts
    except (SiteError, UsageError):
        texts = {}
    return {name: text if isinstance(text := texts.get(key), str) and text.strip() else ENGLISH[name]
            for name, key in WORD_KEYS.items()}


def error_page(problem: str, words: dict[str, str], lang: str) -> str:
    """The page shown at every address while the latest build fails."""
    return ERROR_PAGE.format(lang=html.escape(lang), title=html.escape(words["error_title"]),
                             problem=html.escape(problem), help=html.escape(words["error_help"]),
                             messages_lang=MESSAGES_LANGUAGE)


@dataclass(frozen=True)
class Notice:
    """One warning as the panel lists it: where (file:line), what is wrong, and what to do."""
    path: str       # the source file ("content/articles/x.md"), or "/<output path>" for a page with none
    line: int | None
    problem: str
    hint: str

    @classmethod
    def of(cls, warning: SiteError) -> Notice:
        return cls(warning.path, warning.line, warning.message, warning.hint)

    @property
    def location(self) -> str:
        return self._as_error().location

    def __str__(self) -> str:  # as the build prints it
        return str(self._as_error())

    def _as_error(self) -> SiteError:
        return SiteError(self.path, self.line, self.problem, self.hint)

    def payload(self) -> dict[str, str]:
        return {"location": self.location, "problem": self.problem, "hint": self.hint}


class WarningsMessage(TypedDict):
    """The socket message live.js shows the warnings panel from (JSON)."""
    command: str                 # "warnings"
    warnings: list[dict[str, str]]  # Notice.payload() of each
    messages_language: str       # the language of the build's own messages
    language: NotRequired[str]   # the site's main language, and the panel's words: only with warnings
    words: NotRequired[dict[str, dict[str, str]]]


def warnings_message(notices: Iterable[Notice], languages: Languages) -> WarningsMessage:
    """The socket message that tells open pages the warnings to show (none: the panel goes)."""
    listed = [notice.payload() for notice in notices]
    message: WarningsMessage = {"command": "warnings", "warnings": listed, "messages_language": MESSAGES_LANGUAGE}
    if listed:
        message["language"] = languages.main
        message["words"] = languages.words
    return message


class WarningsOnShow:
    """The warnings of the site as it now is, across rebuilds.

    Each build reports the warnings of every source it read (front matter) in full, but checks only
    the pages it renders (a one-edit build renders the edited page and the lists) for broken links
    and missing alt text. A warning an earlier build found on a page is kept while that page, as it
    now is on disk, still has it.
    """

    def __init__(self) -> None:
        self.notices: tuple[Notice, ...] = ()
        self._source_notices: tuple[Notice, ...] = ()  # front matter's, from the latest build
        self._page_notices: tuple[Notice, ...] = ()    # those found on pages, by this build or earlier ones

    def update(self, report: BuildReport, pages: PublishedPages) -> bool:
        """Take in a build's report; True if the warnings on show changed."""
        from_sources = {id(warning) for document in report.documents for warning in document.warnings}
        self._source_notices = tuple(Notice.of(warning) for warning in report.warnings if id(warning) in from_sources)
        fresh = [Notice.of(warning) for warning in report.warnings if id(warning) not in from_sources]
        problems = {notice.problem for notice in fresh}  # the build warns once per problem (a broken menu link)
        kept = pages.still_found(notice for notice in self._page_notices if notice.problem not in problems)
        self._page_notices = (*fresh, *kept)
        return self._show()

    def add_checked(self, warnings: Iterable[SiteError], pages: PublishedPages) -> list[Notice]:
        """Add the warnings a check of the published pages found, those still true now (a save may have
        fixed one meanwhile); returns those added."""
        problems = {notice.problem for notice in self._page_notices}
        added = pages.still_found(notice for notice in map(Notice.of, warnings) if notice.problem not in problems)
        self._page_notices = (*self._page_notices, *added)
        self._show()
        return added

    def _show(self) -> bool:
        shown = tuple(sorted({*self._source_notices, *self._page_notices},
                             key=lambda notice: (notice.path, notice.line or 0, notice.problem)))
        changed, self.notices = shown != self.notices, shown
        return changed


class PublishedPages:
    """The build's page checks (broken links, missing alt text), run on pages as they now are on disk."""

    def __init__(self, root: Path, base_url: str | None, report: BuildReport) -> None:
        self.root, self.report = root, report
        self._base_url = base_url  # None: site.yaml's, read only if a page is checked
        self._output_of = {document.path: document.output_path for document in report.documents
                           if KINDS[document.kind].url is not None}  # records (quotes, facts) have no page

    def html_pages(self) -> list[str]:
        return sorted(path.relative_to(self.report.out).as_posix() for path in self.report.out.rglob("*.html"))

    def check(self, output_paths: Iterable[str]) -> list[SiteError]:
        """The warnings of these pages; none if site.yaml or the output folder changed under the check."""
        try:
            base_url = self._base_url or load_config(self.root).base_url
            outputs = {path.relative_to(self.report.out).as_posix() for path in self.report.out.rglob("*")
                       if path.is_file()}
        except (SiteError, OSError):
            return []
        documents = tuple(document for document in self.report.documents if document.path in self._output_of)
        checks = RenderedPageChecks(self.root, base_url, documents, outputs, strict=False)
        found: list[SiteError] = []
        for output_path in sorted(set(output_paths)):
            with contextlib.suppress(OSError):  # removed by a rebuild meanwhile
                found += checks(output_path, (self.report.out / output_path).read_bytes())
        return found

    def still_found(self, notices: Iterable[Notice]) -> list[Notice]:
        """Those of `notices` the pages they were found on still have (with their lines as they now are)."""
        wanted = {notice.problem: notice for notice in notices}
        pages = {self._output_of.get(notice.path) or notice.path.removeprefix("/") for notice in wanted.values()}
        return [Notice.of(warning) for warning in self.check(pages) if warning.message in wanted] if wanted else []
