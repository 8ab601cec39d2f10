"""Reading level: the Flesch-Kincaid grade of a page's main prose, and the site meeting its target."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ssg.build.pipeline import BuildOptions
from ssg.editor.check import check_site
from ssg.editor.readability import MIN_WORDS, count_syllables, score_page, score_text, sentences_of
from ssg.model.config import load_config

from conftest import MINIMAL_CONFIG, PROJECT, article, run_cli


@pytest.mark.parametrize("word, syllables", [
    ("the", 1), ("make", 1), ("police", 2), ("table", 2), ("people", 2), ("filming", 2), ("officer", 3),
    ("attacked", 2), ("wanted", 2), ("phones", 1), ("boxes", 2), ("watches", 2), ("happy", 2),
    ("emergency", 4), ("999", 1), ("don't", 1),
])
def test_syllables(word, syllables):
    assert count_syllables(word) == syllables


def test_sentences_end_at_full_stops_but_not_inside_abbreviations_or_numbers():
    text = "Call 999. It costs nothing, e.g. from a mobile! Stay 1.5 m away? Yes."
    assert sentences_of(text) == ["Call 999.", "It costs nothing, e.g. from a mobile!", "Stay 1.5 m away?", "Yes."]


def test_grade_is_the_flesch_kincaid_formula():
    score = score_text(["Call the police now. Then help the officer."])
    assert (score.sentences, score.words, score.syllables) == (2, 8, 11)
    assert score.grade == 2.2  # 0.39 * 8/2 + 11.8 * 11/8 - 15.59 = 2.195


def test_each_paragraph_or_list_item_ends_a_sentence():
    assert score_text(["Call 999", "Stay back"]).sentences == 2


def test_long_sentences_are_listed():
    long = " ".join(["word"] * 26) + "."
    assert score_text([long, "Short one."], max_sentence_words=25).long_sentences == (long,)


def test_only_the_main_prose_is_scored(make_site, build_site):
    """Headings, quotes, tables, code, figures and the sources list are not prose a reader reads through."""
    hard = "Incomprehensibility notwithstanding, extraordinarily multidimensional considerations predominate."
    body = textwrap.dedent(f"""\
        ## {hard}

        Call the police now.

        - Stay back.

        > {hard}

        | {hard} |
        |---|
        | {hard} |

            {hard}

        [[quote: q]]
        """)
    quote = ("---\nspeaker: S\nrole: R\ndate: 2024-01-01\nsource:\n  title: T\n  publisher: P\n"
             f"  url: https://example.com/\n  date: 2024-01-01\n---\n{hard}\n")
    sources = f"[{{title: '{hard}', publisher: '{hard}', url: 'https://example.com/'}}]"
    root = make_site({"content/articles/a.md": article(body=body, sources=sources), "content/quotes/q.md": quote})
    assert build_site(root).status == 0
    html = (root / "_site/articles/a/index.html").read_text()
    assert hard in html  # it is on the page, just not scored
    assert score_page(html) == score_text(["Call the police now.", "Stay back."])


def test_a_page_without_prose_has_no_score(make_site, build_site):
    root = make_site()
    build_site(root)
    assert score_page((root / "_site/tags/index.html").read_text()) is None


def test_a_hard_page_and_a_long_sentence_are_warnings_at_their_source(make_site):
    hard = "Notwithstanding considerable organisational complexity, institutional representatives systematically " \
           "communicated unambiguous expectations regarding proportionate intervention. "
    long = "You can help " + " and ".join(["call"] * 14) + " today."
    root = make_site({"content/articles/a.md": article(body=hard * 4 + "\n\n" + long)})
    result = run_cli("check", "--readability", "--root", root)
    assert "content/articles/a.md:6: warning: the reading grade is" in result.out
    assert "above the target of 7.5 in site.yaml" in result.out
    assert ("content/articles/a.md:8: warning: a sentence has 31 words, more than 25: "
            "'You can help call and call and call...'\n  hint: split it into two or more sentences") in result.out
    assert result.status == 0  # warnings
    table = result.out.split("Reading grade of each page")[1]
    assert "content/articles/a.md" in table and "content/pages/index.md" in table


def test_the_target_comes_from_site_yaml(make_site):
    text = "Notwithstanding considerable organisational complexity, representatives communicated expectations. " * 8
    lenient = "readability:\n  max_grade: 50\n  max_sentence_words: 40\n"
    strict = "readability:\n  max_grade: 12\n"
    for config, warned in ((lenient, False), (strict, True)):
        root = make_site({"content/articles/a.md": article(body=text), "site.yaml": MINIMAL_CONFIG + config},
                         name=f"site-{warned}")
        out = run_cli("check", "--root", root).out
        assert ("above the target of 12 in site.yaml" in out) is warned


def test_short_pages_are_not_held_to_the_target(make_site):
    root = make_site({"content/pages/index.md": "---\ntitle: Home\nsummary: Home.\n---\nWelcome, everybody.\n"})
    result = run_cli("check", "--readability", "--root", root)
    assert "reading grade is" not in result.out
    assert "content/pages/index.md" in result.out.split("Reading grade of each page")[1]


def test_the_campaign_site_meets_its_reading_target():
    """Issue 3: every page of the real site is at or below readability.max_grade in site.yaml."""
    report = check_site(BuildOptions(root=PROJECT, out=Path("unused")))
    target = load_config(PROJECT).readability
    assert report.scores, "the real site should have pages with prose"
    too_hard = [f"{page.path}: grade {page.score.grade} ({page.score.words} words)" for page in report.scores
                if page.score.words >= MIN_WORDS and page.score.grade > target.max_grade]
    assert too_hard == [], f"pages above grade {target.max_grade}:\n" + "\n".join(too_hard)
    too_long = [str(p.error) for p in report.problems if "a sentence has" in p.error.message]
    assert too_long == [], f"sentences over {target.max_sentence_words} words:\n" + "\n".join(too_long)
