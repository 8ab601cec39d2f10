"""The Renderer's Jinja environment (ssg/build/template_environment.py) against stock Jinja: the same templates,
the same globals, the same output, down to what a function that asks for the context is given."""
from __future__ import annotations

from typing import Any

import jinja2
import pytest

from ssg.build.pipeline import BuildOptions, build
from ssg.build.rendering import Renderer
from ssg.build.template_environment import Environment

TEMPLATES = {
    "page.html": (
        "{% extends 'base.html' %}{% block main %}[{{ shout('block') }}|{{ where() }}|{{ loop_name() }}]"
        "{% for x in items %}{{ shout(x) }}{{ where() }}{{ 'a-b'.split('-') | join }}{% endfor %}{% endblock %}"),
    "base.html": "<{{ shout('top') }}>{% block main %}{% endblock %}{% include 'part.html' %}",
    "part.html": ("{% set local = 'here' %}({{ shout(local) }}{{ where() }}{{ env_name() }}{{ eval_autoescape() }}"
                  "{{ counter() }}{{ items.index(3) }}{{ settings.get('lang') }}{{ ' x '.strip() }}"
                  "{{ greet('macro') }}{{ extra | default('no extra') }})"),
    "macros.html": "{% macro greet(name) %}hello {{ name }} {{ shout(name) }}{% endmacro %}",
    "with_macro.html": "{% from 'macros.html' import greet %}{{ greet('there') }}{% include 'part.html' %}",
    "stops.html": "[{{ stops() }}]",
}


class Counter:
    """A callable object whose __call__ asks for the context, as a template global."""

    def __init__(self) -> None:
        self.calls = 0

    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context) -> str:
        self.calls += 1
        return f"#{self.calls}:{context.name}"


def render(environment_class: type[jinja2.Environment], name: str, undefined: type[jinja2.Undefined],
           **template_globals: Any) -> str:
    env = environment_class(loader=jinja2.DictLoader(TEMPLATES), undefined=undefined, autoescape=True)
    values = {
        "shout": lambda word, **kwargs: f"{str(word).upper()}{sorted(kwargs)}",
        "where": jinja2.pass_context(lambda context: f"in {context.name}: {context.get('x')} {context.get('local')}"),
        "loop_name": jinja2.pass_context(lambda context: context.resolve_or_missing("x") is jinja2.utils.missing),
        "env_name": jinja2.pass_environment(lambda environment: type(environment).__name__ != ""),
        "eval_autoescape": jinja2.pass_eval_context(lambda eval_context: eval_context.autoescape),
        "counter": Counter(),
        "items": [1, 2, 3],
        "settings": {"lang": "cy"},
        "greet": lambda name: f"hi {name}",
        "stops": lambda: next(iter(())),
    }
    if isinstance(env, Environment):
        env.add_globals(**values)
    else:
        env.globals.update(values)
    return env.get_template(name, globals=template_globals or None).render(items=[1, 2, 3])


@pytest.mark.parametrize("name", ["page.html", "with_macro.html", "stops.html"])
def test_templates_render_as_with_stock_jinja(name: str) -> None:
    assert render(Environment, name, jinja2.Undefined) == render(jinja2.Environment, name, jinja2.Undefined)


def test_template_globals_overlay_the_environments_without_changing_them() -> None:
    ours = render(Environment, "part.html", jinja2.Undefined, extra="from the template", greet=lambda n: "bye")
    stock = render(jinja2.Environment, "part.html", jinja2.Undefined, extra="from the template", greet=lambda n: "bye")
    assert ours == stock
    assert "from the template" in ours and "bye" in ours
    env = Environment(loader=jinja2.DictLoader(TEMPLATES))
    env.add_globals(shout=str.upper)
    env.get_template("stops.html", globals={"shout": "replaced"})
    assert env.globals["shout"] is str.upper


def test_a_function_that_stops_iteration_gives_undefined_as_with_stock_jinja() -> None:
    assert render(Environment, "stops.html", jinja2.Undefined) == "[]"
    for environment_class in (Environment, jinja2.Environment):
        with pytest.raises(jinja2.UndefinedError, match="StopIteration"):
            render(environment_class, "stops.html", jinja2.StrictUndefined)


def test_only_functions_that_do_not_ask_for_the_context_are_called_directly() -> None:
    env = Environment()
    plain, asks = (lambda: 1), jinja2.pass_context(lambda context: 2)
    counter = Counter()
    env.add_globals(plain=plain, asks=asks, counter=counter, number=3)
    assert set(env.direct_calls.values()) == {plain}


def test_the_renderers_functions_are_called_directly(make_site: Any) -> None:
    """The speed-up is in use: the functions the Renderer gives templates are registered through add_globals."""
    seen: list[Renderer] = []
    original = Renderer.__init__

    def remember(self: Renderer, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        seen.append(self)
    root = make_site()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Renderer, "__init__", remember)
        build(BuildOptions(root=root, out=root / "_site", jobs=1))
    env = seen[0].env
    assert isinstance(env, Environment)
    for name in ("t", "url", "asset", "local_url", "versions_of", "absolute_url"):
        assert id(env.globals[name]) in env.direct_calls, name
