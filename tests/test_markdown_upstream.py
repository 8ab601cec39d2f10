"""The speed-ups against Python-Markdown itself: its own test suite, and the internals they replace.

An upgrade of Python-Markdown must fail here until someone has read what changed in each
internal we replace or rely on, checked the speed-ups against it and recorded the new hashes.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import re
import subprocess
import sys

import markdown
import pytest

from conftest import PROJECT

# Python-Markdown 3.11.3's source of each function, class or module the speed-ups in
# ssg/markdown/markup.py replace, wrap, or copy assumptions from (sha256 of inspect.getsource, cut to 16).
CHECKED_VERSION = "3.11.3"
REPLACED_INTERNALS = {
    "treeprocessors.InlineProcessor.run": "f6c93631f2871499",
    "treeprocessors.InlineProcessor._InlineProcessor__handleInline": "fe27babc114aed0a",
    "treeprocessors.InlineProcessor._InlineProcessor__applyPattern": "8862b35197c0e614",
    "treeprocessors.InlineProcessor._InlineProcessor__processPlaceholders": "3f4a6088e773c996",
    "treeprocessors.UnescapeTreeprocessor.run": "5752b9f6937e0084",
    "treeprocessors.PrettifyTreeprocessor.run": "cdeb0a0e855490df",
    "treeprocessors.PrettifyTreeprocessor._prettifyETree": "c2f85aa56a16652c",
    "blockparser.BlockParser.parseBlocks": "1737e188f149267b",
    "extensions.toc.TocTreeprocessor.run": "75af906d7e4cef01",
    "extensions.attr_list.AttrListTreeprocessor.run": "fb126cccd79ac3cb",
    "preprocessors.NormalizeWhitespace.run": "a99bc2f9e0d83abc",
    "preprocessors.HtmlBlockPreprocessor.run": "0e55181cf96c0cd6",
    "extensions.fenced_code.FencedBlockPreprocessor.run": "5ff582f6af84b7e7",
    "serializers": "7cef1af99da20252",
    "inlinepatterns": "35f1c45afbc3e901",
    "extensions.smarty": "efdabc667936dc8d",
    "blockprocessors": "0522d16c4ddadc75",
    "extensions.tables.TableProcessor": "31397776d9ad7c7c",
    "extensions.footnotes.FootnoteBlockProcessor": "5373557aa62b97ca",
    "extensions.sane_lists": "76d51863c957b4a9",
}


def stock_object(dotted: str):
    """markdown.<dotted>: a module, or an attribute of one."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(["markdown", *parts[:split]]))
            break
        except ImportError:
            continue
    for name in parts[split:]:
        found = getattr(found, name)
    return found


def source_hash(dotted: str) -> str:
    return hashlib.sha256(inspect.getsource(stock_object(dotted)).encode()).hexdigest()[:16]


def test_the_python_markdown_internals_the_speed_ups_replace_are_unchanged():
    changed = sorted(name for name, recorded in REPLACED_INTERNALS.items() if source_hash(name) != recorded)
    assert not changed, (
        f"Python-Markdown {markdown.__version__} changed what ssg/markdown/markup.py's speed-ups replace or rely on "
        f"(checked against {CHECKED_VERSION}): {', '.join(changed)}. Read the changes, bring the speed-ups in "
        "line (or run with MarkdownConverter(fast=False)), then record the new hashes here.")


def test_pythons_markdown_own_test_suite_passes_with_the_speed_ups():
    from markdown_upstream import fetch
    try:
        fetch()
    except Exception as error:  # no network here: CI has it, and must not skip
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Python-Markdown's source distribution could not be downloaded ({error}): ./test.sh does it")
    result = subprocess.run([sys.executable, str(PROJECT / "tests" / "markdown_upstream.py")], capture_output=True,
                            text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(PROJECT)})
    summary = re.search(r"(\d+) tests, (\d+) failures, (\d+) errors, \d+ skipped; (\d+) converters sped up; "
                        r"(\d+) trees where toc's differ", result.stdout)
    assert summary, result.stdout + result.stderr[-3000:]
    tests, failures, errors, converters, toc_differences = map(int, summary.group(1, 2, 3, 4, 5))
    assert (failures, errors, toc_differences) == (0, 0, 0), result.stdout + result.stderr[-3000:]
    assert tests > 1000 and converters > 1000  # the suite ran, and ran with the speed-ups
    assert result.returncode == 0
