"""Translation freshness: a translation (about.cy.md) records which version of its source (about.md) it was made
from, so that `check` can say when the source has changed since and which of its paragraphs changed.

The record is one front matter line, `translation_of: <hash> <hash> ...`: a short hash of each paragraph of the
source's body (title and summary first), written by `build.py translations --mark about.cy.md` when the
translation is finished. Paragraph hashes, not one hash of the file, so that check can point at the
paragraphs an editor must look at again. Nothing here stops a build: the editor decides.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ssg.errors import SiteError
from ssg.model.content import Document, read_body

FIELD = "translation_of"


def paragraphs(document: Document) -> list[str]:
    """The parts of a document a translation follows: its title, its summary, then each paragraph of its body."""
    heads = [str(getattr(document.meta, key, "") or "") for key in ("title", "summary")]
    body = [" ".join(part.split()) for part in re.split(r"\n\s*\n", read_body(document))]
    return [text for text in heads + body if text]


def fingerprint(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def version_of(source: Document) -> str:
    """What `translation_of:` records: the hash of each of the source's paragraphs, in order."""
    return " ".join(fingerprint(text) for text in paragraphs(source))


@dataclass(frozen=True)
class Freshness:
    """How one translation stands against its source."""
    translation: Document
    source: Document
    changed: tuple[tuple[int, str], ...]  # (paragraph number in the source, its first words): new or edited since
    removed: int                          # paragraphs the source had then and has no longer
    marked: bool                          # it records a version at all

    @property
    def up_to_date(self) -> bool:
        return self.marked and not self.changed and not self.removed


def freshness(translation: Document, source: Document) -> Freshness:
    recorded = str(getattr(translation.meta, FIELD, "") or "").split()
    now = paragraphs(source)
    changed = tuple((number, _first_words(text)) for number, text in enumerate(now, start=1)
                    if fingerprint(text) not in recorded)
    removed = len(set(recorded) - {fingerprint(text) for text in now})
    return Freshness(translation, source, changed if recorded else (), removed, bool(recorded))


def _first_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" ..." if len(words) > count else "")


def stale_translations(translations: dict[tuple[str, str], tuple[Document, ...]]) -> list[Freshness]:
    """Each translation that is not up to date with its source (the main language version), by path."""
    found = [freshness(d, versions[0]) for versions in translations.values() if not versions[0].lang
             for d in versions[1:]]
    return sorted((f for f in found if not f.up_to_date), key=lambda f: f.translation.path)


def problem(item: Freshness) -> SiteError:
    """The check warning for a translation that is out of date, or that records no version."""
    document = item.translation
    line = document.line_of(FIELD) or 1
    if not item.marked:
        return SiteError(document.path, line,
                         f"this translation does not say which version of {item.source.path} it was made from",
                         f"when it is finished, run `python build.py translations --mark {document.path}`")
    parts = [f"paragraph {number} ('{words}')" for number, words in item.changed]
    if item.removed:
        parts.append(f"{item.removed} paragraph{'s' if item.removed > 1 else ''} removed")
    return SiteError(document.path, line, f"out of date: {item.source.path} has changed since it was translated: "
                     + "; ".join(parts),
                     f"update the translation, then run `python build.py translations --mark {document.path}`")


def mark(root: Path, path: str, source: Document) -> str:
    """Write `translation_of:` (the source's version now) into the translation's front matter; returns the value."""
    file = root / path
    text = file.read_text(encoding="utf-8")
    value = version_of(source)
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---" or "---" not in [line.rstrip() for line in lines[1:]]:
        raise SiteError(path, 1, "this file has no front matter to write into",
                        "start it with front matter between '---' lines")
    closing = 1 + [line.rstrip() for line in lines[1:]].index("---")
    front = [line for line in lines[1:closing] if not line.startswith(f"{FIELD}:")]
    file.write_text("\n".join(["---", *front, f"{FIELD}: {value}", *lines[closing:]]), encoding="utf-8")
    return value
