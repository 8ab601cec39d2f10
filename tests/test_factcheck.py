"""Issue 13 part 3: the fact check finds every figure a page states that no fact it cites backs,
and leaves alone what is not a claim (dates, phone numbers, section numbers, list numbering...)."""
from __future__ import annotations

import datetime

import pytest

from ssg.editor.factcheck import (
    Chart,
    Fact,
    Page,
    cited_by,
    fact_problems,
    figures_of,
    insecure_sources,
    numbers_in,
    page_unbacked,
    phone_numbers_of,
    stale_facts,
    unbacked_numbers,
    uncited_facts,
)

CONTACTS = phone_numbers_of(["999", "112", "18000", "In an emergency. When it is not, dial 18001 101.",
                             "101", "met.police.uk", "0800 555 111"])
TODAY = datetime.date(2026, 12, 3)


def found(text: str) -> list[str]:
    """The numbers found, as written."""
    return [n.text for n in numbers_in(text, phone_numbers=CONTACTS)]


def unbacked(text: str, figures=(), **backing) -> list[str]:
    return [n.text for n in unbacked_numbers(text, figures=figures, phone_numbers=CONTACTS, **backing)]


# --- finding numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, unit, direction", [
    ("6,556 officers", "6556", "", ""),
    ("41,221 assaults", "41221", "", ""),
    ("nearly 18 a day", "18", "", "below"),
    ("almost 37,000", "37000", "", "below"),
    ("more than 126 a week", "126", "", "above"),
    ("just over 41,000", "41000", "", "above"),
    ("about 30% of assaults", "30", "%", "about"),
    ("49.1 per cent", "49.1", "%", ""),
    ("3.6%", "3.6", "%", ""),
    ("£4.7m in pay", "4700000", "£", ""),
    ("a fine of £1,000", "1000", "£", ""),
    ("up to 2 years in prison", "2", "year", "below"),
    ("12 months' imprisonment", "12", "month", ""),
    ("1 month", "1", "month", ""),
    ("a level 5 fine", "5", "level", ""),
    ("in 9 of 10 conflicts", "9 in 10", "ratio", ""),
    ("9 out of 10 conflicts", "9 in 10", "ratio", ""),
    ("1 in 3 officers", "1 in 3", "ratio", ""),
    ("a 20-year-old man", "20", "age", ""),
    ("open 24/7", "24/7", "", ""),
    ("over 15 minutes", "15", "minute", "above"),
    ("approximately 30 seconds", "30", "second", "about"),
])
def test_a_figure_is_found_and_normalised(text, value, unit, direction):
    (number,) = numbers_in(text)
    assert (number.value, number.unit, number.direction) == (value, unit, direction)


def test_each_number_keeps_its_line_in_the_file():
    body = "Intro.\n\nIn 2020 there were 7,026 assaults.\n\n| a | 25,734 |\n"
    assert [(n.text, n.line) for n in numbers_in(body, first_line=20)] == [("7,026", 22), ("25,734", 24)]


@pytest.mark.parametrize("text", [
    "On Tuesday 4 December 2018 she spoke on LBC.",
    "It came into force on 13 November 2018, and 28 June 2022.",
    "In December 2018, and in Nov 2018, and on June 17, 2022.",
    "date: 2018-12-04, or 04/12/2018",
    "In 2018/19 and 2020/21, from 2017–2022, in the 1960s.",
    "Darley and Latané (1968) found it; the Act of 2018.",
    "It went live at 9am.",
    "Daeth i rym ar 22 Ionawr 2026, ac ar 28 Mehefin 2022.",  # Welsh month names
])
def test_dates_and_years_are_not_claims(text):
    assert found(text) == []


@pytest.mark.parametrize("text", [
    "Call 999 or 112 now.",
    "Dial 18000 from a textphone, or 18001 101.",
    "Crimestoppers on 0800 555 111, or 0800555111.",
    "You may be asked to press 55.",
    "Pressing 55 only works on mobiles.",
    "Text 999 from a registered phone.",
    "call NHS 111 through SignVideo",
    "If it is not an emergency, 101 is the number.",
    "To reach another number, put 18001 in front of it.",
    "On a mobile, press 55 when asked. On a landline there is no 55.",
    "Pwyswch 55 pan ofynnir i chi. Efallai y bydd angen pwyso 55.",  # the same in Welsh
])
def test_phone_numbers_and_key_presses_are_not_claims(text):
    assert found(text) == []


def test_a_number_that_only_looks_like_a_contact_is_still_a_claim():
    assert found("a 999-page report, 1010 calls, 99.9% and 112,000 calls") == ["999", "1010", "99.9%", "112,000"]


@pytest.mark.parametrize("text", [
    "1. **Check that you are safe.**\n2. **Call for help.**\n    1. nested",
    "- 1) first",
    "Section 89(1) of the Police Act, s.154(1), s.2 and ss.1, 2 and 4, Schedule 1, Part 14.",
    "Sections 264A and 277A.",
    "Mae adran 89(1) o'r Ddeddf, ac adrannau 2 a 4.",
    "R v Scott Marsden [2023] EWCA Crim 1610",
    "Read [the change](/the-law/#the-2022-change-up-to-2-years) and (https://example.org/2/3).",
    "## The change {#the-2022-change-2-years}",
    "See www.999bsl.co.uk or met.police.uk/report/123 and `code 45`.",
    "[[chart: assaults-england-wales]]",
    "[[fact: met-assaults-2023-24]]",
    "<span data-x=\"12\">words</span><!-- 45 -->",
    "We aim for WCAG 2.2 at level AA, 320 pixels wide, and zoom up to 400%.",
    "We aim for a reading age of about 9 to 11.",
    "He spoke on BBC Radio 4's Today programme about the 5 Ds.",
])
def test_what_is_not_a_claim_is_not_reported(text):
    assert found(text) == []


def test_numbers_between_two_directives_are_found():
    body = "[[chart: a]]\n\nThere were 6,556.\n\n[[quote: b]]\n\n<!-- a note -->\n\nAnd 41,221.\n"
    assert found(body) == ["6,556", "41,221"]


def test_a_heading_with_a_figure_is_still_checked():
    assert found("## The 2022 change: up to 2 years") == ["up to 2 years"]


# --- backing -----------------------------------------------------------------------------------------

def test_a_cited_figure_backs_the_same_number_however_it_is_written():
    assert unbacked("6556 officers, 6,556 officers.", figures=["6,556"]) == []
    assert unbacked("£4,700,000 and £4.7m.", figures=["£4.7m"]) == []
    assert unbacked("9 out of 10 conflicts", figures=["9 of 10"]) == []
    assert unbacked("55 per cent of children", figures=["55%"]) == []


def test_a_qualified_figure_backs_the_plain_number_and_the_same_qualifier_only():
    figures = ["nearly 18"]
    assert unbacked("That is 18 a day.", figures) == []
    assert unbacked("That is nearly 18 a day, or almost 18, or just under 18.", figures) == []
    assert unbacked("That is about 18 a day.", figures) == []
    assert unbacked("That is more than 18 a day.", figures) == ["more than 18"]
    assert unbacked("That is over 18 a day.", figures) == ["over 18"]


def test_an_exact_figure_does_not_back_a_number_said_to_be_more_or_less():
    assert unbacked("more than 18 a day", figures=["18"]) == ["more than 18"]
    assert unbacked("nearly 18 a day", figures=["17.96"]) == ["nearly 18"]
    assert unbacked("about 18 a day, 18 a day", figures=["18"]) == []


def test_a_different_value_or_unit_is_not_backed():
    assert unbacked("2 years in prison", figures=["2 months"]) == ["2 years"]
    assert unbacked("a level 5 fine", figures=["level 3 fine"]) == ["level 5"]
    assert unbacked("6,557 officers", figures=["6,556"]) == ["6,557"]
    assert unbacked("55 years", figures=["55%"]) == ["55 years"]


def test_a_maximum_is_backed_by_a_figure_that_says_up_to():
    assert unbacked("up to 2 years in prison", figures=["2 years"]) == ["up to 2 years"]
    assert unbacked("up to 2 years in prison, 2 years", figures=["up to 2 years"]) == []


def test_quotes_and_charts_a_page_shows_back_its_numbers():
    assert unbacked("It lasted over 15 minutes.", quotes=["an encounter which lasted over 15 minutes"]) == []
    assert unbacked("55% in 2022 and 36,969 in 2020/21", chart_values=[55, 36969.0]) == []
    assert unbacked("70% in 2024", chart_values=[55, 60]) == ["70%"]


def test_figures_are_parsed_like_prose():
    assert [(n.value, n.unit, n.direction) for n in figures_of(["nearly 18", "£1,000", "12 months"])] == [
        ("18", "", "below"), ("1000", "£", ""), ("12", "month", "")]


# --- a page, and the register ----------------------------------------------------------------------

FACTS = {
    "met": Fact("met", "content/facts/met.yaml", ("6,556", "nearly 18"),
                (("https://metfed.org.uk/news/x", 6),), datetime.date(2027, 8, 1), 11),
    "surveys": Fact("surveys", "content/facts/surveys.yaml", ("55%", "2,025"),
                    (("http://example.org/old", 7), ("https://example.org/new", 10)), datetime.date(2026, 12, 2), 14),
    "law": Fact("law", "content/facts/law.yaml", ("2 years",), (), datetime.date(2026, 12, 3), 9),
}
CHARTS = {"young": Chart("young", (55.0, 60.0), ("surveys",))}
QUOTES = {"smith": "It showed approximately 30 seconds of an encounter which lasted over 15 minutes."}


def test_a_page_is_backed_by_its_facts_list_its_fact_lines_its_charts_and_its_quotes():
    body = ("6,556 officers: nearly 18 a day.\n\n[[fact: law]]\n\nA term of 2 years.\n\n[[chart: young]]\n\n"
            "55% and 2,025 children.\n\n[[quote: smith]]\n\nOnly 30 seconds of it.\n")
    page = Page("content/pages/x.md", body, 5, facts=("met",))
    assert cited_by(page, CHARTS) == ("met", "law", "surveys")
    assert page_unbacked(page, FACTS, QUOTES, CHARTS) == ()


def test_a_planted_figure_is_reported_at_its_line_in_the_file():
    body = "6,556 officers.\n\nIn all, 41,000 assaults a year.\n"
    page = Page("content/pages/x.md", body, 8, facts=("met",))
    problems = fact_problems(FACTS.values(), [page], quotes={}, charts={}, phone_numbers=CONTACTS, today=TODAY)
    errors = [(level, e.location, e.message) for level, e in problems if level == "error"]
    assert errors == [("error", "content/pages/x.md:10",
                       "the figure '41,000' is not backed by any fact this page cites")]


def test_a_fact_that_is_not_cited_does_not_back_a_page():
    page = Page("content/pages/x.md", "That is 2 years.\n", 4)
    assert [n.text for n in page_unbacked(page, FACTS, {}, {})] == ["2 years"]


def test_titles_and_summaries_are_checked_at_their_own_lines():
    page = Page("content/articles/a.md", "Body.\n", 9, facts=("law",),
                texts=(("A law raised it to 2 years", 2), ("Up to 3 years", 3)))
    assert [(n.text, n.line) for n in page_unbacked(page, FACTS, {}, {})] == [("Up to 3 years", 3)]


def test_facts_past_their_check_again_date_are_reported_the_day_after():
    assert [f.id for f in stale_facts(FACTS.values(), TODAY)] == ["surveys"]
    assert [f.id for f in stale_facts(FACTS.values(), TODAY + datetime.timedelta(days=1))] == ["surveys", "law"]


def test_sources_on_http_are_reported_with_their_line():
    assert [(f.id, url, line) for f, url, line in insecure_sources(FACTS.values())] == [
        ("surveys", "http://example.org/old", 7)]


def test_facts_cited_nowhere_are_reported():
    assert [f.id for f in uncited_facts(FACTS.values(), {"met", "surveys"})] == ["law"]


def test_fact_problems_reports_each_rule_once_at_its_file_and_line():
    pages = [Page("content/pages/a.md", "6,556 officers.\n\n[[chart: young]]\n", 5, facts=("met",))]
    problems = fact_problems(FACTS.values(), pages, quotes=QUOTES, charts=CHARTS, phone_numbers=CONTACTS,
                             today=TODAY)
    assert [(level, e.location) for level, e in problems] == [
        ("warning", "content/facts/surveys.yaml:14"),    # due to be checked again on 2 December
        ("warning", "content/facts/surveys.yaml:7"),     # a source on http://
        ("warning", "content/facts/law.yaml"),           # cited by no page
    ]
    assert "2 December 2026" in problems[0][1].message
    assert "http://example.org/old" in problems[1][1].message and problems[1][1].hint
    assert "'law'" in problems[2][1].message and "facts: [law]" in problems[2][1].hint


def test_a_chart_that_no_page_shows_does_not_cite_its_facts():
    pages = [Page("content/pages/a.md", "6,556 officers.\n", 5, facts=("met", "law"))]
    problems = fact_problems(FACTS.values(), pages, quotes={}, charts=CHARTS, phone_numbers=(), today=TODAY)
    assert ("warning", "content/facts/surveys.yaml") in [(level, e.location) for level, e in problems]


def test_contacts_give_their_phone_numbers_and_the_parts_of_them():
    assert phone_numbers_of(["999", "0800 555 111", "met.police.uk", "When it is not an emergency, dial 18001  101.",
                             "press 55 only if asked"]) == {
        "999", "0800 555 111", "0800", "555", "111", "18001 101", "18001", "101"}


def test_a_key_press_is_a_key_only_where_the_text_says_press():
    assert found("Press 55 when asked; there is no 55 on a landline.") == []
    assert found("There were 55 attacks.") == ["55"]
    assert found("Press 55. In all, 55% of children.") == ["55%"]
