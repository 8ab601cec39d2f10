"""Translation freshness (ssg/editor/translations.py): `translations --mark` records the version of the source a
translation was made from; check then reports the translation as out of date, naming the source's changed
paragraphs, once the source changes; `translations` prints each language's coverage. Never a build error."""
from __future__ import annotations

import pytest

from conftest import MINIMAL_CONFIG, run_cli

WELSH = MINIMAL_CONFIG + "languages:\n  - code: cy\n    name: Cymraeg\n"
SOURCE = "---\ntitle: About\nsummary: Who we are.\n---\nFirst paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n"
TRANSLATION = ("---\ntitle: Amdanom ni\nsummary: Pwy ydyn ni.\n---\n"
               "Paragraff cyntaf.\n\nAil baragraff.\n\nTrydydd paragraff.\n")


@pytest.fixture
def site(make_site):
    return make_site({"site.yaml": WELSH, "content/pages/about.md": SOURCE, "content/pages/about.cy.md": TRANSLATION,
                      "content/pages/contact.md": SOURCE.replace("About", "Contact")})


def check(root):
    return run_cli("check", "--root", root)


def test_mark_writes_the_sources_version_and_the_translation_is_then_up_to_date(site):
    result = run_cli("translations", "--root", site, "--mark", "content/pages/about.cy.md")
    assert result.status == 0, result.err
    assert result.out == "content/pages/about.cy.md: marked as a translation of content/pages/about.md as it is now\n"
    front = (site / "content/pages/about.cy.md").read_text().split("---")[1]
    assert front.splitlines()[-1].startswith("translation_of: ") and len(front.splitlines()[-1].split()) == 6  # 5 parts
    assert "out of date" not in check(site).out
    coverage = run_cli("translations", "--root", site).out
    assert coverage.splitlines()[0] == "Cymraeg (cy): 1 up to date, 0 out of date, 2 missing, of 3 pages"


def test_a_changed_source_makes_check_report_the_translation_and_its_changed_paragraphs(site, build_site):
    run_cli("translations", "--root", site, "--mark", "content/pages/about.cy.md")
    source = site / "content/pages/about.md"
    source.write_text(source.read_text().replace("Second paragraph.", "Second paragraph, now longer."))
    result = check(site)
    assert ("content/pages/about.cy.md:4: warning: out of date: content/pages/about.md has changed since it was "
            "translated: paragraph 4 ('Second paragraph, now longer.'); 1 paragraph removed") in result.out, result.out
    assert result.status == 0  # a warning: the editor decides
    assert build_site(site).status == 0  # and the build never breaks
    coverage = run_cli("translations", "--root", site).out
    assert coverage.splitlines()[0] == "Cymraeg (cy): 0 up to date, 1 out of date, 2 missing, of 3 pages"
    assert "content/pages/about.cy.md: out of date" in coverage.splitlines()[1]


def test_a_translation_never_marked_is_reported_with_the_command_to_mark_it(site):
    result = check(site)
    assert ("content/pages/about.cy.md:1: warning: this translation does not say which version of "
            "content/pages/about.md it was made from") in result.out
    hint = "hint: when it is finished, run `python build.py translations --mark content/pages/about.cy.md`"
    assert hint in result.out


def test_a_welsh_page_gets_no_english_reading_grade(site):
    result = run_cli("check", "--root", site, "--readability")
    assert ("content/pages/about.cy.md: info: no reading grade: this page is in Cymraeg, and the Flesch-Kincaid "
            "grade measures English only") in result.out
    rows = result.out.split("Reading grade of each page")[1].splitlines()
    assert [row for row in rows if "about.cy.md" in row] == [
        "  not scored   content/pages/about.cy.md (Cymraeg): the Flesch-Kincaid grade measures English only"]
    assert any(row.endswith("  content/pages/about.md") for row in rows)  # the English page is scored


def test_marking_a_file_that_is_no_translation_is_an_error(site):
    result = run_cli("translations", "--root", site, "--mark", "content/pages/contact.md")
    assert result.status == 1
    assert result.err.startswith("error: content/pages/contact.md: this is not a translation the site knows")
