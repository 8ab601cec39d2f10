"""`build.py serve`: the live preview (issue 4). Each test runs the real command in a child process
on a free loopback port over a tiny site, and speaks HTTP to it and listens to its socket as an open page would."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from ssg.editor.serve import Debouncer, source_path

from conftest import MINIMAL_CONFIG, article, new_site, run_cli, snapshot
from preview_process import EPOCH, PreviewProcess, ReloadListener, preview  # noqa: F401 (preview: a fixture)

QUIET_AFTER_BUILD = 0.4  # how long to watch for an unwanted second rebuild or reload


@pytest.fixture
def listener():
    """listener(server) -> a ReloadListener connected to it; all are closed at teardown."""
    opened: list[ReloadListener] = []

    def connect(server: PreviewProcess) -> ReloadListener:
        opened.append(ReloadListener(server.url))
        return opened[-1]

    yield connect
    for each in opened:
        each.close()


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses a socket listens on at `port`, read from /proc/net/tcp ("127.0.0.1", "0.0.0.0")."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def raw_get(server: PreviewProcess, path: str) -> tuple[int, str]:
    """GET `path` exactly as written (no client-side clean-up of '..')."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", path)
    answer = connection.getresponse()
    return answer.status, answer.read().decode(errors="replace")


def stylesheet(site: Path) -> str:
    return next((site / "assets").glob("site.*.css")).relative_to(site).as_posix()


# --- Serving -------------------------------------------------------------------------------------

def test_serves_the_built_site_on_this_computer_only_and_prints_its_address(make_site, preview):
    root = make_site()
    server = preview(root)

    assert f"Serving {root / '_site'} at http://127.0.0.1:{server.port}/ (press Ctrl+C to stop)." in server.lines
    home = server.get("/")
    assert home.status == 200 and "Welcome." in home.body
    assert '<script src="/_serve/live.js"></script></head>' in home.body
    assert "Idiomorph" in server.get("/_serve/live.js").body
    assert listening_addresses(server.port) == {"127.0.0.1"}
    assert server.stop() == 0
    assert server.lines[-1] == "Stopped."
    leftovers = [p.name for p in root.glob("_site.*") if p.name != "_site.spare"]  # the spare is kept on purpose
    assert not leftovers, "stopping left a staging folder behind"


def test_listening_on_every_interface_is_allowed_with_a_warning(make_site, preview):
    server = preview(make_site(), "--host", "0.0.0.0")

    assert listening_addresses(server.port) == {"0.0.0.0"}
    assert any(line.startswith("warning: listening on every network interface (0.0.0.0)") for line in server.lines)
    assert f"at http://127.0.0.1:{server.port}/" in server.wait_for(lambda line: line.startswith("Serving "))


def test_a_port_in_use_is_refused_in_plain_english(make_site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = PreviewProcess(make_site(), env=EPOCH, port=port)
        assert server.process.wait(30) == 2
    server.wait_for(lambda line: line.startswith("hint: "), what="a hint")
    assert f"error: cannot serve on 127.0.0.1 port {port}: Address already in use." in server.lines
    assert ("hint: another program (perhaps another preview) uses that port: stop it, or add --port 8001"
            in server.lines)


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_a_port_must_be_a_number_from_1_to_65535(port):
    result = run_cli("serve", "--port", port)
    assert result.status == 2
    assert f"'{port}' is not a port number: use a whole number from 1 to 65535" in result.err


OUTSIDE = ["/../site.yaml", "/%2e%2e/site.yaml", "/..%2fsite.yaml", "/%2e%2e%2fsite.yaml",
           "/articles/..%2f..%2f..%2fsite.yaml", "//etc/passwd", "/%2fetc%2fpasswd", "/%00/../site.yaml"]


def test_requests_outside_the_output_folder_are_refused(make_site, preview):
    server = preview(make_site())
    for path in OUTSIDE:
        status, body = raw_get(server, path)
        assert status in (403, 404), path
        assert "base_url" not in body and "root:" not in body, path


def test_only_this_computers_names_are_answered_unless_listening_everywhere(make_site, preview):
    local, everywhere = preview(make_site(name="local")), preview(make_site(name="everywhere"), "--host", "0.0.0.0")

    def status(server: PreviewProcess, host: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", "/", headers={"Host": f"{host}:{server.port}"})
        return connection.getresponse().status

    # a page on another site that points its own name at 127.0.0.1 must not read the preview
    assert [status(local, host) for host in ("127.0.0.1", "localhost", "LocalHost", "rebound.example")] == [
        200, 200, 200, 403]
    assert status(everywhere, "my-laptop.local") == 200


ENDPOINTS = ["/", "/articles/first/", "/missing/", "/_serve/live.js", "/_serve/socket", "/forcereload"]


def request_status(server: PreviewProcess, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", path, headers=headers)
    return connection.getresponse().status


def websocket_headers(host: str, origin: str | None) -> dict[str, str]:
    """The request a browser makes to open the live-update socket, from a page of `origin`."""
    headers = {"Host": host, "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    return {**headers, "Origin": origin} if origin else headers


def test_every_endpoint_refuses_a_foreign_host_name(make_site, preview):
    root = make_site({"content/articles/first.md": article("First")})
    server = preview(root)
    own, foreign = f"127.0.0.1:{server.port}", f"rebound.example:{server.port}"

    assert [request_status(server, path, {"Host": own}) for path in ENDPOINTS[:3]] == [200, 200, 404]
    assert [request_status(server, path, {"Host": foreign}) for path in ENDPOINTS] == [403] * len(ENDPOINTS)
    assert request_status(server, "/_serve/socket", websocket_headers(foreign, f"http://{foreign}")) == 403
    # the build error page too
    (root / "content/articles/first.md").write_text("---\ntitle: [First\n---\n")
    server.wait_for_build(server.mark())
    assert request_status(server, "/articles/first/", {"Host": own}) == 500
    assert request_status(server, "/articles/first/", {"Host": foreign}) == 403


@pytest.fixture(scope="module")
def one_preview(tmp_path_factory):
    """One preview of a tiny site for the cases of a test that only ask it to open a socket: none
    changes the site, and each asks for itself (the allowed origins come first, so an answer that
    stuck after a first connection would show)."""
    server = PreviewProcess(new_site(tmp_path_factory.mktemp("serve") / "site"), env=EPOCH).wait_until_serving()
    yield server
    assert server.stop() == 0


@pytest.mark.parametrize("origin, allowed", [
    ("http://127.0.0.1:{port}", True),
    ("http://localhost:{port}", True),
    ("http://LocalHost:{port}", True),
    ("http://evil.example", False),
    ("https://127.0.0.1:{port}", False),
    ("http://127.0.0.1:1", False),
    ("http://127.0.0.1.evil.example:{port}", False),
    ("null", False),
])
def test_only_the_previews_own_pages_may_open_the_live_update_socket(one_preview, origin, allowed):
    server = one_preview
    headers = websocket_headers(f"127.0.0.1:{server.port}", origin.format(port=server.port))

    assert request_status(server, "/_serve/socket", headers) == (101 if allowed else 403)


def test_listening_everywhere_the_socket_still_wants_a_page_of_the_name_asked(make_site, preview):
    server = preview(make_site(), "--host", "0.0.0.0")
    laptop = f"my-laptop.local:{server.port}"

    assert request_status(server, "/_serve/socket", websocket_headers(laptop, f"http://{laptop}")) == 101
    assert request_status(server, "/_serve/socket", websocket_headers(laptop, "http://evil.example")) == 403


def test_symbolic_links_out_of_the_output_folder_are_refused(make_site, preview):
    root = make_site()
    server = preview(root)
    (root / "_site" / "settings.txt").symlink_to(root / "site.yaml")
    (root / "_site" / "project").symlink_to(root, target_is_directory=True)
    (root / "_site" / "robots-copy.txt").symlink_to(root / "_site" / "robots.txt")  # inside: fine

    assert raw_get(server, "/settings.txt")[0] == 403
    assert raw_get(server, "/project/site.yaml")[0] == 403
    assert raw_get(server, "/robots-copy.txt") == (200, (root / "_site" / "robots.txt").read_text())


def test_a_missing_page_gets_the_sites_404_page_with_status_404(make_site, preview):
    root = make_site()
    server = preview(root)
    missing = server.get("/no-such-page/")
    assert missing.status == 404
    assert missing.body.startswith((root / "_site" / "404.html").read_text().split("</head>")[0])


def test_a_missing_welsh_page_gets_the_welsh_404_page(make_site, preview):
    root = make_site({"site.yaml": MINIMAL_CONFIG + "languages:\n  - code: cy\n    name: Cymraeg\n"})
    server = preview(root)

    for address in ("/cy/no-such-page/", "/cy/articles/no-such-page", "/cy/no/such/page.html"):
        missing = server.get(address)
        assert missing.status == 404 and missing.body.startswith('<!doctype html>\n<html lang="cy"'), address
    assert missing.body.startswith((root / "_site/cy/404.html").read_text().split("</head>")[0])
    assert 'lang="en-GB"' in server.get("/cymraeg/no-such-page/").body


# --- Rebuilding ----------------------------------------------------------------------------------

def test_a_save_rebuilds_and_the_served_site_equals_a_fresh_full_build(make_site, preview, listener, tmp_path,
                                                                       monkeypatch):
    root = make_site({"content/articles/first.md": article("First", body="Old words."),
                      "content/articles/second.md": article("Second", date="2024-02-03")})
    server = preview(root)
    browser = listener(server)
    mark = server.mark()

    (root / "content/articles/first.md").write_text(article("First, edited", body="New words."))

    assert server.wait_for_build(mark).startswith("content/articles/first.md changed. Built ")
    # the edited page's open copies are told first, as soon as it is rendered; then every page
    assert browser.wait_for_updates(2) == [{"command": "update", "reload": False, "pages": ["/articles/first/"]},
                                           {"command": "update", "reload": False}]  # patched in place
    assert "New words." in server.get("/articles/first/").body
    assert "First, edited" in server.get("/articles/").body
    fresh = tmp_path / "fresh"
    for name in ("content", "templates", "static", "site.yaml"):
        (shutil.copytree if (root / name).is_dir() else shutil.copy)(root / name, fresh / name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    assert run_cli("build", "--root", fresh).status == 0
    assert snapshot(root / "_site") == snapshot(fresh / "_site")


def test_a_burst_of_saves_makes_one_rebuild_and_one_reload_and_keeps_every_change(make_site, preview, listener):
    names = [f"a{number:02}" for number in range(20)]
    root = make_site({f"content/articles/{name}.md": article(name) for name in names})
    server = preview(root)
    browser = listener(server)
    mark = server.mark()

    edits = {root / f"content/articles/{name}.md": article(name, body=f"Saved in a burst: {name}.") for name in names}
    for path, text in edits.items():  # as fast as a script, or a `git checkout`, writes them
        path.write_text(text)

    server.wait_for_build(mark)
    time.sleep(QUIET_AFTER_BUILD)
    assert len(server.builds(mark)) == 1
    assert len([message for message in browser.messages if "pages" not in message]) == 1  # one update of every page
    assert all(f"Saved in a burst: {name}." in server.get(f"/articles/{name}/").body for name in names)


def test_a_second_save_one_second_after_the_first_is_not_lost(make_site, preview, listener):
    root = make_site({"content/articles/first.md": article("First")})
    server = preview(root)
    browser = listener(server)
    mark = server.mark()
    first_save = time.monotonic()
    (root / "content/articles/first.md").write_text(article("First", body="First save."))
    server.wait_for_build(mark)
    assert "First save." in server.get("/articles/first/").body
    time.sleep(max(0.0, first_save + 1 - time.monotonic()))
    mark = server.mark()

    (root / "content/articles/first.md").write_text(article("First", body="Second save."))

    server.wait_for_build(mark)
    assert "Second save." in server.get("/articles/first/").body
    assert len(browser.wait_for_updates(2)) == 2


def test_editor_scratch_files_and_the_output_folder_do_not_rebuild(make_site, preview):
    root = make_site()
    server = preview(root)
    mark = server.mark()

    (root / "content/pages/.index.md.swp").write_text("vim swap")
    (root / "content/pages/index.md~").write_text("backup")
    (root / "notes.txt").write_text("not part of the site")
    (root / "_site" / "extra.txt").write_text("written by someone else")
    time.sleep(QUIET_AFTER_BUILD)

    assert server.builds(mark) == []


def test_a_stylesheet_or_content_change_is_patched_in_place_and_a_template_or_script_change_reloads(
        make_site, preview, listener):
    root = make_site()
    server = preview(root)
    old = stylesheet(root / "_site")
    browser = listener(server)
    mark = server.mark()

    with open(root / "static/site.css", "a") as css:
        css.write("\nbody { outline: 3px solid rgb(1, 2, 3); }\n")

    assert server.wait_for_build(mark).startswith("static/site.css changed. Built ")
    assert browser.wait_for_updates(1)[0]["reload"] is False
    new = stylesheet(root / "_site")
    assert new != old and f'href="/{new}"' in server.get("/").body  # the patched page links the new file
    for number, (name, addition) in enumerate([("static/new.js", "/* a script */"),
                                               ("templates/base.html", "<!-- a template -->")], start=2):
        mark = server.mark()
        with open(root / name, "a") as source:
            source.write(addition)
        server.wait_for_build(mark)
        assert browser.wait_for_updates(number)[-1]["reload"] is True, name
    fetched = server.get(f"/{new}")
    assert "rgb(1, 2, 3)" in fetched.body
    # a fingerprinted name never changes content, so the browser may keep it (as on the published site)
    assert fetched.headers["Cache-Control"] == "max-age=31536000, immutable"
    assert "Cache-Control" not in server.get("/").headers


# --- Build errors --------------------------------------------------------------------------------

def test_a_build_error_shows_in_the_browser_and_the_terminal_and_the_fix_brings_the_page_back(
        make_site, preview, listener, tmp_path):
    root = make_site({"content/articles/first.md": article("First", body="Good words.")})
    server = preview(root)
    browser = listener(server)
    last_good = snapshot(root / "_site")
    css = stylesheet(root / "_site")
    mark = server.mark()
    base = (root / "templates/base.html").read_text()

    (root / "templates/base.html").write_text(base.replace("<main", "{{ < }}<main", 1))

    terminal = server.wait_for_build(mark)
    page = server.get("/articles/first/")
    command_line = run_cli("build", "--root", root, "--out", tmp_path / "elsewhere").err
    assert command_line.startswith("error: templates") and "unexpected '<'" in command_line
    assert terminal == command_line.splitlines()[0]
    assert page.status == 500
    assert page.body.split('<pre id="build-error" lang="en">')[1].split("</pre>")[0] == (
        command_line.removeprefix("error: ").strip()
        .replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;").replace('"', "&quot;"))
    assert '<script src="/_serve/live.js">' in page.body  # so that it comes back by itself
    assert server.get(f"/{css}").status == 200  # styles and scripts of the last good site stay
    assert snapshot(root / "_site") == last_good
    assert browser.wait_for_updates(1)[0]["reload"] is True
    mark = server.mark()

    (root / "templates/base.html").write_text(base)

    assert " Built " in server.wait_for_build(mark)
    assert browser.wait_for_updates(2)[1]["reload"] is True
    back = server.get("/articles/first/")
    assert back.status == 200 and "Good words." in back.body


def test_a_page_that_connects_is_told_the_warnings_at_once_and_the_fix_clears_them(make_site, preview, listener):
    root = make_site({"content/articles/first.md": article("First", body="![](/missing.png)")})
    server = preview(root)
    browser = listener(server)

    [told] = browser.wait_for_warnings(1)
    assert told["warnings"] == [{"location": "content/articles/first.md:6",
                                 "problem": "the picture '/missing.png' has no alt text",
                                 "hint": "describe what it shows for people who cannot see it: "
                                         "![a few words on the picture](/missing.png)"}]
    assert told["words"]["en-GB"]["warnings_title"] == "Warnings ({count})"
    mark = server.mark()
    (root / "content/articles/first.md").write_text(article("First", body="![A red door](/missing.png)"))

    server.wait_for_build(mark)
    assert browser.wait_for_warnings(2)[1]["warnings"] == []
    assert browser.wait_for_updates(2)[-1] == {"command": "update", "reload": False}  # the page updated as ever
    late = listener(server)
    time.sleep(QUIET_AFTER_BUILD)
    assert late.warnings == []  # nothing to tell a page that connects now


def test_a_build_error_at_start_is_shown_and_serving_goes_on(make_site, preview, tmp_path):
    root = make_site({"content/articles/first.md": "---\ntitle: [First\n---\nText.\n"})
    server = preview(root)

    command_line = run_cli("build", "--root", root, "--out", tmp_path / "elsewhere").err.splitlines()
    assert command_line[0].startswith("error: content/articles/first.md:")
    assert server.lines[:2] == command_line
    assert "has no closing bracket" in server.get("/").body
    mark = server.mark()
    (root / "content/articles/first.md").write_text(article("First", body="Fixed."))
    server.wait_for_build(mark)
    assert "Fixed." in server.get("/articles/first/").body


def test_a_source_folder_made_after_the_preview_started_is_watched_from_then_on(make_site, preview, tmp_path):
    root = make_site({"content/articles/first.md": article("First", body="Good words.")})
    shutil.move(root / "static", tmp_path / "static")
    server = preview(root)
    assert "there is no file static/site.css" in server.get("/").body
    mark = server.mark()

    shutil.move(tmp_path / "static", root / "static")  # moved back in, files and all

    assert " Built " in server.wait_for_build(mark)
    css = root / "static/site.css"
    mark = server.mark()
    css.write_text(css.read_text() + "\n.added-later { color: red; }\n")
    assert " Built " in server.wait_for_build(mark)
    assert ".added-later" in server.get("/" + stylesheet(root / "_site")).body


def test_a_refused_output_folder_during_serve_is_shown_and_serving_goes_on(make_site, preview, tmp_path):
    root = make_site({"content/articles/first.md": article("First", body="Good words.")})
    server = preview(root)
    marker = root / "_site" / ".ssg-output"
    marker_text = marker.read_text()
    marker.unlink()  # now _site/ looks like a folder build.py did not make, which it must not replace
    mark = server.mark()

    (root / "content/articles/first.md").write_text(article("First", body="Edited words."))

    terminal = server.wait_for_build(mark)
    assert terminal.startswith(f"error: refusing to replace {root / '_site'}: it is not empty and was not made by")
    assert server.get("/articles/first/").status == 500
    marker.write_text(marker_text)
    mark = server.mark()
    (root / "content/articles/first.md").write_text(article("First", body="Edited again."))
    assert " Built " in server.wait_for_build(mark)
    assert "Edited again." in server.get("/articles/first/").body


# --- Drafts --------------------------------------------------------------------------------------

def test_drafts_are_previewed_from_a_folder_that_is_not_published(make_site, preview):
    root = make_site({"content/articles/wip.md": article("Work in progress", draft="true", body="Not yet.")})
    server = preview(root, "--drafts")

    assert server.lines[-1].startswith(f"Serving {root / '.cache' / 'preview'} at ")
    assert "Not yet." in server.get("/articles/wip/").body
    assert not (root / "_site").exists()


# --- The watcher's parts -------------------------------------------------------------------------

@pytest.mark.parametrize("path, expected", [
    ("site.yaml", "site.yaml"),
    ("content/articles/x.md", "content/articles/x.md"),
    ("templates/partials/share.html", "templates/partials/share.html"),
    ("static/img/a.png", "static/img/a.png"),
    ("content/articles/.x.md.swp", None),
    ("content/articles/x.md~", None),
    ("content/articles/.#x.md", None),
    ("_site/index.html", None),
    ("_site.staging-123", None),
    (".cache/preview/index.html", None),
    ("README.md", None),
    ("content", None),
])
def test_only_what_the_build_reads_counts_as_a_change(tmp_path, path, expected):
    assert source_path(tmp_path, str(tmp_path / path)) == expected
    assert source_path(tmp_path, "/elsewhere/content/x.md") is None


def test_the_debouncer_makes_one_call_per_burst_and_keeps_what_comes_during_a_call():
    calls: list[set[str]] = []
    release = threading.Event()
    called = threading.Semaphore(0)

    def action(paths: set[str]) -> None:
        calls.append(paths)
        called.release()
        release.wait(10)

    debouncer = Debouncer(action, quiet=0.05)
    debouncer.start()
    try:
        for name in ("a", "b", "c"):
            debouncer.notice(name)
        assert called.acquire(timeout=10)
        debouncer.notice("d")  # arrives while the first call runs
        debouncer.notice("e")
        release.set()
        assert called.acquire(timeout=10)
    finally:
        debouncer.stop()
    assert calls == [{"a", "b", "c"}, {"d", "e"}]


def test_the_vendored_idiomorph_is_the_pinned_npm_release():
    project = Path(__file__).resolve().parent.parent
    pinned = json.loads((project / "package.json").read_text())["devDependencies"]["idiomorph"]
    installed = project / "node_modules/idiomorph"
    if not installed.is_dir() and not os.environ.get("CI"):
        pytest.skip("node_modules/idiomorph is not installed: run npm ci")
    assert json.loads((installed / "package.json").read_text())["version"] == pinned
    vendored = project / "ssg/editor/live/idiomorph.min.js"
    assert vendored.read_bytes() == (installed / "dist/idiomorph.min.js").read_bytes()


def test_the_debouncer_waits_less_after_a_finished_save_but_never_while_a_file_is_being_written():
    calls: list[set[str]] = []
    called = threading.Semaphore(0)
    debouncer = Debouncer(lambda paths: (calls.append(paths), called.release()), quiet=30, settled_quiet=0.01)
    debouncer.start()
    try:
        debouncer.notice("a")  # written to: more may come, so the long quiet spell applies
        assert not called.acquire(timeout=0.3)
        debouncer.notice("a", settled=True)  # closed, renamed into place or deleted: the save is finished
        assert called.acquire(timeout=10)
        debouncer.notice("b", settled=True)
        debouncer.notice("c")  # another file is being written: wait for it
        assert not called.acquire(timeout=0.3)
    finally:
        debouncer.stop()
    assert calls == [{"a"}]
