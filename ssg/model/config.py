"""Stage 1: read and check site.yaml into a frozen Config.

The dataclasses below ARE the schema: each field's type, default and one-line doc.
README.md's site.yaml reference is written from them, and unknown keys are refused
with the list of valid ones.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ssg import safe_files
from ssg.errors import SiteError, UsageError
from ssg.model.schema import build_dataclass, load_yaml

CONFIG_FILE = "site.yaml"
SITE_PATH = r"/[^\s]*"
ON_THIS_SITE = (SITE_PATH, "should be a path on this site starting with /")  # a field's pattern and its message


def doc(text: str, **extra: object) -> dict[str, object]:
    return {"doc": text, **extra}


@dataclass(frozen=True)
class Link:
    """A link in the navigation or the footer."""
    title: str = field(metadata=doc("the words shown for the link"))
    url: str = field(metadata=doc("a path on this site starting with /, like /how-to-help/",
                                  pattern=ON_THIS_SITE))


@dataclass(frozen=True)
class ShortLink:
    """A short address for posters and radio that sends readers on to a page (ssg/build/redirects.py)."""
    path: str = field(metadata=doc("the short address, like /help", pattern=ON_THIS_SITE))
    to: str = field(metadata=doc("the page it opens, like /how-to-help/", pattern=ON_THIS_SITE))


@dataclass(frozen=True)
class Contact:
    """An emergency or reporting contact shown on every page."""
    id: str = field(metadata=doc("a short name for the contact, used by [[contacts: id]]"))
    label: str = field(metadata=doc("what the link says, like 'Emergency: call 999'"))
    number: str = field(metadata=doc("the number or address as people read it"))
    href: str = field(metadata=doc("what the link opens: tel:999, or an https:// address",
                                   pattern=(r"(tel:\+?[0-9]+|https://\S+)",
                                            "should be tel: and digits, or an https:// address")))
    when: str = field(metadata=doc("one short sentence on when to use it"))


LANGUAGE_CODE = (r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", "should be a language code like en-GB or cy")


@dataclass(frozen=True)
class Language:
    """A language the site is written in besides (or, to name it, as well as) its main `language`."""
    code: str = field(metadata=doc("its code, like cy: pages in it are under /cy/, and name.cy.md is a translation "
                                   "of name.md", pattern=LANGUAGE_CODE))
    name: str = field(metadata=doc("its name in itself, like Cymraeg"))
    direction: str = field(default="ltr", metadata=doc("ltr (left to right) or rtl (right to left, like Arabic)",
                                                       pattern=(r"ltr|rtl", "should be ltr or rtl")))


@dataclass(frozen=True)
class Readability:
    """Plain-English targets, checked by `build.py check`."""
    max_grade: float = field(default=7.5, metadata=doc(
        "highest Flesch-Kincaid grade a page may have (grade 5 to 6 is a reading age of 9 to 11)"))
    max_sentence_words: int = field(default=25, metadata=doc("longest sentence allowed, in words", minimum=1))


@dataclass(frozen=True)
class HttpOnly:
    """An http:// address the site keeps on purpose (a source with no https:// page), and why."""
    address: str = field(metadata=doc("the address as the sources and links write it (longer ones that start "
                                      "with it count too)",
                                      pattern=(r"http://\S+", "should be an address starting with http://")))
    reason: str = field(metadata=doc("why it stays on http://: check shows this instead of a warning"))


@dataclass(frozen=True)
class Deploy:
    """Where `build.py deploy` publishes the site (see docs/hosting.md)."""
    method: str = field(default="", metadata=doc(
        "git (commit the site to a branch of a git remote) or directory (copy it into a folder)",
        required_text=False, pattern=(r"(git|directory)?", "should be git or directory")))
    remote: str = field(default="", metadata=doc(
        "for git: the remote to push to, like git@github.com:org/site.git or a folder path", required_text=False))
    branch: str = field(default="gh-pages", metadata=doc(
        "for git: the branch that holds the published site",
        pattern=(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*", "should be a branch name like gh-pages")))
    path: str = field(default="", metadata=doc(
        "for directory: the folder to copy the site into, like /mnt/share/site", required_text=False))
    max_deletes: int = field(default=50, metadata=doc(
        "ask before a deploy deletes more files than this from the published site", minimum=0))


@dataclass(frozen=True)
class Config:
    """Everything in site.yaml."""
    title: str = field(metadata=doc("the site's name, shown in every page title", max_length=120))
    description: str = field(metadata=doc("one or two sentences about the site, for search engines"))
    base_url: str = field(metadata=doc(
        "the full address the site is published at, like https://example.org/ or https://example.org/campaign/"))
    language: str = field(default="en-GB", metadata=doc(
        "the main language of the pages, at the site's root, like en-GB", pattern=LANGUAGE_CODE))
    languages: tuple[Language, ...] = field(default=(), metadata=doc(
        "the other languages pages are translated into, each under /<code>/ "
        "(and, if you like, the main one, to name it)"))
    publisher: str = field(default="", metadata=doc("who publishes the site", required_text=False))
    short_url: str = field(default="", metadata=doc("a short address to print on posters", required_text=False))
    share_cards: bool = field(default=False, metadata=doc(
        "give each page its own share picture "
        "(1200 x 630, with its title; about 0.1 s a page the first time, then cached)"))
    articles_per_page: int = field(default=20, metadata=doc("how many articles each list page shows", minimum=1))
    feed_size: int = field(default=20, metadata=doc("how many of the newest articles the feed holds", minimum=1))
    readability: Readability = field(default_factory=Readability, metadata=doc("plain-English targets"))
    navigation: tuple[Link, ...] = field(default=(), metadata=doc("the main menu, in order"))
    short_links: tuple[ShortLink, ...] = field(default=(), metadata=doc(
        "short addresses that redirect to a page, for posters and radio: [{path: /help, to: /how-to-help/}]"))
    redirect_pages: bool = field(default=True, metadata=doc(
        "also leave a small redirect page at each short link and alias, "
        "for hosts that read no _redirects (GitHub Pages)"))
    footer_links: tuple[Link, ...] = field(default=(), metadata=doc("links at the foot of every page"))
    contacts: tuple[Contact, ...] = field(default=(), metadata=doc("emergency and reporting contacts"))
    feedback_url: str = field(default="", metadata=doc(
        "where readers tell you about a problem with the site, like mailto:name@example.org or an https:// "
        "form; every page links to it (left empty, no page asks)",
        required_text=False, pattern=(r"(mailto:[^\s@]+@[^\s@]+\.[^\s@]+|https://\S+)?",
                                      "should be mailto: and an email address, or an https:// address")))
    deploy: Deploy = field(default_factory=Deploy, metadata=doc("where `build.py deploy` publishes the site"))
    http_only: tuple[HttpOnly, ...] = field(default=(), metadata=doc(
        "http:// addresses of sources and links kept on purpose, each with its reason: check lists them as "
        "explained notes, not warnings"))

    def http_reason(self, url: str) -> str:
        """Why `url`, an http:// address, is kept ('' if site.yaml does not explain it)."""
        return next((kept.reason for kept in self.http_only if url.startswith(kept.address)), "")

    def language_of_suffix(self, suffix: str) -> str | None:
        """The language a file name's suffix (about.cy.md: 'cy') names: '' for the main language (en-GB, or en),
        its code for another declared language, None if site.yaml declares no such language."""
        if suffix in (self.language, self.language.split("-")[0]):
            return ""
        return suffix if any(language.code == suffix for language in self.languages) else None

    def language_named(self, code: str) -> Language:
        """The language with this code ('' or the main code: the main language)."""
        code = code or self.language
        declared = next((language for language in self.languages if language.code == code), None)
        return declared or Language(code, code)

    @property
    def base_path(self) -> str:
        """The path part of base_url, always ending in '/': '/' or '/campaign/'."""
        return urlsplit(self.base_url).path or "/"


def load_config(root: Path, base_url: str | None = None) -> Config:
    """Read site.yaml under `root`; `base_url` overrides the one in the file (for preview deploys)."""
    path = root / CONFIG_FILE
    try:
        text = safe_files.read_bytes(safe_files.checked_site_file(root, CONFIG_FILE), CONFIG_FILE).decode("utf-8-sig")
    except FileNotFoundError:
        raise SiteError(CONFIG_FILE, None, "this file is missing",
                        f"create {CONFIG_FILE} in {root} with at least title, description and base_url") from None
    except IsADirectoryError:
        raise SiteError(CONFIG_FILE, None, "this is a folder, not a file",
                        f"replace it with the file {CONFIG_FILE} (see README.md)") from None
    except UnicodeDecodeError as error:
        raise SiteError(CONFIG_FILE, _line_of_byte(path, error.start), "site.yaml is not UTF-8 text",
                        "save the file as UTF-8 in your editor") from None
    data = load_yaml(text, CONFIG_FILE)
    if data is None:
        raise SiteError(CONFIG_FILE, 1, "the file is empty",
                        "add at least title, description and base_url (see README.md)")
    config = build_dataclass(Config, data, CONFIG_FILE, 1, what="site.yaml")
    line = data.line_of("base_url")
    if base_url is not None:
        config, line = dataclasses.replace(config, base_url=base_url), None
    return dataclasses.replace(config, base_url=_checked_base_url(config.base_url, line))


def _checked_base_url(url: str, line: int | None) -> str:
    parts = urlsplit(url)
    hint = "write it like https://example.org/ or https://example.org/campaign/"
    # No spaces or control characters: the address is also written into _headers, line by line.
    if (parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment
            or re.search(r"[\s\x00-\x1f\x7f]", url)):
        if line is None:
            raise UsageError(f"--base-url must be a full web address starting with https://, not '{url}'\nhint: {hint}")
        raise SiteError(CONFIG_FILE, line, f"base_url must be a full web address starting with https://, not '{url}'",
                        hint)
    return url if url.endswith("/") else url + "/"


def _line_of_byte(path: Path, offset: int) -> int:
    return path.read_bytes()[:offset].count(b"\n") + 1
