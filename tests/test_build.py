"""Issue 2: the generator end to end, on tiny sites built in tmp_path."""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import QUOTE, article, new_site, run_cli, snapshot

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.lang = ""
        self.title = ""
        self.jsonld: list[dict] = []
        self._in = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"])
        if tag in ("img", "script") and a.get("src"):
            self.links.append(a["src"])
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[a.get("name") or a.get("property")] = a.get("content", "")
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in = "jsonld"
        if tag == "title":
            self._in = "title"

    def handle_endtag(self, tag):
        self._in = ""

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "jsonld":
            self.jsonld.append(json.loads(data))


@pytest.fixture
def site(make_site):
    return make_site(SITE_FILES)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The site of SITE_FILES built once, for the tests that only read what the build wrote."""
    root = new_site(tmp_path_factory.mktemp("built") / "site", SITE_FILES)
    result = run_cli("build", "--root", root)
    assert result.status == 0, result.err
    return root


SITE_FILES = {
    "content/articles/older.md": article("Older story", "2023-05-01", "See [the newer one](newer.md).",
                                         tags="[Law, footage]"),
    "content/articles/newer.md": article("Newer story", "2024-06-01", "Hello.\n\n[[quote: ada]]\n", tags="[law]"),
    "content/articles/hidden.md": article("Draft story", "2024-01-01", draft="true"),
    "content/quotes/ada.md": QUOTE,
    "content/pages/about.md": "---\ntitle: About us\nsummary: Who we are.\n---\n## Our aim\n\nGo [home](/).\n",
}


def read(root: Path, path: str) -> str:
    return (root / "_site" / path).read_text(encoding="utf-8")


def test_build_writes_pretty_urls_lists_feed_sitemap_robots_404_and_assets(site, build_site):
    result = build_site(site)
    assert result.status == 0, result.err
    assert re.fullmatch(r"Built .*: 2 pages, 2 articles, 1 quote, \d+ lists, \d+ assets, 4 other files; "
                        r"\d+ files changed, "
                        r"in [\d.]+ s \(left out: 1 draft\)\.\n", result.out)
    for path in ["index.html", "about/index.html", "articles/older/index.html", "articles/newer/index.html",
                 "quotes/ada/index.html", "quotes/index.html", "articles/index.html", "tags/index.html",
                 "tags/law/index.html", "tags/footage/index.html", "feed.xml", "sitemap.xml", "robots.txt", "404.html"]:
        assert (site / "_site" / path).is_file(), path
    assert not (site / "_site/articles/hidden").exists()


def test_articles_list_newest_first_and_tags_merge_spellings(built):
    site = built
    listing = read(site, "articles/index.html")
    assert listing.index("Newer story") < listing.index("Older story")
    law = read(site, "tags/law/index.html")
    assert "Newer story" in law and "Older story" in law  # "Law" and "law" are one tag


def test_every_page_has_title_description_canonical_social_tags_jsonld_and_lang(built):
    site = built
    expected_types = {"index.html": "WebSite", "articles/newer/index.html": "Article",
                      "quotes/ada/index.html": "Quotation", "about/index.html": "WebPage"}
    for path, kind in expected_types.items():
        page = Page(read(site, path))
        assert page.lang == "en-GB"
        assert page.title.strip()
        url = "https://example.org/" + path.removesuffix("index.html")
        assert page.canonical == url
        assert page.meta["og:url"] == url
        for name in ("description", "og:title", "og:description", "og:image", "twitter:card", "twitter:image"):
            assert page.meta.get(name), f"{path} has no {name}"
        assert page.meta["og:image"].startswith("https://example.org/assets/share.")
        assert [block["@type"] for block in page.jsonld] == [kind]
    newer = Page(read(site, "articles/newer/index.html"))
    assert newer.meta["description"] == "A short summary."
    assert newer.jsonld[0]["datePublished"] == "2024-06-01"


def test_quote_is_embedded_with_its_source(built):
    site = built
    html = read(site, "articles/newer/index.html")
    assert "We want people to help safely." in html
    assert 'href="https://example.org/report"' in html
    quote = Page(read(site, "quotes/ada/index.html")).jsonld[0]
    assert quote["spokenByCharacter"]["name"] == "Ada Example"
    assert quote["text"] == "We want people to help safely."


def test_feed_is_atom_newest_first_without_drafts(built):
    site = built
    feed = ET.fromstring(read(site, "feed.xml"))
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    assert feed.find(f"{ATOM}updated").text == "2024-06-01T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer story", "Older story"]
    for entry in entries:
        for required in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None
    assert entries[0].find(f"{ATOM}link").get("href") == "https://example.org/articles/newer/"


def test_sitemap_lists_every_public_page_and_robots_points_at_it(built):
    site = built
    locations = {loc.text for loc in ET.fromstring(read(site, "sitemap.xml")).iter(f"{SITEMAP}loc")}
    pages = {"https://example.org/" + p.relative_to(site / "_site").as_posix().removesuffix("index.html")
             for p in (site / "_site").rglob("index.html")}
    assert locations == pages
    assert "Sitemap: https://example.org/sitemap.xml" in read(site, "robots.txt")


def test_assets_are_fingerprinted_and_referenced_through_the_helper(built):
    site = built
    css = [p for p in (site / "_site/assets").iterdir() if p.name.startswith("site.") and p.suffix == ".css"]
    assert len(css) == 1 and re.fullmatch(r"site\.[0-9a-f]{8}\.css", css[0].name)
    assert css[0].read_bytes() == (site / "static/site.css").read_bytes()
    assert f'href="/assets/{css[0].name}"' in read(site, "index.html")


def test_a_site_under_a_sub_path_links_everything_under_it(site, build_site):
    assert build_site(site, "--base-url", "https://example.org/campaign/").status == 0
    for path in ["index.html", "about/index.html", "articles/older/index.html", "articles/index.html", "404.html"]:
        page = Page(read(site, path))
        internal = [link for link in page.links if not re.match(r"(https?:|mailto:|tel:|#)", link)]
        assert internal and all(link.startswith("/campaign/") for link in internal), (path, internal)
        assert page.canonical.startswith("https://example.org/campaign/")
    older = read(site, "articles/older/index.html")
    assert 'href="/campaign/articles/newer/"' in older  # written as newer.md
    assert 'href="/campaign/"' in read(site, "about/index.html")  # written as /
    assert "https://example.org/campaign/sitemap.xml" in read(site, "robots.txt")


def test_drafts_out_and_base_url_options(site, build_site, tmp_path):
    out = tmp_path / "elsewhere"
    result = build_site(site, "--drafts", "--out", str(out), "--base-url", "https://campaign.example/help/")
    assert result.status == 0, result.err
    assert (out / "articles/hidden/index.html").is_file()
    assert not (site / "_site").exists()
    hidden = Page((out / "articles/hidden/index.html").read_text(encoding="utf-8"))
    assert hidden.canonical == "https://campaign.example/help/articles/hidden/"  # not site.yaml's example.org
    assert "Sitemap: https://campaign.example/help/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")


def test_markdown_extensions_editors_need(make_site, build_site):
    body = ("## A heading\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\nIt's \"quoted\".\n\n"
            "A paragraph.\n{: .note }\n\n```\ncode\n```\n")
    root = make_site({"content/articles/a.md": article("A", body=body)})
    assert build_site(root).status == 0
    html = read(root, "articles/a/index.html")
    assert '<h2 id="a-heading">A heading</h2>' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "It&rsquo;s &ldquo;quoted&rdquo;." in html
    assert '<p class="note">A paragraph.</p>' in html
    assert "<pre><code>code" in html


# --- errors: path:line, a hint, exit 1, and the last good site untouched -----------------

ERRORS = {
    "no closing ---": ({"content/articles/a.md": "---\ntitle: A\nsummary: S\ndate: 2024-01-01\nHello\n"},
                       "content/articles/a.md:1: the front matter has no closing '---'"),
    "invalid YAML": ({"content/articles/a.md": "---\ntitle: A\nsummary: [unclosed\ndate: 2024-01-01\n---\nHi\n"},
                     "content/articles/a.md:"),
    "missing title": ({"content/articles/a.md": "---\nsummary: S\ndate: 2024-01-01\n---\nHi\n"},
                      "content/articles/a.md:2: 'title' is missing from the front matter"),
    "bad date": ({"content/articles/a.md": "---\ntitle: A\nsummary: S\ndate: 04/12/2018\n---\nHi\n"},
                 "content/articles/a.md:4: 'date' should be a date like 2018-12-04"),
    "impossible date": ({"content/articles/a.md": "---\ntitle: A\nsummary: S\ndate: 2018-02-30\n---\nHi\n"},
                        "content/articles/a.md:4: '2018-02-30' is not a real date"),
    "unknown template": ({"content/pages/x.md": "---\ntitle: X\nsummary: S\ntemplate: nope.html\n---\nHi\n"},
                         "the template 'nope.html' does not exist"),
    "template syntax": ({"templates/article.html":
                         "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n",
                         "content/articles/a.md": article()}, "templates/article.html:3: template syntax error"),
    "undefined variable": ({"templates/article.html":
                            "{% extends 'base.html' %}\n{% block main %}\n{{ nothing_here }}\n{% endblock %}\n",
                            "content/articles/a.md": article()},
                           "templates/article.html:3: template error: 'nothing_here' is undefined"),
    "missing quote": ({"content/articles/a.md": article(body="Intro.\n\n[[quote: nobody]]\n")},
                      "content/articles/a.md:8: there is no quote with the id 'nobody'"),
    "site.yaml unknown key": ({"site.yaml": "title: T\ndescription: D\nbase_url: https://example.org/\ncolour: red\n"},
                              "site.yaml:4: unknown key 'colour' in site.yaml"),
    "site.yaml wrong type": ({"site.yaml":
                              "title: T\ndescription: D\nbase_url: https://example.org/\narticles_per_page: many\n"},
                             "site.yaml:4: 'articles_per_page' should be a whole number, not the text 'many'"),
    "page takes a generated URL": ({"content/pages/articles.md": "---\ntitle: X\nsummary: S\n---\nHi\n"},
                                   "content/pages/articles.md"),
}


@pytest.fixture(scope="module")
def last_good_site(tmp_path_factory) -> Path:
    """A minimal site and its build, copied by each test below (quicker than building it again)."""
    root = new_site(tmp_path_factory.mktemp("good") / "site")
    assert run_cli("build", "--root", root).status == 0
    return root


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
def test_errors_name_file_and_line_give_a_hint_and_leave_the_last_site(case, last_good_site, tmp_path, build_site):
    root = tmp_path / "site"
    shutil.copytree(last_good_site, root)
    before = snapshot(root / "_site")
    assert "index.html" in before
    files, expected = ERRORS[case]
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    result = build_site(root)
    assert result.status == 1
    assert expected in result.err
    assert "\nhint: " in result.err
    assert "Traceback" not in result.err
    assert snapshot(root / "_site") == before


def test_unknown_site_yaml_key_lists_the_valid_keys(make_site, build_site):
    root = make_site({"site.yaml": "title: T\ndescription: D\nbase_url: https://example.org/\ntitel: x\n"})
    err = build_site(root).err
    assert "did you mean 'title'?" in err and "valid keys are: title, description, base_url" in err


def test_help_on_every_command_and_usage_errors_exit_2():
    top = run_cli("--help")
    assert top.status == 0
    commands = re.findall(r"^    (\w+) ", top.out, re.M)
    assert {"build", "serve", "check", "new", "deploy"} <= set(commands)
    for command in commands:
        result = run_cli(command, "--help")
        assert result.status == 0 and "usage: build.py " + command in result.out
    assert run_cli("--no-such-option").status == 2
    assert run_cli("build", "--base-url", "not a url").status == 2


def test_a_folder_that_cannot_be_written_is_a_plain_error_not_a_traceback(site, build_site, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = build_site(site, "--out", str(tmp_path / "a-file" / "_site"))
    assert result.status == 1
    assert "Not a directory" in result.err and "hint: check that the folder exists" in result.err
    assert "Traceback" not in result.err


def test_a_template_compiled_for_another_site_in_the_same_process_names_this_sites_file(make_site, build_site,
                                                                                        monkeypatch):
    """Builds in one process share the templates they compiled (cache.COMPILED_IN_THIS_PROCESS): the second
    site's template is not compiled again, and a mistake it shows at render time still names its own file."""
    import jinja2
    odd = '{% extends "base.html" %}{% block main %}{{ document.meta.summary[20] }}{% endblock %}\n'

    def page(summary: str) -> str:
        return f"---\ntitle: Visit\nsummary: {summary}\ntemplate: odd.html\n---\nText.\n"
    first = make_site({"templates/odd.html": odd, "content/pages/visit.md": page("A summary that is long enough.")},
                      name="first")
    assert build_site(first).status == 0
    compiled = []
    compile_template = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda env, source, name=None, filename=None, *rest: compiled.append(name) or compile_template(
                            env, source, name, filename, *rest))
    second = make_site({"templates/odd.html": odd, "content/pages/visit.md": page("Too short.")}, name="second")
    result = build_site(second)
    assert result.status == 1 and "odd.html" not in compiled
    assert "error: templates/odd.html:1: template error:" in result.err and str(first) not in result.err, result.err
