"""bench/measure.py's set_aside: a cold build's earlier output is moved out of the way, deleted only at the end."""
from pathlib import Path

from measure import SET_ASIDE, delete_set_aside, set_aside


def test_earlier_output_is_moved_aside_whole_and_deleted_only_when_asked(tmp_path: Path):
    work, site = tmp_path / "work", tmp_path / "work" / "site"
    for n in range(2):
        (site / "_site" / "articles" / str(n)).mkdir(parents=True)
        (site / "_site" / "articles" / str(n) / "index.html").write_text(f"round {n}")
        set_aside(site / "_site", work)
        assert not (site / "_site").exists()
    moved = sorted(p.read_text() for p in (work / SET_ASIDE).rglob("index.html"))
    assert moved == ["round 0", "round 1"]  # the second move does not overwrite the first
    delete_set_aside(work)
    assert not (work / SET_ASIDE).exists() and site.is_dir()


def test_nothing_there_is_nothing_to_move_and_a_link_is_moved_not_followed(tmp_path: Path):
    set_aside(tmp_path / "absent", tmp_path)
    assert not (tmp_path / SET_ASIDE).exists()
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "kept").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    set_aside(tmp_path / "link", tmp_path)
    delete_set_aside(tmp_path)
    assert (tmp_path / "target" / "kept").read_text() == "x"
