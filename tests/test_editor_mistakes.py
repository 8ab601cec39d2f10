"""Issue 20: the mistakes editors make that tests/bad_inputs.py's catalogue cannot show (it only builds).

Each test pins the message an editor now sees: where, what is wrong, what to do.
"""
from __future__ import annotations

from pathlib import Path

from conftest import run_cli


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
