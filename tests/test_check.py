"""`build.py check`: every problem as `path:line: level: message` + hint, grouped by file, then a total."""
from __future__ import annotations

import re
import textwrap

import pytest

from conftest import MINIMAL_CONFIG, Result, article, new_site, run_cli, snapshot

EPOCH_2024_05_01 = "1714521600"
QUOTE = """\
---
speaker: Someone
role: A role
date: 2024-01-01
source:
  title: A title
  publisher: A paper
  url: https://news.example.com/story
---
Words said.
"""
FIRST = textwrap.dedent("""\
    Read [the other article](second.md) and [a missing one](gone.md).

    See [our team](/about/#our-team) and [the board](/about/#board).

    A link to [nowhere](/nowhere/).

    ![](/images/missing.png)

    #### Too deep

    An [insecure site](http://example.com/page).
    """)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2024_05_01)


@pytest.fixture(scope="module")
def flawed_check(tmp_path_factory) -> Result:
    """`check` of a small site with one of each problem check looks for (run once for the tests that read it)."""
    root = new_site(tmp_path_factory.mktemp("flawed") / "site", FLAWED_SITE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH_2024_05_01)
        return run_cli("check", "--root", root)


FLAWED_SITE = {
    "site.yaml": MINIMAL_CONFIG + "navigation:\n  - title: Help\n    url: /help/\n",
    "content/pages/about.md": "---\ntitle: About us\nsummary: Who we are.\n---\n## Our team\n\nWe are a team.\n",
    "content/articles/first.md": article("First", body=FIRST),
    "content/articles/second.md": article("Second", date="2024-01-03"),
    "content/articles/third.md": article("Second", date="2024-01-04"),
    "content/articles/draft.md": article("Draft", draft="true"),
    "content/articles/later.md": article("Later", date="2099-01-01"),
    "content/articles/over.md": article("Over", expires="2020-01-01"),
    "content/quotes/someone.md": QUOTE,
}


def test_check_reports_each_problem_at_its_source_line(flawed_check):
    result = flawed_check
    assert result.status == 1
    expected = [
        "content/articles/first.md:6: error: the link 'a missing one' leads to /articles/gone/, which does not exist\n"
        "  hint: there is no file content/articles/gone.md; check the spelling "
        "(link to pages like /how-to-help/ and to articles like other-article.md)",
        "content/articles/first.md:8: error: the link 'the board' leads to #board on /about/, "
        "but that page has no such heading\n"
        "  hint: an anchor is made from a heading's words, like #what-to-do; the page's headings are: #our-team",
        "content/articles/first.md:10: error: the link 'nowhere' leads to /nowhere/, which does not exist\n"
        "  hint: there is no file content/pages/nowhere.md;",
        "content/articles/first.md:12: error: the picture '/images/missing.png' does not exist\n",
        "content/articles/first.md:12: error: the picture '/images/missing.png' has no alt text\n"
        "  hint: describe what it shows for people who cannot see it: "
        "![a few words on the picture](/images/missing.png)",
        "content/articles/first.md:14: warning: the heading 'Too deep' skips a level (level 4 after level 1)\n"
        "  hint: make it ## Too deep: use ## for a section and ### for a part of a section, without skipping",
        "content/articles/first.md:16: warning: the link 'insecure site' goes to http://example.com/page, "
        "over http://, which is not secure\n"
        "  hint: use its https:// address if it has one (try it in a browser)",
        "content/articles/second.md:2: warning: another page has the same title 'Second': content/articles/third.md",
        "content/articles/third.md:2: warning: another page has the same title 'Second': content/articles/second.md",
        "content/quotes/someone.md:5: warning: the quote's source has no date\n"
        "  hint: add `date:` under `source:`: when the source was published, like 2018-12-04",
        "site.yaml:12: error: the link 'Help' leads to /help/, which does not exist\n"
        "  hint: there is no file content/pages/help.md;",
    ]
    for text in expected:
        assert text in result.out
    assert result.out.endswith("Checked 10 pages: 6 errors, 5 warnings, 3 for information.\n")


def test_drafts_scheduled_and_expired_articles_are_listed_for_information(flawed_check):
    out = flawed_check.out
    assert ("content/articles/draft.md:5: info: this is a draft, so it is not on the public site\n"
            "  hint: delete the line `draft: true` to publish it; `--drafts` shows it in previews") in out
    assert ("content/articles/later.md:4: info: this is scheduled for 1 January 2099, so it is not on the public "
            "site\n  hint: it appears with the first build on or after that date; change `date:` to move it") in out
    assert ("content/articles/over.md:5: info: this expired on 1 January 2020, so it is not on the public site\n"
            "  hint: change or delete `expires:` to bring it back") in out


def test_problems_are_grouped_by_file_in_order_of_line(flawed_check):
    out = flawed_check.out
    groups = [block.split("\n") for block in out.strip().split("\n\n")[:-1]]
    files = [lines[0].split(":")[0] for lines in groups]
    assert files == sorted(files) and len(files) == len(set(files))
    for lines in groups:
        problems = [line for line in lines if not line.startswith("  hint: ")]
        assert {p.split(":")[0] for p in problems} == {problems[0].split(":")[0]}
        numbers = [int(p.split(":")[1]) for p in problems]
        assert numbers == sorted(numbers)


def test_warnings_fail_the_check_only_when_strict(make_site):
    root = make_site({"content/articles/a.md": article(body="See [this](http://example.com/).")})
    relaxed, strict = run_cli("check", "--root", root), run_cli("check", "--strict", "--root", root)
    assert relaxed.status == 0 and strict.status == 1
    assert relaxed.out.endswith("0 errors, 1 warning, 0 for information.\n")


def test_a_clean_site_passes(make_site):
    root = make_site({"content/articles/a.md": article(body="Read [about us](../pages/about.md#who-we-are)."),
                      "content/pages/about.md": "---\ntitle: About\nsummary: Us.\n---\n## Who we are\n\nUs.\n"})
    result = run_cli("check", "--root", root)
    assert result.status == 0
    assert re.fullmatch(r"Checked \d+ pages: 0 errors, 0 warnings, 0 for information\.\n", result.out)


def test_a_link_to_a_scheduled_article_says_when_it_will_work(make_site):
    root = make_site({"content/articles/a.md": article(body="Coming: [the next one](soon.md)."),
                      "content/articles/soon.md": article("Soon", date="2030-06-01")})
    out = run_cli("check", "--root", root).out
    assert ("content/articles/a.md:6: error: the link 'the next one' leads to /articles/soon/, which does not exist\n"
            "  hint: content/articles/soon.md is scheduled for 1 June 2030, so this link does not work yet") in out


def test_a_build_error_is_the_one_problem_reported(make_site):
    root = make_site({"content/articles/a.md": "---\ntitle: A\n---\nText.\n"})
    result = run_cli("check", "--root", root)
    assert result.status == 1
    assert result.out == ("content/articles/a.md:2: error: 'summary' is missing from the front matter\n"
                          "  hint: add a line like `summary: ...` (one or two sentences, shown in lists and to "
                          "search engines)\n\nChecked 0 pages: 1 error, 0 warnings, 0 for information.\n")


def test_unknown_front_matter_keys_are_warnings(make_site):
    root = make_site({"content/articles/a.md": article(colour="red")})
    result = run_cli("check", "--root", root)
    assert result.status == 0  # a warning, not an error
    assert "\ncontent/articles/a.md:5: warning: unknown key 'colour' in the front matter" in "\n" + result.out
    assert result.out.endswith(": 0 errors, 1 warning, 0 for information.\n")


def test_check_leaves_the_output_folder_alone(make_site, build_site):
    root = make_site({"content/articles/a.md": article(body="[Broken](/nowhere/)")})
    assert build_site(root).status == 0
    before = snapshot(root / "_site")
    assert "index.html" in before and "articles/a/index.html" in before
    assert run_cli("check", "--root", root).status == 1  # it found the broken link...
    assert snapshot(root / "_site") == before  # ...and changed nothing


def test_a_subfolder_base_url_is_checked_like_the_site_is_served(make_site):
    config = MINIMAL_CONFIG.replace("https://example.org/", "https://example.org/campaign/")
    root = make_site({"site.yaml": config,
                      "content/articles/a.md": article(body="[Home](/) and [gone](/gone/) and [b](b.md)"),
                      "content/articles/b.md": article("B")})
    result = run_cli("check", "--root", root)
    assert result.status == 1
    assert "content/articles/a.md:6: error: the link 'gone' leads to /gone/, which does not exist\n" in result.out
    assert result.out.endswith(": 1 error, 0 warnings, 0 for information.\n")  # [Home](/) and b.md work


def test_a_site_served_over_http_is_not_warned_about_its_own_links(make_site):
    root = make_site({"site.yaml": MINIMAL_CONFIG.replace("https://example.org/", "http://intranet.example/"),
                      "content/articles/a.md": article(body="[Home](http://intranet.example/) and [b](b.md)"),
                      "content/articles/b.md": article("B")})
    result = run_cli("check", "--root", root)
    assert result.status == 0
    assert result.out.endswith(": 0 errors, 0 warnings, 0 for information.\n")
