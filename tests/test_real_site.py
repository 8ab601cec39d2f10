"""The real campaign site builds, and every page, link, feed entry and sitemap entry holds together."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import PROJECT
from test_build import ATOM, SITEMAP, Page


@pytest.fixture(scope="module")
def built(real_site) -> Path:
    return real_site


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def target_of(out: Path, link: str, base_path: str) -> Path | None:
    """The output file an internal link leads to, or None for links that leave the site."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    assert parts.path.startswith(base_path), link
    path = out / parts.path[len(base_path):]
    return path / "index.html" if parts.path.endswith("/") else path


def test_every_internal_link_and_asset_resolves(built):
    for file in html_pages(built):
        page = Page(file.read_text())
        for link in page.links:
            target = target_of(built, link, "/")
            assert target is None or target.is_file(), f"{file.relative_to(built)} links to missing {link}"


def test_every_page_has_its_head_and_one_h1(built):
    for file in html_pages(built):
        text = file.read_text()
        page = Page(text)
        where = file.relative_to(built)
        assert page.lang == ("cy" if where.parts[0] == "cy" else "en-GB"), where
        assert page.title.strip() and page.meta.get("description"), where
        assert page.canonical.startswith("https://"), where
        assert len(re.findall(r"<h1[ >]", text)) == 1, where


def test_feed_and_sitemap_point_at_pages_that_exist(built):
    base = "https://helpsafely.example.org/"
    feed = ET.parse(built / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    dates = [e.find(f"{ATOM}published").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert (built / href.removeprefix(base) / "index.html").is_file()
    for loc in ET.parse(built / "sitemap.xml").getroot().iter(f"{SITEMAP}loc"):
        assert (built / loc.text.removeprefix(base) / "index.html").is_file(), loc.text


def test_every_contact_in_site_yaml_is_a_working_link_on_every_page(built):
    import yaml
    contacts = yaml.safe_load((PROJECT / "site.yaml").read_text())["contacts"]
    assert {"999", "112", "101"} <= {c["number"] for c in contacts}
    for file in html_pages(built):
        text = file.read_text()
        for contact in contacts:
            assert f'href="{contact["href"]}"' in text, (file.relative_to(built), contact["href"])
