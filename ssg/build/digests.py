"""Short stable hashes: of values, of lists of documents, and of templates with all they include.

They make the keys of outputs (ssg/build/planning.py) and of cached bodies (ssg/build/bodies.py).
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, cast

import jinja2
import jinja2.meta

if TYPE_CHECKING:
    from ssg.model.content import Document


def digest_of(*parts: object) -> str:
    """A short stable hash of some values (their repr, which is deterministic for our dataclasses)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def documents_digest(documents: tuple[Document, ...]) -> str:
    """One hash for a list of documents (their paths and contents), to put in a list page's key."""
    return hashlib.blake2b("".join([d.identity for d in documents]).encode(), digest_size=16).hexdigest()


class TemplateDigests:
    """Hash of a template together with every template it extends, includes or imports."""

    def __init__(self, env: jinja2.Environment, root: Path, references: dict[str, frozenset[str | None]]) -> None:
        if env.loader is None:
            raise TypeError("templates are digested as the environment's loader reads them: it has none")
        self.env, self.loader, self.root = env, env.loader, root
        self.known: dict[str, str] = {}
        self.remembered = references  # what the templates reference, by hash of their source (from the cache)
        self.references: dict[str, frozenset[str | None]] = {}  # those of this build's templates, for the cache

    def digest(self, name: str, visiting: frozenset[str] = frozenset()) -> str:
        if name in self.known:
            return self.known[name]
        source, filename, _ = self.loader.get_source(self.env, name)
        references = self._references(source, name, filename)
        if None in references or name in visiting:  # a name computed at render time, or a loop
            parts = [self.loader.get_source(self.env, n)[0] for n in sorted(self.env.list_templates())]
        else:
            named = cast("frozenset[str]", references)  # every one a name: None is not in it
            parts = [source] + [self.digest(r, visiting | {name}) for r in sorted(named)]
        self.known[name] = digest_of(parts)
        return self.known[name]

    def _references(self, source: str, name: str, filename: str | None) -> frozenset[str | None]:
        """The templates a template's source names (parsing is slow: a source seen before is not parsed again)."""
        source_digest = digest_of(name, source)
        references = self.remembered.get(source_digest)
        if references is None:
            try:
                references = _referenced_templates(name, source)
            except jinja2.TemplateSyntaxError as error:
                error.filename = filename  # the file of this site (the parse is shared: see below)
                raise
        self.references[source_digest] = references
        return references


_PARSER = jinja2.Environment()  # only parses: what a template references does not depend on settings


@functools.lru_cache(maxsize=512)  # a pure function of the source: shared by the builds of one process (tests, serve)
def _referenced_templates(name: str, source: str) -> frozenset[str | None]:
    """The templates a template's source names (None for a name worked out when it is rendered)."""
    return frozenset(jinja2.meta.find_referenced_templates(_PARSER.parse(source, name)))
