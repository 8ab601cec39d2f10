"""`build.py new`: start a new article, page or quote with every front matter field in place.

The front matter is written from the schema in content.py, so a field added there shows
up here by itself: each field is either filled in (title, today's date, `draft: true`)
or written as a comment with an example, and always with its one-line description.
Text the editor must replace says FILL IN, which `build.py check` reports until it is
gone. New files start as drafts, so nothing half-written is ever published.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path

from .content import CONTENT_DIR, KINDS, Source, slugify, url_for
from .errors import UsageError
from .schema import field_doc
from .site import GENERATED

PLACEHOLDER = "FILL IN"  # written where the editor must write something; `build.py check` reports it
# The fields that are filled in, as YAML; {title} and {today} are replaced.
FILLED = {"title": "{title}", "summary": f'"{PLACEHOLDER}"', "date": "{today}", "draft": "true",
          "speaker": f'"{PLACEHOLDER}"', "role": f'"{PLACEHOLDER}"'}
# Examples for the optional fields, written as comments.
EXAMPLES = {"updated": "{today}", "expires": "2030-12-31", "tags": "[law, footage]", "image": "/images/picture.jpg",
            "image_alt": "a police officer talking to a crowd", "template": "page.html"}
# A quote's source must be filled in; an article's or page's sources are an example.
SOURCE_PLACEHOLDERS = {"title": f'"{PLACEHOLDER}"', "publisher": f'"{PLACEHOLDER}"',
                       "url": f"https://example.org/{PLACEHOLDER.replace(' ', '-')}", "date": "{today}"}
SOURCE_EXAMPLES = {"title": "The title of the report", "publisher": "Who published it",
                   "url": "https://example.org/the-report", "date": "{today}"}
BODIES = {
    "article": f"{PLACEHOLDER}: write the article here. Use ## for a section heading.\n",
    "page": f"{PLACEHOLDER}: write the page here. Use ## for a section heading.\n",
    "quote": f"{PLACEHOLDER}: the exact words, as the source reports them.\n",
}
COMMENT_COLUMN = 34


def new_document(root: Path, kind: str, title: str, today: datetime.date) -> Path:
    """Write content/<kind folder>/<slug>.md for `title` and return its path; never overwrite a file."""
    slug = _slug_for(kind, title)
    path = root / CONTENT_DIR / KINDS[kind][0] / f"{slug}.md"
    text = front_matter(kind, title, today) + BODIES[kind]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": fails if the file exists, even in a race
            file.write(text)
    except FileExistsError:
        raise UsageError(f"{path.relative_to(root).as_posix()} already exists, and `new` never replaces a file."
                         "\nhint: open that file to edit it, or choose another title") from None
    return path


def _slug_for(kind: str, title: str) -> str:
    slug = slugify(title)[:80].rstrip("-")
    if not slug:
        raise UsageError(f"the title '{title}' has no letters or digits to make a file name from."
                         "\nhint: give a title with some words, like \"What to do if you see an attack\"")
    url = url_for(kind, slug)
    if kind == "page" and any(url == g or url.startswith(g) for g in GENERATED):
        raise UsageError(f"a page called '{slug}' would take /{url}, which the site uses for its own lists."
                         "\nhint: choose another title")
    return slug


def front_matter(kind: str, title: str, today: datetime.date) -> str:
    """The front matter block for a new document, every field filled in or commented."""
    values = {"title": json.dumps(title, ensure_ascii=False), "today": today.isoformat()}
    lines = ["---", f"# New {kind}. Lines starting with # are notes or optional settings: delete the # to use one.",
             "# Delete the line `draft: true` when it is ready to publish."]
    for field in dataclasses.fields(KINDS[kind][1]):
        lines += _field_lines(field, values)
    return "\n".join(lines + ["---", ""])


def _field_lines(field: dataclasses.Field, values: dict[str, str]) -> list[str]:
    name, note = field.name, field_doc(field)
    if name == "source":
        return [_with_note("source:", note)] + _nested_lines(Source, SOURCE_PLACEHOLDERS, values, "  ", "  ")
    if name == "sources":
        return [_with_note("# sources:", note)] + _nested_lines(Source, SOURCE_EXAMPLES, values, "#   - ", "#     ")
    if name in FILLED:
        return [_with_note(f"{name}: {FILLED[name].format(**values)}", note)]
    example = EXAMPLES.get(name, "").format(**values)
    return [_with_note(f"# {name}: {example}".rstrip(), note)]


def _nested_lines(cls: type, chosen: dict[str, str], values: dict[str, str], first: str, rest: str) -> list[str]:
    """The fields of a group of settings (a source); `first` and `rest` start the first and later lines."""
    return [_with_note(f"{first if number == 0 else rest}{field.name}: {chosen[field.name].format(**values)}",
                       field_doc(field))
            for number, field in enumerate(dataclasses.fields(cls))]


def _with_note(line: str, note: str) -> str:
    return f"{line.ljust(COMMENT_COLUMN)}  # {note}" if note else line
