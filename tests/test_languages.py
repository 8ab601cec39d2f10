"""Languages as a dimension of every document: site.yaml declares them, name.cy.md is the Welsh version of
name.md (name.en.md is the main language, as git-based CMSs write it), one URL rule of (kind, slug, language),
and interface text from one file per language in templates/i18n/."""
from __future__ import annotations

import datetime

import pytest

from ssg.model.config import load_config
from ssg.model.content import url_for
from ssg.model.site import load_site

from conftest import MINIMAL_CONFIG, PROJECT, article

LANGUAGES = (MINIMAL_CONFIG + "languages:\n  - code: cy\n    name: Cymraeg\n"
             "  - code: ar\n    name: Arabic (test)\n    direction: rtl\n")
# The tests' own stand-ins for translated words: we never invent a translation.
TEST_MONTHS = "months: [" + ", ".join(f"Month{n}" for n in range(1, 13)) + "]\n"
TEST_SITE_WORDS = ("site:\n  title: Test site ({code})\n  description: D ({code}).\n"
                   "  navigation: {{}}\n  footer_links: {{}}\n"
                   "  contacts:\n    emergency: {{label: 'Call 999 ({code})', when: 'Now ({code}).'}}\n")
TRANSLATED = "---\ntitle: {title}\nsummary: S.\ntemplate: translated.html\n---\nText.\n"
TOGGLE = ('{% extends "page.html" %}{% block main %}<h1>{{ page.title }}</h1><ul class="versions">'
          '{% for other in translations_of(document) %}'
          '<li><a href="{{ url(other.url) }}">{{ other.lang or "main" }}</a></li>{% endfor %}</ul>{% endblock %}')


def interface_file(root, code: str, drop: str = "") -> None:
    """templates/i18n/<code>.yaml: the English file with test month names (and without the key `drop`)."""
    lines = (root / "templates/i18n/en-GB.yaml").read_text().splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("months:") and not (drop and line.startswith(drop + ":"))]
    (root / f"templates/i18n/{code}.yaml").write_text("".join(kept) + TEST_MONTHS + TEST_SITE_WORDS.format(code=code))


@pytest.fixture
def site(make_site):
    root = make_site({"site.yaml": LANGUAGES, "templates/translated.html": TOGGLE,
                      "content/pages/about.md": TRANSLATED.format(title="About"),
                      "content/pages/about.cy.md": TRANSLATED.format(title="About (cy)"),
                      "content/pages/only-main.md": TRANSLATED.format(title="Only main"),
                      "content/articles/news.en.md": article("News", "2024-03-04"),
                      "content/articles/news.cy.md": article("News (cy)", "2024-03-04"),
                      "content/articles/arabic.ar.md": article("Arabic", "2024-03-05")})
    interface_file(root, "cy")
    interface_file(root, "ar")
    return root


def test_one_url_rule_of_kind_slug_and_language():
    assert url_for("page", "about") == "about/" and url_for("page", "about", "cy") == "cy/about/"
    assert url_for("page", "index", "cy") == "cy/" and url_for("article", "news", "cy") == "cy/articles/news/"


def test_translations_are_published_under_their_language_and_know_each_other(site, build_site):
    result = build_site(site)
    assert result.status == 0, result.err
    main, welsh = (site / "_site/about/index.html").read_text(), (site / "_site/cy/about/index.html").read_text()
    assert main.startswith('<!doctype html>\n<html lang="en-GB" dir="ltr">') and '<html lang="cy" dir="ltr">' in welsh
    assert '<li><a href="/cy/about/">cy</a></li>' in main and '<li><a href="/about/">main</a></li>' in welsh
    assert '<ul class="versions"></ul>' in (site / "_site/only-main/index.html").read_text()
    news = (site / "_site/cy/articles/news/index.html").read_text()
    assert "4 Month3 2024" in news  # the Welsh page's dates come from templates/i18n/cy.yaml
    assert "4 March 2024" in (site / "_site/articles/news/index.html").read_text()  # news.en.md: the main language
    assert '<html lang="ar" dir="rtl">' in (site / "_site/ar/articles/arabic/index.html").read_text()
    sitemap = (site / "_site/sitemap.xml").read_text()
    assert "<loc>https://example.org/cy/about/</loc>" in sitemap
    assert "<loc>https://example.org/cy/articles/news/</loc>" in sitemap
    listed = (site / "_site/articles/index.html").read_text()
    assert "News (cy)" not in listed and "News" in listed  # each language's list shows its own articles
    assert "News (cy)" in (site / "_site/cy/articles/index.html").read_text()


def test_the_site_knows_each_documents_translations(site):
    config = load_config(site)
    loaded = load_site(site, config, today=datetime.date(2025, 1, 1))
    about = next(d for d in loaded.documents if d.slug == "about" and not d.lang)
    assert [(d.lang, d.url) for d in loaded.translations_of(about)] == [("cy", "cy/about/")]
    welsh = loaded.translations_of(about)[0]
    assert loaded.translations_of(welsh) == (about,)


def test_editing_a_languages_interface_text_rebuilds_only_its_pages(site, build_site):
    assert build_site(site).status == 0
    cy = site / "templates/i18n/cy.yaml"
    cy.write_text(cy.read_text().replace("Month3", "Mawrth-test"))
    result = build_site(site)
    assert result.status == 0 and "; 2 files changed" in result.out, result.out  # the Welsh article and list
    assert "4 Mawrth-test 2024" in (site / "_site/cy/articles/news/index.html").read_text()
    assert "4 Mawrth-test 2024" in (site / "_site/cy/articles/index.html").read_text()


@pytest.mark.parametrize("files, error", [
    ({"content/pages/about.fr.md": TRANSLATED.format(title="A")},
     "error: content/pages/about.fr.md: the language 'fr' in this file name is not one site.yaml declares"),
    ({"content/articles/news.md": article("Twice")},
     "error: content/articles/news.md: content/articles/news.en.md is already this article in this language"),
])
def test_a_file_in_an_undeclared_language_or_twice_in_one_is_refused(site, build_site, files, error):
    for name, text in files.items():
        (site / name).write_text(text)
    result = build_site(site)
    assert result.status == 1 and result.err.splitlines()[0] == error


def test_a_missing_interface_text_is_an_error_naming_the_key_and_the_file(site, build_site):
    interface_file(site, "cy", drop="date")
    result = build_site(site)
    assert result.status == 1
    assert result.err.splitlines()[0] == ("error: templates/i18n/cy.yaml: the interface text 'date' is missing "
                                          "from this language's file")


def test_a_declared_language_without_interface_text_is_an_error(site, build_site):
    (site / "templates/i18n/ar.yaml").unlink()
    result = build_site(site)
    assert result.status == 1
    assert result.err.startswith("error: templates/i18n/ar.yaml: there is no interface text for the language 'ar'")


def test_the_real_sites_interface_text_has_every_key_the_code_and_templates_use():
    import re
    used = set()
    for template in (PROJECT / "templates").rglob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_]+)'", template.read_text()))
    from ssg.model.kinds import KINDS
    used |= {key for kind in KINDS.values() if kind.list_page
             for key in (kind.list_page.title, kind.list_page.description)}
    english = (PROJECT / "templates/i18n/en-GB.yaml").read_text()
    assert used and all(re.search(rf"^{key}:", english, re.M) for key in used)


def test_a_language_whose_articles_have_no_tags_lists_them_without_a_link_to_tag_pages_it_lacks(make_site, build_site):
    """Tag pages are made for a language that has tags: its article list links to them only then."""
    root = make_site({"site.yaml": LANGUAGES, "content/articles/news.md": article("News", tags="[law]"),
                      "content/articles/news.cy.md": article("News (cy)")})
    interface_file(root, "cy")
    interface_file(root, "ar")
    result = build_site(root)
    assert result.status == 0 and "warning" not in result.err, result.err
    assert not (root / "_site/cy/tags").exists()
    assert 'href="/cy/tags/"' not in (root / "_site/cy/articles/index.html").read_text()
    assert 'href="/tags/"' in (root / "_site/articles/index.html").read_text()
