"""`build.py check`: build the site into a temporary folder and report what an editor should fix.

The checks read the BUILT pages, so they see exactly what the public will see (links
rewritten, quotes and templates filled in); each problem is then traced back to the
source line that caused it, by looking for the link, heading or words in the Markdown
file, then in site.yaml and the templates. Nothing here needs the network.

Levels: an `error` fails the check (a broken link, a picture without alt text); a
`warning` fails it only with --strict (hard reading, an http:// link); `info` never
fails it (drafts, scheduled and expired articles).
"""
from __future__ import annotations

import dataclasses
import datetime
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ssg.build.pipeline import BuildOptions, BuildReport, build, today_from_environment
from ssg.editor import factcheck, translations
from ssg.editor.readability import MIN_WORDS, ProseParser, Score, count_words
from ssg.editor.scaffold import FILL_IN
from ssg.errors import SiteError
from ssg.markdown.directives import DIRECTIVE_LINE
from ssg.model.config import CONFIG_FILE, Config, load_config
from ssg.model.content import CONTENT_DIR, Document, read_body
from ssg.model.frontmatter import Written
from ssg.model.interface import Interface, load_interface
from ssg.model.kinds import KINDS, source_for_url
from ssg.model.site import TEMPLATES_DIR, group_translations, why_left_out

LEVELS = ("error", "warning", "info")
FILL_IN_FOUND = re.compile(r"FILL[ -]IN")  # FILL_IN, or "FILL-IN" in a placeholder web address
NOT_CHECKED = ("mailto:", "tel:", "javascript:", "data:")


@dataclass(frozen=True)
class Problem:
    level: str           # one of LEVELS
    error: SiteError     # where, what and how to fix it

    def __str__(self) -> str:
        text = f"{self.error.location}: {self.level}: {self.error.message}"
        return text + (f"\n  hint: {self.error.hint}" if self.error.hint else "")


@dataclass(frozen=True)
class PageScore:
    """The reading level of one page, for the readability table."""
    path: str     # its source file
    url: str
    score: Score


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[Problem, ...]     # sorted by file, then line
    pages: int                        # how many built pages were checked
    scores: tuple[PageScore, ...]     # hardest to read first
    max_grade: float
    unscored: tuple[str, ...] = ()    # pages in a language the grade does not measure: "path (Cymraeg)"

    def count(self, level: str) -> int:
        return sum(1 for p in self.problems if p.level == level)

    def failed(self, strict: bool) -> bool:
        return self.count("error") > 0 or (strict and self.count("warning") > 0)

    files: tuple[str, ...] | None = None  # only the problems in these files (check FILE, check --changed)

    def total(self) -> str:
        """The one-line total: 'Checked 40 pages: 1 error, 2 warnings, 3 for information.'"""
        errors, warnings, infos = (self.count(level) for level in LEVELS)
        parts = [f"{errors} error{'s' * (errors != 1)}", f"{warnings} warning{'s' * (warnings != 1)}"]
        scope = "" if self.files is None else (f" (showing {len(self.files)} file{'s' * (len(self.files) != 1)}: "
                                               f"{', '.join(self.files) or 'none changed'})")
        return f"Checked {self.pages} pages{scope}: {', '.join(parts)}, {infos} for information."

    def only(self, files: Iterable[str]) -> CheckReport:
        """The same report with only the problems found in `files` (paths as the site names them).
        A build that failed is reported whatever file stopped it: nothing else could be checked."""
        files = tuple(dict.fromkeys(files))
        kept = self.problems if self.pages == 0 else tuple(p for p in self.problems if p.error.path in files)
        return dataclasses.replace(self, problems=kept, files=files)


# --- the entry points -----------------------------------------------------------------

def check_site(options: BuildOptions) -> CheckReport:
    """Build into a temporary folder (the real output is not touched) and check the result."""
    options = dataclasses.replace(options, strict=False, today=options.today or today_from_environment())
    with tempfile.TemporaryDirectory(prefix="ssg-check-") as folder:
        try:
            report = build(dataclasses.replace(options, out=Path(folder) / "site", remember=False, check_pages=False))
        except SiteError as error:  # the build stops at its first error: that is the one problem
            return CheckReport((Problem("error", error),), 0, (), 0)
        return check_build(options, report)


def check_build(options: BuildOptions, report: BuildReport) -> CheckReport:
    """Check a finished build (in report.out) of the site in options.root."""
    root = options.root.resolve()
    today = options.today or today_from_environment()
    config = load_config(root, options.base_url)
    documents = report.documents
    published = tuple(d for d in documents if not why_left_out(d, today, options.drafts))  # records too
    pages = {d.output_path: d for d in published if KINDS[d.kind].url is not None}
    site = read_built_site(report.out, pages, config.readability.max_sentence_words,
                           scored=lambda document: _in_english(config, document))
    checked = _Checked(config, today, documents, published, site, SourceLocator(root, documents),
                       load_interface(root, config.language))
    found = [Problem("warning", warning) for warning in report.warnings]
    found += [problem for check in CHECKS for problem in check(checked)]
    scores = sorted((PageScore(p.document.path, p.url, p.score) for p in site.pages.values() if p.document and p.score),
                    key=lambda s: (-s.score.grade, s.path))
    unscored = tuple(f"{d.path} ({config.language_named(d.lang).name})" for d in pages.values()
                     if not _in_english(config, d))
    return CheckReport(_sorted_unique(found), len(site.pages), tuple(scores), config.readability.max_grade, unscored)


def _in_english(config: Config, document: Document) -> bool:
    """The Flesch-Kincaid grade measures English: a page in another language is not given one."""
    return config.language_named(document.lang).code.split("-")[0] == "en"


def _sorted_unique(problems: list[Problem]) -> tuple[Problem, ...]:
    """One of each (a broken menu link is on every page but is one problem), by file and line."""
    unique = {(p.error.location, p.level, p.error.message): p for p in problems}
    return tuple(sorted(unique.values(), key=lambda p: (p.error.path, p.error.line or 0, LEVELS.index(p.level))))


# --- the built pages -------------------------------------------------------------------

@dataclass(frozen=True)
class PageLink:
    """A link or picture found in a built page (not config.Link, a menu entry of site.yaml)."""
    tag: str
    href: str
    text: str           # the words of the link (for pictures: the alt text)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str


@dataclass(frozen=True)
class BuiltPage:
    output_path: str                   # "about/index.html"
    document: Document | None          # None for generated pages (lists, tags, 404)
    title: str
    description: str | None
    ids: frozenset[str]
    links: tuple[PageLink, ...]
    images: tuple[tuple[str, str | None], ...]   # (src, alt text or None)
    headings: tuple[Heading, ...]
    score: Score | None

    @property
    def url(self) -> str:
        return self.output_path.removesuffix("index.html")


@dataclass(frozen=True)
class BuiltSite:
    files: frozenset[str]              # every file written, relative to the output folder
    pages: dict[str, BuiltPage]        # the HTML pages by output path

    def output_file(self, path: str) -> str | None:
        """The file a browser gets for site path `path` ('about/' -> 'about/index.html'), or None."""
        wanted = [path + "index.html"] if path == "" or path.endswith("/") else [path, path + "/index.html"]
        return next((file for file in wanted if file in self.files), None)


def read_built_site(out: Path, published: dict[str, Document], max_sentence_words: int,
                    scored: Callable[[Document], bool] = lambda document: True) -> BuiltSite:
    """Parse every HTML page of a built site; `scored`: whose reading level to measure."""
    files = frozenset(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    pages = {}
    for output_path in sorted(f for f in files if f.endswith(".html")):
        document = published.get(output_path)
        parser = _PageParser()
        parser.feed((out / output_path).read_text(encoding="utf-8"))
        parser.close()
        pages[output_path] = BuiltPage(output_path, document, " ".join(parser.title.split()), parser.description,
                                       frozenset(parser.ids), tuple(parser.links), tuple(parser.images),
                                       tuple(parser.headings),
                                       parser.score(max_sentence_words) if document and scored(document) else None)
    return BuiltSite(files, pages)


class _PageParser(ProseParser):
    """What the checks need from one page: title, summary, ids, links, pictures, headings, prose."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.description: str | None = None
        self.ids: set[str] = set()
        self.links: list[PageLink] = []
        self.images: list[tuple[str, str | None]] = []
        self.headings: list[Heading] = []
        # open <a>, <title>, <h1>..: (tag, attributes, text)
        self._text_for: list[tuple[str, dict[str, str | None], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        attributes = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if identifier := attributes.get(name):
                self.ids.add(identifier)
        if tag == "meta" and attributes.get("name") == "description":
            self.description = attributes.get("content") or ""
        if tag == "img":
            self.images.append((attributes.get("src") or "", attributes.get("alt")))
            for _, _, text in self._text_for:  # a linked picture's alt text is the link's words
                text.append(attributes.get("alt") or "")
        if src := attributes.get("src"):
            self.links.append(PageLink(tag, src, attributes.get("alt") or ""))
        if tag == "link" and (href := attributes.get("href")):
            self.links.append(PageLink(tag, href, ""))
        if tag in ("a", "title", "h1", "h2", "h3", "h4", "h5", "h6"):
            self._text_for.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        if not self._text_for or self._text_for[-1][0] != tag:
            return
        _, attributes, parts = self._text_for.pop()
        text = " ".join("".join(parts).split())
        href = attributes.get("href")
        if tag == "a" and href is not None:
            self.links.append(PageLink("a", href, text))
        elif tag == "title":
            self.title = self.title or text  # the page's, in <head>: an <svg> in the page has titles of its own
        elif tag != "a":
            self.headings.append(Heading(int(tag[1]), text, attributes.get("id") or ""))
        if self._text_for:  # words of a heading inside a link (or the reverse) belong to both
            self._text_for[-1][2].append(text)

    def handle_data(self, data: str) -> None:
        super().handle_data(data)
        if self._text_for:
            self._text_for[-1][2].append(data)


# --- finding the source line ----------------------------------------------------------

class SourceLocator:
    """Finds the file and line that produced something seen on a built page."""

    def __init__(self, root: Path, documents: Sequence[Document]) -> None:
        self.root = root
        self.documents = documents
        self.templates = sorted(p.relative_to(root).as_posix() for p in (root / TEMPLATES_DIR).rglob("*")
                                if p.is_file())
        self._lines: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = (self.root / path).read_text(encoding="utf-8-sig").split("\n")
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        return self._lines[path]

    def candidates(self, document: Document | None) -> list[str]:
        """The files that could have produced part of a page, most likely first."""
        if document is None:
            return [CONFIG_FILE] + self.templates + [d.path for d in self.documents]
        included = []
        for line in read_body(document).split("\n"):
            match = DIRECTIVE_LINE.match(line)
            kind = KINDS.get(match.group(1)) if match and match.group(2) else None
            if match and kind is not None:  # a directive showing a document or record: [[quote: id]], [[chart: id]]
                included.append(f"{CONTENT_DIR}/{kind.folder}/{match.group(2).strip()}{kind.extension}")
        facts = KINDS["fact"]  # the page lists its facts' sources
        included += [f"{CONTENT_DIR}/{facts.folder}/{fact}{facts.extension}"
                     for fact in getattr(document.meta, "facts", ())]
        return [document.path] + included + [CONFIG_FILE] + self.templates

    def locate(self, page: BuiltPage, exact: Iterable[str] = (), words: str = "") -> tuple[str, int | None]:
        """Where `exact` text (tried first, in every candidate file) or else `words` appears."""
        candidates = self.candidates(page.document)
        needles = [n for n in exact if n]
        for path in candidates:
            for number, line in enumerate(self.lines(path), start=1):
                if any(n in line for n in needles):
                    return path, number
        for wanted in _word_needles(words):
            for path in candidates:
                for number, line in enumerate(self.lines(path), start=1):
                    if wanted in _plain(line):
                        return path, number
        return (page.document.path, None) if page.document else (f"/{page.url}", None)

    def front_matter_line(self, document: Document, key: str) -> int | None:
        """The line of `key:` in a document's front matter."""
        pattern = re.compile(rf"^{re.escape(key)}\s*:")
        for number, line in enumerate(self.lines(document.path)[:document.body_line], start=1):
            if pattern.match(line):
                return number
        return None

    def error(self, page: BuiltPage, message: str, hint: str, *, exact: Iterable[str] = (),
              words: str = "") -> SiteError:
        return SiteError(*self.locate(page, exact, words), message, hint)


def _plain(text: str) -> str:
    """Text reduced to lower-case words, so '## Don’t *film*' matches the built "Don't film"."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))) + " "


def _word_needles(words: str) -> list[str]:
    """The first six words, then the first three (a sentence may be wrapped over lines)."""
    plain = _plain(words).split()
    if not plain:
        return []
    sizes = [size for size in (6, 3) if len(plain) >= size] or [len(plain)]
    return [" " + " ".join(plain[:size]) + " " for size in sizes]


# --- the checks -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Checked:
    """Everything the checks look at."""
    config: Config
    today: datetime.date
    documents: tuple[Document, ...]       # every source, published or not
    published: tuple[Document, ...]       # the ones in this build
    site: BuiltSite
    locator: SourceLocator
    interface: Interface                  # the site's interface text, for dates in messages


def _link_problems(checked: _Checked) -> Iterator[Problem]:
    """Links and pictures that lead nowhere, anchors that do not exist, http:// links."""
    for page in checked.site.pages.values():
        for link in page.links:
            href = link.href.strip()
            if href and href != "#" and not href.lower().startswith(NOT_CHECKED):
                yield from _check_link(checked, page, link, href)


def _check_link(checked: _Checked, page: BuiltPage, link: PageLink, href: str) -> Iterator[Problem]:
    config, site, locator = checked.config, checked.site, checked.locator
    absolute = urljoin(config.base_url + page.url, href)
    parts, home = urlsplit(absolute), urlsplit(config.base_url)
    needles = _needles(href, config.base_path)
    if parts.scheme == "http" and parts.netloc != home.netloc:
        reason = config.http_reason(href)
        if reason:
            yield Problem("info", locator.error(page, f"{_describe(link)} goes to {href}, on http://: {reason}",
                                                factcheck.EXPLAINED_HTTP_HINT, exact=needles, words=link.text))
        else:
            yield Problem("warning", locator.error(page, f"{_describe(link)} goes to {href}, over http://, which is "
                                                   "not secure", factcheck.INSECURE_HTTP_HINT, exact=needles,
                                                   words=link.text))
    if parts.netloc != home.netloc or parts.scheme not in ("http", "https"):
        return  # another website: not checked (no network access needed)
    if not (parts.path + "/").startswith(config.base_path):
        yield Problem("error", locator.error(
            page, f"{_describe(link)} goes to {parts.path}, outside the site at {config.base_url}",
            "write links to this site's pages from the top, like /how-to-help/", exact=needles, words=link.text))
        return
    path = unquote(parts.path)[len(config.base_path):]
    target = site.output_file(path)
    if target is None:
        what = f"{_describe(link)} leads to /{path}, which" if link.tag == "a" else _describe(link)
        hint = _missing_hint(path, checked)
        yield Problem("error", locator.error(page, f"{what} does not exist", hint,
                                             exact=needles + [_as_markdown_file(path)], words=link.text))
    elif parts.fragment and target in site.pages and unquote(parts.fragment) not in site.pages[target].ids:
        anchors = [f"#{h.id}" for h in site.pages[target].headings if h.id]
        yield Problem("error", locator.error(
            page, f"{_describe(link)} leads to #{parts.fragment} on /{target.removesuffix('index.html')}, "
            "but that page has no such heading",
            "an anchor is made from a heading's words, like #what-to-do; "
            + (f"the page's headings are: {', '.join(anchors[:10])}" if anchors else "that page has no headings"),
            exact=needles, words=link.text))


def _describe(link: PageLink) -> str:
    if link.tag == "img":
        return f"the picture '{link.href}'"
    if link.tag != "a":
        return f"the file '{link.href}'"
    return f"the link '{link.text}'" if link.text else f"a link to '{link.href}'"


def _needles(href: str, base_path: str) -> list[str]:
    """Ways the editor may have written a link that was built as `href`."""
    written = ["/" + href[len(base_path):]] if base_path != "/" and href.startswith(base_path) else []
    return [f"({href})", f"({href} ", f'"{href}"', href] + written


def _as_markdown_file(path: str) -> str:
    """'articles/missing/' -> 'missing.md': how a link to a content file may have been written."""
    name = posixpath.basename(path.rstrip("/"))
    return f"{name}.md" if name else ""


def _missing_hint(path: str, checked: _Checked) -> str:
    output_path = path + "index.html" if path == "" or path.endswith("/") else path + "/index.html"
    left_out = next((d for d in checked.documents if KINDS[d.kind].url is not None and d.output_path == output_path),
                    None)
    if left_out is not None:
        return f"{left_out.path} {_left_out_reason(left_out, checked)[0]}, so this link does not work yet"
    source = _source_for(path)
    if source:
        return (f"there is no file {source}; check the spelling "
                "(link to pages like /how-to-help/ and to articles like other-article.md)")
    return "check the address; pictures and files must be in the site (link to pages like /how-to-help/)"


def _source_for(path: str) -> str | None:
    """The content file that would publish at `path`: 'articles/x/' -> 'content/articles/x.md'."""
    source = source_for_url(path)
    return f"{CONTENT_DIR}/{source}" if source else None


def _page_problems(checked: _Checked) -> Iterator[Problem]:
    """Pictures without alt text, headings that skip a level, pages without a summary."""
    locator = checked.locator
    for page in checked.site.pages.values():
        for src, alt in page.images:
            if not (alt or "").strip():
                yield Problem("error", locator.error(
                    page, f"the picture '{src}' has no alt text",
                    f"describe what it shows for people who cannot see it: ![a few words on the picture]({src})",
                    exact=_needles(src, checked.config.base_path)))
        previous = 0
        for heading in page.headings:
            if previous and heading.level > previous + 1:
                yield Problem("warning", locator.error(
                    page, f"the heading '{heading.text}' skips a level (level {heading.level} after "
                    f"level {previous})", f"make it {'#' * (previous + 1)} {heading.text}: use ## for a section "
                    "and ### for a part of a section, without skipping", words=heading.text))
            previous = heading.level
        if not (page.description or "").strip():
            where = ((page.document.path, locator.front_matter_line(page.document, "title")) if page.document
                     else locator.locate(page, ['name="description"']))
            yield Problem("error", SiteError(*where, "this page has no summary",
                                             "add `summary:` with one or two sentences about it"))


def _duplicate_titles(checked: _Checked) -> Iterator[Problem]:
    """Two pages with one title: readers and search engines cannot tell them apart."""
    by_title: dict[str, list[BuiltPage]] = {}
    for page in checked.site.pages.values():
        by_title.setdefault(page.title, []).append(page)
    for title, same in by_title.items():
        if len(same) < 2:
            continue
        shown = title.removesuffix(f" – {checked.config.title}")
        for page in same:
            others = ", ".join(_name(other) for other in same if other is not page)
            where = ((page.document.path, checked.locator.front_matter_line(page.document, "title"))
                     if page.document else checked.locator.locate(page))
            yield Problem("warning", SiteError(*where, f"another page has the same title '{shown}': {others}",
                                               "give each page its own title, so readers and search engines "
                                               "can tell them apart"))


def _name(page: BuiltPage) -> str:
    return page.document.path if page.document else f"/{page.url}"


def _readability_problems(checked: _Checked) -> Iterator[Problem]:
    """Pages above the reading grade in site.yaml, and sentences over its length limit."""
    target = checked.config.readability
    for page in checked.site.pages.values():
        if page.document is not None and not _in_english(checked.config, page.document):
            language = checked.config.language_named(page.document.lang).name
            yield Problem("info", SiteError(page.document.path, None, f"no reading grade: this page is in {language}, "
                                            "and the Flesch-Kincaid grade measures English only",
                                            "ask a reader of the language to check it is plain and short"))
        if page.document is None or page.score is None:
            continue
        if page.score.words >= MIN_WORDS and page.score.grade > target.max_grade:
            yield Problem("warning", SiteError(
                page.document.path, page.document.body_line,
                f"the reading grade is {page.score.grade}, above the target of {target.max_grade:g} in site.yaml",
                "use shorter sentences and everyday words; `./build.sh check --readability` shows every "
                "page's grade"))
        for sentence in page.score.long_sentences:
            words = count_words(sentence)
            start = " ".join(sentence.split()[:8])
            yield Problem("warning", checked.locator.error(
                page, f"a sentence has {words} words, more than {target.max_sentence_words}: "
                f"'{start}...'", "split it into two or more sentences", words=sentence))


def _placeholder_problems(checked: _Checked) -> Iterator[Problem]:
    """Text that `build.py new` left for the editor to replace."""
    for document in checked.published:
        for number, line in enumerate(checked.locator.lines(document.path), start=1):
            if FILL_IN_FOUND.search(line):
                yield Problem("error", SiteError(document.path, number,
                                                 f"this line still says '{FILL_IN}'",
                                                 "replace it with the real text (or delete the line)"))


def _quote_problems(checked: _Checked) -> Iterator[Problem]:
    """A document with one `source` (a quote) must say when it was published (its url is required by the build)."""
    for document in checked.published:
        source = getattr(document.meta, "source", None)
        if source is not None and source.date is None:
            yield Problem("warning", SiteError(
                document.path, checked.locator.front_matter_line(document, "source"),
                f"the {document.kind}'s source has no date",
                "add `date:` under `source:`: when the source was published, like 2018-12-04"))


def _left_out_notes(checked: _Checked) -> Iterator[Problem]:
    """Drafts, scheduled and expired articles: not problems, but the editor should know."""
    for document in checked.documents:
        if why_left_out(document, checked.today, drafts=False):
            reason, key, hint = _left_out_reason(document, checked)
            yield Problem("info", SiteError(document.path, checked.locator.front_matter_line(document, key),
                                            f"this {reason}, so it is not on the public site", hint))


def _left_out_reason(document: Document, checked: _Checked) -> tuple[str, str, str]:
    """(what it is, its front matter key, what to do) for a document the public site leaves out."""
    reason, human_date = why_left_out(document, checked.today, drafts=False), checked.interface.date
    meta = document.meta
    if reason == "draft":
        return ("is a draft", "draft",
                "delete the line `draft: true` to publish it; `--drafts` shows it in previews")
    if reason == "scheduled":
        return (f"is scheduled for {human_date(meta.date)}", "date",
                "it appears with the first build on or after that date; change `date:` to move it")
    return (f"expired on {human_date(meta.expires)}", "expires", "change or delete `expires:` to bring it back")



def _fact_problems(checked: _Checked) -> Iterator[Problem]:
    """Figures no cited fact, quote or chart backs; facts due a check; sources on http://; facts cited nowhere."""
    records = [d for d in checked.published if KINDS[d.kind].url is None]
    facts = [factcheck.Fact(d.slug, d.path, d.meta.figures, tuple((s.url, _line_with(checked, d, s.url))
                                                                   for s in d.meta.sources),
                            d.meta.check_again, d.line_of("check_again"))
             for d in records if d.kind == "fact"]
    charts = {d.slug: factcheck.Chart(d.slug, tuple(b.value for b in d.meta.bars),
                                      tuple(b.fact for b in d.meta.bars if b.fact))
              for d in records if d.kind == "chart"}
    quotes = {d.slug: read_body(d) for d in checked.published if d.kind == "quote"}
    pages = [factcheck.Page(d.path, read_body(d), d.body_line, d.meta.facts,
                            tuple((getattr(d.meta, key), d.line_of(key)) for key in ("title", "summary")))
             for d in checked.published if isinstance(d.meta, Written)]
    contacts = [text for c in checked.config.contacts for text in (c.number, c.label, c.when)]
    for level, error in factcheck.fact_problems(facts, pages, quotes=quotes, charts=charts, today=checked.today,
                                                phone_numbers=factcheck.phone_numbers_of(contacts),
                                                http_reason=checked.config.http_reason):
        yield Problem(level, error)


def _line_with(checked: _Checked, document: Document, text: str) -> int | None:
    """The first line of a document's file that contains `text`."""
    return next((n for n, line in enumerate(checked.locator.lines(document.path), start=1) if text in line), None)

def _translation_problems(checked: _Checked) -> Iterator[Problem]:
    """Translations whose source changed since they were made (ssg/editor/translations.py): a warning, not an error."""
    by_kind: dict[str, list[Document]] = {}
    for document in checked.published:
        if KINDS[document.kind].url is not None:
            by_kind.setdefault(document.kind, []).append(document)
    for item in translations.stale_translations(group_translations(by_kind)):
        yield Problem("warning", translations.problem(item))


CHECKS = (_fact_problems, _translation_problems, _link_problems, _page_problems, _duplicate_titles,
          _readability_problems, _placeholder_problems, _quote_problems, _left_out_notes)
