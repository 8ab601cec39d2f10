"""Structured data (schema.org JSON-LD) for a document's page, which search engines read."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ssg.model.languages import home_of

if TYPE_CHECKING:
    from ssg.build.recording import RecordingConfig
    from ssg.model.content import Document
    from ssg.model.site import Site


def structured_data(document: Document, site: Site, config: RecordingConfig,
                    absolute_url: Callable[[str], str]) -> dict[str, object]:
    """The page's JSON-LD: a Quotation, an Article, the WebSite (a home page) or a WebPage.
    `config`: site.yaml as the page's readers see it."""
    meta = document.meta
    language = site.config.language_named(document.lang).code
    publisher = {"@type": "Organization", "name": config.publisher or config.title, "url": config.base_url}
    if document.kind == "quote":
        source = meta.source
        return {"@context": "https://schema.org", "@type": "Quotation",
                "text": " ".join(site.bodies.of(document).split()), "dateCreated": meta.date.isoformat(),
                "spokenByCharacter": {"@type": "Person", "name": meta.speaker, "jobTitle": meta.role},
                "isBasedOn": {"@type": "CreativeWork", "name": source.title, "url": source.url,
                              "publisher": {"@type": "Organization", "name": source.publisher}},
                "url": absolute_url(document.url)}
    if document.kind == "article":
        data = {"@context": "https://schema.org", "@type": "Article", "headline": meta.title,
                "description": meta.summary, "datePublished": meta.date.isoformat(),
                "dateModified": (meta.updated or meta.date).isoformat(), "inLanguage": language,
                "mainEntityOfPage": absolute_url(document.url), "publisher": publisher,
                "author": publisher}
        if meta.image:
            data["image"] = absolute_url(meta.image)
        return data
    if document.url == home_of(document.lang):
        return {"@context": "https://schema.org", "@type": "WebSite", "name": config.title,
                "description": config.description, "url": config.base_url, "inLanguage": language,
                "publisher": publisher}
    return {"@context": "https://schema.org", "@type": "WebPage", "name": meta.title,
            "description": meta.summary, "url": absolute_url(document.url), "inLanguage": language}
