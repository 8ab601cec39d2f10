"""`build.py new`: start a new document of any kind with every field in place.

The file is written from its kind's declaration (ssg/model/kinds.py), so a field added to a schema
shows up here by itself: each field is either filled in (title, today's date, `draft: true`)
or written as a comment with an example, and always with its one-line description.
Text the editor must replace says FILL IN, which `build.py check` reports until it is
gone. New documents start as drafts, so nothing half-written is ever published.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssg.errors import UsageError
from ssg.model.content import CONTENT_DIR, slugify
from ssg.model.frontmatter import Source
from ssg.model.kinds import KINDS, MARKDOWN, Kind
from ssg.model.schema import field_doc
from ssg.model.site import generated_paths

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

FILL_IN = "FILL IN"  # written where the editor must write something; `build.py check` reports it
# The fields that are filled in, as YAML; {title} and {today} are replaced.
FILLED = {"title": "{title}", "date": "{today}", "draft": "true", "checked": "{today}", "confidence": "low"}
# Filled in with a value that may be wrong: the note asks the editor to set it (`check` reports FILL IN).
TO_CHOOSE = {"confidence"}
# Examples for the optional fields, written as comments.
EXAMPLES = {"updated": "{today}", "expires": "2030-12-31", "tags": "[law, footage]", "image": "images/picture.jpg",
            "image_alt": "a police officer talking to a crowd", "template": "page.html",
            "facts": "[an-id-from-content-facts]", "figures": '["6,556", "nearly 18"]', "check_again": "2030-12-31",
            "note": "a caveat", "fact": "an-id-from-content-facts"}
# A required source must be filled in; optional sources are an example.
SOURCE_PLACEHOLDERS = {"title": f'"{FILL_IN}"', "publisher": f'"{FILL_IN}"',
                       "url": f"https://example.org/{FILL_IN.replace(' ', '-')}", "date": "{today}"}
SOURCE_EXAMPLES = {"title": "The title of the report", "publisher": "Who published it",
                   "url": "https://example.org/the-report", "date": "{today}"}
COMMENT_COLUMN = 34


def new_document(root: Path, kind_name: str, title: str, today: datetime.date) -> Path:
    """Write content/<kind folder>/<slug>.<md or yaml> for `title` and return its path; never overwrite a file."""
    kind = KINDS[kind_name]
    if not kind.extension:  # not a text file (a picture): nothing to write
        raise UsageError(f"`new` writes text files, and a {kind.name} is not one."
                         f"\nhint: copy the file into {CONTENT_DIR}/{kind.folder}/ with a name like my-{kind.name}.jpg")
    slug = _slug_for(kind, title)
    path = root / CONTENT_DIR / kind.folder / f"{slug}{kind.extension}"
    text = front_matter(kind, title, today) + kind.scaffold
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": fails if the file exists, even in a race
            file.write(text)
    except FileExistsError:
        raise UsageError(f"{path.relative_to(root).as_posix()} already exists, and `new` never replaces a file."
                         "\nhint: open that file to edit it, or choose another title") from None
    return path


def _slug_for(kind: Kind, title: str) -> str:
    slug = slugify(title)[:80].rstrip("-")
    if not slug:
        raise UsageError(f"the title '{title}' has no letters or digits to make a file name from."
                         "\nhint: give a title with some words, like \"What to do if you see an attack\"")
    if kind.url is not None and not kind.url_prefix:
        url = kind.url_of(slug)
        if any(url == g or url.startswith(g) for g in generated_paths()):
            raise UsageError(f"a {kind.name} called '{slug}' would take /{url}, which the site uses for its own lists."
                             "\nhint: choose another title")
    return slug


def front_matter(kind: Kind, title: str, today: datetime.date) -> str:
    """The front matter block (or, for a YAML kind, the whole file), every field filled in or commented."""
    values = {"title": json.dumps(title, ensure_ascii=False), "today": today.isoformat()}
    fields = [f for f in dataclasses.fields(kind.meta) if field_doc(f)]  # not those the generator sets
    shared = {f.name for base in kind.meta.__mro__[1:] if dataclasses.is_dataclass(base)
              for f in dataclasses.fields(base)}
    fields.sort(key=lambda f: (not _required(f), not _required(f) and f.name in shared))  # required, own, shared
    lines = [f"# New {kind.name}. Lines starting with # are notes or optional settings: delete the # to use one."]
    if any(f.name == "draft" for f in fields):
        lines.append("# Delete the line `draft: true` when it is ready to publish.")
    hints = typing.get_type_hints(kind.meta)
    for field in fields:
        lines += _field_lines(field, hints[field.name], values)
    if kind.format == MARKDOWN:
        return "\n".join(["---"] + lines + ["---", ""])
    return "\n".join(lines + [""])


def _field_lines(field: dataclasses.Field[Any], hint: Any, values: dict[str, str]) -> list[str]:
    name, note, required = field.name, field_doc(field), _required(field)
    group, is_list = _group_of(hint)
    if group is not None:
        if required:
            first, rest = ("  - ", "    ") if is_list else ("  ", "  ")
            return [_with_note(f"{name}:", note)] + _nested_lines(group, values, first, rest, required=True)
        first, rest = ("#   - ", "#     ") if is_list else ("#   ", "#   ")
        return [_with_note(f"# {name}:", note)] + _nested_lines(group, values, first, rest, required=False)
    if name in FILLED:
        return [_with_note(f"{name}: {FILLED[name].format(**values)}", _to_fill(note) if name in TO_CHOOSE else note)]
    if required:
        return [_with_note(f"{name}: {_placeholder(hint)}".format(**values), _to_fill(note, hint))]
    example = EXAMPLES.get(name, "").format(**values)
    return [_with_note(f"# {name}: {example}".rstrip(), note)]


def _nested_lines(cls: type[DataclassInstance], values: dict[str, str], first: str, rest: str,
                  required: bool) -> list[str]:
    """The fields of a group of settings (a source, a bar); `first` and `rest` start the first and later lines."""
    chosen = (SOURCE_PLACEHOLDERS if required else SOURCE_EXAMPLES) if cls is Source else {}
    hints = typing.get_type_hints(cls)
    lines = []
    for number, field in enumerate(dataclasses.fields(cls)):
        start = first if number == 0 else rest
        if field.name in chosen:
            lines.append(_with_note(f"{start}{field.name}: {chosen[field.name]}".format(**values), field_doc(field)))
        elif _required(field):
            hint = hints[field.name]
            lines.append(_with_note(f"{start}{field.name}: {_placeholder(hint)}".format(**values),
                                    _to_fill(field_doc(field), hint)))
        else:
            example = EXAMPLES.get(field.name, "")
            lines.append(_with_note(f"{rest}# {field.name}: {example}".rstrip(), field_doc(field)))
    return lines


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _group_of(hint: Any) -> tuple[type[DataclassInstance] | None, bool]:
    """(the dataclass, is it a list of them) for a field holding a group of settings or a list of groups."""
    is_list = typing.get_origin(hint) is tuple
    group = typing.get_args(hint)[0] if is_list else hint
    if isinstance(group, type) and dataclasses.is_dataclass(group):
        return group, is_list
    return None, False


def _placeholder(hint: Any) -> str:
    """A value that passes validation and that `build.py check` reports until it is replaced."""
    if hint is datetime.date:
        return "{today}"
    if hint in (int, float):
        return "0"
    if typing.get_origin(hint) is tuple:
        return f'["{FILL_IN}"]'
    return f'"{FILL_IN}"'


def _to_fill(note: str, hint: Any = None) -> str:
    """The note of a field filled in with a value only the editor can choose (a number, say): it says FILL IN."""
    return f"{FILL_IN}: {note}" if hint is None or hint in (int, float) else note


def _with_note(line: str, note: str) -> str:
    return f"{line.ljust(COMMENT_COLUMN)}  # {note}" if note else line
