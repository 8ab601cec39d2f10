"""The browser editor's configuration (Decap CMS's admin/config.yml), written from the content model.

Every kind in ssg/model/kinds.py with files an editor writes (Markdown or YAML) becomes a collection;
each field of its dataclass becomes a form field whose widget, requiredness, default, hint and
pattern come from the field's type and its doc() metadata: the same declarations validation and
the README reference read. So what the form lets an editor save is what the build accepts, and a
new kind or field appears in the editor without anyone touching this file.

Pictures are not a collection: they are the media library (content/images/, published at /images/).
The languages are Decap's `multiple_files` i18n: about.cy.md is the Welsh version of about.md.
Decap names the main language's file about.en-GB.md; ssg/editor/admin.py reads and writes it as
about.md (Decap 3 has no setting for that), and the build accepts either name.
"""
from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from pathlib import Path
from typing import Any

import yaml

from ssg.errors import SiteError
from ssg.model.config import Config
from ssg.model.content import split_front_matter
from ssg.model.kinds import KINDS, MARKDOWN, PICTURE, YAML, Kind
from ssg.model.schema import MAX_TEXT_LENGTH, _schema, field_doc, load_yaml

DATE_FORMAT = "YYYY-MM-DD"      # how Decap (moment.js) writes a date our schema reads as a date
LONG_TEXT = 150                 # a text field allowed more characters than this gets a multi-line box
IMAGE_FIELD = "image"           # the shared `image:` field names a picture in the media library
API_PATH = "/admin/api/v1"      # Decap's local backend, as the preview passes it on to decap-server (admin.py)
# File names Decap can make from a title: ASCII, lower case, hyphens (the build's own rule for a slug).
SLUG_RULE = {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
TRANSLATED_WIDGETS = ("string", "text", "markdown", "list", "object")  # words; dates, switches and ids are copied


def cms_config(root: Path, config: Config) -> dict[str, Any]:
    """The whole config.yml as a dict: backend, media folder, languages and a collection per kind."""
    settings: dict[str, Any] = {"backend": {"name": "proxy", "proxy_url": API_PATH}, "slug": dict(SLUG_RULE)}
    pictures = next((kind for kind in KINDS.values() if kind.format == PICTURE), None)
    if pictures is not None:
        settings["media_folder"] = f"content/{pictures.folder}"
        published_at = pictures.publish.split("{", 1)[0] if pictures.publish else f"{pictures.folder}/"
        settings["public_folder"] = "/" + published_at.rstrip("/")  # written as /images/x.jpg: right on every page
    locales = main_locale_first(config)
    if len(locales) > 1:
        settings["i18n"] = {"structure": "multiple_files", "locales": locales, "default_locale": locales[0]}
    known = KnownValues(root)
    settings["collections"] = [_collection(kind, known, translated=len(locales) > 1)
                               for kind in KINDS.values() if kind.format in (MARKDOWN, YAML)]
    return settings


def config_yaml(root: Path, config: Config) -> str:
    header = "# Written by the site generator from its content model (ssg/editor/cms.py): do not edit by hand.\n"
    return header + yaml.safe_dump(cms_config(root, config), sort_keys=False, allow_unicode=True, width=120)


def main_locale_first(config: Config) -> list[str]:
    """The site's language codes as Decap's locales: the main one (en-GB) first."""
    return [config.language] + [language.code for language in config.languages if language.code != config.language]


def translated_folders(settings: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The folder of each translated collection ('content/pages'), with the names of its translated fields."""
    return {collection["folder"]: tuple(entry["name"] for entry in collection["fields"] if entry.get("i18n") is True)
            for collection in settings["collections"] if collection.get("i18n")}


class KnownValues:
    """Values already in the content that a field may choose from: tags in use, ids of records of a kind."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def ids(self, kind_name: str) -> list[str]:
        kind = KINDS.get(kind_name)
        if kind is None or not (folder := self.root / "content" / kind.folder).is_dir():
            return []
        return sorted({path.name[:-len(kind.extension)].split(".")[0]
                       for path in folder.iterdir() if path.name.endswith(kind.extension)})

    def tags(self, kind: Kind) -> list[str]:
        found: set[str] = set()
        folder = self.root / "content" / kind.folder
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
            try:
                front, line, _, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
                tags = (load_yaml(front, str(path), line) or {}).get("tags") or []
            except (SiteError, OSError, UnicodeDecodeError, AttributeError):
                continue  # a broken file is the build's to report, not the editor config's
            found.update(str(tag) for tag in (tags if isinstance(tags, list) else [tags]))
        return sorted(found)


def _collection(kind: Kind, known: KnownValues, translated: bool) -> dict[str, Any]:
    fields, hints = _schema(kind.meta)
    identifier = "title" if "title" in fields else next(name for name, f in fields.items() if _required(f))
    translated = translated and kind.format == MARKDOWN and kind.url is not None
    collection: dict[str, Any] = {
        "name": kind.folder, "label": kind.folder.capitalize(), "label_singular": kind.name,
        "folder": f"content/{kind.folder}", "extension": kind.extension.lstrip("."),
        "format": "frontmatter" if kind.format == MARKDOWN else "yaml",
        "create": True, "slug": "{{slug}}", "identifier_field": identifier,
        "fields": [_field(field, hints[name], known, kind) for name, field in fields.items() if field_doc(field)],
    }
    if kind.url is not None:  # the entry's "view" link: its page in the preview
        collection["preview_path"] = kind.url.replace("{slug}", "{{slug}}")
    if kind.format == MARKDOWN:
        # raw: the editor sees and keeps the Markdown the guide describes, [[quote: x]] lines included, as typed
        collection["fields"].append({"name": "body", "label": "Body", "widget": "markdown", "modes": ["raw"],
                                     "required": kind.needs_body})
    if translated:
        collection["i18n"] = True
        for entry in collection["fields"]:
            entry["i18n"] = True if entry["widget"] in TRANSLATED_WIDGETS else "duplicate"
    return collection


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _field(field: dataclasses.Field[Any], hint: Any, known: KnownValues, kind: Kind | None) -> dict[str, Any]:
    """One form field: its widget from the type, then required, default, hint and pattern from the declaration."""
    entry: dict[str, Any] = {"name": field.name, "label": field.name.replace("_", " ").capitalize(),
                             **_widget(field, hint, known)}
    entry["required"] = _required(field)
    if not entry["required"] and field.default not in (None, "", ()):
        entry["default"] = field.default
    entry["hint"] = field_doc(field)
    if field.name == "tags" and kind is not None and kind.tags and known.tags(kind):
        # new tags stay allowed (a select would refuse them), so the tags in use are named in the hint
        entry["hint"] += "; in use: " + ", ".join(known.tags(kind))
    pattern = field.metadata.get("pattern")
    if pattern:  # a select's options already match
        rule = [f"^(?:{pattern[0]})$", pattern[1]]
        if entry["widget"] in ("string", "text"):
            entry["pattern"] = rule
        elif entry["widget"] == "list" and "fields" not in entry:  # a list of texts: one box per item, each checked
            entry["field"] = {"name": field.name, "label": entry["label"], "widget": "string", "pattern": rule}
    return entry


def _widget(field: dataclasses.Field[Any], hint: Any, known: KnownValues) -> dict[str, Any]:
    options = [option for option in typing.get_args(hint) if option is not type(None)] \
        if typing.get_origin(hint) in (typing.Union, types.UnionType) else [hint]
    if len(options) > 1:  # like `date | str` (a source's date may be 'October 2024'): free text
        return {"widget": "string"}
    hint = options[0]
    if field.metadata.get("refers_to"):  # ids of existing records: the build refuses any other
        return {"widget": "select", "options": known.ids(field.metadata["refers_to"]),
                **({"multiple": True} if typing.get_origin(hint) is tuple else {})}
    if field.name == IMAGE_FIELD and hint is str:
        return {"widget": "image", "choose_url": False}
    if hint is bool:
        return {"widget": "boolean"}
    if hint is datetime.date:
        return {"widget": "datetime", "format": DATE_FORMAT, "date_format": DATE_FORMAT, "time_format": False,
                "picker_utc": True}
    if hint in (int, float):
        number = {"widget": "number", "value_type": "int" if hint is int else "float"}
        return number | ({"min": field.metadata["minimum"]} if "minimum" in field.metadata else {})
    if hint is str:
        # a short or patterned text (a name, an address) gets one line; a long one a box
        long = field.metadata.get("max_length", MAX_TEXT_LENGTH) > LONG_TEXT and "pattern" not in field.metadata
        return {"widget": "text" if long else "string"}
    if dataclasses.is_dataclass(hint):
        return {"widget": "object", "fields": _nested_fields(hint, known)}
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return {"widget": "list", **({"fields": _nested_fields(item, known)} if dataclasses.is_dataclass(item) else {})}
    raise TypeError(f"no form widget for the schema type {hint!r} of '{field.name}'")  # a schema bug


def _nested_fields(cls: Any, known: KnownValues) -> list[dict[str, Any]]:
    fields, hints = _schema(cls)
    return [_field(field, hints[name], known, None) for name, field in fields.items() if field_doc(field)]
