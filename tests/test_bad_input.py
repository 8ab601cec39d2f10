"""Every broken or hostile input in tests/bad_inputs.py: a clear error, never a traceback, never damage."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from bad_inputs import BAD, CATALOGUE, QUOTE_FRONT, TOO_SLOW, Case, body, md
from conftest import MINIMAL_CONFIG, PROJECT, article, run_cli, snapshot, write_files

# A generous ceiling, not a speed target: pathological Markdown must not make a build hang.
BOUNDED_SECONDS = 20


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """A small valid site, built once; each case starts from a copy of it and its _site/."""
    root = tmp_path_factory.mktemp("good") / "site"
    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(PROJECT / "static", root / "static")
    write_files(root, {"site.yaml": MINIMAL_CONFIG,
                       "content/pages/index.md": md("title: Home\nsummary: The home page.\n", "Welcome."),
                       "content/articles/good.md": article(tags="[law]"),
                       "content/quotes/said.md": md(QUOTE_FRONT, "Words that were said.")})
    result = run_cli("build", "--root", root)
    assert result.status == 0, result.err
    return root


def apply(case: Case, root: Path) -> None:
    """Change a copy of the good site as the case says: take away, write files, then make links."""
    for name in (*case.remove, *case.links):
        remove(root / name)
    write_files(root, case.files)
    for name, points_to in case.links.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(points_to, root / name)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(("_site.staging-", "_site.old-")))


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda case: case.id)
def test_bad_input(case: Case, good_site: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(good_site, root, symlinks=True)
    before = snapshot(root / "_site")
    apply(case, root)

    started = time.perf_counter()
    result = run_cli("build", "--root", root, *case.args)
    assert time.perf_counter() - started < BOUNDED_SECONDS

    if case.error is None:
        assert result.status == 0, result.err
        if case.warning:
            assert f"warning: {case.warning}" in result.err
        else:
            assert "warning" not in result.err
        if case.shows:
            output, text = case.shows
            assert text in (root / "_site" / output).read_text(encoding="utf-8")
    else:
        assert result.status == case.status
        lines = result.err.splitlines()
        assert lines[0] == f"error: {case.error}"
        assert lines[1].startswith("hint: ") and case.hint in lines[1], lines[1]
        assert len(lines) == 2, result.err
        assert snapshot(root / "_site") == before
    assert leftovers(root) == []


def test_many_unclosed_html_comments_never_hang_and_never_reach_the_page(good_site: Path, tmp_path: Path) -> None:
    """30,000 `<!--` take Python-Markdown seconds: whether the body is converted or refused at the time limit
    depends on the machine's speed, so both are right; a hang, a traceback or a comment on the page is not."""
    root = tmp_path / "site"
    shutil.copytree(good_site, root, symlinks=True)
    write_files(root, {BAD: body("<!--" * 30_000)})
    started = time.perf_counter()
    result = run_cli("build", "--root", root)
    assert time.perf_counter() - started < BOUNDED_SECONDS
    if result.status == 0:
        assert "<!--" not in (root / "_site/articles/bad/index.html").read_text(encoding="utf-8")
    else:
        assert (result.status, result.err.splitlines()[0]) == (1, f"error: {BAD}:6: {TOO_SLOW}")
    assert leftovers(root) == []


def test_catalogue_ids_are_unique() -> None:
    ids = [case.id for case in CATALOGUE]
    assert len(ids) == len(set(ids))
