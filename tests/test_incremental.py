"""Warm builds (with the cache) give byte-identical output to cold builds, after every kind of change."""
from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import QUOTE, article, snapshot, write_files

CHART = """title: Things counted
description: Two bars, the second higher.
unit: things
source: {title: A table, publisher: Example Office, url: "https://example.org/table"}
bars:
  - {label: "2020", value: 10}
  - {label: "2021", value: 20}
"""


@pytest.fixture
def site(make_site):
    files = {f"content/articles/story-{n}.md": article(f"Story {n}", f"2024-01-{n:02d}", f"Body {n}.",
                                                       tags="[law, help]")
             for n in range(1, 6)}
    files["content/articles/with-quote.md"] = article("With a quote", "2024-02-01", "Text.\n\n[[quote: ada]]\n")
    files["content/articles/with-chart.md"] = article("With a chart", "2024-02-02", "[[chart: things]]\n")
    files["content/quotes/ada.md"] = QUOTE
    files["content/charts/things.yaml"] = CHART
    files["content/pages/about.md"] = ("---\ntitle: About\nsummary: About us.\n---\n"
                                      "See [the story](../articles/story-1.md).\n")
    return make_site(files)


def cold_build(root: Path, tmp_path: Path, build_site, *args: str) -> dict[str, bytes]:
    """Build a copy of the site with no cache and no previous output (with the command line's `args`)."""
    fresh = tmp_path / "cold"
    if fresh.exists():
        shutil.rmtree(fresh)
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns(".cache", "_site"))
    assert build_site(fresh, *args).status == 0
    return snapshot(fresh / "_site")


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text()
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1))


def append(root: Path, path: str, text: str) -> None:
    file = root / path
    file.write_text(file.read_text() + text)


CHANGES = {
    "article edited": lambda r: edit(r, "content/articles/story-2.md", "Body 2.", "Body two, longer now."),
    "article title edited": lambda r: edit(r, "content/articles/story-2.md", "title: Story 2", "title: Story Two"),
    "article added": lambda r: write_files(
        r, {"content/articles/new-one.md": article("New one", "2024-03-01", tags="[law]")}),
    "article deleted": lambda r: (r / "content/articles/story-3.md").unlink(),
    "article renamed": lambda r: os.rename(r / "content/articles/story-4.md", r / "content/articles/story-four.md"),
    "article made draft": lambda r: edit(r, "content/articles/story-5.md", "date:", "draft: true\ndate:"),
    "quote edited": lambda r: edit(r, "content/quotes/ada.md", "help safely", "help, but only safely"),
    "chart edited": lambda r: edit(r, "content/charts/things.yaml", "value: 20", "value: 25"),
    "template edited": lambda r: edit(r, "templates/article.html", "<article>", "<article class=\"changed\">"),
    "partial edited": lambda r: edit(r, "templates/partials/quote.html",
                                     "<figure class=\"quote\">", "<figure class=\"quote changed\">"),
    "static file changed": lambda r: append(r, "static/site.css", "\n/* changed */\n"),
    "site.yaml title changed": lambda r: edit(r, "site.yaml", "title: Test site", "title: Another name"),
    "site.yaml contacts changed": lambda r: edit(r, "site.yaml", "A crime is happening now.", "Someone is in danger."),
    "site.yaml page size changed": lambda r: append(r, "site.yaml", "articles_per_page: 2\n"),
    "base URL changed": lambda r: edit(r, "site.yaml", "https://example.org/", "https://example.org/campaign/"),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_warm_build_after_a_change_equals_a_cold_build(change, site, tmp_path, build_site, site_size):
    assert build_site(site).status == 0
    before = snapshot(site / "_site")
    CHANGES[change](site)
    result = build_site(site)
    assert result.status == 0, result.err
    warm = snapshot(site / "_site")
    assert warm != before, "the change should show in the output"
    assert warm == cold_build(site, tmp_path, build_site)


@pytest.fixture(params=["small site", "large site"])
def site_size(request, monkeypatch, tmp_path):
    """Run a test as on a small site, with everything done in the build's process, then as on a large one: the
    output folder checked, and what the feeds and sitemap show worked out, in forked processes."""
    from ssg.build import incremental
    if request.param == "large site":
        monkeypatch.setattr(incremental, "CHECK_ASIDE", 1)
        log = tmp_path / "worked-by"

        def logged(work):
            def in_its_process(*args):
                with open(log, "a") as file:
                    file.write(f"{work.__name__} {os.getpid()}\n")
                return work(*args)
            return in_its_process
        for work in ("output_matches", "shown_site_wide"):
            monkeypatch.setattr(incremental, work, logged(getattr(incremental, work)))
        yield
        done = [line.split() for line in log.read_text().splitlines()]
        assert {name for name, _ in done} == {"output_matches", "shown_site_wide"}
        assert str(os.getpid()) not in {pid for _, pid in done}  # done, and never in this process
    else:
        yield


def test_work_done_aside_is_done_in_another_process_and_its_value_comes_back():
    from ssg.build.incremental import WorkedOutAside
    assert WorkedOutAside(lambda: ("value", os.getpid()), True)() != ("value", os.getpid())
    assert WorkedOutAside(lambda: ("value", os.getpid()), True)()[0] == "value"
    assert WorkedOutAside(lambda: ("value", os.getpid()), False)() == ("value", os.getpid())


def test_an_error_in_work_done_aside_is_raised_in_the_build_process():
    from ssg.build.incremental import WorkedOutAside
    from ssg.errors import SiteError

    def work():
        raise SiteError("templates/i18n/cy.yaml", None, f"a mistake found by process {os.getpid()}")
    answer = WorkedOutAside(work, True)
    with pytest.raises(SiteError, match=f"found by process {os.getpid()}$"):
        answer()


def test_work_is_done_here_when_the_system_cannot_start_another_process(monkeypatch):
    from ssg.build import incremental

    def no_room():
        raise BlockingIOError(11, "Resource temporarily unavailable")
    monkeypatch.setattr(incremental.os, "fork", no_room)
    files = _open_files()
    assert incremental.WorkedOutAside(lambda: ("value", os.getpid()), True)() == ("value", os.getpid())
    assert _open_files() == files


def _children() -> set[str]:
    """This process's child processes, running or ended and never waited for (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = stat.read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        if int(parent) == os.getpid():
            found.add(stat.parent.name)
    return found


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_failed_build_of_a_large_site_leaves_no_process_or_pipe_behind(site, build_site, monkeypatch):
    """serve builds again and again: a build that stops at a mistake must not leave the processes it started
    for a large site (checking the output folder, planning the feeds) unwaited for, nor their pipes open."""
    from ssg.build import incremental
    monkeypatch.setattr(incremental, "CHECK_ASIDE", 1)
    assert build_site(site).status == 0
    files, before = _open_files(), _children()
    edit(site, "templates/tag.html", "{% block main %}", "{% block main %}{% if %}")  # fails in planning
    for _ in range(3):
        assert build_site(site).status == 1
    edit(site, "content/articles/story-2.md", "title: Story 2", "title: [Story 2")  # fails in loading the site
    for _ in range(3):
        assert build_site(site).status == 1
    assert _open_files() == files
    assert _children() == before


def test_no_op_build_rewrites_no_file(site, build_site, site_size):
    assert build_site(site).status == 0
    stats = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (site / "_site").rglob("*")}
    result = build_site(site)
    assert "; 0 files changed, " in result.out  # not "10 files changed"
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (site / "_site").rglob("*")} == stats


def test_editing_one_article_renders_only_what_shows_it(site, build_site):
    from ssg.build.pipeline import BuildOptions, build
    options = BuildOptions(root=site, out=site / "_site", jobs=1)
    build(options)
    CHANGES["article edited"](site)
    report = build(options)
    # the article itself, the list and tag pages that show it, the tag index, and the feed (it lists it)
    assert report.rendered == 1 + 1 + 2 + 1 + 1
    assert report.changed == 1  # the lists show the title and summary, not the body: same bytes, not rewritten


def test_a_quote_edit_renders_only_the_pages_that_embed_it(site, build_site):
    from ssg.build.pipeline import BuildOptions, build
    options = BuildOptions(root=site, out=site / "_site", jobs=1)
    build(options)
    CHANGES["quote edited"](site)
    report = build(options)
    assert report.rendered == 3  # the quote's page, the quote list, the article embedding it


def damage_stored_bodies(cache: Path, how: str) -> None:
    import sqlite3
    store = cache / "bodies.sqlite"
    if how == "wrong bodies":
        with contextlib.closing(sqlite3.connect(store)) as connection, connection:
            assert connection.execute("UPDATE bodies SET html = '<p>wrong</p>'").rowcount > 5
    elif how == "one body for every key":  # each row still matches its own checksum, not its key
        with contextlib.closing(sqlite3.connect(store)) as connection, connection:
            assert connection.execute("UPDATE bodies SET (checksum, html) = "
                                      "(SELECT checksum, html FROM bodies ORDER BY key LIMIT 1)").rowcount > 5
    else:
        for leftover in cache.glob("bodies.sqlite-*"):  # what SQLite has not yet copied into the file
            leftover.unlink()
        store.write_bytes(b"not a database" * 1000)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "wrong bodies", "one body for every key",
                                    "garbage body store"])
def test_a_damaged_cache_is_rebuilt_not_trusted(damage, site, tmp_path, build_site):
    assert build_site(site).status == 0
    cache = site / ".cache" / "ssg"
    if damage == "truncated":
        for shard in (cache / "state").glob("*-*.json"):
            shard.write_bytes(shard.read_bytes()[:40])
    elif damage == "garbage":
        (cache / "state/head.json").write_bytes(b"not json at all")
    else:
        damage_stored_bodies(cache, damage)
    CHANGES["article edited"](site)
    CHANGES["template edited"](site)  # every article page again, from the stored bodies
    assert build_site(site).status == 0
    assert snapshot(site / "_site") == cold_build(site, tmp_path, build_site)
    if damage == "garbage body store":  # made anew, and used again
        assert build_site(site, "--jobs", "1").status == 0


def test_a_template_edit_takes_the_bodies_from_the_store(site, build_site, monkeypatch):
    from ssg.build import bodies
    from ssg.build.pipeline import BuildOptions, build
    options = BuildOptions(root=site, out=site / "_site", jobs=1)
    build(options)
    CHANGES["template edited"](site)
    converted = []
    monkeypatch.setattr(bodies.BodyCache, "converter", property(lambda self: converted.append(1)))
    report = build(options)
    assert report.rendered == 7 and not converted  # the seven articles, with no body converted


@pytest.mark.parametrize("edit", ["page edited", "file deleted"])
def test_a_hand_edited_output_folder_is_rebuilt(edit, site, tmp_path, build_site, site_size):
    assert build_site(site).status == 0
    if edit == "page edited":
        page = site / "_site/articles/story-1/index.html"
        page.write_bytes(page.read_bytes().replace(b"Story 1", b"Story 9"))  # same size
    else:
        (site / "_site/feed.xml").unlink()
    assert build_site(site).status == 0
    assert snapshot(site / "_site") == cold_build(site, tmp_path, build_site)


def test_parallel_and_serial_builds_are_identical(make_site, build_site, monkeypatch):
    from ssg.model import content
    monkeypatch.setattr(content, "PARALLEL_READING", 10)  # read in worker processes too
    files = {f"content/articles/a-{n:03d}.md": article(f"A {n}", f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}",
                                                       f"Para *{n}* with `code` and [a link](a-{(n + 1) % 60:03d}.md).",
                                                       tags=f"[t{n % 3}]")
             for n in range(60)}
    one, two = make_site(files, name="serial"), make_site(files, name="parallel")
    assert build_site(one, "--jobs", "1").status == 0
    assert build_site(two, "--jobs", "2").status == 0
    assert snapshot(one / "_site") == snapshot(two / "_site")
    edit(two, "content/articles/a-007.md", "title: A 7", "title: A seven")  # the cache of a parallel build works
    edit(one, "content/articles/a-007.md", "title: A 7", "title: A seven")
    assert build_site(one, "--jobs", "1").status == 0
    assert build_site(two, "--jobs", "2").status == 0
    assert snapshot(one / "_site") == snapshot(two / "_site")


def test_a_mistake_found_by_a_worker_process_is_reported_like_any_other(make_site, build_site, monkeypatch):
    from ssg.model import content
    monkeypatch.setattr(content, "PARALLEL_READING", 10)
    files = {f"content/articles/a-{n:03d}.md": article(f"A {n}", "2023-01-01") for n in range(60)}
    files["content/articles/a-030.md"] = "---\ntitle: A 30\ndate: someday\n---\nText.\n"
    files["content/articles/a-040.md"] = "---\ntitle: [A 40\n---\nText.\n"
    result = build_site(make_site(files), "--jobs", "2")
    assert result.status == 1
    assert result.err.startswith("error: content/articles/a-030.md:2: ")  # the first in order, as in one process
    assert "hint: " in result.err and "Traceback" not in result.err


def test_check_does_not_spoil_the_cache_of_the_real_output(site, build_site):
    from conftest import run_cli
    assert build_site(site).status == 0
    run_cli("check", "--root", site)
    assert "; 0 files changed, " in build_site(site).out


def test_drafts_are_remembered_and_not_parsed_again(site, build_site, monkeypatch):
    from ssg.build.pipeline import BuildOptions, build
    from ssg.model import content
    options = BuildOptions(root=site, out=site / "_site", jobs=1)
    CHANGES["article made draft"](site)
    build(options)
    parsed = []
    real_parse = content.parse_document
    monkeypatch.setattr(content, "parse_document", lambda *args: parsed.append(args[1]) or real_parse(*args))
    build(options)
    assert parsed == []


@pytest.fixture
def trust_fresh_stamps(monkeypatch):
    """Trust the stamps of files written a moment ago, as a later build would trust them."""
    from ssg.model import content
    monkeypatch.setattr(content, "RACY_SECONDS", -1.0)


def record_reads(monkeypatch) -> list[str]:
    from ssg.model import content
    reads: list[str] = []
    real_read = content.read_source
    monkeypatch.setattr(content, "read_source", lambda file, path: reads.append(path) or real_read(file, path))
    return reads


def test_files_with_unchanged_stamps_are_not_read_again(site, tmp_path, build_site, monkeypatch, trust_fresh_stamps):
    assert build_site(site).status == 0
    reads = record_reads(monkeypatch)
    assert build_site(site).status == 0
    assert reads == []
    CHANGES["article edited"](site)
    assert build_site(site).status == 0
    assert reads == ["content/articles/story-2.md"]
    assert snapshot(site / "_site") == cold_build(site, tmp_path, build_site)


def stamps_that_never_change(monkeypatch, now: float) -> None:
    """Make every content file's stamp the same before and after a change, as on a file system whose
    clock ticks too slowly to tell two writes in the same second apart."""
    from ssg.model import content
    real_stat = os.stat

    def stat(file, *args, **kwargs):
        result = real_stat(file, *args, **kwargs)
        if "/content/" not in os.fspath(file):
            return result
        seconds, nanoseconds = int(now), int(now) * 10**9
        return os.stat_result((result.st_mode, 1, 0, 1, 0, 0, 100, seconds, seconds, seconds,
                               float(seconds), float(seconds), float(seconds), nanoseconds, nanoseconds, nanoseconds))
    monkeypatch.setattr(content.os, "stat", stat)


def test_a_file_changed_within_the_clock_tick_of_its_stamp_is_read_again(site, tmp_path, build_site, monkeypatch):
    stamps_that_never_change(monkeypatch, time.time())  # changed "just now": too fresh to trust
    assert build_site(site).status == 0
    edit(site, "content/articles/story-2.md", "Body 2.", "Body X.")  # same size
    assert build_site(site).status == 0
    assert "Body X." in (site / "_site/articles/story-2/index.html").read_text()


def test_a_file_changed_during_a_build_is_an_error_not_a_wrong_page(site, build_site, monkeypatch):
    stamps_that_never_change(monkeypatch, time.time() - 60)  # an old stamp, trusted
    assert build_site(site).status == 0
    before = snapshot(site / "_site")
    edit(site, "content/articles/story-2.md", "Body 2.", "Body X.")  # as if saved while the build ran
    CHANGES["base URL changed"](site)  # so that story-2's body, whose stamp looks unchanged, is converted again
    result = build_site(site)
    assert result.status == 1
    assert "content/articles/story-2.md: this file changed while the site was being built" in result.err
    assert "hint: build the site again" in result.err
    assert snapshot(site / "_site") == before


def test_a_stamp_too_fresh_to_trust_is_replaced_by_a_trusted_one(site, build_site, monkeypatch):
    assert build_site(site).status == 0  # every file was written a moment ago: no stamp is trusted yet
    from ssg.model import content
    monkeypatch.setattr(content, "RACY_SECONDS", -1.0)  # later, the same files are old enough to trust
    assert build_site(site).status == 0
    reads = record_reads(monkeypatch)
    assert build_site(site).status == 0
    assert reads == []


def test_an_edit_rewrites_a_few_cache_files_and_removes_the_old_ones(site, build_site):
    state = site / ".cache/ssg/state"
    assert build_site(site).status == 0
    before = {file.name for file in state.iterdir()}
    CHANGES["article edited"](site)
    assert build_site(site).status == 0
    after = {file.name for file in state.iterdir()}
    # The article's shard, and the shards of the outputs that show it: its page, the article list,
    # its two tags' pages, the list of tags and the feed. Every other shard file is kept as it was.
    assert 1 <= len(after - before - {"head.json"}) <= 7
    assert len(after) == len(before)  # what the new head does not list is gone


def test_a_larger_site_keeps_its_state_in_more_files_up_to_a_limit():
    from ssg.build.cache import MAX_SHARDS, shard_count
    counts = [shard_count(entries) for entries in (0, 1, 199, 200, 1_000, 2_400, 23_500, 10**6)]
    assert counts[:3] == [1, 1, 1] and counts[-2:] == [MAX_SHARDS, MAX_SHARDS]
    assert counts == sorted(counts) and all(count & (count - 1) == 0 for count in counts)  # powers of two
    assert 10 <= 2_400 / shard_count(2_400) <= 400  # a few hundred entries to a file, not thousands


def forget_markdown(monkeypatch) -> None:
    """Make this process look like a new build process: ssg.markdown.markup and Python-Markdown not loaded yet."""
    import sys

    import ssg
    for name in [name for name in sys.modules if name == "ssg.markdown.markup" or name.startswith("markdown")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(ssg, "markup", raising=False)


@pytest.fixture
def markdown_not_loaded(monkeypatch):
    forget_markdown(monkeypatch)


def test_after_an_edit_the_bodies_are_converted_ahead_and_the_build_never_loads_markdown(
        site, tmp_path, build_site, monkeypatch, markdown_not_loaded):
    import sys
    assert build_site(site, "--jobs", "2").status == 0
    forget_markdown(monkeypatch)  # the first build converted every body here, in this process
    CHANGES["article edited"](site)
    assert build_site(site, "--jobs", "2").status == 0
    assert "ssg.markdown.markup" not in sys.modules  # another process converted the body
    assert snapshot(site / "_site") == cold_build(site, tmp_path, build_site)


def test_a_mistake_in_a_body_converted_ahead_is_reported_by_the_build(site, build_site, capfd, markdown_not_loaded):
    assert build_site(site, "--jobs", "2").status == 0
    edit(site, "content/articles/story-2.md", "Body 2.", "Body 2.\n\n<script>alert(1)</script>")
    result = build_site(site, "--jobs", "2")
    assert result.status == 1
    assert result.err.startswith("error: content/articles/story-2.md:")
    assert "<script>" in result.err
    assert "Traceback" not in capfd.readouterr().err  # the other process gave up quietly


def test_a_file_deleted_during_a_build_is_an_error_not_a_traceback(site, build_site, monkeypatch):
    stamps_that_never_change(monkeypatch, time.time() - 60)  # an old stamp, trusted: the file is not read
    assert build_site(site).status == 0
    before = snapshot(site / "_site")
    from ssg.model import content
    real_stamp = content.file_stamp

    def stamp_then_delete(file, path, now, seen=None):  # the file goes after it was listed, before its body is read
        stamp = real_stamp(file, path, now, seen)
        if path == "content/articles/story-2.md":
            os.unlink(file)
        return stamp
    monkeypatch.setattr(content, "file_stamp", stamp_then_delete)
    CHANGES["base URL changed"](site)  # so that story-2's body is needed again
    result = build_site(site)
    assert result.status == 1
    assert result.err == ("error: content/articles/story-2.md: this file disappeared while the site was being built\n"
                          "hint: build the site again\n")
    assert snapshot(site / "_site") == before


def test_what_earlier_versions_kept_in_the_cache_is_removed(site, build_site):
    old_bodies = site / ".cache/ssg/bodies/ab"
    old_bodies.mkdir(parents=True)
    (old_bodies / "abcd.html").write_text("0000\n<p>old</p>")
    (site / ".cache/ssg/state.pickle").write_bytes(b"old state")
    assert build_site(site).status == 0
    kept = {p.name for p in (site / ".cache/ssg").iterdir()} - {"bodies.sqlite-wal", "bodies.sqlite-shm"}
    assert sorted(kept) == ["bodies.sqlite", "jinja", "key", "state"]


def test_templates_are_parsed_again_only_when_they_change(site, monkeypatch):
    """What each template includes is remembered in the cache by a hash of its source; a changed one is
    parsed again. (Each build here starts as a new command would, without what this process parsed before.)"""
    from ssg.build import digests
    from ssg.build.pipeline import BuildOptions, build
    options = BuildOptions(root=site, out=site / "_site", jobs=1)
    parsed = []
    parse = digests._PARSER.parse
    monkeypatch.setattr(digests._PARSER, "parse", lambda source, name, filename=None: parsed.append(name) or parse(
        source, name, filename))

    def build_as_a_new_command() -> None:
        digests._referenced_templates.cache_clear()
        build(options)

    build_as_a_new_command()
    assert "article.html" in parsed and "base.html" in parsed
    parsed.clear()
    CHANGES["article edited"](site)
    build_as_a_new_command()
    assert parsed == []
    CHANGES["template edited"](site)
    build_as_a_new_command()
    assert parsed == ["article.html"]


def test_a_body_store_that_cannot_be_used_only_costs_time(site, tmp_path, build_site):
    """The stored bodies are a cache: if that file cannot be opened or written, pages are built all the same."""
    (site / ".cache/ssg/bodies.sqlite").mkdir(parents=True)  # a folder where the file should be
    assert build_site(site).status == 0
    CHANGES["template edited"](site)
    result = build_site(site)
    assert result.status == 0 and result.err == ""
    assert snapshot(site / "_site") == cold_build(site, tmp_path, build_site)


def test_an_output_key_depends_only_on_what_the_output_is_made_of(make_site):
    """Keys keeps hash states it has worked out and shares them between outputs (thousands of pages read
    the same settings): a key must still be the same whatever was keyed before it, and change with any
    one of its parts, wherever that part sorts among the others."""
    import datetime
    import itertools

    from ssg.build.assets import collect_assets
    from ssg.build.bodies import BodyCache
    from ssg.build.planning import Keys
    from ssg.build.rendering import Renderer
    from ssg.model.config import load_config
    from ssg.model.site import load_site

    root = make_site({"content/articles/a.md": article(), "content/quotes/ada.md": QUOTE})

    def new_keys() -> Keys:
        site = load_site(root, load_config(root), today=datetime.date(2025, 1, 1))
        return Keys(Renderer(site, collect_assets(root), BodyCache(site, None)), {})

    settings = ("asset:site.css", "home:", "interface:", "site:base_url", "site:title")
    deps_of_outputs = [(), settings[:1], settings, settings + ("translations:article:a",),
                       settings[:3] + ("quote:ada",) + settings[3:], ("quote:ada",) + settings,
                       settings[:-1] + ("translations:article:a",)]
    cases = [(template, inputs, deps) for template, inputs, deps in itertools.product(
        ("article.html", "page.html"), (("document", "a"), ("document", "b")), deps_of_outputs)]
    one_by_one = [new_keys().key(*case) for case in cases]
    together, backwards = new_keys(), new_keys()
    assert [together.key(*case) for case in cases] == one_by_one
    assert [backwards.key(*case) for case in reversed(cases)] == one_by_one[::-1]
    assert len(set(one_by_one)) == len(cases)  # every part counts


def test_saving_the_state_rewrites_only_the_files_of_the_entries_that_changed_or_went(tmp_path):
    """Of a large state, saving again after one output changed and another went rewrites the files that
    held those two only; reading it back gives exactly the new outputs."""
    import dataclasses

    from ssg.build.cache import STATE_DIR, BuildCache, BuildState, Written, shard_count

    root = tmp_path / "site"
    root.mkdir()
    cache, out = BuildCache(root), root / "_site"
    outputs = {f"articles/{number}/index.html": Written(f"key{number}", f"digest{number}", number, number)
               for number in range(3_000)}
    first = BuildState(cache.fingerprint, str(out), "one", {}, outputs)
    cache.save(first, BuildState(cache.fingerprint, str(out)))
    state = cache.folder / STATE_DIR
    files_before = {file.name for file in state.iterdir()}
    changed = dict(outputs)
    changed["articles/7/index.html"] = dataclasses.replace(outputs["articles/7/index.html"], digest="new")
    del changed["articles/1234/index.html"]
    cache.save(BuildState(cache.fingerprint, str(out), "two", {}, changed), cache.load(out))
    files_after = {file.name for file in state.iterdir()}
    assert shard_count(len(changed)) >= 8  # enough files for the test to tell them apart
    assert 1 <= len(files_after - files_before - {"head.json"}) <= 2
    assert len(files_after) == len(files_before)
    assert cache.load(out).outputs == changed


def test_outputs_read_back_have_the_deps_they_were_saved_with_each_shared_part_kept_once(tmp_path):
    """The outputs' deps are kept factored (cache._outputs_json): read back, every output has exactly its own
    deps (none, one, many; pages sharing all but their last), and a shard file names a shared part once."""
    from ssg.build.cache import STATE_DIR, BuildCache, BuildState, Written

    root = tmp_path / "site"
    root.mkdir()
    cache, out = BuildCache(root), root / "_site"
    shared = ("asset:site.css", "interface:", "site:title")
    deps = {"index.html": (), "feed.xml": ("site:title",), "about/index.html": ("interface:", "site:menu")}
    deps |= {f"articles/{n}/index.html": (*shared, f"translations:article:{n}") for n in range(300)}
    deps |= {f"cy/articles/{n}/index.html": ("interface:cy", *shared, f"translations:article:{n}") for n in range(300)}
    outputs = {path: Written(f"key {path}", f"digest {path}", len(path), 7, these) for path, these in deps.items()}
    cache.save(BuildState(cache.fingerprint, str(out), "one", {}, outputs), BuildState(cache.fingerprint, str(out)))
    assert cache.load(out).outputs == outputs
    shard_files = [file for file in (cache.folder / STATE_DIR).iterdir() if file.name != "head.json"]
    names = [file.read_bytes().count(b'"asset:site.css"') for file in shard_files]
    assert sum(names) <= 2 * len(shard_files)  # once per shard file for each of the two shared parts, not 600


# --- a build with nothing to do stops at once -----------------------------------------------
def record_full_builds(monkeypatch) -> list[str]:
    """Note each build that goes on to read the site (one that stops early never reads the cache's state)."""
    from ssg.build import incremental
    full: list[str] = []
    real_enter = incremental.LastBuild.__enter__
    monkeypatch.setattr(incremental.LastBuild, "__enter__", lambda self: full.append("read") or real_enter(self))
    return full


def summary_of(result) -> str:
    """The summary line without its time."""
    line = next(line for line in result.out.splitlines() if line.startswith("Built "))
    return line.rsplit(", in ", 1)[0]


def test_a_build_with_nothing_changed_stops_before_reading_the_site(site, build_site, monkeypatch, trust_fresh_stamps):
    first = build_site(site)
    assert first.status == 0
    before = snapshot(site / "_site")
    full = record_full_builds(monkeypatch)
    again = build_site(site)
    assert again.status == 0 and full == []
    assert summary_of(again) == summary_of(first).replace(summary_of(first).rsplit("; ", 1)[1], "0 files changed")
    assert snapshot(site / "_site") == before


# Changes that the stamps of the sources do not show, each with a build that must not stop early after it.
NOT_IN_THE_SOURCES = {
    "an output page edited (same size)": lambda r: (
        (r / "_site/articles/story-1/index.html").write_bytes(
            (r / "_site/articles/story-1/index.html").read_bytes().replace(b"Story 1", b"Story 9")), ()),
    "an output file deleted": lambda r: ((r / "_site/feed.xml").unlink(), ()),
    "drafts asked for": lambda r: (None, ("--drafts",)),
    "another base URL asked for": lambda r: (None, ("--base-url", "https://example.org/elsewhere/")),
}


@pytest.mark.parametrize("change", [*CHANGES, *NOT_IN_THE_SOURCES])
def test_after_any_change_the_build_runs_in_full_and_equals_a_cold_build(change, site, tmp_path, build_site,
                                                                          monkeypatch, trust_fresh_stamps):
    assert build_site(site).status == 0
    assert build_site(site).status == 0  # stopped early: the last report stays the one to stop at
    full = record_full_builds(monkeypatch)
    args: tuple[str, ...] = ()
    if change in CHANGES:
        CHANGES[change](site)
    else:
        args = NOT_IN_THE_SOURCES[change](site)[1]
    assert build_site(site, *args).status == 0
    assert full == ["read"], "the build must not stop early after this change"
    full.clear()
    assert build_site(site, *args).status == 0 and full == []  # and the next one stops early again
    assert snapshot(site / "_site") == cold_build(site, tmp_path, build_site, *args)


@pytest.mark.parametrize("what", ["an interface text", "a new file in static/", "a hidden file in content/"])
def test_a_change_to_any_file_the_build_may_read_makes_it_run_in_full(what, site, build_site, monkeypatch,
                                                                      trust_fresh_stamps):
    assert build_site(site).status == 0
    full = record_full_builds(monkeypatch)
    if what == "an interface text":
        interface = next((site / "templates/i18n").glob("*.yaml"))
        interface.write_text(interface.read_text() + "\n")
    elif what == "a new file in static/":
        write_files(site, {"static/notes.txt": "new"})
    else:
        write_files(site, {"content/articles/.story-1.md.swp": "an editor's file"})
    assert build_site(site).status == 0
    assert full == ["read"]


def test_new_generator_code_makes_the_build_run_in_full(site, build_site, monkeypatch, trust_fresh_stamps):
    from ssg.build import cache
    assert build_site(site).status == 0
    full = record_full_builds(monkeypatch)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version of the generator")
    assert build_site(site).status == 0
    assert full == ["read"]


def test_another_day_makes_the_build_run_in_full(site, build_site, monkeypatch, trust_fresh_stamps):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")
    assert build_site(site).status == 0
    full = record_full_builds(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1735732800 + 86400))  # an article dated then is published now
    assert build_site(site).status == 0
    assert full == ["read"]


def test_files_changed_a_moment_ago_are_not_trusted_to_stop_early(site, build_site, monkeypatch):
    assert build_site(site).status == 0
    full = record_full_builds(monkeypatch)
    assert build_site(site).status == 0  # every file was written less than RACY_SECONDS ago
    assert full == ["read"]


def test_a_build_that_stops_early_reports_the_sites_warnings_again(make_site, build_site, trust_fresh_stamps):
    root = make_site({"content/articles/odd.md": article("Odd", colour="blue")})
    first = build_site(root)
    assert first.status == 0 and "colour" in first.err
    again = build_site(root)
    assert again.status == 0 and again.err == first.err


def test_a_last_report_this_cache_did_not_sign_is_ignored(site, build_site, monkeypatch, trust_fresh_stamps):
    from ssg.build.cache import CACHE_DIR, LAST_REPORT_FILE
    assert build_site(site).status == 0
    report = site / CACHE_DIR / LAST_REPORT_FILE
    signature, _, data = report.read_bytes().partition(b"\n")
    assert b'"article":7' in data
    report.write_bytes(signature + b"\n" + data.replace(b'"article":7', b'"article":17'))  # a wrong count
    full = record_full_builds(monkeypatch)
    result = build_site(site)
    assert result.status == 0 and full == ["read"]
    assert ", 7 articles," in result.out


def test_builds_that_cannot_stop_early_leave_no_report_to_stop_at(site, build_site, trust_fresh_stamps):
    from ssg.build.cache import CACHE_DIR, LAST_REPORT_FILE, StateMemory
    from ssg.build.pipeline import BuildOptions, build
    assert build_site(site).status == 0
    assert (site / CACHE_DIR / LAST_REPORT_FILE).is_file()
    edit(site, "content/articles/story-2.md", "Body 2.", "Body two, as the preview shows it.")
    build(BuildOptions(root=site, out=site / "_site", state_memory=StateMemory()))  # as serve builds
    assert not (site / CACHE_DIR / LAST_REPORT_FILE).exists()


@pytest.mark.parametrize("descriptor", ["functools.cached_property", "worked_out_once"])
def test_worked_out_once_behaves_as_functools_cached_property(descriptor):
    import dataclasses
    import functools

    from ssg.model.content import worked_out_once
    calls: list[int] = []

    @dataclasses.dataclass(frozen=True)
    class Frozen:
        number: int

        @(functools.cached_property if descriptor == "functools.cached_property" else worked_out_once)
        def doubled(self) -> int:
            """Twice the number."""
            calls.append(self.number)
            return self.number * 2

    one, two = Frozen(1), Frozen(2)
    assert (one.doubled, one.doubled, two.doubled) == (2, 2, 4)
    assert calls == [1, 2]  # worked out once per instance
    assert one.__dict__["doubled"] == 2 and one == Frozen(1)  # kept outside the fields
    assert Frozen.doubled.__doc__ == "Twice the number."
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.number = 3


def test_the_last_report_reads_back_as_it_was_saved_and_a_file_name_with_a_line_break_saves_none(tmp_path):
    import dataclasses

    from ssg.build.cache import CACHE_DIR, LAST_REPORT_FILE, BuildCache, LastReport
    from ssg.errors import SiteError
    cache = BuildCache(tmp_path)
    report = LastReport("k" * 32, "build-1", (("index.html", 10, 1796400000123456789), ("a b/x y.html", 0, 5)),
                        {"page": 1, "other file": 1}, {"draft": 2}, (SiteError("content/x.md", None, "odd", "fix it"),
                                                                     SiteError("site.yaml", 3, "older", "")))
    cache.save_last_report(report)
    read = cache.last_report(report.key)
    assert read is not None and read.outputs == report.outputs and read.counts == report.counts
    assert [str(w) for w in read.warnings] == [str(w) for w in report.warnings]
    assert (read.build_id, read.left_out) == ("build-1", {"draft": 2})
    assert cache.last_report("j" * 32) is None  # another key
    odd = dataclasses.replace(report, outputs=(("line\nbreak.html", 1, 2),))
    cache.save_last_report(odd)
    assert not (tmp_path / CACHE_DIR / LAST_REPORT_FILE).exists()  # none saved, and the old one is gone
