"""`build.py new`: a new document of any kind with every front matter field, as a draft when it has pages."""
from __future__ import annotations

import dataclasses
import datetime
import re

import pytest

from ssg.model.content import Source, read_document
from ssg.model.kinds import KINDS, MARKDOWN, PICTURE, YAML

from conftest import run_cli

EPOCH_2024_05_01 = "1714521600"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2024_05_01)


def front_matter_keys(text: str) -> set[str]:
    """Every key written in the front matter, set or commented out."""
    front = text.split("---\n")[1] if text.startswith("---\n") else text
    return set(re.findall(r"^(?:#\s*)?(?:-\s*)?\s*([a-z_]+):", front, flags=re.MULTILINE))


MARKDOWN_KINDS = [name for name, kind in KINDS.items() if kind.format == MARKDOWN]


@pytest.mark.parametrize("kind", MARKDOWN_KINDS)
def test_new_writes_every_front_matter_field_and_the_file_is_valid(make_site, kind, monkeypatch):
    root = make_site()
    monkeypatch.chdir(root)
    result = run_cli("new", kind, "Don't film: help safely", "--root", root)
    path = f"content/{KINDS[kind].folder}/don-t-film-help-safely.md"
    assert result.status == 0, result.err
    assert result.out.splitlines()[0] == path
    text = (root / path).read_text()
    fields = {f.name for f in dataclasses.fields(KINDS[kind].meta)}
    if fields & {"source", "sources"}:
        fields |= {f.name for f in dataclasses.fields(Source)}
    assert fields <= front_matter_keys(text)
    document = read_document(kind, root / path)
    assert document.warnings == ()
    assert document.meta.draft is True
    if kind != "page":  # pages have no date
        assert document.meta.date == datetime.date(2024, 5, 1)
    if kind != "quote":
        assert document.meta.title == "Don't film: help safely"


@pytest.mark.parametrize("kind", [name for name, kind in KINDS.items() if kind.format == YAML])
def test_new_writes_every_field_of_a_yaml_kind_and_the_site_still_builds(make_site, build_site, kind, monkeypatch):
    root = make_site()
    monkeypatch.chdir(root)
    result = run_cli("new", kind, "Assaults on Met officers", "--root", root)
    path = f"content/{KINDS[kind].folder}/assaults-on-met-officers.yaml"
    assert result.status == 0, result.err
    assert result.out.splitlines() == [path, f"Created a {kind}. Write it, replacing each FILL IN."]
    text = (root / path).read_text()
    assert {f.name for f in dataclasses.fields(KINDS[kind].meta) if f.metadata.get("doc")} <= front_matter_keys(text)
    assert "FILL IN" in text
    built = build_site(root)
    assert built.status == 0, built.err


def test_new_for_a_picture_says_where_to_put_it(make_site):
    root = make_site()
    kind = next(name for name, kind in KINDS.items() if kind.format == PICTURE)
    result = run_cli("new", kind, "A diagram", "--root", root)
    assert result.status == 2 and not (root / "content/images").exists()
    assert result.err.startswith(f"error: `new` writes text files, and a {kind} is not one.\n"
                                 "hint: copy the file into content/images/")


def test_a_new_article_is_a_draft_until_the_line_is_deleted(make_site, build_site):
    root = make_site()
    run_cli("new", "article", "Call 999", "--root", root)
    assert build_site(root).status == 0
    assert not (root / "_site/articles/call-999").exists()
    assert "left out: 1 draft" in build_site(root).out
    assert build_site(root, "--drafts").status == 0
    assert (root / "_site/articles/call-999/index.html").is_file()


def test_check_reports_the_text_left_to_fill_in(make_site):
    root = make_site()
    run_cli("new", "article", "Call 999", "--root", root)
    source = root / "content/articles/call-999.md"
    result = run_cli("check", "--drafts", "--root", root)
    lines = source.read_text().split("\n")
    summary_line = next(n for n, line in enumerate(lines, start=1) if line.startswith("summary:"))
    body_line = len(lines) - 1
    assert result.status == 1
    assert (f"content/articles/call-999.md:{summary_line}: error: this line still says 'FILL IN'\n"
            "  hint: replace it with the real text (or delete the line)") in result.out
    assert f"content/articles/call-999.md:{body_line}: error: this line still says 'FILL IN'" in result.out


def test_new_never_replaces_a_file(make_site):
    root = make_site()
    run_cli("new", "page", "Get help", "--root", root)
    path = root / "content/pages/get-help.md"
    path.write_text("my work")
    result = run_cli("new", "page", "Get help", "--root", root)
    assert result.status == 2
    assert result.err == ("error: content/pages/get-help.md already exists, and `new` never replaces a file.\n"
                          "hint: open that file to edit it, or choose another title\n")
    assert path.read_text() == "my work"


def test_a_title_without_letters_is_refused(make_site):
    result = run_cli("new", "article", "?!", "--root", make_site())
    assert result.status == 2
    assert "the title '?!' has no letters or digits to make a file name from" in result.err


def test_a_page_cannot_take_an_address_the_site_uses(make_site):
    root = make_site()
    result = run_cli("new", "page", "Articles", "--root", root)
    assert result.status == 2
    assert "a page called 'articles' would take /articles/, which the site uses for its own lists" in result.err
    assert not (root / "content/pages/articles.md").exists()


def test_an_unknown_kind_is_a_usage_error(make_site):
    result = run_cli("new", "poem", "Roses", "--root", make_site())
    assert result.status == 2
    assert "invalid choice: 'poem'" in result.err
