"""What serve tells open pages about the build's warnings, and the words of its error page and warnings panel
(ssg/editor/preview_notices.py), tested in this process with real builds of tiny sites.
The browser side (the panel itself) is tested in tests/browser/test_live_reload.py."""
from __future__ import annotations

import datetime
import re
import threading
from pathlib import Path

import pytest

from ssg.build.pipeline import BuildOptions
from ssg.editor.preview_notices import ENGLISH, WORD_KEYS, PublishedPages, error_page, site_languages, words_in
from ssg.editor.serve import Preview
from ssg.model.schema import load_yaml

from conftest import MINIMAL_CONFIG, PROJECT, article, run_cli

BROKEN = "See [the law](/no-such-page/) first."
WELSH = "languages:\n  - code: cy\n    name: Cymraeg\n"
BROKEN_LINK = "the link 'the law' leads to /no-such-page/, which does not exist"
LINK_HINT = "check the address: link to pages like /how-to-help/ and to articles like other-article.md"


class Told:
    """A Preview over `root` whose warnings messages are kept, as LiveClients would send them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.messages: list[dict] = []
        options = BuildOptions(root, root / "_site", jobs=1, today=datetime.date(2025, 1, 1))
        self.preview = Preview(options, tell_warnings=self.messages.append)

    def save(self, name: str, text: str) -> list[dict]:
        """Write a source file and rebuild as serve does after a save; the messages that rebuild sent."""
        (self.root / name).write_text(text)
        told = len(self.messages)
        self.preview.rebuild({name})
        return self.messages[told:]


@pytest.fixture
def told(make_site):
    def start(files: dict[str, str]) -> Told:
        site = Told(make_site(files))
        site.preview.rebuild()
        assert site.preview.checking is None  # a first build renders every page, and checks them
        return site
    return start


def locations(message: dict) -> list[str]:
    return [warning["location"] for warning in message["warnings"]]


def test_a_broken_link_is_told_with_its_file_line_problem_hint_and_the_words_to_show_it(told, capsys):
    site = told({"content/articles/first.md": article("First", body="Fine.")})
    assert site.messages == []  # no warning, nothing to tell

    [message] = site.save("content/articles/first.md", article("First", body="Fine.\n\n" + BROKEN))

    assert message == {"command": "warnings", "messages_language": "en", "language": "en-GB",
                       "warnings": [{"location": "content/articles/first.md:8", "problem": BROKEN_LINK,
                                     "hint": LINK_HINT}],
                       "words": {"en-GB": {**ENGLISH}}}
    assert f"warning: content/articles/first.md:8: {BROKEN_LINK}\nhint: {LINK_HINT}\n" in capsys.readouterr().err


def test_the_fix_is_told_as_no_warnings_and_an_unchanged_warning_is_not_told_again(told):
    site = told({"content/articles/first.md": article("First", body=BROKEN)})
    assert locations(site.messages[-1]) == ["content/articles/first.md:6"]

    assert site.save("content/articles/first.md", article("First", body="Still.\n\n" + BROKEN)) == [
        {"command": "warnings", "messages_language": "en", "language": "en-GB",
         "warnings": [{"location": "content/articles/first.md:8", "problem": BROKEN_LINK, "hint": LINK_HINT}],
         "words": {"en-GB": ENGLISH}}]  # it moved down two lines
    assert site.save("content/articles/first.md", article("First, renamed", body="Still.\n\n" + BROKEN)) == []
    assert site.save("content/articles/first.md", article("First", body="Fixed.")) == [
        {"command": "warnings", "warnings": [], "messages_language": "en"}]


def test_a_pages_warning_stays_while_another_page_is_edited_and_goes_with_its_page(told):
    site = told({"content/articles/first.md": article("First", body=BROKEN),
                 "content/articles/second.md": article("Second", date="2024-02-03", body="Second.")})
    assert locations(site.messages[-1]) == ["content/articles/first.md:6"]

    # a one-edit build checks only the pages it renders; the first article's warning is kept
    assert site.save("content/articles/second.md", article("Second", date="2024-02-03", body="![](/none.png)")) == [
        {"command": "warnings", "messages_language": "en", "language": "en-GB", "words": {"en-GB": ENGLISH},
         "warnings": [{"location": "content/articles/first.md:6", "problem": BROKEN_LINK, "hint": LINK_HINT},
                      {"location": "content/articles/second.md:6", "problem": "the picture '/none.png' has no alt text",
                       "hint": "describe what it shows for people who cannot see it: "
                               "![a few words on the picture](/none.png)"}]}]
    (site.root / "content/articles/first.md").unlink()
    site.preview.rebuild({"content/articles/first.md"})
    assert locations(site.messages[-1]) == ["content/articles/second.md:6"]


def test_serve_started_on_a_site_built_before_still_tells_its_pages_warnings(make_site, capsys):
    root = make_site({"content/articles/first.md": article("First", body=BROKEN)})
    assert run_cli("build", "--root", root).status == 0  # the pages are built: serve's build reuses them
    site = Told(root)

    site.preview.rebuild()
    site.preview.checking.join(30)  # the reused pages are checked after the build, while serving goes on

    assert [locations(message) for message in site.messages] == [["content/articles/first.md:6"]]
    printed = capsys.readouterr()
    assert f"warning: content/articles/first.md:6: {BROKEN_LINK}\nhint: {LINK_HINT}\n" in printed.err
    assert "; 0 files changed," in printed.out  # a build that rendered nothing new
    site.preview.rebuild({"content/pages/index.md"})
    assert len(site.messages) == 1  # the warning stands, and was told once


def test_a_page_fixed_while_the_reused_pages_are_checked_is_not_warned_of(make_site, monkeypatch):
    root = make_site({"content/articles/first.md": article("First", body=BROKEN)})
    assert run_cli("build", "--root", root).status == 0
    found, go_on = threading.Event(), threading.Event()
    check = PublishedPages.check

    def slow_check(pages, output_paths):  # the check of every page finds the warning, then takes its time
        warnings = check(pages, output_paths)
        if not found.is_set():
            found.set()
            go_on.wait(30)
        return warnings
    monkeypatch.setattr(PublishedPages, "check", slow_check)
    site = Told(root)
    site.preview.rebuild()
    assert found.wait(30)

    site.save("content/articles/first.md", article("First", body="Fixed."))  # meanwhile, the editor fixes it
    go_on.set()
    site.preview.checking.join(30)

    assert site.messages == [] and site.preview.warnings.notices == ()


def test_making_the_missing_page_clears_the_warning_of_the_page_that_links_to_it(told):
    site = told({"content/articles/first.md": article("First", body=BROKEN)})
    assert locations(site.messages[-1]) == ["content/articles/first.md:6"]

    told_now = site.save("content/pages/no-such-page.md", "---\ntitle: Now there is\nsummary: A page.\n---\nText.\n")

    assert told_now == [{"command": "warnings", "warnings": [], "messages_language": "en"}]


def test_front_matter_warnings_are_told_too(told):
    site = told({"content/articles/first.md": article("First")})

    [message] = site.save("content/articles/first.md", article("First", summry="A misspelt key."))

    [warning] = message["warnings"]
    assert warning["location"] == "content/articles/first.md:5" and "summry" in warning["problem"]


def test_a_welsh_site_sends_the_welsh_words_from_cy_yaml(told):
    site = told({"site.yaml": MINIMAL_CONFIG + WELSH, "content/articles/first.md": article("First"),
                 "content/articles/first.cy.md": article("Cyntaf", body=BROKEN)})

    message = site.messages[-1]
    assert "content/articles/first.cy.md:6" in locations(message)
    assert message["language"] == "en-GB" and list(message["words"]) == ["en-GB", "cy"]
    assert message["words"]["cy"] == {"error_title": "Nid oedd modd adeiladu'r wefan",
                                      "error_help": "Cywirwch y ffeil a'i chadw: mae'r dudalen hon yn diweddaru ei "
                                                    "hun. Tan hynny, mae'r fersiwn dda olaf o'r wefan yn cael ei "
                                                    "chadw.",
                                      "warnings_title": "Rhybuddion ({count})",
                                      "warnings_intro": "Mae'r dudalen yn gyfredol. Nid yw'r rhain yn atal y "
                                                        "rhagolwg, ond cywirwch nhw cyn cyhoeddi.",
                                      "hint": "Awgrym:", "hide": "Cuddio'r rhybuddion"}


def test_a_welsh_address_gets_the_error_page_in_welsh_and_others_in_english(make_site):
    languages = site_languages(make_site({"site.yaml": MINIMAL_CONFIG + WELSH}))
    assert [languages.of_address(path) for path in ("cy/articles/x/", "cy", "", "articles/cy/", "cymru/")] == [
        "cy", "cy", "en-GB", "en-GB", "en-GB"]

    page = error_page("content/x.md:3: a <problem>\nhint: fix it", languages.words_of("cy"), "cy")

    assert '<html lang="cy">' in page and "<title>Nid oedd modd adeiladu&#x27;r wefan</title>" in page
    assert "<h1>Nid oedd modd adeiladu&#x27;r wefan</h1>" in page
    assert '<pre id="build-error" lang="en">content/x.md:3: a &lt;problem&gt;\nhint: fix it</pre>' in page
    assert "Cywirwch y ffeil" in page and "Fix the file" not in page


def test_a_missing_or_broken_interface_file_or_site_yaml_falls_back_to_english(make_site):
    root = make_site({"site.yaml": MINIMAL_CONFIG + WELSH})
    cy = root / "templates/i18n/cy.yaml"
    cy.write_text(re.sub(r"(?m)^serve_hint:.*\n", "", cy.read_text()))
    assert words_in(root, "cy")["hint"] == "Hint:" and words_in(root, "cy")["hide"] == "Cuddio'r rhybuddion"
    cy.write_text("serve_hint: [unclosed\n")
    assert words_in(root, "cy") == ENGLISH
    (root / "site.yaml").write_text("title: [unclosed\n")
    languages = site_languages(root)
    assert (languages.main, languages.words, languages.of_address("cy/x/")) == ("en-GB", {"en-GB": ENGLISH}, "en-GB")


@pytest.mark.parametrize("language", ["en-GB", "cy"])
def test_every_serve_word_is_in_the_projects_interface_files_and_english_is_en_gb_yaml(language):
    texts = load_yaml((PROJECT / f"templates/i18n/{language}.yaml").read_text(), f"{language}.yaml")
    assert all(isinstance(texts.get(key), str) and texts[key].strip() for key in WORD_KEYS.values())
    if language == "en-GB":
        assert {name: texts[key] for name, key in WORD_KEYS.items()} == ENGLISH
