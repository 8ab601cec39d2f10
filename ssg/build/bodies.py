"""The bodies of documents as HTML, as rendering reads them: found where they were kept, or converted.

A body is converted from Markdown (ssg/markdown/markup.py) once and kept under a key hashing the
document and what conversion depends on: in the store earlier builds left (cache.BodyStore), and
in this process's memory for a quote (which many pages show) or a body another process converted
ahead (producing.convert_ahead). What rendering an output converted is taken with the output, and
the build process adds it to the store.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ssg.build.cache import BodyStore, markup_version
from ssg.build.digests import digest_of

if TYPE_CHECKING:
    from ssg.markdown import markup
    from ssg.model.content import Document
    from ssg.model.site import Site


class BodyCache:
    """Each document's body as HTML, before directives are filled in: get it with html(document)."""

    def __init__(self, site: Site, store: BodyStore | None) -> None:
        self.site = site
        self.store = store  # bodies converted by earlier builds (None when the cache is not used)
        self.markup_version = markup_version()  # part of each body's key
        self.base_path = site.config.base_path  # so is this: links in a body are made with it
        self._memory: dict[str, str] = {}  # bodies kept in this process (see the module's docstring)
        self._converted: list[tuple[str, str]] = []  # (key, html) converted since take_converted() was last asked

    # ssg.markdown.markup is imported when first needed: Python-Markdown and its extensions take about
    # 30 ms to import and set up, which a build that converts nothing need not spend.
    @functools.cached_property
    def converter(self) -> markup.MarkdownConverter:
        from ssg.markdown import markup
        return markup.MarkdownConverter(self.base_path)

    def key(self, document: Document) -> str:
        return digest_of(self.markup_version, self.base_path, document.path, document.digest)

    def html(self, document: Document) -> str:
        """The Markdown body as HTML, kept or converted now (then noted for take_converted())."""
        key = self.key(document)
        html = self._memory.get(key)
        if html is None and self.store is not None:
            html = self.store.get(key)
        if html is None:
            html = self.converter.convert(self.site.bodies.of(document), document.path, document.body_line)
            self._converted.append((key, html))
        if document.kind == "quote":
            self._memory[key] = html
        return html

    def take_converted(self) -> tuple[tuple[str, str], ...]:
        """The (key, html) of the bodies converted since the last call: those of the output just rendered."""
        if not self._converted:
            return ()
        taken = tuple(self._converted)
        self._converted.clear()
        return taken

    def keep(self, converted: dict[str, str]) -> None:
        """Bodies another process converted (by key), for the pages rendered here to find."""
        self._memory.update(converted)

    def store_converted(self, converted: Iterable[tuple[str, str]]) -> None:
        """Add bodies converted while rendering (here or in a worker process) to the store, for the next builds."""
        if self.store is not None:
            self.store.add(converted)

    def save(self, documents: Iterable[Document]) -> None:
        """Write what was added to the store, and forget the bodies of documents not among `documents` (the
        ones that changed since, or are gone)."""
        if self.store is None:
            return
        self.store.flush()
        if self.store.written:
            self.store.keep_only({self.key(document) for document in documents})
