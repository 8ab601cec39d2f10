"""ssg.safe_files.write_atomically: the one way the generator writes a file whole, in one step
(the build cache, share cards, a deploy folder and its manifest)."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssg import safe_files
from ssg.safe_files import write_atomically


@pytest.fixture
def umask_022() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_it_writes_the_whole_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB, more than one write of a buffer
    write_atomically(tmp_path / "state.json", data)
    assert (tmp_path / "state.json").read_bytes() == data
    assert os.listdir(tmp_path) == ["state.json"]


def test_it_replaces_a_file_rather_than_writing_into_it(tmp_path: Path) -> None:
    file = tmp_path / "page.html"
    file.write_bytes(b"the old page")
    with open(file, "rb") as reader:  # a reader that opened the old file before the write
        write_atomically(file, b"the new page")
        assert reader.read() == b"the old page"  # sees the old file whole, never half of the new one
    assert file.read_bytes() == b"the new page"
    assert os.listdir(tmp_path) == ["page.html"]


def test_it_never_writes_through_a_link_planted_at_the_temporary_name(tmp_path: Path, monkeypatch) -> None:
    victim = tmp_path / "outside" / "secret"
    victim.parent.mkdir()
    victim.write_bytes(b"not yours")
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "key").write_bytes(b"old")
    monkeypatch.setattr(safe_files, "_temporary_name", lambda name: f".{name}.guessed.tmp")
    (folder / ".key.guessed.tmp").symlink_to(victim)
    with pytest.raises(FileExistsError):
        write_atomically(folder / "key", b"new")
    assert victim.read_bytes() == b"not yours"
    assert (folder / "key").read_bytes() == b"old"
    assert os.path.islink(folder / ".key.guessed.tmp")  # not ours: left where it was, for its owner to see


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "inside").write_bytes(b"")  # a folder with files cannot be replaced by a file
    with pytest.raises(IsADirectoryError):
        write_atomically(tmp_path / "taken", b"data")
    assert os.listdir(tmp_path) == ["taken"]


def test_each_write_uses_a_new_temporary_name() -> None:
    assert safe_files._temporary_name("head.json") != safe_files._temporary_name("head.json")
    assert safe_files._temporary_name("head.json").startswith(".head.json.")  # hidden: never published


def test_the_mode_is_for_this_user_unless_others_must_read_it(tmp_path: Path, umask_022: None) -> None:
    write_atomically(tmp_path / "cached", b"x")
    write_atomically(tmp_path / "deployed", b"x", mode=0o666)
    assert stat.S_IMODE(os.stat(tmp_path / "cached").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "deployed").st_mode) == 0o644
