"""Attacks on the file system and the build cache (issue 12, classes 5, 9 and 10).

Each case is an attack a security review made, or a variation of one. Before the fix every one
of them got through: host files (/etc/passwd, the build's environment, .git/config, .env, files
of an outside folder) were published or read through links in static/, templates/ or content/
or through a linked folder; a named pipe made the build hang; an SVG with script was published;
a planted .cache/ ran code (pickle in the state, pickle and marshal in Jinja's compiled
templates) or put its own HTML in the pages (stored bodies); a huge number was a traceback.
Now each is refused with its path (and line) and a hint, leaves the last site as it was,
or (the cache) is ignored and rebuilt.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import signal
import socket
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bad_inputs import QUOTE_FRONT, md
from conftest import MINIMAL_CONFIG, PROJECT, article, run_cli, snapshot, write_files

SECRETS = ("OUTSIDE-SECRET", "GIT-CONFIG-SECRET", "DOTENV-SECRET", "root:x:0:0", "PATH=")
HANG_SECONDS = 20


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """A small site built once, beside a .git folder and a .env file, and a folder outside it."""
    top = tmp_path_factory.mktemp("attacks")
    root = top / "site"
    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(PROJECT / "static", root / "static")
    write_files(root, {"site.yaml": MINIMAL_CONFIG,
                       "content/pages/index.md": md("title: Home\nsummary: The home page.\n", "Welcome."),
                       "content/articles/good.md": article(tags="[law]"),
                       "content/quotes/said.md": md(QUOTE_FRONT, "Words that were said."),
                       ".git/config": "[remote]\nurl = GIT-CONFIG-SECRET\n",
                       # shaped like a page, so that a link to it would be published if it were read
                       ".env": md("title: DOTENV-SECRET\nsummary: S.\n", "DOTENV-SECRET"),
                       "../outside/secret.txt": "OUTSIDE-SECRET\n",
                       "../outside/secret.md": md("title: OUTSIDE-SECRET\nsummary: S.\n", "OUTSIDE-SECRET"),
                       "../outside/page.html": "OUTSIDE-SECRET {{ 1 }}"})
    assert run_cli("build", "--root", root).status == 0
    return root


@pytest.fixture
def site(good_site: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(good_site, root, symlinks=True)
    shutil.copytree(good_site.parent / "outside", tmp_path / "outside")
    return root


@contextlib.contextmanager
def no_hang() -> Iterator[None]:
    """Fail instead of waiting for ever (a named pipe opened for reading waits for a writer)."""
    def stop(*_):
        raise TimeoutError("the build hung")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def link(root: Path, name: str, target: str) -> None:
    path = root / name
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def include_in_page(root: Path, name: str) -> None:
    page = root / "templates/page.html"
    page.write_text(page.read_text(encoding="utf-8") + "{% include '" + name + "' %}", encoding="utf-8")


def make_socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))


@dataclass(frozen=True)
class Attack:
    id: str
    plant: Callable[[Path], None]
    error: str   # the first line the build must print after "error: "
    hint: str


def svg(inner: str) -> Callable[[Path], None]:
    return lambda root: write_files(root, {"static/x.svg": f'<svg xmlns="http://www.w3.org/2000/svg">\n{inner}\n</svg>'})


SVG_HINT = "an SVG in static/ may hold drawing only"
LINK_HINT = "instead of linking to it"
FOLDER_HINT = "replace the link with a real folder"
PIPE = "this is a named pipe (FIFO), not a regular file"
PIPE_HINT = "only ordinary files can be part of the site"
ATTACKS = [
    # static/: every file there is published
    Attack("static-etc-passwd", lambda r: link(r, "static/passwd.txt", "/etc/passwd"),
           "static/passwd.txt: this link points outside the site folder", LINK_HINT),
    Attack("static-environment", lambda r: link(r, "static/env.txt", "/proc/self/environ"),
           "static/env.txt: this link points outside the site folder", LINK_HINT),
    Attack("static-git-config", lambda r: link(r, "static/config.txt", "../.git/config"),
           "static/config.txt: this link points outside static/", LINK_HINT),
    Attack("static-dotenv", lambda r: link(r, "static/env.txt", "../.env"),
           "static/env.txt: this link points outside static/", LINK_HINT),
    Attack("static-outside-file", lambda r: link(r, "static/s.txt", "../../outside/secret.txt"),
           "static/s.txt: this link points outside the site folder", LINK_HINT),
    Attack("static-outside-folder", lambda r: link(r, "static/ext", "../../outside"),
           "static/ext: this folder is a link that points outside the site folder, or nowhere", FOLDER_HINT),
    Attack("static-folder-itself", lambda r: link(r, "static", "../outside"),
           "static: this folder is a link that points outside the site folder, or nowhere", FOLDER_HINT),
    Attack("static-folder-itself-to-git", lambda r: link(r, "static", ".git"),
           "static: this folder is a link that points outside the site folder, or nowhere", FOLDER_HINT),
    Attack("static-link-to-content", lambda r: link(r, "static/index.txt", "../content/pages/index.md"),
           "static/index.txt: this link points outside static/", LINK_HINT),
    Attack("static-link-loop", lambda r: link(r, "static/loop.txt", "loop.txt"),
           "static/loop.txt: this link points to a file that does not exist, or to itself", "replace the link"),
    Attack("static-folder-to-itself", lambda r: link(r, "static/sub/again", ".."),
           "static/sub/again: this folder is a link that points outside static/, or nowhere", FOLDER_HINT),
    Attack("static-folder-loop", lambda r: link(r, "static/sub/again", "."),
           "static/sub/again: this link points to a folder that holds it, an endless loop", FOLDER_HINT),
    Attack("static-fifo", lambda r: os.mkfifo(r / "static/pipe.txt"), f"static/pipe.txt: {PIPE}", PIPE_HINT),
    Attack("static-socket", lambda r: make_socket(r / "static/s.sock"),
           "static/s.sock: this is a socket, not a regular file", PIPE_HINT),
    Attack("static-svg-script", svg("<script>alert(1)</script>"),
           "static/x.svg:2: this SVG holds a <script> element, which is not allowed", SVG_HINT),
    Attack("static-svg-event-handler", svg('<rect width="9" height="9" onmouseover="alert(1)"/>'),
           "static/x.svg:2: this SVG holds an event handler (onmouseover=), which is not allowed", SVG_HINT),
    Attack("static-svg-foreign-object", svg("<foreignObject><p xmlns='http://www.w3.org/1999/xhtml'>x</p></foreignObject>"),
           "static/x.svg:2: this SVG holds a <foreignObject> element, which is not allowed", SVG_HINT),
    Attack("static-svg-html-script", svg("<h:script xmlns:h='http://www.w3.org/1999/xhtml'>alert(1)</h:script>"),
           "static/x.svg:2: this SVG holds a <script> element, which is not allowed", SVG_HINT),
    Attack("static-svg-off-site-image", svg("<image href='https://evil.example/t.png'/>"),
           "static/x.svg:2: this SVG holds a reference to another website or a script "
           "(href=\"https://evil.example/t.png\"), which is not allowed", SVG_HINT),
    Attack("static-svg-xlink-backslash",
           svg("<use xmlns:xlink='http://www.w3.org/1999/xlink' xlink:href='/\\evil.example/x#a'/>"),
           "static/x.svg:2: this SVG holds a reference to another website or a script "
           "(href=\"/\\evil.example/x#a\"), which is not allowed", SVG_HINT),
    Attack("static-svg-javascript-link", svg("<a href='java&#9;script:alert(1)'><text>x</text></a>"),
           "static/x.svg:2: this SVG holds a reference to another website or a script "
           "(href=\"java\tscript:alert(1)\"), which is not allowed", SVG_HINT),
    Attack("static-svg-css-url", svg("<style>rect { fill: url('https://evil.example/f') }</style>"),
           "static/x.svg:2: this SVG holds a style that loads another file (url(https://evil.example/f)), "
           "which is not allowed", SVG_HINT),
    Attack("static-svg-animated-href", svg("<a><set attributeName='href' to='javascript:alert(1)'/><text>x</text></a>"),
           "static/x.svg:2: this SVG holds an animation that changes href, which is not allowed", SVG_HINT),
    Attack("static-svg-entities", lambda r: write_files(r, {"static/x.svg": '<!DOCTYPE svg [<!ENTITY a "aaaaaaaa">]>\n'
                                                                          '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'}),
           "static/x.svg:1: this SVG holds a <!DOCTYPE> (entities are not allowed), which is not allowed", SVG_HINT),
    # templates/: what a template includes is in every page that uses it
    Attack("template-etc-passwd", lambda r: (link(r, "templates/p.html", "/etc/passwd"), include_in_page(r, "p.html")),
           "templates/p.html: this link points outside the site folder", LINK_HINT),
    Attack("template-environment", lambda r: (link(r, "templates/e.html", "/proc/self/environ"),
                                              include_in_page(r, "e.html")),
           "templates/e.html: this link points outside the site folder", LINK_HINT),
    Attack("template-dotenv", lambda r: (link(r, "templates/e.html", "../.env"), include_in_page(r, "e.html")),
           "templates/e.html: this link points outside templates/", LINK_HINT),
    Attack("template-hidden-name", lambda r: (write_files(r, {"templates/.env": "DOTENV-SECRET"}),
                                              include_in_page(r, ".env")),
           "templates/.env: this template is missing", "restore it"),
    Attack("templates-folder-itself", lambda r: (shutil.copytree(r / "templates", r.parent / "outside/t"),
                                                 link(r, "templates", "../outside/t")),
           "templates: this folder is a link that points outside the site folder, or nowhere", FOLDER_HINT),
    Attack("template-fifo", lambda r: (os.mkfifo(r / "templates/pipe.html"), include_in_page(r, "pipe.html")),
           f"templates/pipe.html: {PIPE}", PIPE_HINT),
    # content/ and site.yaml
    Attack("content-dotenv", lambda r: link(r, "content/pages/leak.md", "../../.env"),
           "content/pages/leak.md: this link points outside content/", LINK_HINT),
    Attack("content-git-config", lambda r: link(r, "content/pages/leak.md", "../../.git/config"),
           "content/pages/leak.md: this link points outside content/", LINK_HINT),
    Attack("content-outside-file", lambda r: link(r, "content/pages/leak.md", "../../../outside/secret.md"),
           "content/pages/leak.md: this link points outside the site folder", LINK_HINT),
    Attack("content-folder-itself",
           lambda r: (shutil.copytree(r / "content", r.parent / "outside/c"),
                      shutil.copy(r.parent / "outside/secret.md", r.parent / "outside/c/pages"),
                      link(r, "content", "../outside/c")),
           "content: this folder is a link that points outside the site folder, or nowhere", FOLDER_HINT),
    Attack("content-fifo", lambda r: os.mkfifo(r / "content/articles/pipe.md"),
           f"content/articles/pipe.md: {PIPE}", PIPE_HINT),
    Attack("chart-fifo", lambda r: ((r / "content/charts").mkdir(), os.mkfifo(r / "content/charts/pipe.yaml")),
           f"content/charts/pipe.yaml: {PIPE}", PIPE_HINT),
    Attack("site-yaml-fifo", lambda r: ((r / "site.yaml").unlink(), os.mkfifo(r / "site.yaml")),
           f"site.yaml: {PIPE}", PIPE_HINT),
    Attack("site-yaml-outside", lambda r: link(r, "site.yaml", "../outside/secret.txt"),
           "site.yaml: this link points outside the site folder", LINK_HINT),
    # crashes
    Attack("huge-integer", lambda r: write_files(r, {"content/articles/big.md": article(tags="[" + "9" * 5000 + "]")}),
           "content/articles/big.md:5: this number is 5,000 characters long; the limit is 100", "put it in quotes"),
    Attack("huge-hex-integer", lambda r: write_files(r, {"content/articles/big.md": article(draft="0x" + "f" * 20000)}),
           "content/articles/big.md:5: this number is 20,002 characters long; the limit is 100", "put it in quotes"),
    Attack("site-yaml-huge-integer",
           lambda r: write_files(r, {"site.yaml": MINIMAL_CONFIG + "title2: " + "1" * 4400 + "\n"}),
           f"site.yaml:{MINIMAL_CONFIG.count(chr(10)) + 1}: this number is 4,400 characters long; the limit is 100",
           "put it in quotes"),
]


def published(root: Path) -> list[str]:
    """The secrets found in the output folder."""
    return sorted({secret for file in (root / "_site").rglob("*") if file.is_file()
                   for secret in SECRETS if secret.encode() in file.read_bytes()})


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.id)
def test_attack_is_refused_with_its_path(attack: Attack, site: Path) -> None:
    before = snapshot(site / "_site")
    attack.plant(site)
    with no_hang():
        result = run_cli("build", "--root", site)
    lines = result.err.splitlines()
    assert result.status == 1, result.out
    assert lines[0].startswith(f"error: {attack.error}"), result.err
    assert lines[1].startswith("hint: ") and attack.hint in lines[1], result.err
    assert snapshot(site / "_site") == before
    assert published(site) == []


@pytest.mark.parametrize("hidden", ["static/.env", "static/.git/config", "static/.svn/entries", "static/img/.htpasswd",
                                    "static/.DS_Store", "static/.hg/hgrc"])
def test_dotfiles_and_version_control_folders_are_never_published(hidden: str, site: Path) -> None:
    write_files(site, {hidden: "DOTENV-SECRET\n"})
    assert run_cli("build", "--root", site).status == 0
    names = [file.relative_to(site / "_site").as_posix() for file in (site / "_site").rglob("*")]
    assert not [name for name in names if "/." in f"/{name}" and name != ".ssg-output"]
    assert published(site) == []


def test_links_inside_their_own_folder_and_plain_svg_are_accepted(site: Path) -> None:
    link(site, "static/icon.svg", "favicon.svg")
    write_files(site, {"static/img/a.txt": "a"})
    link(site, "static/pictures", "img")
    link(site, "content/pages/also.md", "index.md")
    write_files(site, {"static/drawing.svg": '<svg xmlns="http://www.w3.org/2000/svg" '
                                             'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape">\n'
                                             '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>\n'
                                             '<rect width="9" height="9" fill="url(#g)" inkscape:label="box"/>\n'
                                             '<a href="https://example.org/"><text>link</text></a></svg>'})
    result = run_cli("build", "--root", site)
    assert result.status == 0, result.err
    assets = {file.name.split(".")[0] for file in (site / "_site/assets").iterdir()}
    assert {"icon", "drawing", "favicon", "pictures"} <= assets
    assert (site / "_site/also/index.html").is_file()


# --- the cache ---------------------------------------------------------------------------

class Payload:
    """Unpickling this runs a command that creates a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def edit_article(root: Path) -> None:
    file = root / "content/articles/good.md"
    file.write_text(file.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")


def test_a_planted_state_is_never_run(site: Path) -> None:
    marker = site.parent / "ran"
    for file in (site / ".cache/ssg/state").iterdir():
        file.write_bytes(pickle.dumps(Payload(marker)))
    for name in ("head.pickle", "head.json", "00-000000000000000000000000.json"):
        (site / ".cache/ssg/state" / name).write_bytes(pickle.dumps(Payload(marker)))
    edit_article(site)
    result = run_cli("build", "--root", site)
    assert result.status == 0, result.err
    assert not marker.exists()
    assert "An edit." in (site / "_site/articles/good/index.html").read_text(encoding="utf-8")


def test_a_planted_compiled_template_is_never_run(site: Path) -> None:
    from jinja2.bccache import bc_magic
    marker = site.parent / "ran"
    base = site / "templates/base.html"
    shutil.rmtree(site / ".cache/ssg/jinja")  # the files are named by the templates' paths: make those of this copy
    base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run_cli("build", "--root", site).status == 0
    compiled = list((site / ".cache/ssg/jinja").iterdir())
    assert compiled
    for file in compiled:  # what Jinja's own cache reads: a magic string, then a pickle, then marshal
        file.write_bytes(bc_magic + pickle.dumps(Payload(marker), 2))
    edit_article(site)
    base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run_cli("build", "--root", site)
    assert result.status == 0, result.err
    assert not marker.exists()


def test_a_forged_stored_body_is_never_shown(site: Path, tmp_path: Path) -> None:
    html = "<p>FORGED</p><script>alert(1)</script>"
    with contextlib.closing(sqlite3.connect(site / ".cache/ssg/bodies.sqlite")) as connection, connection:
        keys = [key for (key,) in connection.execute("SELECT key FROM bodies")]
        assert keys
        for key in keys:  # the checksum anyone can compute (all the cache had before)
            checksum = hashlib.blake2b(f"{key}\0{html}".encode(), digest_size=8).hexdigest()
            connection.execute("UPDATE bodies SET checksum = ?, html = ? WHERE key = ?", (checksum, html, key))
    (site / "templates/base.html").write_text((site / "templates/base.html").read_text(encoding="utf-8") + "\n")
    assert run_cli("build", "--root", site).status == 0
    assert not [file for file in (site / "_site").rglob("*.html") if b"FORGED" in file.read_bytes()]


@pytest.mark.parametrize("garbage", [b"", b"not json", b"\x00" * 100, b"[" * 100_000, b'{"fingerprint": 1}'])
def test_a_garbage_cache_is_ignored(garbage: bytes, site: Path) -> None:
    for file in (site / ".cache/ssg/state").iterdir():
        file.write_bytes(garbage)
    (site / ".cache/ssg/key").write_bytes(garbage)
    for file in (site / ".cache/ssg/jinja").iterdir():
        file.write_bytes(garbage)
    edit_article(site)
    result = run_cli("build", "--root", site)
    assert result.status == 0, result.err
    assert "An edit." in (site / "_site/articles/good/index.html").read_text(encoding="utf-8")


def test_links_planted_in_the_cache_are_not_followed(site: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    write_files(victim, {"old-file": "keep me", "x.json": "keep me too"})
    os.utime(victim / "old-file", (0, 0))  # older than what the cache tidies away
    shutil.rmtree(site / ".cache/ssg/state")
    os.symlink(victim, site / ".cache/ssg/state")
    (site / ".cache/ssg/key").unlink()
    os.symlink(victim / "old-file", site / ".cache/ssg/key")
    with no_hang():
        os.mkfifo(site / ".cache/ssg/jinja/__jinja2_x.cache")
        edit_article(site)
        assert run_cli("build", "--root", site).status == 0
    assert sorted(p.name for p in victim.iterdir()) == ["old-file", "x.json"]
    assert (victim / "old-file").read_text() == "keep me"
    assert (site / ".cache/ssg/state").is_dir() and not (site / ".cache/ssg/state").is_symlink()


@pytest.mark.parametrize("planted", ["link", "named pipe"])
def test_a_link_or_pipe_in_place_of_the_last_report_is_neither_followed_nor_waited_for(
        planted: str, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssg.model import content
    monkeypatch.setattr(content, "RACY_SECONDS", -1.0)  # trust the stamps: the build looks for a report to stop at
    assert run_cli("build", "--root", site).status == 0
    report = site / ".cache/ssg/last-report.json"
    victim = tmp_path / "victim"
    signed = report.read_bytes()
    victim.write_bytes(signed)  # a report this cache signed, reached through a link
    report.unlink()
    if planted == "link":
        os.symlink(victim, report)
    else:
        os.mkfifo(report)
    from ssg.build import incremental
    full: list[str] = []
    real_enter = incremental.LastBuild.__enter__
    monkeypatch.setattr(incremental.LastBuild, "__enter__", lambda self: full.append("read") or real_enter(self))
    with no_hang():
        result = run_cli("build", "--root", site)
    assert result.status == 0, result.err
    assert full == ["read"]  # what was planted was not taken for a report: the build ran in full
    assert victim.read_bytes() == signed  # never written through the link
    assert report.is_file() and not report.is_symlink()  # a new report, written in place of what was planted


def test_a_cache_copied_from_elsewhere_is_not_trusted(site: Path, tmp_path: Path) -> None:
    """The key signing the cache depends on its file's inode and change time: a copy has neither."""
    copy = tmp_path / "copy"
    shutil.copytree(site, copy, symlinks=True)
    shutil.rmtree(copy / "_site")
    from ssg.build.cache import BuildCache
    assert BuildCache(copy).key != BuildCache(site).key
    assert BuildCache(site).key == BuildCache(site).key


@pytest.mark.parametrize("out", [".cache", ".cache/ssg", ".cache/ssg/site"])
def test_an_output_folder_holding_or_inside_the_build_cache_is_refused(out: str, site: Path) -> None:
    result = run_cli("build", "--root", site, "--out", site / out)
    assert result.status == 2
    assert result.err.startswith(f"error: refusing to use {site / out} as the output folder: it is or holds the build "
                                 f"cache {site / '.cache/ssg'}.")


@pytest.mark.parametrize("out", [".git/site", "content/site"])
def test_an_output_folder_inside_version_control_or_a_source_folder_is_refused(out: str, site: Path) -> None:
    result = run_cli("build", "--root", site, "--out", site / out)
    assert result.status == 2
    assert result.err.startswith(f"error: refusing to write the site inside {site / out.split('/')[0]}.")


def test_the_real_sites_state_comes_back_from_json_as_it_was(tmp_path: Path) -> None:
    """The decoders follow the dataclasses' declared types: a type they cannot read back would make
    every build a full one without a word, so the real site's documents must come back equal."""
    from ssg.build.cache import BuildCache
    from ssg.model.content import find_sources, read_documents
    root = tmp_path / "site"
    for name in ("content", "templates", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
    assert run_cli("build", "--root", root).status == 0
    state = BuildCache(root).load((root / "_site").resolve())
    documents = {document.path: document for document in read_documents(find_sources(root))[0]}
    assert state.documents == documents and state.outputs
