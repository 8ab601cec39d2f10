"""Jinja as the Renderer uses it: the stock Environment and Context with two shortcuts that change nothing a
template can see (tests/test_template_environment.py renders the same templates with stock Jinja and ours).

Both replace Jinja internals for speed. Together they took 23% off the instructions of rendering a document's
page (callgrind, 1,000 articles, bodies already converted: 2.70 M to 2.08 M a page); the first alone, 9%.

- A template's globals are a plain dict copy of the environment's, not a ChainMap over them. Each include makes
  a new context, which lists the template's globals, and a page has about nine includes: walking a ChainMap of
  some twenty names for each is slow. The Renderer sets every global before it loads a template, so a copy sees them.
- A call from a template to a function the Renderer gave it (t, url, asset...), or to a method of a built-in
  type (a string's lstrip), is made directly. Stock Jinja asks every callable, at every call, whether it wants
  the context passed in (jinja2.pass_context): for a bound method, two failed attribute lookups, each raising
  and catching an AttributeError, which cost more than most of the functions themselves. Whether the Renderer's
  functions want it is asked once, as they are registered; a built-in method cannot be marked to want it.
"""
from __future__ import annotations

from collections.abc import Callable, MutableMapping
from types import BuiltinMethodType
from typing import Any, cast

import jinja2
import jinja2.runtime
from jinja2.utils import internalcode


class _Context(jinja2.runtime.Context):
    @internalcode  # left out of a template's traceback, as stock call is
    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's names)
        if id(__obj) not in cast(Environment, __self.environment).direct_calls \
                and type(__obj) is not BuiltinMethodType:
            return super().call(__obj, *args, **kwargs)
        if kwargs:  # what Jinja adds for a function that wants the context, as stock call drops it for the others
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as stock call answers it
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration "
                                                "exception")


class Environment(jinja2.Environment):
    """jinja2.Environment, with globals added through add_globals (see the module's docstring)."""

    context_class = _Context

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # The functions called directly, by id: a template holds them as registered, so their ids stay theirs
        # while they are kept here (an id says nothing of an object that may be unhashable, like a list's method).
        self.direct_calls: dict[int, Callable[..., Any]] = {}

    def add_globals(self, **values: Any) -> None:
        """Give templates these names; functions among them that do not ask for the context are called directly."""
        self.globals.update(values)
        self.direct_calls.update((id(value), value) for value in values.values()
                                 if callable(value) and not _wants_context(value))

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def _wants_context(function: object) -> bool:
    """Whether Jinja would pass `function` a context, an eval context or the environment (as Context.call asks)."""
    return hasattr(function, "jinja_pass_arg") or hasattr(type(function).__call__, "jinja_pass_arg")
