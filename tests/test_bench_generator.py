"""bench/generate.py: the benchmark's sites are the same bytes every time, and our build accepts them."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, snapshot

_spec = importlib.util.spec_from_file_location("bench_generate", PROJECT / "bench" / "generate.py")
generate = sys.modules["bench_generate"] = importlib.util.module_from_spec(_spec)  # dataclasses look it up there
_spec.loader.exec_module(generate)


def test_same_arguments_write_the_same_bytes_and_another_seed_writes_other_articles(tmp_path: Path):
    generate.main([str(tmp_path / "one"), "--pages", "8"])
    generate.main([str(tmp_path / "two"), "--pages", "8"])
    generate.main([str(tmp_path / "three"), "--pages", "8", "--seed", "2"])
    one = snapshot(tmp_path / "one")
    assert one == snapshot(tmp_path / "two")
    generate.main([str(tmp_path / "two"), "--pages", "8"])  # writing again over its own site is allowed
    assert one == snapshot(tmp_path / "two")
    assert sorted(name for name in one if name.startswith("content/articles/")) \
        != sorted(name for name in snapshot(tmp_path / "three") if name.startswith("content/articles/"))


def test_articles_look_real_and_link_to_each_other():
    articles = generate.make_articles(30)
    files = {article.file for article in articles}
    for article in articles:
        assert 500 <= len(article.body.split()) <= 1000
        assert re.search(r"^## ", article.body, re.MULTILINE)
        assert re.search(r"^(- |1\. )", article.body, re.MULTILINE) or "> " in article.body
        assert article.tags and len(article.summary) <= 400 and len(article.title) <= 150
    links = {link for article in articles for link in re.findall(r"\]\((\d{5}-[a-z0-9-]+\.md)\)", article.body)}
    assert links and links <= files


def test_our_build_accepts_the_site_and_rewrites_the_links_between_articles(tmp_path: Path, build_site):
    site = tmp_path / "site"
    articles = generate.write_site(site, pages=12)
    result = build_site(site)
    assert result.status == 0, result.err
    assert "12 articles" in result.out and "warning" not in result.err
    linking = next(a for a in articles if re.search(r"\]\(\d{5}-", a.body))
    target = re.search(r"\]\((\d{5}-[a-z0-9-]+)\.md\)", linking.body).group(1)
    page = (site / "_site/articles" / linking.stem / "index.html").read_text(encoding="utf-8")
    assert f'href="/articles/{target}/"' in page


def test_refuses_a_folder_it_did_not_write(tmp_path: Path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit, match=r"was not written by bench/generate\.py"):
        generate.main([str(mine), "--pages", "3"])
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_the_two_language_corpus_has_every_article_in_welsh_and_our_build_publishes_both(tmp_path: Path, build_site):
    site = tmp_path / "site"
    articles = generate.write_site(site, pages=6, welsh=True)
    for article in articles:  # in_welsh is what bench/run.py gives the peers: the same bytes as our build reads
        welsh = generate.in_welsh(article)
        assert (site / generate.ARTICLES / welsh.file).read_bytes() == welsh.source().encode()
    result = build_site(site)
    assert result.status == 0, result.err
    assert "12 articles" in result.out
    page = (site / "_site/cy/articles" / articles[0].stem / "index.html").read_text(encoding="utf-8")
    assert f"{articles[0].title} (cy)" in page and '<html lang="cy"' in page
