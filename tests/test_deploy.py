"""`build.py deploy`, for real: to a local bare git repository and to a local folder."""
from __future__ import annotations

import dataclasses
import io
import os
import shlex
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from ssg.editor.deploy import MANIFEST, source_commit
from ssg.model.config import Deploy

from conftest import MINIMAL_CONFIG, PROJECT, article, run_cli, snapshot


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    """Commits need a name; and no GIT_DIR from outside may point git elsewhere."""
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(name, "Deploy Test")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(name, "deploy@example.org")
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")


@pytest.fixture
def no_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


class Terminal(io.StringIO):
    """Standard input that is a terminal where someone types `answer`."""

    def isatty(self) -> bool:
        return True


def git(*args: str | Path, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *map(str, args)], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def deploy_config(**settings: str | int) -> str:
    return MINIMAL_CONFIG + "deploy:\n" + "".join(f"  {key}: {value}\n" for key, value in settings.items())


def published_files(root: Path) -> dict[str, bytes]:
    files = snapshot(root / "_site")
    del files[".ssg-output"]
    return files


# --- directory --------------------------------------------------------------------------

@pytest.fixture
def folder_site(make_site, tmp_path):
    target = tmp_path / "share" / "site"
    target.parent.mkdir()
    root = make_site({"site.yaml": deploy_config(method="directory", path=target, max_deletes=2),
                      "content/articles/a.md": article("A")})
    return root, target


def test_directory_deploy_copies_the_built_site_and_records_it(folder_site):
    root, target = folder_site
    result = run_cli("deploy", "--root", root)
    assert result.status == 0, result.err
    files = published_files(root)
    assert result.out.splitlines()[-1] == f"Published to {target}: {len(files)} added, 0 updated, 0 deleted."
    deployed = snapshot(target)
    manifest = deployed.pop(MANIFEST).decode().splitlines()
    assert deployed == files
    assert manifest[1:] == sorted(files)


def test_deployed_files_can_be_read_by_the_web_server(folder_site):
    root, target = folder_site
    before = os.umask(0o022)
    try:
        assert run_cli("deploy", "--root", root).status == 0
    finally:
        os.umask(before)
    modes = {path.relative_to(target).as_posix(): stat.S_IMODE(path.stat().st_mode)
             for path in target.rglob("*") if path.is_file()}
    assert MANIFEST in modes and "index.html" in modes
    assert set(modes.values()) == {0o644}


def test_a_second_deploy_with_nothing_new_changes_nothing(folder_site):
    root, target = folder_site
    run_cli("deploy", "--root", root)
    result = run_cli("deploy", "--root", root)
    assert result.status == 0
    assert result.out.splitlines()[-1] == f"Nothing to publish: the folder {target} already has this site."


def test_deploy_deletes_only_what_the_last_deploy_put_there(folder_site):
    root, target = folder_site
    (target).mkdir()
    (target / "notes.txt").write_text("someone else's")
    (target / "articles").mkdir()
    (target / "articles" / "old.html").write_text("also someone else's")
    run_cli("deploy", "--root", root)
    (root / "content/articles/a.md").unlink()
    result = run_cli("deploy", "--root", root)
    assert result.status == 0, result.err
    assert not (target / "articles/a").exists()
    assert (target / "notes.txt").read_text() == "someone else's"
    assert (target / "articles/old.html").read_text() == "also someone else's"
    assert {p for p in snapshot(target) if p not in ("notes.txt", "articles/old.html", MANIFEST)} == \
        set(published_files(root))


def test_deploy_never_replaces_a_file_it_did_not_put_there(folder_site):
    root, target = folder_site
    target.mkdir()
    (target / "index.html").write_text("the old site")
    result = run_cli("deploy", "--root", root)
    assert result.status == 2
    assert (f"error: refusing to deploy into {target}: it already has index.html, which an earlier deploy did not "
            "put there, and deploy never replaces such files.") in result.err
    assert snapshot(target) == {"index.html": b"the old site"}


def test_dry_run_lists_the_changes_and_changes_nothing(folder_site):
    root, target = folder_site
    run_cli("deploy", "--root", root)
    before = snapshot(target)
    (root / "content/articles/a.md").unlink()
    (root / "content/articles/b.md").write_text(article("B"))
    result = run_cli("deploy", "--dry-run", "--root", root)
    assert result.status == 0
    assert "add     articles/b/index.html" in result.out.splitlines()
    assert "delete  articles/a/index.html" in result.out.splitlines()
    assert "update  feed.xml" in result.out.splitlines()
    assert result.out.splitlines()[-1].startswith("Dry run: 1 to add, ")
    assert result.out.splitlines()[-1].endswith(f", 1 to delete in the folder {target}. Nothing was changed.")
    assert snapshot(target) == before


def many_deletions(root: Path) -> None:
    """Remove an article with three tags: its page and its three tag pages go (more than max_deletes: 2)."""
    (root / "content/articles/a.md").write_text(article("A", tags="[one, two, three]"))


def test_deleting_more_than_max_deletes_without_a_terminal_is_refused(folder_site, no_terminal):
    root, target = folder_site
    many_deletions(root)
    run_cli("deploy", "--root", root)
    (root / "content/articles/a.md").unlink()
    before = snapshot(target)
    result = run_cli("deploy", "--root", root)
    assert result.status == 2
    assert (f"error: refusing to go on without asking: this deploy deletes 4 files from the folder {target}, "
            "more than max_deletes (2) in site.yaml.\nhint: see them with `python build.py deploy --dry-run`, "
            "then run `python build.py deploy --yes` if that is right") in result.err
    assert snapshot(target) == before
    assert run_cli("deploy", "--yes", "--root", root).status == 0
    assert not (target / "tags/one").exists()


@pytest.mark.parametrize("answer, status", [("yes\n", 0), ("no\n", 1)])
def test_a_large_deletion_asks_first(folder_site, monkeypatch, answer, status):
    root, target = folder_site
    many_deletions(root)
    run_cli("deploy", "--root", root)
    (root / "content/articles/a.md").unlink()
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    result = run_cli("deploy", "--root", root)
    assert result.status == status
    assert f"Careful: this deploy deletes 4 files from the folder {target}" in result.out
    assert (target / "tags/one/index.html").exists() is (status == 1)


def test_a_site_that_fails_check_is_not_deployed(folder_site):
    root, target = folder_site
    (root / "content/articles/a.md").write_text(article("A", body="A [broken link](/nowhere/)."))
    result = run_cli("deploy", "--root", root)
    assert result.status == 1
    assert "content/articles/a.md:6: error: the link 'broken link' leads to /nowhere/, which does not exist" \
        in result.out
    assert result.err == "Not published: fix the problems above, then deploy again.\n"
    assert not target.exists()


def test_deploy_checks_the_sources_also_after_a_build_with_nothing_new(folder_site, monkeypatch):
    from ssg.model import content
    monkeypatch.setattr(content, "RACY_SECONDS", -1.0)  # trust the files just written: a build may stop early
    root, target = folder_site
    (root / "content/articles/a.md").write_text(article("A", body="A [broken link](/nowhere/)."))
    assert run_cli("build", "--root", root).status == 0  # a warning
    assert run_cli("build", "--root", root).status == 0  # nothing new: this one stops early
    result = run_cli("deploy", "--root", root)
    assert result.status == 1
    assert "content/articles/a.md:6: error: the link 'broken link' leads to /nowhere/, which does not exist" \
        in result.out
    assert not target.exists()


def test_strict_deploy_refuses_warnings_too(folder_site):
    root, target = folder_site
    (root / "content/articles/a.md").write_text(article("A", body="[Old](http://example.com/)."))
    assert run_cli("deploy", "--strict", "--root", root).status == 1
    assert not target.exists()
    assert run_cli("deploy", "--root", root).status == 0


@pytest.mark.parametrize("path, message", [
    (".", "it holds the project"),
    ("..", "it holds the project"),
    ("_site/copy", "it is the built site's own folder"),
    ("/no/such/share/site", "the folder /no/such/share does not exist.\nhint: if it is a network share, check "
                            "that it is mounted"),
])
def test_unsafe_folders_are_refused(make_site, path, message):
    root = make_site({"site.yaml": deploy_config(method="directory", path=path)})
    result = run_cli("deploy", "--root", root)
    assert result.status == 2
    assert message in result.err


def test_deploy_needs_settings_in_site_yaml(make_site):
    result = run_cli("deploy", "--root", make_site())
    assert result.status == 1
    assert result.err.startswith("error: site.yaml: site.yaml has no deploy settings, so the site cannot be "
                                 "published\nhint: add a deploy: section")


def test_each_method_needs_its_address(make_site):
    result = run_cli("deploy", "--root", make_site({"site.yaml": deploy_config(method="git")}))
    assert result.status == 1
    assert result.err == ("error: site.yaml:10: deploy has method: git but no remote\n"
                          "hint: add `remote:` under deploy:, like remote: git@github.com:org/site.git\n")


def test_an_unknown_method_is_refused(make_site):
    result = run_cli("deploy", "--root", make_site({"site.yaml": deploy_config(method="ftp")}))
    assert result.status == 1
    assert "site.yaml:11: 'method' should be git or directory, not the text 'ftp'" in result.err


def test_deploy_never_publishes_drafts(folder_site):
    root, _ = folder_site
    result = run_cli("deploy", "--drafts", "--root", root)
    assert result.status == 2
    assert "deploy never publishes drafts" in result.err


# --- git --------------------------------------------------------------------------------

@pytest.fixture
def git_site(make_site, tmp_path):
    """A site that is itself a git checkout, deploying to a bare repository next to it."""
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", remote)
    config = deploy_config(method="git", remote="../remote.git", branch="gh-pages", max_deletes=2)
    root = make_site({"site.yaml": config,
                      "content/articles/a.md": article("A"), ".gitignore": "_site/\n_site.*/\n.cache/\n"})
    git("init", "--quiet", "--initial-branch=main", cwd=root)
    git("add", "--all", cwd=root)
    git("commit", "--quiet", "-m", "the source", cwd=root)
    return root, remote


def project_state(root: Path) -> tuple:
    """What deploy must leave as it was: branch, HEAD, branches, status and the index file's bytes."""
    return (git("symbolic-ref", "HEAD", cwd=root), git("rev-parse", "HEAD", cwd=root),
            git("branch", "--list", cwd=root), git("status", "--porcelain", cwd=root),
            (root / ".git/index").read_bytes())


def branch_files(remote: Path, branch: str = "gh-pages") -> dict[str, bytes]:
    names = git("ls-tree", "-r", "--name-only", branch, cwd=remote).splitlines()
    return {name: subprocess.run(["git", "show", f"{branch}:{name}"], cwd=remote, check=True,
                                 capture_output=True).stdout for name in names}


def test_git_deploy_commits_the_site_to_the_branch_and_names_the_source(git_site):
    root, remote = git_site
    source = git("rev-parse", "HEAD", cwd=root)
    before = project_state(root)
    result = run_cli("deploy", "--root", root)
    assert result.status == 0, result.err
    assert result.out.splitlines()[-1].startswith(f"Published to branch gh-pages of {remote}: commit ")
    assert branch_files(remote) == {**published_files(root), ".nojekyll": b""}
    assert git("log", "--format=%s", "gh-pages", cwd=remote) == f"Publish the site built from commit {source}"
    assert project_state(root) == before


def test_git_deploy_keeps_history_and_skips_unchanged_sites(git_site):
    root, remote = git_site
    run_cli("deploy", "--root", root)
    first = git("rev-parse", "gh-pages", cwd=remote)
    (root / "content/articles/b.md").write_text(article("B"))
    result = run_cli("deploy", "--root", root)
    assert result.status == 0, result.err
    assert git("rev-parse", "gh-pages^", cwd=remote) == first
    assert "articles/b/index.html" in branch_files(remote)
    assert git("log", "-1", "--format=%s", "gh-pages", cwd=remote).endswith("with uncommitted changes")
    second = git("rev-parse", "gh-pages", cwd=remote)
    again = run_cli("deploy", "--root", root)
    assert again.out.splitlines()[-1] == f"Nothing to publish: branch gh-pages of {remote} already has this site."
    assert git("rev-parse", "gh-pages", cwd=remote) == second


def test_git_dry_run_lists_changes_and_pushes_nothing(git_site):
    root, remote = git_site
    run_cli("deploy", "--root", root)
    first = git("rev-parse", "gh-pages", cwd=remote)
    (root / "content/articles/a.md").unlink()
    result = run_cli("deploy", "--dry-run", "--root", root)
    assert result.status == 0
    assert "delete  articles/a/index.html" in result.out.splitlines()
    assert git("rev-parse", "gh-pages", cwd=remote) == first


def test_git_deploy_asks_before_a_large_deletion_too(git_site, no_terminal):
    root, remote = git_site
    many_deletions(root)
    run_cli("deploy", "--root", root)
    published = git("rev-parse", "gh-pages", cwd=remote)
    (root / "content/articles/a.md").unlink()
    result = run_cli("deploy", "--root", root)
    assert result.status == 2
    assert f"this deploy deletes 4 files from branch gh-pages of {remote}, more than max_deletes (2)" in result.err
    assert git("rev-parse", "gh-pages", cwd=remote) == published


def test_git_deploy_from_a_folder_that_is_not_a_checkout(make_site, tmp_path):
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", remote)
    root = make_site({"site.yaml": deploy_config(method="git", remote=remote)})
    assert run_cli("deploy", "--root", root).status == 0
    assert git("log", "--format=%s", "gh-pages", cwd=remote) == \
        "Publish the site (its source folder is not a git checkout)"


def test_an_unreachable_remote_is_reported(make_site, tmp_path):
    root = make_site({"site.yaml": deploy_config(method="git", remote=tmp_path / "missing.git")})
    result = run_cli("deploy", "--root", root)
    assert result.status == 1
    assert result.err.startswith(f"error: site.yaml:10: could not reach {tmp_path / 'missing.git'}: ")
    assert "hint: check deploy: remote: and branch: in site.yaml, and that you are allowed to push there" in result.err


# --- ready-made configuration for hosts ---------------------------------------------------

def workflow_commands() -> list[str]:
    """The build.py commands the GitHub Pages workflow runs, with the address GitHub would give."""
    steps = yaml.safe_load((PROJECT / ".github/workflows/pages.yml").read_text())["jobs"]["build"]["steps"]
    assert steps[-1]["with"]["path"] == "_site"
    return [step["run"].replace("${{ steps.pages.outputs.base_url }}", "https://org.github.io/site")
            for step in steps if "build.py" in step.get("run", "")]


def netlify_commands() -> list[str]:
    netlify = tomllib.loads((PROJECT / "netlify.toml").read_text())["build"]
    assert netlify["publish"] == "_site"
    return netlify["command"].split(" && ")


@pytest.mark.parametrize("commands, address", [(workflow_commands, "https://org.github.io/site/"),
                                               (netlify_commands, "https://example.org/")])
def test_the_hosting_configurations_check_then_build(make_site, commands, address):
    root = make_site({"content/articles/a.md": article("A")})
    assert [shlex.split(command)[2] for command in commands()] == ["check", "build"]
    for command in commands():
        result = run_cli(*shlex.split(command)[2:], "--root", root)
        assert result.status == 0, result.out + result.err
    assert f'<link rel="canonical" href="{address}articles/a/">' in \
        (root / "_site/articles/a/index.html").read_text()


def test_the_hosting_configurations_stop_when_check_fails(make_site):
    root = make_site({"content/articles/a.md": article("A", body="[Broken](/nowhere/)")})
    for commands in (workflow_commands, netlify_commands):
        assert run_cli(*shlex.split(commands()[0])[2:], "--root", root).status == 1


def test_the_hosting_guide_describes_every_deploy_setting():
    guide = (PROJECT / "docs/hosting.md").read_text()
    for setting in dataclasses.fields(Deploy):
        assert f"| `{setting.name}` |" in guide


# --- attacks: deploy settings and the manifest are data, never commands ------------------------
# Each of these got through before deploy checked its inputs (see docs/security.md, "Deploy").

def test_a_remote_that_is_an_option_never_runs_a_command(make_site, tmp_path):
    pwned = tmp_path / "pwned"
    # Read as git's --upload-pack option, this ran `touch` even with --dry-run.
    root = make_site({"site.yaml": deploy_config(method="git", remote=f"'--upload-pack=touch {pwned};://'")})
    result = run_cli("deploy", "--dry-run", "--root", root)
    assert not pwned.exists()
    assert result.status == 1
    assert result.err.startswith("error: site.yaml:12: deploy: remote: should be an https://, ssh:// or git:// "
                                 "address, user@host:path, or the path of a folder, not '--upload-pack=touch ")


@pytest.mark.parametrize("remote", [
    "-oProxyCommand=touch PWNED",
    "ext::sh -c touch% PWNED",                       # git's command transport
    "fd::17",                                         # a transport over open file descriptors
    "file::PWNED",
    "ssh://-oProxyCommand=touch%20PWNED/x",          # an ssh host that is an option
    "git@-oProxyCommand=true:x",
    "https://example.org/site.git\ttouch PWNED",     # control characters
    "ftp://example.org/site.git",                    # not an allowed transport
])
def test_remotes_are_checked_against_an_allow_list(make_site, tmp_path, remote):
    pwned = tmp_path / "PWNED"
    remote = remote.replace("PWNED", str(pwned))
    root = make_site({"site.yaml": deploy_config(method="git", remote=yaml.safe_dump(remote).strip()
                                                 .removesuffix("\n...").replace("\n", " "))})
    result = run_cli("deploy", "--dry-run", "--root", root)
    assert result.status == 1, result.err
    assert "deploy: remote: should be an https://, ssh:// or git:// address" in result.err
    assert not pwned.exists()
    assert not (root / "_site").exists()  # refused before anything was built


@pytest.mark.parametrize("remote", ["https://github.com/org/site.git", "ssh://git@example.org:2222/org/site.git",
                                    "git@github.com:org/site.git", "example.org:site.git"])
def test_ordinary_remotes_are_accepted(remote):
    from ssg.editor.deploy import git_remote
    assert git_remote(remote, Path("/unused")) == remote


def test_a_remote_folder_must_be_a_folder(make_site, tmp_path):
    (tmp_path / "a-file").write_text("x")
    root = make_site({"site.yaml": deploy_config(method="git", remote=tmp_path / "a-file")})
    result = run_cli("deploy", "--dry-run", "--root", root)
    assert result.status == 1
    assert f"could not reach {tmp_path / 'a-file'}: it is not a folder" in result.err


@pytest.mark.parametrize("branch", ["--force", "-x", "a..b", "x.lock", "a/.b"])
def test_branch_names_are_checked_by_gits_rules(git_site, branch):
    """Names site.yaml's character allow-list lets through, but git refuses (or reads as an option)."""
    root, _ = git_site
    text = (root / "site.yaml").read_text().replace("branch: gh-pages", f"branch: {branch}")
    (root / "site.yaml").write_text(text)
    result = run_cli("deploy", "--dry-run", "--root", root)
    assert result.status == 1, result.err
    assert "site.yaml:13: 'branch' should be a branch name like gh-pages, not the text" in result.err


def test_git_deploy_still_works_to_a_branch_with_a_slash(git_site):
    root, remote = git_site
    (root / "site.yaml").write_text((root / "site.yaml").read_text().replace("branch: gh-pages", "branch: site/live"))
    assert run_cli("deploy", "--root", root).status == 0
    assert "index.html" in branch_files(remote, "site/live")


def plant_manifest(target: Path, *names: str) -> None:
    target.mkdir(exist_ok=True)
    (target / MANIFEST).write_text("# planted\n" + "".join(f"{name}\n" for name in names))


@pytest.mark.parametrize("name", ["../victim.txt", "{outside}/victim.txt", "escape/victim.txt",
                                  "./../share/victim.txt"])
def test_a_manifest_naming_files_outside_the_folder_is_refused(folder_site, name):
    root, target = folder_site
    victim = target.parent / "victim.txt"
    victim.write_text("not the site's")
    target.mkdir()
    (target / "escape").symlink_to(target.parent)
    plant_manifest(target, name.format(outside=target.parent))
    result = run_cli("deploy", "--yes", "--root", root)
    assert victim.read_text() == "not the site's"  # before: deleted, as a file the last deploy put there
    assert result.status == 2
    assert f"refusing to deploy into {target}: its manifest {MANIFEST} names " in result.err
    assert sorted(p.name for p in target.iterdir()) == sorted([MANIFEST, "escape"])  # nothing was copied


def test_a_symlinked_folder_in_the_deploy_folder_is_never_written_through(folder_site):
    root, target = folder_site
    outside = target.parent / "outside"
    outside.mkdir()
    target.mkdir()
    (target / "articles").symlink_to(outside)
    result = run_cli("deploy", "--root", root)
    assert result.status == 2
    assert list(outside.iterdir()) == []  # before: the articles were written into the outside folder
    assert "articles" in result.err


@pytest.mark.parametrize("path", ["static/published", "public", "content/../deployed"])
def test_a_deploy_folder_inside_the_project_is_refused(make_site, path):
    root = make_site({"site.yaml": deploy_config(method="directory", path=path)})
    result = run_cli("deploy", "--root", root)
    assert result.status == 2
    assert "it is inside the project" in result.err
    assert not (root / path).exists()


def test_the_generators_own_folders_beside_the_site_are_not_uncommitted_changes(tmp_path):
    """_site.spare/ (kept between builds) and _site.staging-*/ (during one) are the generator's, ignored or not."""
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "content" / "a.md").write_text("A\n")
    (root / ".gitignore").write_text("_site/\n")
    git("init", "--quiet", "--initial-branch=main", cwd=root)
    git("add", "--all", cwd=root)
    git("commit", "--quiet", "-m", "the source", cwd=root)
    for folder in ("_site.spare", "_site.staging-twin-42"):
        (root / folder).mkdir()
        (root / folder / "index.html").write_text("x")
    assert not source_commit(root).endswith("with uncommitted changes")
    (root / "notes.spare").write_text("an editor's own file")
    assert source_commit(root).endswith("with uncommitted changes")
