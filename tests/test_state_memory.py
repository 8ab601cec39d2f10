"""cache.StateMemory: serve, building again and again, does not read back the cache state it has just
saved; a state another writer saved is read from the cache folder; builds without one always read it."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ssg.build.cache import CACHE_DIR, HEAD_FILE, STATE_DIR, BuildCache, StateMemory
from ssg.build.pipeline import BuildOptions, BuildReport, build

from conftest import article


@pytest.fixture
def options(make_site) -> BuildOptions:
    root = make_site({f"content/articles/story-{n}.md": article(f"Story {n}", f"2024-01-0{n}", f"Body {n}.")
                      for n in range(1, 4)})
    return BuildOptions(root=root, out=root / "_site", jobs=1)


def damage_the_state_files(root: Path) -> None:
    """Every file the head lists no longer holds what its name says: read back, the state is not trusted."""
    shards = [file for file in (root / CACHE_DIR / STATE_DIR).iterdir() if file.name != HEAD_FILE]
    assert shards
    for file in shards:
        file.write_bytes(b"{}")


def everything_rendered(report: BuildReport) -> bool:
    return report.rendered == sum(report.counts.values())


def test_a_build_given_the_memory_does_not_read_back_the_state_saved_before(options):
    remembering = dataclasses.replace(options, state_memory=StateMemory())
    assert everything_rendered(build(remembering))
    damage_the_state_files(options.root)
    assert build(remembering).rendered == 0  # the state came from memory: the damaged files were not read
    assert everything_rendered(build(options))  # read from the folder: not trusted, so everything is rendered


def test_a_state_saved_by_another_writer_is_read_from_the_cache_folder(options):
    remembering = dataclasses.replace(options, state_memory=StateMemory())
    build(remembering)
    story = options.root / "content/articles/story-1.md"
    story.write_text(story.read_text().replace("Body 1.", "Body one."))
    assert build(options).rendered > 0  # another process: a new state, and a new site in the output folder
    # The state remembered is the one before: used, it would not match the output folder (all rendered again)
    assert build(remembering).rendered == 0
    assert "Body one." in (options.out / "articles/story-1/index.html").read_text()


def test_serve_reads_the_state_from_the_cache_folder_once(options, monkeypatch):
    from ssg.editor.serve import Preview
    reads = []
    real_read = BuildCache._read

    def counted_read(cache: BuildCache, head: Path):
        reads.append(head)
        return real_read(cache, head)
    monkeypatch.setattr(BuildCache, "_read", counted_read)
    preview = Preview(options)
    preview.rebuild()
    story = options.root / "content/articles/story-2.md"
    story.write_text(story.read_text().replace("Body 2.", "Body two."))
    preview.rebuild({"content/articles/story-2.md"})
    preview.rebuild()
    assert preview.problem is None
    assert len(reads) == 1  # at the first build (before any state was saved); never after
