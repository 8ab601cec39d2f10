"""Typed YAML: load YAML with line numbers, then check it against a dataclass.

site.yaml and every front matter block go through here, so an editor gets the same
kind of message for the same kind of mistake wherever they make it:
`content/articles/x.md:4: 'date' should be a date like 2018-12-04` + a hint.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import math
import re
import types
import typing
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from ssg.errors import SiteError, close_matches

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Schema = TypeVar("Schema", bound="DataclassInstance")  # a dataclass: a kind's front matter, site.yaml's settings...

MAX_TEXT_LENGTH = 10_000  # a front matter value longer than this is a mistake (pasted body?)
MAX_NUMBER_LENGTH = 100   # characters of a whole number written in YAML


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers the line of each of its keys (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: typing.Hashable) -> int:
        return self.key_lines.get(key, self.line)


class _Problem(Exception):
    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _Loader(yaml.CSafeLoader):
    """libyaml's fast parser with mappings that keep line numbers and refuse duplicate keys.

    `first_line` is the line of the file the YAML text starts on, so every line number
    it gives (keys, problems) is a line of the file, as an editor counts them.
    """

    first_line = 1

    def line_of_node(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def construct_line_mapping(self, node: yaml.MappingNode) -> LineDict:
        self.flatten_mapping(node)
        mapping = LineDict(self.line_of_node(node))
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = self.line_of_node(key_node)
            if not isinstance(key, typing.Hashable):  # a list or a mapping
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
            raise _Problem(self.line_of_node(node), f"'{node.value}' is not a real date",
                           "write dates as YYYY-MM-DD, for example 2018-12-04") from None


    def construct_checked_int(self, node: yaml.ScalarNode) -> Any:
        """A whole number; one too long to be a real setting is refused before Python is asked to
        read it (past 4,300 digits Python refuses to turn it into text, which was a traceback)."""
        if len(node.value) > MAX_NUMBER_LENGTH:
            raise _Problem(self.line_of_node(node), f"this number is {len(node.value):,} characters long; "
                           f"the limit is {MAX_NUMBER_LENGTH}", "if it is meant as text, put it in quotes")
        return self.construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_line_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_checked_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_checked_timestamp)

# (words in libyaml's message, the problem in plain words, hint). The first that matches is used.
_YAML_PROBLEMS = [
    ("could not determine a constructor", "a '!!' tag is not allowed here",
     "remove the '!!' tag: values here are plain text, numbers, dates or lists"),
    ("found undefined alias", "a value cannot start with *", "put the value in quotes, like 'value'"),
    ("cannot start any token", "a value cannot start with @ or `", "put the value in quotes, like 'value'"),
    ("while scanning a quoted scalar", "a quoted value has no closing quote",
     "add the closing quote at the end of the value"),
    ("while parsing a flow", "a list in [ ] or a group in { } has no closing bracket",
     "add the closing ] or } at the end of the list, like [law, footage]"),
    ("expected <block end>", "this line is not lined up with the lines around it",
     "start each setting at the beginning of its line, with no spaces before it"),
    ("did not find expected key", "this line is not lined up with the lines around it",
     "start each setting at the beginning of its line, with no spaces before it"),
]
# Problems whose cause is where something was opened, not where the parser gave up.
_REPORTED_WHERE_OPENED = ("while scanning a quoted scalar", "while parsing a flow")
_KEY_AND_VALUE = re.compile(r"\s*(?:- )?([^\s:#][^:#]*):\s+(\S.*)")


def load_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """Parse YAML text that starts on `first_line` of `path`; errors name the real line."""
    loader = _Loader(text)
    loader.first_line = first_line
    try:
        return loader.get_single_data()
    except _Problem as problem:
        raise SiteError(path, problem.line, problem.message, problem.hint) from None
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, text, path, first_line) from None
    except yaml.reader.ReaderError as error:  # control characters and the like
        line = first_line + text[:error.position].count("\n")
        raise SiteError(path, line,
                        f"this is not valid YAML: it holds an invisible control character (#x{error.character:X})",
                        "remove any unusual or invisible characters from this line") from None
    finally:
        loader.dispose()


def _yaml_error(error: yaml.MarkedYAMLError, text: str, path: str, first_line: int) -> SiteError:
    opened = error.context and error.context.startswith(_REPORTED_WHERE_OPENED)
    mark = (error.context_mark if opened else error.problem_mark) or error.context_mark or error.problem_mark
    lines = text.split("\n")
    line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
    problem, hint = _explain_yaml(str(error), line_text)
    return SiteError(path, first_line + mark.line if mark else first_line, f"this is not valid YAML: {problem}", hint)


def _explain_yaml(error: str, line_text: str) -> tuple[str, str]:
    """(what is wrong, what to do) for libyaml's `error` on `line_text`, in words an editor knows.

    The line itself is read first: the same libyaml message has different causes (a colon
    inside a value, text after a closing quote, a line indented by mistake).
    """
    indent = line_text[:len(line_text) - len(line_text.lstrip())]
    if "\t" in indent:
        return "this line is indented with a tab", "indent with spaces, not tabs"
    pair = _KEY_AND_VALUE.fullmatch(line_text)
    key, value = (pair.group(1).strip(), pair.group(2).rstrip()) if pair else ("", "")
    if value[:1] in ("'", '"') and "did not find expected key" in error:
        closing = value.find(value[0], 1)
        if 0 < closing < len(value) - 1:
            whole = value.replace("'", "''")
            return (f"there is more text after the closing quote ({value[closing + 1:].strip()[:30]})",
                    f"put quotes around the whole value, with the other kind of quote inside: {key}: '{whole}'")
    if "mapping values are not allowed" in error:
        if ": " in value:
            return ("this line has a second ': ' inside its value",
                    f"put quotes around a value that contains ': ', like {key}: \"{value}\"")
        return ("this line is indented, but the line before it does not start a group",
                "start each setting at the beginning of its line, and check this line's indentation")
    for needle, problem, hint in _YAML_PROBLEMS:
        if needle in error:
            return problem, hint
    return ("this line could not be read",
            "check this line: every setting is `key: value` and text with a colon needs quotes")


def field_doc(field: dataclasses.Field[Any]) -> str:
    text: str = field.metadata.get("doc", "")
    return text


def describe_type(kind: Any) -> str:
    """Plain-English name of a field's type, for messages and the README reference."""
    if kind is str:
        return "text"
    if kind is bool:
        return "true or false"
    if kind is int:
        return "a whole number"
    if kind is float:
        return "a number"
    if kind is datetime.date:
        return "a date like 2018-12-04"
    if dataclasses.is_dataclass(kind):
        return "a group of settings (" + ", ".join(f.name for f in dataclasses.fields(kind)) + ")"
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if typing.get_origin(kind) is tuple:
        item = describe_type(args[0]).removeprefix("a ")
        return "a list of " + (item.replace("group of", "groups of") if dataclasses.is_dataclass(args[0])
                               else {"text": "texts", "date like 2018-12-04": "dates"}.get(item, item + "s"))
    return " or ".join(describe_type(a) for a in args)


def build_dataclass(cls: type[Schema], data: Any, path: str, line: int, *,
                    warnings: list[SiteError] | None = None, what: str = "the front matter") -> Schema:
    """Check `data` against dataclass `cls` and build it.

    Unknown keys raise, unless `warnings` is a list: then they are added to it instead.
    `what` names the block in messages: "the front matter", "site.yaml", "the chart".
    """
    if not isinstance(data, dict):
        raise SiteError(path, line, f"{what} should be a set of `key: value` lines, not {_show(data)}",
                        "write one setting per line, like `title: My title`")
    data_line = getattr(data, "line_of", lambda key: line)
    fields, hints = _schema(cls)
    for key in data:
        if key not in fields:
            close = close_matches(str(key), fields, n=1)
            problem = SiteError(path, data_line(key), f"unknown key '{key}' in {what}",
                                (f"did you mean '{close[0]}'? " if close else "")
                                + "valid keys are: " + ", ".join(fields))
            if warnings is None:
                raise problem
            warnings.append(problem)
    values = {}
    for name, field in fields.items():
        if name not in data or data[name] is None:
            required = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
            if required and name in data:
                raise _empty(field, path, data_line(name))
            if required:
                _refuse_misspelt(name, data, fields, path, what)
                raise SiteError(path, getattr(data, "line", line), f"'{name}' is missing from {what}",
                                f"add a line like `{name}: ...` ({field_doc(field) or describe_type(hints[name])})")
            continue
        values[name] = _convert(data[name], hints[name], field, path, data_line(name), warnings)
    return cls(**values)


def _refuse_misspelt(name: str, data: dict[Any, Any], fields: dict[str, dataclasses.Field[Any]], path: str,
                     what: str) -> None:
    """A required key is missing: if an unknown key looks like it (`titel:`), that key is the mistake."""
    unknown = [str(key) for key in data if key not in fields]
    close = close_matches(name, unknown, n=1)
    if close:
        line = getattr(data, "line_of", lambda key: None)(close[0])
        raise SiteError(path, line, f"unknown key '{close[0]}' in {what}, and '{name}' is missing",
                        f"did you mean '{name}'? write `{name}:` instead of `{close[0]}:`")


@functools.cache
def _schema(cls: type[DataclassInstance]) -> tuple[dict[str, dataclasses.Field[Any]], dict[str, Any]]:
    """The fields an editor may set, and their resolved type hints (slow to resolve: once per class).

    Fields marked `internal` are set by the generator and must have a default.
    """
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    return fields, typing.get_type_hints(cls)


def _empty(field: dataclasses.Field[Any], path: str, line: int) -> SiteError:
    explained = f" ({field_doc(field)})" if field_doc(field) else ""
    return SiteError(path, line, f"'{field.name}' is empty", f"write the {field.name} after '{field.name}:'{explained}")


def _convert(value: Any, kind: Any, field: dataclasses.Field[Any], path: str, line: int,
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
        items = value if isinstance(value, list) else [value] if item_kind is str and _is_scalar(value) else None
        if isinstance(value, str) and ", " in value:
            words = [word.strip() for word in value.split(",")]
            raise SiteError(path, line, f"'{name}' is one text with commas in it, not a list",
                            f"write a list in square brackets: {name}: [{', '.join(words)}]")
        if items is None:
            raise wrong
        if not dataclasses.is_dataclass(item_kind):
            odd = next((item for item in items if not _is_scalar(item)), None)
            if odd is not None:
                raise SiteError(path, line, f"'{name}' should be {describe_type(kind)}, but one item is {_show(odd)}",
                                wrong.hint)
        return tuple(_convert(item, item_kind, field, path, getattr(item, "line", line), warnings)
                     for item in items)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return build_dataclass(kind, value, path, line, warnings=warnings, what=f"the '{name}' settings")
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
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
                or (kind is int and not isinstance(value, int))):
            raise wrong
        minimum = field.metadata.get("minimum")
        if minimum is not None and value < minimum:
            raise SiteError(path, line, f"'{name}' should be at least {minimum}, not {_show(value)}", wrong.hint)
        return kind(value)
    if kind is str:
        if isinstance(value, (dict, list, bool)):
            raise wrong
        text = str(value).strip()
        limit = field.metadata.get("max_length", MAX_TEXT_LENGTH)
        if len(text) > limit:
            raise SiteError(path, line, f"'{name}' is {len(text):,} characters long; the limit is {limit:,}",
                            f"shorten '{name}'")
        if not text and field.metadata.get("required_text", True):
            raise _empty(field, path, line)
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
        return f"'{value}'"
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of settings"
    return f"'{value}'"


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (list, dict))


def reference_table(cls: type[DataclassInstance], prefix: str = "") -> str:
    """A Markdown table of a dataclass's keys: name, type, default, what it is for (README reference)."""
    fields, hints = _schema(cls)
    rows = ["| key | value | default | what it is for |", "|---|---|---|---|"]
    nested = []
    for name, field in fields.items():
        if not field_doc(field):  # set by the generator, not by editors
            continue
        if field.default is not dataclasses.MISSING:
            default = "" if field.default in ("", None, ()) else f"`{field.default}`"
        else:
            default = "(a group)" if field.default_factory is not dataclasses.MISSING else "**required**"
        rows.append(f"| `{prefix}{name}` | {describe_type(hints[name])} | {default} | {field_doc(field)} |")
        is_list = typing.get_origin(hints[name]) is tuple
        inner = typing.get_args(hints[name])[0] if is_list else hints[name]
        if dataclasses.is_dataclass(inner) and isinstance(inner, type):
            nested.append((f"{prefix}{name}", inner, is_list))
    tables = ["\n".join(rows)]
    for name, inner, is_list in nested:
        heading = f"Each entry of `{name}`:" if is_list else f"The settings inside `{name}`:"
        tables.append(heading + "\n\n" + reference_table(inner, f"{name}."))
    return "\n\n".join(tables)
