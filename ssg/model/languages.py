"""The site in several languages, as readers see it: each page's versions (for the language toggle, the
hreflang links and the sitemap) and the site's own words (title, menus, contacts) in each language.

The main language's words are site.yaml's; another language's come from the `site:` part of its
interface file (templates/i18n/cy.yaml): the same title and description, each menu link's words by its
address, each contact's label and `when` by its id. A link in a menu goes to the page in the reader's
language when that page is translated, else to the main language's page.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ssg.errors import SiteError
from ssg.model.config import Config, Language, Link
from ssg.model.interface import Interface


@dataclass(frozen=True)
class Version:
    """One language's version of the page being shown."""
    code: str            # the language's code, like en-GB or cy
    name: str            # its name in itself, like Cymraeg
    url: str             # site-relative: the same page in that language, else that language's home page
    translated: bool     # True if `url` is this page in that language (a real translation: an hreflang alternate)
    current: bool        # the language of the page being shown
    locale: str = ""       # its Open Graph locale, like cy_GB
    change_text: str = ""  # "Change the language to English", in that language: the toggle's hidden words


def site_languages(config: Config) -> tuple[tuple[str, Language], ...]:
    """(folder code: '' for the main language, Language) for every language of the site, the main one first."""
    main = config.language_named("")
    others = tuple((lang.code, lang) for lang in config.languages if lang.code != config.language)
    return (("", main),) + others


def home_of(code: str) -> str:
    """The site-relative address of a language's home page ('' for the main language, 'cy/' for Welsh)."""
    return f"{code}/" if code else ""


def versions(config: Config, current: str, urls: dict[str, str], homes: dict[str, str]) -> tuple[Version, ...]:
    """The page's version in every language of the site. `urls`: folder code -> the page's address in the
    languages it exists in (the current one included); the others get their language's home page (`homes`)."""
    return tuple(Version(language.code, language.name, urls.get(code, homes.get(code, "")), code in urls,
                         code == current)
                 for code, language in site_languages(config))


def unprefixed(url: str, code: str) -> str:
    """A language's page address without its language folder ('cy/articles/' -> 'articles/')."""
    return url[len(code) + 1:] if code and url.startswith(code + "/") else url


def localized_config(config: Config, interface: Interface, translated_urls: dict[str, str]) -> Config:
    """site.yaml as seen by readers of `interface`'s language. `translated_urls`: main language address ->
    that page's address in this language, for each translated page."""
    words = interface.text_of("site")
    if not isinstance(words, dict):
        raise SiteError(interface.path, None, "'site' should be the site's words in this language",
                        "write site: with title:, description:, navigation:, footer_links: and contacts: under it")

    def wanted(key: str, *inside: str) -> Any:
        value: Any = words
        for part in (key,) + inside:
            if not isinstance(value, dict) or part not in value:
                name = ".".join(("site", key) + inside)
                raise SiteError(interface.path, None,
                                f"the interface text '{name}' is missing from this language's file",
                                f"add it under `site:` (see {interface.path} for the others)")
            value = value[part]
        return str(value)

    def links(field: str) -> tuple[Link, ...]:
        return tuple(_in_language(link, wanted(field, link.url), translated_urls, interface)
                     for link in getattr(config, field))

    contacts = tuple(dataclasses.replace(contact, label=wanted("contacts", contact.id, "label"),
                                         when=wanted("contacts", contact.id, "when"),
                                         number=_optional(words, contact.id, "number") or contact.number)
                     for contact in config.contacts)
    return dataclasses.replace(config, title=wanted("title"), description=wanted("description"),
                               navigation=links("navigation"), footer_links=links("footer_links"), contacts=contacts)


def _optional(words: dict[str, Any], contact_id: str, key: str) -> str | None:
    """A contact's optional word in this language (its `number` where it has words, like 'Text 999')."""
    value = ((words.get("contacts") or {}).get(contact_id) or {}).get(key)
    return str(value) if value is not None else None


def _in_language(link: Link, title: str, translated_urls: dict[str, str], interface: Interface) -> Link:
    """A menu link to the page in the reader's language if it is translated, else to the main language's page,
    its words saying so ("(yn Saesneg)")."""
    translated = translated_urls.get(link.url.lstrip("/"))
    if translated is None:
        return dataclasses.replace(link, title=f"{title} {interface.text('in_main_language')}")
    return dataclasses.replace(link, title=title, url="/" + translated)
