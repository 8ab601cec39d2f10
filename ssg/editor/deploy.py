"""`build.py deploy`: publish the built site to static hosting, as site.yaml's `deploy:` says.

Two methods, each first making a Plan (what to add, update and delete), so that
--dry-run can show it and a large deletion can be confirmed before anything changes:

    git        commit the site to a branch (gh-pages) of a remote and push it, keeping
               history, like ghp-import and `mkdocs gh-deploy`. The commit is made in a
               temporary bare repository, so the project's working tree, index and current
               branch are never touched (the project need not even be a git checkout).
    directory  copy the site into a folder (a mounted share, a folder a web server or
               rsync serves). A manifest in that folder lists what the last deploy put
               there: only those files are ever deleted, and a file that is not in it is
               never overwritten.
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ssg.build.publish import MARKER, PROJECT_FILES
from ssg.errors import SiteError, UsageError
from ssg.model.config import CONFIG_FILE, Config, Deploy
from ssg.safe_files import holds_the_project, remove_empty_folders, write_atomically

MANIFEST = ".ssg-deploy-manifest"
MANIFEST_HEADER = "# Files the last `build.py deploy` put in this folder; the next deploy may delete only these.\n"
SHARED_FILE_MODE = 0o666  # before the umask, as for any new file: the web server must read what deploy writes
NO_JEKYLL = ".nojekyll"  # tells GitHub Pages to publish the files as they are (it would hide _headers)
# The remotes deploy accepts: an allow-list, since git can run commands through other
# transports (ext::, fd::) and through options (a remote or host that starts with `-`).
URL_SCHEMES = ("https", "http", "ssh", "git")
HOST = r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
SCP_LIKE = re.compile(rf"(?:[A-Za-z0-9._][A-Za-z0-9._-]*@)?{HOST}:(?!:)[^-].*")   # git@github.com:org/site.git
REMOTE_HINT = ("use an address like https://github.com/org/site.git or git@github.com:org/site.git, "
               "or the path of a folder holding a git repository")
# Git settings from the environment that would point git at another repository.
GIT_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
                          "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_PREFIX")


@dataclass(frozen=True)
class Plan:
    """What a deploy changes, as paths relative to the site's top folder."""
    target: str                  # in words: "branch gh-pages of git@github.com:org/site.git"
    added: tuple[str, ...]
    changed: tuple[str, ...]
    deleted: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.deleted)

    def summary(self) -> str:
        return f"{len(self.added)} to add, {len(self.changed)} to update, {len(self.deleted)} to delete"

    def listing(self) -> str:
        """One line per file: 'add about/index.html', 'update ...', 'delete ...'."""
        lines = [f"add     {p}" for p in self.added] + [f"update  {p}" for p in self.changed]
        return "\n".join(lines + [f"delete  {p}" for p in self.deleted])


def site_files(site: Path) -> list[str]:
    """Every file of a built site, relative and sorted, without the build's own marker file."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and p.name != MARKER)


def deploy_settings(config: Config, root: Path) -> Deploy:
    """The deploy section of site.yaml, refused with a clear message when it cannot work."""
    settings = config.deploy
    line = _line_of_deploy(root)
    if not settings.method:
        raise SiteError(CONFIG_FILE, line, "site.yaml has no deploy settings, so the site cannot be published",
                        "add a deploy: section, like `deploy: {method: directory, path: /mnt/share/site}` "
                        "(docs/hosting.md explains each method)")
    needed = {"git": "remote", "directory": "path"}[settings.method]
    if not getattr(settings, needed):
        example = {"remote": "git@github.com:org/site.git", "path": "/mnt/share/site"}[needed]
        raise SiteError(CONFIG_FILE, line, f"deploy has method: {settings.method} but no {needed}",
                        f"add `{needed}:` under deploy:, like {needed}: {example}")
    if settings.method == "git":
        git_remote(settings.remote, root)
        _check_branch(settings.branch, root)
    return settings


def _line_of_deploy(root: Path, key: str | None = None) -> int | None:
    """The line of `deploy:` in site.yaml, or of the `key:` in it."""
    lines = (root / CONFIG_FILE).read_text(encoding="utf-8-sig").split("\n")
    start = next((n for n, line in enumerate(lines) if re.match(r"deploy\s*:", line)), None)
    if start is None or key is None:
        return None if start is None else start + 1
    inside = [(n, line) for n, line in enumerate(lines[start + 1:], start=start + 2)]
    return next((n for n, line in inside if re.match(rf"\s+{key}\s*:", line)), start + 1)


def _check_branch(branch: str, root: Path) -> None:
    """Git's own rules for branch names (no `..`, no `.lock`...), on top of the characters site.yaml allows."""
    if not branch.startswith("-") and _git_accepts_branch(branch):
        return
    raise SiteError(CONFIG_FILE, _line_of_deploy(root, "branch"), f"'branch' should be a branch name like gh-pages, "
                    f"not the text {branch!r}", "git does not accept it: a branch name may not start with '-' or '.', "
                    "hold '..', or end with '.lock' or '/'")


def _git_accepts_branch(branch: str) -> bool:
    try:  # refs/heads/ first: the name never stands where git reads an option
        return subprocess.run(["git", "check-ref-format", f"refs/heads/{branch}"], capture_output=True).returncode == 0
    except FileNotFoundError:
        raise _NO_GIT from None


def open_target(settings: Deploy, root: Path, site: Path) -> GitTarget | DirectoryTarget:
    """The deploy target site.yaml describes; use it in a `with` block."""
    if settings.method == "git":
        return GitTarget(git_remote(settings.remote, root), settings.branch, root)
    return DirectoryTarget(_folder(settings.path, root), root, site)


def git_remote(remote: str, root: Path) -> str:
    """A URL or user@host:path as it is; a folder path relative to the site folder made absolute.

    Anything else is refused: see docs/security.md ("Deploy").
    """
    if remote.startswith("-") or "::" in remote or any(ord(c) < 32 or ord(c) == 127 for c in remote):
        raise _bad_remote(remote, root)
    if "://" in remote:
        return _checked_url(remote, root)
    before_colon = remote.split(":", 1)[0]
    if ":" in remote and "/" not in before_colon and len(before_colon) > 1:
        if not SCP_LIKE.fullmatch(remote):
            raise _bad_remote(remote, root)
        return remote
    folder = (root / Path(remote).expanduser()).resolve()
    if folder.exists() and not folder.is_dir():
        raise SiteError(CONFIG_FILE, _line_of_deploy(root, "remote"),
                        f"could not reach {folder}: it is not a folder", REMOTE_HINT)
    return str(folder)


def _checked_url(remote: str, root: Path) -> str:
    try:
        parts = urlsplit(remote)
        host_ok = parts.hostname is not None and re.fullmatch(HOST, parts.hostname) is not None
        _ = parts.port  # reading a port that is not a number raises ValueError
    except ValueError:
        host_ok = False
    if parts.scheme not in URL_SCHEMES or not host_ok or " " in remote or not parts.path.startswith("/"):
        raise _bad_remote(remote, root)
    return remote


def _bad_remote(remote: str, root: Path) -> SiteError:
    return SiteError(CONFIG_FILE, _line_of_deploy(root, "remote"),
                     f"deploy: remote: should be an https://, ssh:// or git:// address, user@host:path, or the path of "
                     f"a folder, not {remote!r}", REMOTE_HINT)


def _folder(path: str, root: Path) -> Path:
    return (root / Path(path).expanduser()).resolve()


# --- directory ------------------------------------------------------------------------

class DirectoryTarget:
    """A folder the site is copied into, keeping a manifest of what it put there."""

    def __init__(self, folder: Path, root: Path, site: Path) -> None:
        self.folder = folder
        self._refuse_unsafe(root.resolve(), site.resolve())

    def __enter__(self) -> DirectoryTarget:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    @property
    def description(self) -> str:
        return f"the folder {self.folder}"

    def _refuse_unsafe(self, root: Path, site: Path) -> None:
        folder, hint = self.folder, "\nhint: set deploy: path: in site.yaml to a folder of its own"
        if holds_the_project(folder, root):
            raise UsageError(f"refusing to deploy into {folder}: it holds the project (or is /, or your home folder)."
                             + hint)
        if folder.is_relative_to(site) or site.is_relative_to(folder):
            raise UsageError(f"refusing to deploy into {folder}: it is the built site's own folder, or holds it."
                             + hint)
        if folder.is_relative_to(root):
            raise UsageError(f"refusing to deploy into {folder}: it is inside the project {root}, whose files the "
                             "next build could publish." + hint)
        if not folder.parent.is_dir():
            raise UsageError(f"refusing to deploy into {folder}: the folder {folder.parent} does not exist."
                             "\nhint: if it is a network share, check that it is mounted")
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"refusing to deploy into {folder}: it is a file, not a folder." + hint)
        held = [name for name in PROJECT_FILES if (folder / name).exists()]
        if held:
            raise UsageError(f"refusing to deploy into {folder}: it holds {', '.join(held)}, so it looks like a "
                             "project." + hint)

    def manifest(self) -> set[str]:
        """The names the last deploy wrote: data read from disk, so each must lie inside the folder."""
        try:
            text = (self.folder / MANIFEST).read_text(encoding="utf-8")
        except FileNotFoundError:
            return set()
        names = {line for line in text.split("\n") if line and not line.startswith("#")}
        for name in sorted(names):
            if not self._inside(name):
                raise UsageError(f"refusing to deploy into {self.folder}: its manifest {MANIFEST} names {name!r}, "
                                 "which is outside the folder.\nhint: someone edited the manifest or put a link "
                                 "in the folder: check both, remove that line, and deploy again")
        return names

    def _inside(self, name: str) -> bool:
        """True if `name` is a plain relative path that, following any links, stays inside the folder."""
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or any(part in ("", ".", "..") for part in parts):
            return False
        return (self.folder / name).resolve().is_relative_to(self.folder.resolve())

    def plan(self, site: Path) -> Plan:
        ours, files = self.manifest(), site_files(site)
        outside = [name for name in files if not self._inside(name)]
        if outside:
            raise UsageError(f"refusing to deploy into {self.folder}: {outside[0]} would be written through a link "
                             "that leaves the folder.\nhint: remove the link from the deploy folder and deploy again")
        added, changed, strangers = [], [], []
        for name in files:
            target = self.folder / name
            if not target.exists() and not self._blocked(name):
                added.append(name)
            elif not target.is_file() or (name not in ours and not _same_bytes(site / name, target)):
                strangers.append(name)
            elif not _same_bytes(site / name, target):
                changed.append(name)
        if strangers:
            shown = ", ".join(strangers[:5]) + (f" and {len(strangers) - 5} more" if len(strangers) > 5 else "")
            raise UsageError(f"refusing to deploy into {self.folder}: it already has {shown}, which an earlier "
                             f"deploy did not put there, and deploy never replaces such files."
                             "\nhint: move them out of the folder (or empty it) and deploy again")
        deleted = sorted(name for name in ours - set(files) if (self.folder / name).is_file())
        return Plan(self.description, tuple(added), tuple(changed), tuple(deleted))

    def _blocked(self, name: str) -> bool:
        """True when a file stands where the site needs a folder (a file 'about' for 'about/index.html')."""
        parent = self.folder
        for part in name.split("/")[:-1]:
            parent = parent / part
            if parent.exists() and not parent.is_dir():
                return True
        return False

    def apply(self, site: Path, plan: Plan) -> str:
        """Copy, then delete, then record; the manifest always covers every file deploy may have written."""
        self.folder.mkdir(exist_ok=True)
        files = site_files(site)
        self._write_manifest(self.manifest() | set(files))  # first: a deploy cut short still knows its files
        # Pictures, styles and other files first, pages last: a page never links to a file not there yet.
        for name in sorted(plan.added + plan.changed, key=lambda n: (n.endswith(".html"), n)):
            _copy_atomically(site / name, self.folder / name)
        for name in plan.deleted:
            (self.folder / name).unlink()
            remove_empty_folders((self.folder / name).parent, self.folder)
        self._write_manifest(set(files))
        return f"Published to {self.folder}: {len(plan.added)} added, {len(plan.changed)} updated, " \
               f"{len(plan.deleted)} deleted."

    def _write_manifest(self, names: set[str]) -> None:
        listing = MANIFEST_HEADER + "".join(f"{name}\n" for name in sorted(names))
        write_atomically(self.folder / MANIFEST, listing.encode("utf-8"), mode=SHARED_FILE_MODE)


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def _copy_atomically(source: Path, target: Path) -> None:
    """Readers of the folder see the old file or the new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, source.read_bytes(), mode=SHARED_FILE_MODE)


# --- git ------------------------------------------------------------------------------

class GitTarget:
    """A branch of a git remote, written through a temporary bare repository."""

    def __init__(self, remote: str, branch: str, root: Path) -> None:
        self.remote, self.branch, self.root = remote, branch, root
        self.git_dir = Path()               # the temporary repository, inside `with`
        self.previous: str | None = None    # the branch's last commit on the remote
        self.tree = ""                      # the new site's tree, once planned

    @property
    def description(self) -> str:
        return f"branch {self.branch} of {self.remote}"

    def __enter__(self) -> GitTarget:
        self._temporary = tempfile.TemporaryDirectory(prefix="ssg-deploy-")
        self.git_dir = Path(self._temporary.name) / "repo.git"
        self._git("init", "--quiet", "--bare", what="prepare a temporary repository")
        return self

    def __exit__(self, *_: object) -> None:
        self._temporary.cleanup()

    def _git(self, *args: str, what: str, work_tree: Path | None = None, stdin: str | None = None) -> str:
        """Run git on the temporary repository; a failure is reported with git's own words."""
        env = {k: v for k, v in os.environ.items() if k not in GIT_LOCATION_VARIABLES}
        env.update(GIT_DIR=str(self.git_dir), GIT_INDEX_FILE=str(self.git_dir / "ssg-index"))
        if work_tree:
            env["GIT_WORK_TREE"] = str(work_tree)
        try:
            done = subprocess.run(["git", *args], cwd=work_tree or self.git_dir.parent, env=env, input=stdin,
                                  capture_output=True, text=True)
        except FileNotFoundError:
            raise _NO_GIT from None
        if done.returncode != 0:
            said = " ".join(done.stderr.split()) or f"git {args[0]} failed"
            if "tell me who you are" in said.lower() or "identity unknown" in said:
                raise UsageError(NO_GIT_IDENTITY)
            raise SiteError(CONFIG_FILE, _line_of_deploy(self.root), f"could not {what}: {said}",
                            _git_hint(said))
        return done.stdout.strip()

    def plan(self, site: Path) -> Plan:
        heads = self._git("ls-remote", "--", self.remote, f"refs/heads/{self.branch}", what=f"reach {self.remote}")
        if heads:
            self._git("fetch", "--quiet", "--depth=1", "--", self.remote, f"refs/heads/{self.branch}",
                      what=f"fetch {self.description}")
            self.previous = self._git("rev-parse", "--verify", "--end-of-options", "FETCH_HEAD^{commit}",
                                      what="read the fetched branch")
        self._git("add", "--all", "--force", "--", ".", f":(exclude){MARKER}", work_tree=site,
                  what="collect the site's files")
        empty = self._git("hash-object", "-w", "--stdin", stdin="", what="write .nojekyll")
        self._git("update-index", "--add", "--cacheinfo", f"100644,{empty},{NO_JEKYLL}", what="add .nojekyll")
        self.tree = self._git("write-tree", what="record the site")
        return self._changes()

    def _changes(self) -> Plan:
        if self.previous is None:
            added = self._git("ls-files", what="list the site's files").split("\n")
            return Plan(self.description, tuple(a for a in added if a), (), ())
        status = self._git("diff-tree", "-r", "--no-renames", "--name-status", "--end-of-options",
                           self.previous, self.tree, what="compare with the published site")
        found: dict[str, list[str]] = {"A": [], "M": [], "D": []}
        for line in filter(None, status.split("\n")):
            kind, name = line.split("\t", 1)
            found.get(kind[0], found["M"]).append(name)  # T (a type change) counts as an update
        return Plan(self.description, tuple(found["A"]), tuple(found["M"]), tuple(found["D"]))

    def apply(self, site: Path, plan: Plan) -> str:
        parents = ["-p", self.previous] if self.previous else []
        commit = self._git("commit-tree", *parents, "-m", f"Publish the site {source_commit(self.root)}",
                           "--end-of-options", self.tree, what="make the commit")
        self._git("push", "--quiet", "--", self.remote, f"{commit}:refs/heads/{self.branch}",
                  what=f"push to {self.description}")
        return (f"Published to {self.description}: commit {commit[:12]} ({len(plan.added)} added, "
                f"{len(plan.changed)} updated, {len(plan.deleted)} deleted).")


_NO_GIT = UsageError("deploy with method: git needs the git program, which is not installed."
                     "\nhint: install git (https://git-scm.com/) and try again")
NO_GIT_IDENTITY = ("deploy records each publication as a git commit, and git does not know your name and email "
                   "yet.\nhint: run these two commands once, with your own name and email, then deploy again:\n"
                   '  git config --global user.name "Your Name"\n  git config --global user.email "you@example.org"')


def _git_hint(said: str) -> str:
    if "non-fast-forward" in said or "fetch first" in said or "rejected" in said:
        return "someone published to the branch while you were deploying: run deploy again"
    return "check deploy: remote: and branch: in site.yaml, and that you are allowed to push there"


def source_commit(root: Path) -> str:
    """'built from commit <sha>' for the project's HEAD, or why there is none; never changes the project."""
    env = {k: v for k, v in os.environ.items() if k not in GIT_LOCATION_VARIABLES}
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], env=env, capture_output=True, text=True)
        # --no-optional-locks: `status` must not even refresh the project's index
        dirty = subprocess.run(["git", "--no-optional-locks", "-C", str(root), "status", "--porcelain"],
                               env=env, capture_output=True, text=True)
    except FileNotFoundError:
        return "(its source folder is not a git checkout)"
    if head.returncode != 0:
        return "(its source folder is not a git checkout)"
    changes = [line for line in dirty.stdout.splitlines() if line.strip() and not GENERATOR_FOLDER.match(line)]
    return f"built from commit {head.stdout.strip()}" + (" with uncommitted changes" if changes else "")


# The folders a build keeps or makes next to its output folder (ssg/build/publish.py): `_site.spare/`, and
# `_site.staging-*/` while a build runs. Untracked, they are the generator's, not a change to the project.
GENERATOR_FOLDER = re.compile(r"\?\? (?:.*/)?[^/]+\.(?:spare|staging-[\w-]+)/$")
