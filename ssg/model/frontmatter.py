"""The front matter fields kinds share, declared once (ssg/model/kinds.py builds each kind's schema from these).

A kind's schema is a frozen dataclass: each field's type, default and one-line description
(metadata `doc`) are what validation, `build.py new`, the README reference and (later) the
CMS read. Fields are keyword-only, so a kind may add required fields after the shared ones.
A field whose metadata has `refers_to` names records of another kind ("fact"): an unknown
id is an error at the field's line.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from ssg.model.config import doc

ID_PATTERN = (r"[a-z0-9]+(?:-[a-z0-9]+)*", "should be an id: lower-case letters, digits and hyphens")


@dataclass(frozen=True)
class Source:
    """Where a fact or quote comes from."""
    title: str = field(metadata=doc("the title of the article, report or page"))
    publisher: str = field(metadata=doc("who published it, like BBC News or gov.uk"))
    url: str = field(metadata=doc("its full web address",
                                  pattern=(r"https?://\S+", "should be a web address starting with https://")))
    date: datetime.date | str | None = field(default=None, metadata=doc(
        "when it was published: 2018-12-04, or text like 'October 2024'"))


def draft_field() -> Any:
    """`draft:`, which every kind with pages has (one definition; a dataclass field cannot be shared itself)."""
    return field(default=False, metadata=doc("true to keep it out of the site (build with --drafts to see it)"))


def translation_of_field() -> Any:
    """`translation_of:`, written by `build.py translations --mark`: the version of the source it translates."""
    return field(default="", metadata=doc(
        "in a translation (name.cy.md), the version of name.md it was made from: written by "
        "`build.py translations --mark`, never by hand", required_text=False))
def aliases_field() -> Any:
    """`aliases:`, old addresses of a page that redirect to it (ssg/build/redirects.py), for every kind with pages."""
    return field(default=(), metadata=doc("old addresses this page had, like [/old-name/]: they send readers here",
                                          pattern=(r"/\S*", "should be a path on this site starting with /")))


@dataclass(frozen=True, kw_only=True)
class Publishable:
    """Any document with a page of its own."""
    draft: bool = draft_field()
    translation_of: str = translation_of_field()
    aliases: tuple[str, ...] = aliases_field()


@dataclass(frozen=True, kw_only=True)
class Written:
    """A document written as prose with a title: articles, pages, and kinds like them."""
    title: str = field(metadata=doc("the article's headline, or the page's heading", max_length=150))
    summary: str = field(metadata=doc("one or two sentences, shown in lists and to search engines", max_length=400))
    updated: datetime.date | None = field(default=None, metadata=doc(
        "when the page was last reviewed or changed, like 2026-12-03 (shown as \"Last reviewed\")"))
    draft: bool = draft_field()
    translation_of: str = translation_of_field()
    aliases: tuple[str, ...] = aliases_field()
    image: str | None = field(default=None, metadata=doc(
        "a picture in content/images/ for the top of the page and for sharing, like images/x.jpg"))
    image_alt: str | None = field(default=None, metadata=doc("what the picture shows, for people who cannot see it"))
    sources: tuple[Source, ...] = field(default=(), metadata=doc("where the facts come from"))
    facts: tuple[str, ...] = field(default=(), metadata=doc(
        "ids of the facts (content/facts/) the page states: their sources are listed on the page",
        refers_to="fact", pattern=ID_PATTERN))


@dataclass(frozen=True, kw_only=True)
class Record:
    """A YAML file that is data with no page of its own (a chart, a fact), used by pages that name its id.

    These three fields are set by the loader from the file, not by editors ("internal").
    """
    id: str = field(default="", metadata={"internal": True})      # the file name without .yaml
    digest: str = field(default="", metadata={"internal": True})  # hash of the file, for the build cache
    path: str = field(default="", metadata={"internal": True})    # content/<folder>/<id>.yaml, for messages
