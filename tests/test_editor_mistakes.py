"""Issue 20: the mistakes editors make that tests/bad_inputs.py's catalogue cannot show (it only builds).

Each test pins the message an editor now sees: where, what is wrong, what to do.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from ssg.build.pipeline import BuildOptions, build
from ssg.commands.serve import DRAFTS_PREVIEW

from conftest import MINIMAL_CONFIG, article, run_cli, snapshot
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


BROKEN = "See [the missing page](/nowhere/)."


def test_check_one_file_lists_only_its_problems(make_site, monkeypatch):
    root = make_site({"content/articles/mine.md": article("Mine", body=BROKEN),
                      "content/articles/theirs.md": article("Theirs", body=BROKEN)})
    monkeypatch.chdir(root)
    result = run_cli("check", "--root", root, "content/articles/mine.md")
    assert result.status == 1
    lines = result.out.splitlines()
    assert lines[0] == ("content/articles/mine.md:6: error: the link 'the missing page' leads to /nowhere/, "
                        "which does not exist")
    assert "theirs.md" not in result.out
    assert lines[-1] == ("Checked 7 pages (showing 1 file: content/articles/mine.md): 1 error, 0 warnings, "
                         "0 for information.")


def test_check_a_file_outside_the_site_says_so(make_site, tmp_path):
    root = make_site()
    result = run_cli("check", "--root", root, tmp_path / "nothing.md")
    assert result.status == 2
    assert result.err.splitlines() == [f"error: {tmp_path / 'nothing.md'} is not a file of the site in {root}.",
                                       "hint: name files like content/articles/x.md, from the site's folder"]


def test_check_changed_lists_only_the_files_changed_since_the_last_commit(make_site):
    root = make_site({"content/articles/old.md": article("Old", body=BROKEN)})
    for command in (["init", "--quiet"], ["add", "--all"],
                    ["-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "x"]):
        subprocess.run(["git", *command], cwd=root, check=True)
    (root / "content/articles/new.md").write_text(article("New", body=BROKEN))  # untracked
    result = run_cli("check", "--root", root, "--changed")
    assert result.status == 1
    assert "content/articles/new.md:6: error: the link 'the missing page'" in result.out
    assert "old.md" not in result.out
    assert result.out.splitlines()[-1].startswith("Checked 7 pages (showing 1 file: content/articles/new.md): 1 error,")


def test_an_http_source_explained_in_site_yaml_is_a_note_not_a_warning(make_site):
    source = "sources:\n  - title: Old page\n    publisher: P\n    url: http://old.example.org/page\n"
    with_source = article("A").replace("date: 2024-01-02\n", "date: 2024-01-02\n" + source)
    root = make_site({"content/articles/a.md": with_source})
    warned = run_cli("check", "--root", root)
    assert ("content/articles/a.md:8: warning: the link 'Old page' goes to http://old.example.org/page, over "
            "http://, which is not secure\n  hint: use its https:// address if it has one (try it in a browser), "
            "or explain why not under `http_only:` in site.yaml") in warned.out
    with (root / "site.yaml").open("a") as config:
        config.write("http_only:\n  - address: http://old.example.org/\n    reason: the publisher has no https page\n")
    explained = run_cli("check", "--root", root, "--strict")
    assert explained.status == 0, explained.out
    assert ("content/articles/a.md:8: info: the link 'Old page' goes to http://old.example.org/page, on http://: "
            "the publisher has no https page\n  hint: explained under `http_only:` in site.yaml") in explained.out
    assert "warning:" not in explained.out


def test_the_shipped_site_has_no_http_warning(real_site_check):
    assert real_site_check.out.splitlines()[-1].startswith("Checked "), real_site_check.out + real_site_check.err
    assert "over http://" not in real_site_check.out and "is on http://, which" not in real_site_check.out


def test_build_warns_of_a_broken_link_and_a_picture_without_alt_text_and_strict_refuses(make_site, build_site):
    root = make_site({"content/articles/a.md": article("A")})
    assert build_site(root).status == 0
    before = snapshot(root / "_site")
    (root / "content/articles/a.md").write_text(article("A", body="Intro.\n\n[the law](/the-law/)\n\n![](/share.png)"))
    strict = build_site(root, "--strict")
    assert strict.status == 1
    assert strict.err.splitlines() == [
        "error: content/articles/a.md:8: the link 'the law' leads to /the-law/, which does not exist",
        "hint: check the address: link to pages like /how-to-help/ and to articles like other-article.md"]
    assert snapshot(root / "_site") == before

    result = build_site(root)
    assert result.status == 0
    assert result.err.splitlines() == [
        "warning: content/articles/a.md:8: the link 'the law' leads to /the-law/, which does not exist",
        "hint: check the address: link to pages like /how-to-help/ and to articles like other-article.md",
        "warning: content/articles/a.md:10: the picture '/share.png' has no alt text",
        "hint: describe what it shows for people who cannot see it: ![a few words on the picture](/share.png)"]


def test_strict_refuses_a_mistake_in_a_page_this_build_did_not_render(make_site, build_site):
    """A warm cache renders only what changed; --strict still looks at every page it publishes."""
    root = make_site({"content/articles/a.md": article("A", body="See [the law](/the-law/)."),
                      "content/articles/b.md": article("B")})
    assert build_site(root).status == 0  # a warning only
    (root / "content/articles/b.md").write_text(article("B", body="Edited."))
    strict = build_site(root, "--strict")
    assert strict.status == 1
    assert strict.err.splitlines()[0] == \
        "error: content/articles/a.md:6: the link 'the law' leads to /the-law/, which does not exist"
    assert (root / "_site/articles/a/index.html").exists()


def test_a_broken_menu_link_is_one_warning_not_one_per_page(make_site, build_site):
    root = make_site({"site.yaml": MINIMAL_CONFIG + "navigation:\n  - {title: Gone, url: /gone/}\n",
                      "content/articles/a.md": article("A"), "content/articles/b.md": article("B")})
    result = build_site(root)
    assert result.status == 0
    assert result.err.count("warning: ") == 1
    assert "the link 'Gone' leads to /gone/, which does not exist" in result.err
