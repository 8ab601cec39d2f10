"""The incremental build stays exact with two languages: an edit re-renders only what shows it (a page's
translation only when its alternates or toggle change), and a warm build equals a cold one after adding,
editing and deleting a translation."""
from __future__ import annotations

import pytest
import yaml

from conftest import MINIMAL_CONFIG, article, snapshot
from test_incremental import cold_build, edit

WELSH = MINIMAL_CONFIG + ("languages:\n  - code: cy\n    name: Cymraeg\n"
                          "navigation:\n  - title: About\n    url: /about/\n")


@pytest.fixture
def site(make_site):
    root = make_site({
        "site.yaml": WELSH,
        "content/pages/about.md": "---\ntitle: About\nsummary: About us.\n---\nWho we are.\n\n[[contacts]]\n",
        "content/pages/about.cy.md":
            "---\ntitle: Amdanom ni\nsummary: Amdanom ni.\n---\nPwy ydyn ni.\n\n[[contacts]]\n",
        "content/pages/contact.md": "---\ntitle: Contact\nsummary: Reach us.\n---\nWrite to us.\n",
        "content/articles/news.md": article("News", "2024-03-04", "Body.", tags="[law]"),
        "content/articles/news.cy.md": article("Newyddion", "2024-03-04", "Corff.", tags="[cyfraith]"),
        "content/articles/old.md": article("Old", "2024-01-01", "Old body."),
    })
    welsh = root / "templates/i18n/cy.yaml"
    welsh.write_text(welsh.read_text().replace("  navigation:\n", "  navigation:\n    /about/: Amdanom ni\n", 1))
    return root


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in before.keys() | after.keys()
            if before.get(path) != after.get(path) and not path.startswith(".ssg-")}


def rendered(result) -> int:
    """How many files the build wrote, from its summary line ('...; 3 files changed, in ...')."""
    return int(result.out.split("; ")[-1].split()[0])


def test_editing_an_english_page_rerenders_it_and_not_its_welsh_version(site, build_site):
    assert build_site(site).status == 0
    before = snapshot(site / "_site")
    edit(site, "content/pages/about.md", "Who we are.", "Who we are, and why.")
    result = build_site(site)
    assert result.status == 0, result.err
    assert changed_files(before, snapshot(site / "_site")) == {"about/index.html"}
    assert rendered(result) == 1


def test_adding_a_translation_rerenders_its_source_for_the_new_alternates_and_toggle(site, build_site, tmp_path):
    assert build_site(site).status == 0
    before = snapshot(site / "_site")
    welsh = "---\ntitle: Cysylltu\nsummary: Cysylltwch.\n---\nYsgrifennwch.\n"
    (site / "content/pages/contact.cy.md").write_text(welsh)
    assert build_site(site).status == 0
    after = snapshot(site / "_site")
    changed = changed_files(before, after)
    assert {"cy/contact/index.html", "contact/index.html", "sitemap.xml"} <= changed
    assert b'hreflang="cy" href="https://example.org/cy/contact/"' in after["contact/index.html"]
    assert "about/index.html" not in changed and "cy/about/index.html" not in changed
    assert after == cold_build(site, tmp_path, build_site)


CHANGES = {
    "translation added": lambda r: (r / "content/pages/contact.cy.md").write_text(
        "---\ntitle: Cysylltu\nsummary: Cysylltwch.\n---\nYsgrifennwch.\n"),
    "translation edited": lambda r: edit(r, "content/articles/news.cy.md", "Newyddion", "Newyddion da"),
    "translation deleted": lambda r: (r / "content/articles/news.cy.md").unlink(),
    "source deleted": lambda r: (r / "content/pages/about.md").unlink(),
    "welsh interface text edited": lambda r: edit(r, "templates/i18n/cy.yaml", "Mawrth,", "Mawrth-newid,"),
    "language added to a menu page": lambda r: edit(r, "templates/i18n/cy.yaml", "/about/: Amdanom ni",
                                                    "/about/: Amdanom ni a ni"),
    # A page's toggle and og:locale alternates show the other languages' own words, from their files
    "english toggle words edited": lambda r: edit(r, "templates/i18n/en-GB.yaml", "Change the language to English",
                                                  "Switch the language to English"),
    "welsh locale edited": lambda r: edit(r, "templates/i18n/cy.yaml", "og_locale: cy_GB", "og_locale: cy_XX"),
    "language name edited": lambda r: edit(r, "site.yaml", "name: Cymraeg", "name: Cymraeg (Welsh)"),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_warm_build_after_a_translation_change_equals_a_cold_build(change, site, tmp_path, build_site):
    assert build_site(site).status == 0
    before = snapshot(site / "_site")
    CHANGES[change](site)
    result = build_site(site)
    assert result.status == 0, result.err
    warm = snapshot(site / "_site")
    assert warm != before
    assert warm == cold_build(site, tmp_path, build_site)


def _marked(value, words=None, key=None):
    """Every string of a settings file with a mark added, so that whatever a page shows from it changes
    (`words`: only the strings under these keys; addresses and ids stay as they are)."""
    if isinstance(value, str):
        return value + " ✓" if words is None or key in words else value
    if isinstance(value, list):
        return [_marked(item, words, key) for item in value]
    if isinstance(value, dict):
        return {name: _marked(item, words, name) for name, item in value.items()}
    return value


@pytest.mark.parametrize("language_file", ["en-GB.yaml", "cy.yaml"])
def test_a_warm_build_shows_every_interface_text_changed(language_file, site, tmp_path, build_site):
    """Whatever words of a language's file a page shows (in its own language or, in its language toggle and
    og:locale alternates, in the others), a warm build after they all change equals a cold one."""
    assert build_site(site).status == 0
    before = snapshot(site / "_site")
    file = site / "templates/i18n" / language_file
    file.write_text(yaml.safe_dump(_marked(yaml.safe_load(file.read_text(encoding="utf-8"))), allow_unicode=True),
                    encoding="utf-8")
    result = build_site(site)
    assert result.status == 0, result.err
    warm = snapshot(site / "_site")
    assert warm != before
    assert warm == cold_build(site, tmp_path, build_site)


def test_a_warm_build_shows_every_word_of_site_yaml_changed(site, tmp_path, build_site):
    """The site's words in site.yaml (its title, description, language names, menu and contact words) change
    at once: a warm build equals a cold one, in both languages."""
    assert build_site(site).status == 0
    before = snapshot(site / "_site")
    file = site / "site.yaml"
    words = {"title", "description", "name", "label", "when"}
    file.write_text(yaml.safe_dump(_marked(yaml.safe_load(file.read_text(encoding="utf-8")), words),
                                   allow_unicode=True), encoding="utf-8")
    result = build_site(site)
    assert result.status == 0, result.err
    warm = snapshot(site / "_site")
    assert warm != before
    assert warm == cold_build(site, tmp_path, build_site)
