"""Typed YAML: load YAML with line numbers, then check it against a dataclass.

site.yaml and every front matter block go through here, so an editor gets the same
kind of message for the same kind of mistake wherever they make it:
`content/articles/x.md:4: 'date' should be a date like 2018-12-04` + a hint.
"""
from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import re
import types
import typing
from typing import Any

import yaml

from .errors import SiteError

MAX_TEXT_LENGTH = 10_000  # a front matter value longer than this is a mistake (pasted body?)


class LineDict(dict):
    """A YAML mapping that remembers the line of each of its keys (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Problem(Exception):
    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _Loader(yaml.CSafeLoader):
    """libyaml's fast parser with mappings that keep line numbers and refuse duplicate keys."""

    def construct_line_mapping(self, node: yaml.MappingNode) -> LineDict:
        self.flatten_mapping(node)
        mapping = LineDict(node.start_mark.line + 1)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, typing.Hashable) or isinstance(key, (list, dict)):
                raise _Problem(line, "a key must be a plain word", "write keys like `title:`")
            if key in mapping:
                raise _Problem(line, f"the key '{key}' appears twice",
                               f"keep one '{key}:' line (the first is on line {mapping.line_of(key)})")
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = line
        return mapping

    def construct_checked_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            raise _Problem(node.start_mark.line + 1, f"'{node.value}' is not a real date",
                           "write dates as YYYY-MM-DD, for example 2018-12-04") from None


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_line_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_checked_timestamp)

_YAML_HINTS = [
    ("'\\t'", "indent with spaces, not tabs"),
    ("mapping values are not allowed", "put quotes around a value that contains ': ', for example title: \"Help: a guide\""),
    ("expected <block end>", "check the indentation of this line and the one before it"),
    ("found undefined alias", "a value starting with * must be in quotes"),
    ("found character '@'", "a value starting with @ or ` must be in quotes"),
    ("found character '`'", "a value starting with @ or ` must be in quotes"),
    ("while scanning a quoted scalar", "a quoted value is missing its closing quote"),
]


def load_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """Parse YAML text that starts on `first_line` of `path`; errors name the real line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except _Problem as problem:
        raise SiteError(path, first_line - 1 + problem.line, problem.message, problem.hint) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        problem = error.problem or error.context or "it could not be read"
        hint = next((h for needle, h in _YAML_HINTS if needle in str(error)),
                    "check this line: every setting is `key: value` and text with a colon needs quotes")
        raise SiteError(path, line, f"this is not valid YAML: {problem}", hint) from None
    except yaml.YAMLError as error:  # reader errors: control characters and the like
        raise SiteError(path, first_line, f"this is not valid YAML: {error}",
                        "remove any unusual or invisible characters from this text") from None


def field_doc(field: dataclasses.Field) -> str:
    return field.metadata.get("doc", "")


def describe_type(kind: Any) -> str:
    """Plain-English name of a field's type, for messages and the README reference."""
    if kind is str:
        return "text"
    if kind is bool:
        return "true or false"
    if kind in (int, float):
        return "a number"
    if kind is datetime.date:
        return "a date like 2018-12-04"
    if dataclasses.is_dataclass(kind):
        return "a group of settings (" + ", ".join(f.name for f in dataclasses.fields(kind)) + ")"
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if typing.get_origin(kind) is tuple:
        return f"a list of {describe_type(args[0])}" + ("" if dataclasses.is_dataclass(args[0]) else "s")
    return " or ".join(describe_type(a) for a in args)


def build_dataclass(cls: type, data: Any, path: str, line: int, *,
                    warnings: list[SiteError] | None = None, what: str = "front matter") -> Any:
    """Check `data` against dataclass `cls` and build it.

    Unknown keys raise, unless `warnings` is a list: then they are added to it instead.
    """
    if not isinstance(data, dict):
        raise SiteError(path, line, f"the {what} should be a set of `key: value` lines, not {_a_kind(data)}",
                        "write one setting per line, like `title: My title`")
    data_line = getattr(data, "line_of", lambda key: line)
    fields, hints = _schema(cls)
    for key in data:
        if key not in fields:
            close = difflib.get_close_matches(str(key), fields, n=1)
            problem = SiteError(path, data_line(key), f"unknown key '{key}' in the {what}",
                                (f"did you mean '{close[0]}'? " if close else "")
                                + "valid keys are: " + ", ".join(fields))
            if warnings is None:
                raise problem
            warnings.append(problem)
    values = {}
    for name, field in fields.items():
        if name not in data or data[name] is None:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                where = data_line(name) if name in data else getattr(data, "line", line)
                raise SiteError(path, where, f"'{name}' is missing from the {what}",
                                f"add a line like `{name}: ...` ({field_doc(field) or describe_type(hints[name])})")
            continue
        values[name] = _convert(data[name], hints[name], field, path, data_line(name), warnings)
    return cls(**values)


@functools.lru_cache(maxsize=None)
def _schema(cls: type) -> tuple[dict[str, dataclasses.Field], dict[str, Any]]:
    """A dataclass's fields and resolved type hints (resolving them is slow; do it once per class)."""
    return {f.name: f for f in dataclasses.fields(cls)}, typing.get_type_hints(cls)


def _a_kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a single line of text"
    return f"a {type(value).__name__}"


def _convert(value: Any, kind: Any, field: dataclasses.Field, path: str, line: int,
             warnings: list[SiteError] | None) -> Any:
    name = field.name
    wrong = SiteError(path, line, f"'{name}' should be {describe_type(kind)}, not {_show(value)}",
                      field_doc(field) or f"change the value of '{name}'")
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(kind):
            if option is type(None):
                continue
            try:
                return _convert(value, option, field, path, line, warnings)
            except SiteError:
                continue
        raise wrong
    if origin is tuple:
        item_kind = typing.get_args(kind)[0]
        items = value if isinstance(value, list) else [value] if item_kind is str else None
        if items is None:
            raise wrong
        return tuple(_convert(item, item_kind, field, path, getattr(item, "line", line), warnings)
                     for item in items)
    if dataclasses.is_dataclass(kind):
        return build_dataclass(kind, value, path, line, warnings=warnings, what=f"'{name}' settings")
    if kind is datetime.date:
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise SiteError(path, line, f"'{name}' should be a date like 2018-12-04, not {_show(value)}",
                            "write dates as YYYY-MM-DD (year, month, day), so 4 December 2018 is 2018-12-04")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise wrong
        return value
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
            raise wrong
        return kind(value)
    if kind is str:
        if isinstance(value, (dict, list)) or isinstance(value, bool):
            raise wrong
        text = str(value).strip()
        limit = field.metadata.get("max_length", MAX_TEXT_LENGTH)
        if len(text) > limit:
            raise SiteError(path, line, f"'{name}' is {len(text):,} characters long; the limit is {limit:,}",
                            f"shorten '{name}'")
        if not text and field.metadata.get("required_text", True):
            raise SiteError(path, line, f"'{name}' is empty", f"write the {name} after '{name}:'")
        pattern = field.metadata.get("pattern")
        if pattern and not re.fullmatch(pattern[0], text):
            raise SiteError(path, line, f"'{name}' {pattern[1]}, not {_show(value)}", field_doc(field))
        return text
    raise TypeError(f"unsupported schema type {kind!r}")  # a bug in a schema, not an editor error


def _show(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, datetime.date):
        return f"'{value.isoformat()}'"
    return _a_kind(value) if isinstance(value, (list, dict)) else f"'{value}'"
