"""The output folder is the only thing the generator owns (issue 6).

It refuses folders that could hold anything else (exit 2, nothing deleted), replaces a
folder only when it is empty or carries the marker file it writes, cleans up what a
killed build left, and two builds of the same input are byte-identical.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, article, run_cli, snapshot

MARKER = ".ssg-output"


def everything_under(folder: Path) -> dict[str, bytes | str]:
    """Files (bytes), folders and links under `folder`, to prove nothing was touched."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = f"link to {os.readlink(path)}"
        elif path.is_dir():
            found[name] = "folder"
        else:
            found[name] = path.read_bytes()
    return found


def refused(result, *words: str) -> None:
    assert result.status == 2, result.err
    assert result.err.startswith("error: refusing to ")
    assert "\nhint: " in result.err and "Traceback" not in result.err
    for word in words:
        assert word in result.err


@pytest.fixture
def site(make_site):
    return make_site({"content/articles/a.md": article("A")})


@pytest.mark.parametrize("where", ["the project itself", "its parent", "its grandparent"])
def test_refuses_the_project_or_a_folder_holding_it(site, where):
    out = {"the project itself": site, "its parent": site.parent, "its grandparent": site.parent.parent}[where]
    before = everything_under(site.parent)
    refused(run_cli("build", "--root", site, "--out", out), str(out.resolve()), "it holds the project")
    assert everything_under(site.parent) == before


def test_refuses_the_root_folder(site):
    refused(run_cli("build", "--root", site, "--out", "/"), "refusing to use / as the output folder")


def test_refuses_the_home_folder(site, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "letter.txt").write_text("Dear Sir")
    monkeypatch.setenv("HOME", str(home))
    refused(run_cli("build", "--root", site, "--out", home), "your home folder")
    assert (home / "Documents" / "letter.txt").read_text() == "Dear Sir"


def test_refuses_a_link_to_the_project(site, tmp_path):
    link = tmp_path / "innocent-looking"
    link.symlink_to(site)
    refused(run_cli("build", "--root", site, "--out", link), "it holds the project")
    assert (site / "content" / "articles" / "a.md").is_file()


@pytest.mark.parametrize("held", ["content", "templates", "site.yaml", ".git"])
def test_refuses_a_folder_that_looks_like_a_project(site, tmp_path, held):
    other = tmp_path / "other-project"
    other.mkdir()
    if held == "site.yaml":
        (other / held).write_text("title: Another site\n")
    else:
        (other / held).mkdir()
    (other / MARKER).write_text("even with our marker")
    before = everything_under(other)
    refused(run_cli("build", "--root", site, "--out", other), f"it holds {held}, so it looks like a project")
    assert everything_under(other) == before


@pytest.mark.parametrize("inside", ["content", "templates", "static"])
def test_refuses_a_folder_inside_the_sources(site, inside):
    before = everything_under(site / inside)
    refused(run_cli("build", "--root", site, "--out", site / inside / "_site"), "refusing to write the site inside")
    assert everything_under(site / inside) == before


def test_refuses_a_folder_it_did_not_make(site, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "holiday.jpg").write_bytes(b"\xff\xd8 a photo")
    refused(run_cli("build", "--root", site, "--out", photos), "it is not empty and was not made by build.py",
            f"it has no {MARKER} file")
    assert everything_under(photos) == {"holiday.jpg": b"\xff\xd8 a photo"}


def test_refuses_a_file(site, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    refused(run_cli("build", "--root", site, "--out", notes), "it is a file")
    assert notes.read_text() == "keep me"


def test_an_empty_folder_is_used_and_marked_as_ours(site, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert run_cli("build", "--root", site, "--out", out).status == 0
    assert (out / "articles" / "a" / "index.html").is_file()
    assert "written by build.py" in (out / MARKER).read_text()


def test_a_folder_it_made_is_replaced_whole(site, build_site):
    assert build_site(site).status == 0
    (site / "content" / "articles" / "a.md").unlink()
    assert build_site(site).status == 0
    assert not (site / "_site" / "articles" / "a").exists()
    assert (site / "_site" / MARKER).is_file()


def test_leftovers_of_a_killed_build_are_cleaned_up_and_only_ours(site, build_site):
    """Staging and old folders carry the marker; only those (or empty ones) are removed."""
    assert build_site(site).status == 0
    ours, empty, not_ours = site / "_site.staging-99999", site / "_site.staging-4242", site / "_site.staging-notes"
    (ours / "articles").mkdir(parents=True)
    (ours / MARKER).write_text("written by build.py")
    (ours / "articles" / "half.html").write_text("half a page")
    empty.mkdir()
    not_ours.mkdir()
    (not_ours / "plan.txt").write_text("someone's notes")
    assert build_site(site).status == 0
    assert not ours.exists() and not empty.exists()
    assert everything_under(not_ours) == {"plan.txt": b"someone's notes"}


def test_a_swap_cut_short_is_undone(site, build_site):
    """Killed between 'rename _site away' and 'rename staging in': the next build puts the old site back first."""
    assert build_site(site).status == 0
    good = snapshot(site / "_site")
    os.rename(site / "_site", site / "_site.old-12345")
    assert build_site(site, "--out", site / "_site").status == 0
    assert not (site / "_site.old-12345").exists()
    assert snapshot(site / "_site") == good


def _build_in_a_new_process(root: Path, out: Path, seed: str, jobs: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1735689600"}  # 1 January 2025
    subprocess.run([sys.executable, PROJECT / "build.py", "build", "--root", root, "--out", out, "--jobs", jobs],
                   check=True, capture_output=True, env=env, timeout=120)


@pytest.mark.slow
def test_two_builds_of_the_real_site_are_byte_identical(tmp_path):
    """Different processes, hash seeds, worker processes and output folders: the same bytes.

    SOURCE_DATE_EPOCH fixes the one "now" a build uses (what is scheduled, the feed's date).
    """
    root = tmp_path / "site"
    for name in ("content", "templates", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
    for number in range(60):  # enough documents for --jobs 2 to render in worker processes
        (root / "content" / "articles" / f"extra-{number}.md").write_text(
            article(f"Extra {number}", date=f"2024-03-{number % 28 + 1:02d}", tags=f"[law, extra-{number % 5}]"))
    _build_in_a_new_process(root, tmp_path / "one", seed="1", jobs="1")
    shutil.rmtree(root / ".cache")  # the second build starts from nothing too
    _build_in_a_new_process(root, tmp_path / "two", seed="2", jobs="2")
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert len(one) > 50
    assert one == two


@pytest.mark.parametrize("first, second", [("a/index.html", "a/index.html/x.html"), ("a/b", "a/b/index.html"),
                                           ("a/b/index.html", "a/b")])
def test_two_outputs_at_one_address_are_refused_with_a_plain_message(tmp_path, first, second):
    """A last defence (the site refuses such sources first): files and folders never overwrite each other."""
    from ssg.build.publish import Publisher
    from ssg.errors import SiteError
    publisher = Publisher(tmp_path / "_site", changes_only=False)
    publisher.write(first, b"first")
    with pytest.raises(SiteError, match="two sources would publish to the same address"):
        publisher.write(second, b"second")
    assert (publisher.staging / first).read_bytes() == b"first"
    publisher.write("deep/er/than/before/index.html", b"deep")  # missing folders are all made
    assert (publisher.staging / "deep/er/than/before/index.html").read_bytes() == b"deep"
    publisher.abandon()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("left", ["staging", "old"])
def test_what_a_build_running_in_another_process_has_made_is_left_to_it(make_site, left):
    """serve rebuilding while `build.py build` runs: neither removes the other's folders; once
    the other process has ended, what it left is cleaned up as after a kill."""
    from ssg.build.publish import MARKER_TEXT
    root = make_site({"content/articles/a.md": article("A")})
    assert run_cli("build", "--root", root).status == 0
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    folder = root / f"_site.{left}-{other.pid}"
    try:
        folder.mkdir()
        (folder / MARKER).write_text(MARKER_TEXT)
        (folder / "index.html").write_text("its work")
        assert run_cli("build", "--root", root).status == 0
        assert (folder / "index.html").read_text() == "its work"
    finally:
        other.kill()
        other.wait()
    assert run_cli("build", "--root", root).status == 0
    assert not folder.exists()
    assert "its work" not in (root / "_site/index.html").read_text()
