"""The content model: a new kind of content is one declaration plus its templates (issue 14's proof).

The test declares an "event" (a date and a place) the way a developer adds a kind, through
`ssg.model.kinds.register`, and writes its two templates into a tiny site. No other module is
touched, and the site gets pages, paginated list pages, `new event`, validation errors at
file:line, sitemap entries and exact incremental rebuilds.
"""
from __future__ import annotations

import dataclasses
import datetime
import io
import os

import pytest

from ssg.model import kinds
from ssg.model.config import doc
from ssg.model.frontmatter import Written

from conftest import MINIMAL_CONFIG, run_cli


@dataclasses.dataclass(frozen=True, kw_only=True)
class EventMeta(Written):
    date: datetime.date = dataclasses.field(metadata=doc("when it happens, like 2025-03-01"))
    place: str = dataclasses.field(metadata=doc("where it happens, like Cardiff Central Library", max_length=200))


EVENT = kinds.Kind(
    "event", "events", EventMeta, "Events: `content/events/<slug>.md`", url="events/{slug}/", newest_first=True,
    list_page=kinds.ListPage("events/", "events.html", "events_title", "events_description", "events"),
    scaffold="FILL IN: what happens, and who it is for.\n")

TEMPLATES = {
    "templates/event.html": ('{% extends "base.html" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n'
                             '<p class="place">{{ document.meta.place }}, {{ document.meta.date | human_date }}</p>\n'
                             '{% include "partials/body.html" %}\n{% endblock %}\n'),
    "templates/events.html": ('{% extends "base.html" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n<ul>\n'
                              '{% for event in page.extra.events %}'
                              '<li><a href="{{ url(event.url) }}">{{ event.title }}</a></li>\n{% endfor %}</ul>\n'
                              '{% if page.extra.pagination.next %}'
                              '<a href="{{ url(page.extra.pagination.next) }}">Later</a>{% endif %}\n{% endblock %}\n'),
}


def event(title: str, date: str, place: str = "Cardiff Central Library", body: str = "Come along.") -> str:
    return f"---\ntitle: {title}\nsummary: A meeting.\ndate: {date}\nplace: {place}\n---\n{body}\n"


@pytest.fixture
def declared():
    """The event kind, declared for this test only (its list's title and description are in templates/i18n/)."""
    kinds.register(EVENT)
    yield EVENT
    kinds.unregister("event")


@pytest.fixture
def site(make_site):
    root = make_site({**TEMPLATES, "site.yaml": MINIMAL_CONFIG + "articles_per_page: 2\n",
                      "content/events/town-meeting.md": event("Town meeting", "2024-03-01"),
                      "content/events/school-talk.md": event("School talk", "2024-02-01", place="Ysgol Glan Morfa"),
                      "content/events/market-stall.md": event("Market stall", "2024-01-01")})
    with (root / "templates/i18n/en-GB.yaml").open("a", encoding="utf-8") as interface:  # its list's words
        interface.write("events_title: Events\nevents_description: Every event, newest first.\n")
    return root


def test_a_declared_kind_gets_pages_list_pages_and_sitemap_entries(declared, site, build_site):
    result = build_site(site)
    assert result.status == 0, result.err
    page = (site / "_site/events/school-talk/index.html").read_text()
    assert '<p class="place">Ysgol Glan Morfa, 1 February 2024</p>' in page
    first = (site / "_site/events/index.html").read_text()
    second = (site / "_site/events/page/2/index.html").read_text()
    assert first.index("Town meeting") < first.index("School talk") and "Market stall" not in first  # newest first
    assert "Market stall" in second and 'href="/events/page/2/"' in first
    sitemap = (site / "_site/sitemap.xml").read_text()
    for url in ("events/", "events/page/2/", "events/town-meeting/", "events/school-talk/", "events/market-stall/"):
        assert f"<loc>https://example.org/{url}</loc>" in sitemap, url


def test_without_the_declaration_the_folder_is_refused_naming_it(site, build_site):
    result = build_site(site)
    assert result.status == 1
    assert result.err.startswith("error: content/events: content/ has no folder called 'events'")


def test_a_document_in_an_unclaimed_folder_is_an_error_naming_the_file(declared, site, build_site):
    (site / "content/meetings").mkdir()
    (site / "content/meetings/x.md").write_text(event("X", "2024-01-01"))
    result = build_site(site)
    assert result.status == 1 and result.err.startswith("error: content/meetings: content/ has no folder called")


def test_new_event_writes_a_valid_draft(declared, site, build_site, monkeypatch):
    monkeypatch.chdir(site)  # new prints the path from the folder it is run in
    result = run_cli("new", "event", "Open day", "--root", site)
    assert result.status == 0, result.err
    assert result.out.splitlines()[0] == "content/events/open-day.md"
    text = (site / "content/events/open-day.md").read_text()
    assert "place:" in text and "draft: true" in text and "FILL IN: what happens" in text
    assert build_site(site).status == 0
    assert not (site / "_site/events/open-day").exists()  # a draft
    assert build_site(site, "--drafts").status == 0
    assert (site / "_site/events/open-day/index.html").is_file()


@pytest.mark.parametrize("front, line, message", [
    ("date: 01/03/2024\nplace: Here", 4, "'date' should be a date like 2018-12-04, not the text '01/03/2024'"),
    ("date: 2024-03-01", 2, "'place' is missing from the front matter"),
    ("date: 2024-03-01\nplace: [a, b]", 5, "'place' should be text, not a list"),
])
def test_a_declared_kind_is_validated_at_file_and_line(declared, make_site, build_site, front, line, message):
    root = make_site({**TEMPLATES, "content/events/bad.md": f"---\ntitle: T\nsummary: S.\n{front}\n---\nBody.\n"})
    result = build_site(root)
    assert result.status == 1
    assert result.err.splitlines()[0] == f"error: content/events/bad.md:{line}: {message}"


def test_a_declared_kind_is_rebuilt_incrementally(declared, site, build_site):
    assert build_site(site).status == 0
    untouched = os.stat(site / "_site/events/market-stall/index.html").st_mtime_ns
    assert "0 files changed" in build_site(site).out
    (site / "content/events/school-talk.md").write_text(event("School talk", "2024-02-01", place="Neuadd y Dref"))
    result = build_site(site)
    assert result.status == 0 and "1 file changed" in result.out, result.out  # its page: the lists show no place
    assert "Neuadd y Dref" in (site / "_site/events/school-talk/index.html").read_text()
    assert os.stat(site / "_site/events/market-stall/index.html").st_mtime_ns == untouched
    (site / "content/events/school-talk.md").write_text(event("School talk", "2024-02-01", place="Neuadd y Dref",
                                                              body="Come along. New time."))
    (site / "content/events/fair.md").write_text(event("Summer fair", "2024-06-01"))
    assert build_site(site).status == 0
    warm = {p.relative_to(site / "_site"): p.read_bytes() for p in (site / "_site").rglob("*") if p.is_file()}
    assert "Summer fair" in (site / "_site/events/index.html").read_text()
    result = build_site(site)  # nothing changed: still nothing to do
    assert "0 files changed" in result.out
    cold = site / "cold"
    assert run_cli("build", "--root", site, "--out", cold).status == 0
    assert warm == {p.relative_to(cold): p.read_bytes() for p in cold.rglob("*") if p.is_file()}


def test_every_kind_is_declared_once_and_owns_one_folder():
    folders = [kind.folder for kind in kinds.KINDS.values()]
    assert len(folders) == len(set(folders))
    with pytest.raises(ValueError, match="already belongs to the kind 'article'"):
        kinds.register(dataclasses.replace(EVENT, folder="articles"))


FACT = """statement: In 2023/24 the Met recorded 6,556 assaults on its officers.
figures: ["6,556"]
sources:
  - title: Assaults on Met officers
    publisher: Metropolitan Police
    url: https://example.org/met
    date: 2024-07-25
  - title: Shared report
    publisher: Home Office
    url: https://example.org/shared
confidence: high
checked: 2026-12-03
"""
SHARED_SOURCE = "  - title: Shared report\n    publisher: Home Office\n    url: https://example.org/shared\n"


def cites(facts: str) -> str:
    return (f"---\ntitle: Figures\nsummary: S.\ndate: 2024-01-02\nfacts: {facts}\nsources:\n{SHARED_SOURCE}---\n"
            "Nearly 18 a day.\n")


def test_a_page_lists_its_own_sources_and_those_of_the_facts_it_cites_once(make_site, build_site):
    root = make_site({"content/facts/met-assaults.yaml": FACT, "content/articles/figures.md": cites("[met-assaults]")})
    assert build_site(root).status == 0
    html = (root / "_site/articles/figures/index.html").read_text()
    sources = html[html.index('class="sources"'):html.index("</section>", html.index('class="sources"'))]
    assert sources.count("<li>") == 2 and sources.count("Shared report") == 1
    assert sources.index("Shared report") < sources.index("Assaults on Met officers")  # its own first
    (root / "content/facts/met-assaults.yaml").write_text(FACT.replace("Assaults on Met officers", "Met assaults"))
    assert build_site(root).status == 0
    assert "Met assaults</a>" in (root / "_site/articles/figures/index.html").read_text()


@pytest.mark.parametrize("files, location", [
    ({"content/articles/figures.md": cites("[met-assaults, no-such-fact]")}, "content/articles/figures.md:5"),
    ({"content/charts/c.yaml": "title: T\ndescription: D.\nunit: u\nsource:\n  title: S\n  publisher: P\n"
      "  url: https://example.org/\nbars:\n  - label: A\n    value: 1\n    fact: no-such-fact\n"},
     "content/charts/c.yaml:11"),
])
def test_an_unknown_fact_id_is_an_error_at_its_line(make_site, build_site, files, location):
    root = make_site({"content/facts/met-assaults.yaml": FACT, **files})
    result = build_site(root)
    assert result.status == 1
    assert result.err.splitlines()[0] == f"error: {location}: there is no fact with the id 'no-such-fact'"
    assert "content/facts/ without .yaml; facts are: met-assaults" in result.err


def test_a_fact_with_an_odd_confidence_is_refused_at_its_line(make_site, build_site):
    root = make_site({"content/facts/f.yaml": FACT.replace("confidence: high", "confidence: sure")})
    assert build_site(root).err.splitlines()[0] == ("error: content/facts/f.yaml:11: "
                                                    "'confidence' should be high, medium or low, not the text 'sure'")


def png(colour: str = "navy") -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


PNG = png()


def test_pictures_in_content_images_are_published_and_tracked(make_site, build_site):
    # Published without their metadata and in several versions (tests/test_pictures.py checks those).
    root = make_site({"content/images/diagram.png": PNG,
                      "content/articles/a.md": article_with("image: images/diagram.png\nimage_alt: A diagram.")})
    assert build_site(root).status == 0
    first = (root / "_site/images/diagram.png").read_bytes()
    assert first.startswith(b"\x89PNG")
    assert 'width="40" height="30" alt="A diagram."' in (root / "_site/articles/a/index.html").read_text()
    assert "0 files changed" in build_site(root).out
    (root / "content/images/diagram.png").write_bytes(png("red"))
    result = build_site(root)
    assert "0 files changed" not in result.out and (root / "_site/images/diagram.png").read_bytes() != first
    (root / "content/images/diagram.png").unlink()
    (root / "content/articles/a.md").write_text(article_with(""))
    assert build_site(root).status == 0 and not (root / "_site/images/diagram.png").exists()


def article_with(front: str) -> str:
    return f"---\ntitle: A\nsummary: S.\ndate: 2024-01-02\n{front}\n---\nText.\n"


@pytest.mark.parametrize("files, error", [
    ({"content/images/x.png": b"GIF89a not a png"}, "content/images/x.png: this file is not a .png picture"),
    ({"content/images/My Photo.jpg": b"\xff\xd8\xff"},
     "content/images/My Photo.jpg: the file name 'My Photo.jpg' would make a poor web address"),
    ({"content/images/x.bmp": b"BM"},
     "content/images/x.bmp: only picture (.jpg, .jpeg, .png, .gif, .webp, .avif, .svg) files "
     "belong in content/images/"),
    ({"content/images/x.svg": b"<svg/>"},
     "content/images/x.svg:1: this SVG does not say its size, so the page would shift as it loads"),
    ({"content/articles/a.md": article_with("image: images/missing.png\nimage_alt: A.")},
     "content/articles/a.md:5: there is no picture with the id 'missing.png'"),
])
def test_a_bad_picture_or_a_missing_one_is_an_error_naming_the_file(make_site, build_site, files, error):
    result = build_site(make_site(files))
    assert result.status == 1 and result.err.splitlines()[0] == f"error: {error}"


def test_a_fact_directive_shows_the_statement_with_its_sources_and_follows_edits(make_site, build_site):
    article = cites("[met-assaults]").replace("Nearly 18 a day.\n", "Nearly 18 a day.\n\n[[fact: met-assaults]]\n")
    root = make_site({"content/facts/met-assaults.yaml": FACT, "content/articles/figures.md": article})
    assert build_site(root).status == 0
    html = (root / "_site/articles/figures/index.html").read_text()
    aside = html[html.index('<aside class="fact">'):html.index("</aside>", html.index('<aside class="fact">'))]
    assert "<p>In 2023/24 the Met recorded 6,556 assaults on its officers.</p>" in aside
    cited = '<a href="https://example.org/met">Metropolitan Police, “Assaults on Met officers”</a>, 25 July 2024;'
    assert cited in aside
    (root / "content/facts/met-assaults.yaml").write_text(FACT.replace("6,556 assaults", "6,556 recorded assaults"))
    assert build_site(root).status == 0
    assert "6,556 recorded assaults" in (root / "_site/articles/figures/index.html").read_text()


def test_a_fact_directive_with_an_unknown_id_names_its_line_and_the_closest_ids(make_site, build_site):
    article = cites("[met-assaults]") + "\n[[fact: met-assault]]\n"
    root = make_site({"content/facts/met-assaults.yaml": FACT, "content/articles/figures.md": article})
    result = build_site(root)
    assert result.status == 1
    assert result.err.splitlines() == [
        "error: content/articles/figures.md:13: there is no fact with the id 'met-assault'",
        "hint: the id is a file name in content/facts/ without .yaml; did you mean met-assaults?"]
