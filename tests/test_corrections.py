"""Issue 13, parts 1 and 2: the corrections to the campaign site stay corrected, and the gaps stay filled.

Each test reads the real site as built (once for the module) and pins one corrected figure or phrase
from the fact sheet's "Corrected (Dec 2026)" rows, or one gap the issue asked to fill. A test names
what it guards, so that an edit which brings an old mistake back says which one.
"""
from __future__ import annotations

import hashlib
import html
import re
import shutil
from pathlib import Path

import markupsafe
import pytest
import yaml

from ssg.build.pipeline import BuildOptions, build
from ssg.errors import SiteError
from ssg.model.config import load_config

from conftest import PROJECT, run_cli

CONFIG = load_config(PROJECT)
ONE_MESSAGE = "Don't film it for laughs. Help safely."
# The sha256 of the share image that said "Don't film it. Help safely."
OLD_SHARE_IMAGE = "696e7b0ec7ce647d307fb370f4d4e9ed4764603b06f6650bbcef42e68f81388b"
# A block of text: what a reader takes in as one piece (a paragraph, a list item, a table cell...).
BLOCK_TAGS = r"</?(?:p|li|h[1-6]|td|th|caption|figcaption|blockquote|section|div|dt|dd)\b[^>]*>"


@pytest.fixture(scope="module")
def built(real_site) -> Path:
    return real_site


def page(built: Path, address: str) -> str:
    """The HTML of the page at an address like 'the-law/' ('' for the home page)."""
    return (built / address / "index.html").read_text()


def text_of(markup: str) -> str:
    """What a reader reads: tags dropped, entities decoded, curly quotes straightened, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
                    .replace("\u201d", '"').split())


def main_text(built: Path, address: str) -> str:
    return text_of(re.search(r"<main\b.*?</main>", page(built, address), re.S).group())


def blocks_of(markup: str) -> list[str]:
    return [text for text in (text_of(part) for part in re.split(BLOCK_TAGS, markup)) if text]


def every_page(built: Path) -> dict[str, str]:
    """Every HTML page of the built site, by its path in the output folder."""
    return {path.relative_to(built).as_posix(): path.read_text() for path in sorted(built.rglob("*.html"))}


def reader_blocks(built: Path, leave_out: str = r"<head>.*?</head>"):
    """(path, block) for every block of text on every page, without what `leave_out` matches."""
    for path, markup in every_page(built).items():
        for block in blocks_of(re.sub(leave_out, "", markup, flags=re.S)):
            yield path, block


def all_text(built: Path) -> str:
    return " ".join(block for _, block in reader_blocks(built))


# --- 1. Corrections -----------------------------------------------------------------------------

def test_the_met_figure_is_nearly_18_a_day_never_more_than_18(built):
    for address in ("why-it-matters/", "facts-and-figures/"):
        assert "6,556" in main_text(built, address) and "nearly 18 a day" in main_text(built, address), address
    assert not re.search(r"more than 18\b", all_text(built), re.I)


def test_the_2022_increase_came_into_force_on_28_june_and_28_april_is_only_royal_assent(built):
    article = main_text(built, "articles/the-law-that-doubled-the-maximum-sentence/")
    assert "28 June 2022" in article and "28 June 2022" in main_text(built, "the-law/")
    for path, block in reader_blocks(built):
        for sentence in re.split(r"(?<=\.) ", block):
            if "28 April 2022" in sentence:
                assert "became law" in sentence, f"{path}: {sentence}"
    summary = re.search(r'<meta name="description" content="([^"]*)"',
                        page(built, "articles/the-law-that-doubled-the-maximum-sentence/")).group(1)
    assert "28 June 2022" in summary and "28 April" not in summary


def test_the_law_page_opens_with_can_be_charged_and_says_how_charging_works_today(built):
    text = main_text(built, "the-law/")
    opening = text.index("can be charged as assaulting an emergency worker")
    assert opening < text.index("13 September 2018"), "what a reader needs comes before the bill's history"
    assert "2 years in prison" in text[opening:opening + 200]
    for today in ("1 May 2025", "below 6 months", "Sentencing Act 2026", "22 March 2026"):
        assert today in text, today
    assert not re.search(r"\b(is|are) always charged\b", text)
    assert "So we do not say that everyone who attacks an officer will go to prison." in text


def test_no_page_tells_a_caller_to_stay_silent_or_to_dial_999_then_55(built):
    text = all_text(built)
    assert not re.search(r"stay silent|999, then 55", text, re.I)
    help_page = main_text(built, "get-help/")
    assert "It is always best to speak to the operator if you can, even by whispering." in help_page
    assert "Pressing 55 on a mobile does not tell the police where you are." in help_page
    assert "On a landline. There is no 55." in help_page


def test_55_is_only_ever_mentioned_with_mobiles(built):
    mentioned = 0
    # Charts left out: their bars are numbers (55% in 2022), not advice.
    for path, block in reader_blocks(built, r"<head>.*?</head>|<figure class=\"chart\".*?</figure>"):
        if re.search(r"(?<![\d,.])55(?![\d%,])", block):
            mentioned += 1
            words = ("mobile", "landline", "symudol", "llinell dir")  # English, or Welsh on the Welsh pages
            assert any(word in block for word in words), f"{path}: {block}"
    assert mentioned > 40, "every page's footer explains 55 with the silent-call contact"


def test_helpers_are_not_told_the_law_protects_whatever_they_do(built):
    text = all_text(built)
    assert not re.search(r"the law protects you", text, re.I)
    law = main_text(built, "the-law/")
    assert '"such force as is reasonable in the circumstances"' in law
    assert "If you use more force than that, you could break the law yourself." in law


def test_cressida_dick_s_real_ask_is_quoted_and_the_campaign_says_why_it_asks_for_less(built):
    for address in ("the-story/", "articles/what-cressida-dick-said-in-2018/"):
        text = main_text(built, address)
        assert "if they feel able, get involved and do something physical" in text, address
        assert "safer kind of help" in text, address


def test_title_share_image_poster_and_home_page_say_one_message(built):
    assert CONFIG.title == ONE_MESSAGE
    for address in ("", "poster/"):
        assert re.search(r"<h1>([^<]*)</h1>", page(built, address)).group(1).replace("&#39;", "'") == ONE_MESSAGE
    for path, markup in every_page(built).items():
        assert not re.search(r"Don.t film it\.", text_of(markup)), path
    home = main_text(built, "")
    assert "Filming the police in public is legal" in home and "We do not ask you to stop." in home
    assert "Keep your video for the police. Do not post it." in main_text(built, "poster/")
    assert "This campaign does not ask you to stop." in main_text(built, "filming-the-police/")
    # The share image is a picture of words, so no test can read it: look at static/share.png after a
    # change. This only stops the old image, which said "Don't film it. Help safely.", coming back.
    share = (PROJECT / "static" / "share.png").read_bytes()
    assert hashlib.sha256(share).hexdigest() != OLD_SHARE_IMAGE


def test_about_says_which_facts_it_uses_and_how_a_less_certain_one_is_marked(built):
    text = main_text(built, "about/")
    assert "We do not use low facts" not in text
    assert "A few points on the site are low." in text and "We say so in the words we use." in text


def test_the_online_safety_act_date_is_for_its_communications_offences_only(built):
    text = main_text(built, "the-law/")
    assert "Online Safety Act 2023 came into force" not in text
    assert "This part of the Act came into force on 31 January 2024." in text


def test_smaller_drifts_stay_corrected(built):
    law = main_text(built, "the-law/")
    assert 'creates "a substantial risk that the course of justice ... will be seriously impeded or prejudiced"' \
        in law.replace("\u2026", "...")
    why = main_text(built, "why-it-matters/")
    assert "These figures are too low" not in why and "These figures are not a complete picture." in why
    assert "more likely to calm things down" not in why and "more likely to try to calm things" in why
    assert "viaSport sums up Right To Be's five steps like this" in why
    assert "most common" not in all_text(built)
    filming = main_text(built, "filming-the-police/")
    assert "It says that people" not in filming and "The Met gave advice on photography in July 2009." in filming
    assert "It does not decide if anyone is guilty of a crime." in filming
    for chart in ("assaults-met-london", "assaults-england-wales", "young-people-violence-online"):
        note = yaml.safe_load((PROJECT / "content" / "charts" / f"{chart}.yaml").read_text())["note"]
        assert "listed at the end of the page" in note, chart


def test_the_attorney_general_is_quoted_from_pa_not_from_a_reworded_copy(built):
    text = all_text(built)
    assert "regular citizens" not in text and "news.yahoo.com" not in " ".join(every_page(built).values())
    article = main_text(built, "articles/why-posting-a-video-can-harm-a-fair-trial/")
    assert "It is not only journalists or lawyers who can be found in contempt of court" in article
    assert "28 June 2021" in article and "The campaign made this point, PA reported" in article


# --- 2. Gaps filled -----------------------------------------------------------------------------

def test_deaf_and_speech_impaired_routes_are_in_the_contacts_on_get_help_and_on_the_poster(built):
    contacts = {contact.id: contact for contact in CONFIG.contacts}
    assert {"bsl", "emergency-sms", "relay-uk"} <= set(contacts)
    assert "register" in contacts["emergency-sms"].label + contacts["emergency-sms"].when
    assert contacts["relay-uk"].href == "tel:18000" and "18001 101" in contacts["relay-uk"].when
    help_page = main_text(built, "get-help/")
    for words in ("999 BSL", "www.999bsl.co.uk", "Text the word register to 999.", "dial 18000", "18001 101"):
        assert words in help_page, words
    poster = main_text(built, "poster/")
    for contact in contacts.values():
        assert contact.number in poster and contact.when in poster, contact.id


def test_get_help_says_what_to_do_about_someone_else_s_clip(built):
    markup = page(built, "get-help/")
    assert 'id="someone-elses-clip"' in markup
    section = text_of(markup.split('id="someone-elses-clip"')[1].split("<h2")[0])
    for step in ("Do not share it.", "Report it to the site or app.", "Report Harmful Content",
                 "Tell the police about threats to an officer"):
        assert step in section, step
    assert 'href="/get-help/#someone-elses-clip"' in page(built, "the-law/")


def test_witnesses_and_helpers_who_were_hurt_or_shaken_find_support(built):
    markup = page(built, "get-help/")
    section = text_of(markup.split('id="support-after-an-attack"')[1].split('id="first-aid"')[0])
    for words in ("Victim Support", "Witness Service", "Giving a statement", "You do not have to give a statement."):
        assert words in section, words
    assert "08 08 16 89 111" not in section, "the sheet says to check the number before publishing it"
    assert 'href="/get-help/#support-after-an-attack"' in page(built, "how-to-help/")


def test_how_to_help_keeps_the_steps_and_the_research_moves_to_why_it_matters(built):
    steps = main_text(built, "how-to-help/")
    body = steps.split("Sources")[0]
    assert len(body.split()) < 600, "a task page: the steps, not the research (it had about 1,000 words)"
    assert "Check that you are safe." in body and "Stay and tell the police what you saw." in body
    for research in ("Darley", "Philpot", "5 Ds"):
        assert research not in body and research in main_text(built, "why-it-matters/"), research


def test_a_page_for_young_people_and_their_parents_is_linked_from_every_page(built):
    text = main_text(built, "young-people/")
    assert "For young people" in text and "For parents" in text and "Sources" in text
    for path, markup in every_page(built).items():
        assert 'href="/young-people/"' in markup, path


def test_every_page_and_article_shows_when_it_was_last_reviewed(built):
    reviewed = r'([Ll]ast reviewed|[Aa]dolygwyd ddiwethaf) <time datetime="\d{4}-\d\d-\d\d">'
    content = PROJECT / "content"
    sources = sorted(content.glob("pages/*.md")) + sorted(content.glob("articles/*.md"))
    for source in sources:
        name, _, language = source.stem.partition(".")  # about.cy.md is published at cy/about/
        address = "" if name == "index" else f"{name}/"
        if source.parent.name == "articles":
            address = f"articles/{address}"
        assert re.search(reviewed, page(built, f"{language}/{address}" if language else address)), source.name


# --- the accessibility contact route (site.yaml feedback_url) -----------------------------------

def site_copy(tmp_path: Path, feedback_url: str) -> Path:
    """The real site in tmp_path, with feedback_url set in its site.yaml."""
    for folder in ("content", "templates", "static"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    settings = (PROJECT / "site.yaml").read_text()
    assert settings.count('feedback_url: ""') == 1
    (tmp_path / "site.yaml").write_text(settings.replace('feedback_url: ""', f'feedback_url: "{feedback_url}"'))
    return tmp_path


def test_with_no_feedback_route_set_no_page_asks_to_be_told(built):
    assert CONFIG.feedback_url == "", "the fact sheet names no address: set a real one, never a made-up one"
    assert not re.search(r"\btell (us|the campaign)\b", all_text(built), re.I)


def test_a_feedback_route_set_in_site_yaml_is_linked_from_every_page(tmp_path):
    root = site_copy(tmp_path, "mailto:access@example.org")
    build(BuildOptions(root=root, out=root / "_site"))
    pages = every_page(root / "_site")
    assert len(pages) > 40
    words = {"": "Tell us about a problem with this site", "cy/": yaml.safe_load(
        (PROJECT / "templates/i18n/cy.yaml").read_text(encoding="utf-8"))["feedback_link"]}
    for path, markup in pages.items():
        footer = markup.split("<footer")[1]
        link = words["cy/" if path.startswith("cy/") else ""]
        assert f'<a href="mailto:access@example.org">{markupsafe.escape(link)}</a>' in footer, path


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "http://example.org/form", "mailto:nobody"])
def test_a_feedback_route_that_is_not_mailto_or_https_is_refused_with_its_line(tmp_path, bad):
    settings = f'title: T\ndescription: D.\nbase_url: https://example.org/\nfeedback_url: "{bad}"\n'
    (tmp_path / "site.yaml").write_text(settings)
    with pytest.raises(SiteError) as error:
        load_config(tmp_path)
    assert error.value.line == 4 and "feedback_url" in str(error.value)
    result = run_cli("check", "--root", tmp_path)
    assert result.status == 1 and "site.yaml:4: error: 'feedback_url' should be mailto:" in result.out + result.err


def test_check_on_the_real_site_finds_no_error_and_no_unexplained_warning(real_site_check):
    """Every figure backed by a cited fact, every http:// address explained, no two pages with one title
    (the poster's QR code is an <svg> with a <title> of its own, which is not the page's)."""
    result = real_site_check
    summary = result.out.strip().splitlines()[-1]
    assert re.fullmatch(r"Checked \d+ pages: 0 errors, 0 warnings, \d+ for information\.", summary), result.out
    assert result.status == 0
