"""What each directive shows on a page: one entry per directive in SHOWN, a template and how to find what it shows.

The names editors may write are ssg/markdown/directives.py's; the Markdown stage turns each into a
placeholder, which rendering (ssg/build/rendering.py) replaces with the directive's template, given
what its entry's `context` finds. Adding a directive: its name there, its entry here, and its
template in templates/partials/.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ssg.errors import SiteError, close_matches

if TYPE_CHECKING:
    from ssg.build.recording import RecordingConfig
    from ssg.model.content import Document
    from ssg.model.site import Site


@dataclass(frozen=True)
class Use:
    """One directive in a body, as its entry sees it when the page is rendered."""
    site: Site
    settings: RecordingConfig       # site.yaml; reading a setting notes it, as a template's reading does
    document: Document              # the document whose body holds the directive
    argument: str                   # what follows the colon: an id, or '' (`[[contacts]]`)
    line: int                       # its line in the document's file
    within: tuple[str, ...]         # the ids of the quotes whose bodies are being filled in around it
    body: Callable[..., Markup]     # a document's body with its directives filled in (for a quote's own)

    def error(self, message: str, hint: str) -> SiteError:
        return SiteError(self.document.path, self.line, message, hint)


@dataclass(frozen=True)
class Directive:
    template: str                                            # in templates/, given what `context` returns
    context: Callable[[Use], dict[str, Any]]                 # what it shows, or a SiteError naming the line
    digest: Callable[[Site, str], str | None] | None = None  # of the record shown, by id (None: settings only)


def _quote(use: Use) -> dict[str, Any]:
    site, argument = use.site, use.argument
    quote = site.quote(argument)
    draft = None if quote else next((d for d in site.read if (d.kind, d.slug) == ("quote", argument)), None)
    if draft is not None:
        raise use.error(f"the quote '{argument}' is a draft, so it cannot be shown yet",
                        f"delete the line `draft: true` in {draft.path} to publish it; "
                        "`--drafts` shows it in previews")
    if quote is None:
        known = ", ".join(q.slug for q in site.quotes) or "none yet"
        raise use.error(f"there is no quote with the id '{argument}'",
                        f"the id is a file name in content/quotes/ without .md; quotes are: {known}")
    within = (*use.within, use.document.slug) if use.document.kind == "quote" else use.within
    if argument in within:
        loop = " -> ".join((*within[within.index(argument):], argument))
        raise use.error(f"the quote '{argument}' would show inside itself ({loop})",
                        "a quote cannot show itself, directly or through another quote: remove this [[quote]]")
    return {"quote": quote, "quote_body": use.body(quote, within=within)}


def _chart(use: Use) -> dict[str, Any]:
    chart = use.site.charts.get(use.argument)
    if chart is None:
        known = ", ".join(use.site.charts) or "none yet"
        raise use.error(f"there is no chart with the id '{use.argument}'",
                        f"the id is a file name in content/charts/ without .yaml; charts are: {known}")
    return {"chart": chart, "layout": chart.layout()}


def _fact(use: Use) -> dict[str, Any]:
    facts = use.site.records.get("fact", {})
    if use.argument not in facts:
        close = close_matches(use.argument, facts, n=3)
        raise use.error(f"there is no fact with the id '{use.argument}'",
                        "the id is a file name in content/facts/ without .yaml"
                        + (f"; did you mean {' or '.join(close)}?" if close else ""))
    return {"fact": facts[use.argument]}


def _contacts(use: Use) -> dict[str, Any]:
    contacts = use.settings.contacts
    wanted = [c for c in contacts if not use.argument or c.id == use.argument]
    if not wanted:
        raise use.error(f"there is no contact with the id '{use.argument}' in site.yaml",
                        "contacts are: " + ", ".join(c.id for c in contacts))
    return {"selected": wanted}


def _digest(found: Any) -> str | None:
    return found.digest if found is not None else None


SHOWN: dict[str, Directive] = {
    "quote": Directive("partials/quote.html", _quote, lambda site, slug: _digest(site.quote(slug))),
    "chart": Directive("partials/chart.html", _chart, lambda site, chart_id: _digest(site.charts.get(chart_id))),
    "fact": Directive("partials/fact.html", _fact,
                      lambda site, fact_id: _digest(site.records.get("fact", {}).get(fact_id))),
    "contacts": Directive("partials/contacts.html", _contacts),  # site.yaml's contacts: noted as a setting read
}
