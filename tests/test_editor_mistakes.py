"""Issue 20: the mistakes editors make that tests/bad_inputs.py's catalogue cannot show (it only builds).

Each test pins the message an editor now sees: where, what is wrong, what to do.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import article, run_cli
from ssg.commands.serve import DRAFTS_PREVIEW
from ssg.pipeline import BuildOptions, build
from test_deploy import git_identity, git_site  # noqa: F401 (fixtures)


def test_new_run_from_another_folder_prints_the_full_path(make_site, tmp_path, monkeypatch):
    root = make_site()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli("new", "article", "Call 999", "--root", root)
    assert result.status == 0, result.err
    printed = result.out.splitlines()[0]
    assert printed == str((root / "content/articles/call-999.md").resolve())
    assert Path(printed).is_file()


def test_new_run_from_inside_the_site_prints_a_path_from_there(make_site, monkeypatch):
    root = make_site()
    monkeypatch.chdir(root / "content")
    result = run_cli("new", "article", "Call 999", "--root", root)
    assert result.status == 0, result.err
    assert result.out.splitlines()[0] == "articles/call-999.md"


def test_deploy_where_git_has_no_name_says_what_to_set(git_site, monkeypatch, tmp_path):
    root, remote = git_site
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))  # no ~/.gitconfig
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    settings = tmp_path / "gitconfig"
    settings.write_text("[user]\n\tuseConfigOnly = true\n")  # git may not guess a name from the computer's
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(settings))
    result = run_cli("deploy", "--root", root, "--yes")
    assert result.status == 2
    assert result.err.splitlines() == [
        "error: deploy records each publication as a git commit, and git does not know your name and email yet.",
        "hint: run these two commands once, with your own name and email, then deploy again:",
        '  git config --global user.name "Your Name"',
        '  git config --global user.email "you@example.org"']
    assert "gh-pages" not in subprocess.run(["git", "branch"], cwd=remote, capture_output=True, text=True).stdout


def test_build_after_serve_drafts_counts_only_the_files_that_really_changed(make_site, build_site):
    root = make_site({"content/articles/a.md": article("A"), "content/articles/b.md": article("B")})
    assert build_site(root).status == 0
    build(BuildOptions(root=root, out=root / DRAFTS_PREVIEW, drafts=True))  # what `serve --drafts` builds
    again = build_site(root)
    assert again.status == 0, again.err
    assert "; 0 files changed, in " in again.out
    (root / "content/articles/b.md").write_text(article("B", body="New words."))
    build(BuildOptions(root=root, out=root / DRAFTS_PREVIEW, drafts=True))
    assert "; 1 file changed, in " in build_site(root).out  # the article's own page


def test_serve_drafts_labels_drafts_and_scheduled_pages_and_a_published_build_never_does(make_site, build_site):
    root = make_site({"content/articles/ready.md": article("Ready"),
                      "content/articles/unfinished.md": article("Unfinished", draft="true"),
                      "content/articles/later.md": article("Later", date="2099-06-01")})
    preview = root / DRAFTS_PREVIEW
    build(BuildOptions(root=root, out=preview, drafts=True))  # what `serve --drafts` builds
    label = '<p class="preview-label">{}</p>'
    assert label.format("Draft: this preview shows it, the public site does not.") in \
        (preview / "articles/unfinished/index.html").read_text()
    assert label.format("Scheduled for 1 June 2099: this preview shows it, the public site will from that day.") in \
        (preview / "articles/later/index.html").read_text()
    assert "preview-label" not in (preview / "articles/ready/index.html").read_text()

    assert build_site(root).status == 0
    published = [page.read_text() for page in (root / "_site").rglob("*.html")]
    assert published and not any("preview-label" in page for page in published)
    assert not (root / "_site/articles/unfinished").exists()
