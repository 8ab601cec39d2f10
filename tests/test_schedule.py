"""Scheduling: drafts, articles dated in the future, articles past `expires`; SOURCE_DATE_EPOCH is today."""
from __future__ import annotations

import datetime

import pytest

from conftest import article

ARTICLE_URL = "articles/campaign/"


def epoch(day: str) -> str:
    """SOURCE_DATE_EPOCH for noon UTC on `day` (YYYY-MM-DD)."""
    moment = datetime.datetime.fromisoformat(day).replace(hour=12, tzinfo=datetime.UTC)
    return str(int(moment.timestamp()))


def is_published(root) -> bool:
    """The article is on the site only if it is everywhere: its page, the lists, its tag, the feed, the sitemap."""
    site = root / "_site"
    places = [(site / ARTICLE_URL / "index.html").is_file(),
              ARTICLE_URL in (site / "articles/index.html").read_text(),
              (site / "tags/summer/index.html").is_file(),
              ARTICLE_URL in (site / "feed.xml").read_text(),
              ARTICLE_URL in (site / "sitemap.xml").read_text()]
    assert len(set(places)) == 1, f"published in some places only: {places}"
    return places[0]


@pytest.fixture
def scheduled_site(make_site):
    return make_site({"content/articles/campaign.md": article("Summer campaign", date="2024-06-01",
                                                              expires="2024-08-31", tags="[summer]"),
                      "content/articles/other.md": article("Other", date="2024-01-01")})


@pytest.mark.parametrize("today, published, left_out", [
    ("2024-05-31", False, "1 scheduled"),
    ("2024-06-01", True, None),
    ("2024-08-31", True, None),
    ("2024-09-01", False, "1 expired"),
])
def test_an_article_is_published_from_its_date_until_it_expires(scheduled_site, build_site, monkeypatch,
                                                                 today, published, left_out):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(today))
    result = build_site(scheduled_site)
    assert result.status == 0, result.err
    assert is_published(scheduled_site) is published
    assert (f"(left out: {left_out})." in result.out) if left_out else ("left out" not in result.out)


def test_a_draft_is_built_only_with_drafts(make_site, build_site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2024-07-01"))
    root = make_site({"content/articles/campaign.md": article("Draft", date="2024-06-01", draft="true",
                                                              tags="[summer]")})
    result = build_site(root)
    assert "(left out: 1 draft)." in result.out
    assert not (root / "_site" / ARTICLE_URL).exists()
    assert build_site(root, "--drafts").status == 0
    assert is_published(root)


def test_drafts_also_previews_scheduled_articles(scheduled_site, build_site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2024-05-01"))
    build_site(scheduled_site, "--drafts")
    assert is_published(scheduled_site)


def test_a_draft_page_is_left_out_too(make_site, build_site):
    root = make_site({"content/pages/secret.md": "---\ntitle: Secret\nsummary: Not yet.\ndraft: true\n---\nSoon.\n"})
    build_site(root)
    assert not (root / "_site/secret").exists()
    assert "secret" not in (root / "_site/sitemap.xml").read_text()


def test_source_date_epoch_must_be_a_number(make_site, build_site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = build_site(make_site())
    assert result.status == 2
    assert result.err == "error: SOURCE_DATE_EPOCH must be a number of seconds, not 'yesterday'\n"


def test_a_rebuild_on_a_later_day_follows_the_calendar(scheduled_site, build_site, monkeypatch):
    """The same folder rebuilt day after day (as a daily scheduled build does): nothing stale is kept."""
    for today, published in (("2024-05-31", False), ("2024-06-01", True), ("2024-09-01", False)):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(today))
        assert build_site(scheduled_site).status == 0
        assert is_published(scheduled_site) is published, today
