"""Python-Markdown's own test suite, run with our speed-ups in every Markdown instance it makes.

    .venv/bin/python tests/markdown_upstream.py --fetch   download the pinned version's source (test.sh does)
    .venv/bin/python tests/markdown_upstream.py           run its tests (tests/test_markdown_upstream.py does)

The suite comes from the source distribution of the installed version on PyPI (checked against
the hash recorded here) and is unpacked in .cache/upstream/ (not committed). Its tests compare
HTML with the expected HTML; toc's tests also read md.toc, the table of contents our heading-id
processor does not build (no template shows it): for those, stock toc builds it on a copy of the
tree, and that copy must then be byte for byte the tree ours made.
"""
from __future__ import annotations

import copy
import hashlib
import subprocess
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path

import markdown
from markdown.extensions.toc import TocTreeprocessor
from markdown.serializers import to_html_string

from ssg.markdown.markup import HeadingIdsOnly, use_faster_processors

PROJECT = Path(__file__).resolve().parent.parent
# sha256 of the source distribution, for each version whose suite we run (PyPI lists the same).
SDIST_SHA256 = {"3.11.3": "81eb91631dc97ad1efbc76019ef0f80fe90ca49ddf81546752d79989c3bfff3e"}


def source_folder(version: str = markdown.__version__) -> Path:
    return PROJECT / ".cache" / "upstream" / f"markdown-{version}"


def fetch(version: str = markdown.__version__) -> Path:
    """Download and unpack Python-Markdown `version`'s source distribution, once."""
    folder = source_folder(version)
    if (folder / "tests").is_dir():
        return folder
    with tempfile.TemporaryDirectory() as download:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
                        "--no-binary", ":all:", f"Markdown=={version}", "-d", download], check=True, timeout=300)
        archive = next(Path(download).glob("*.tar.gz"))
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if digest != SDIST_SHA256.get(version):
            raise SystemExit(f"{archive.name}: sha256 {digest} is not the one recorded in {__file__}")
        folder.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(folder.parent, filter="data")
    return folder


def run(folder: Path) -> unittest.TestResult:
    """Run the suite in `folder` with the speed-ups in every Markdown instance; print a summary."""
    made = speed_up_every_markdown()
    differences = compare_toc_with_stock()
    suite = unittest.defaultTestLoader.discover(str(folder / "tests"), top_level_dir=str(folder))
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=0).run(suite)
    print(f"markdown {markdown.__version__}: {result.testsRun} tests, {len(result.failures)} failures, "
          f"{len(result.errors)} errors, {len(result.skipped)} skipped; {made[0]} converters sped up; "
          f"{len(differences)} trees where toc's differ")
    for tree in differences[:5]:
        print(f"toc difference:\n{tree}")
    if differences:
        result.failures.append((None, "toc differences"))
    return result


def speed_up_every_markdown() -> list[int]:
    """Make every Markdown instance use our processors; the returned list counts them."""
    made = [0]
    stock_init = markdown.Markdown.__init__

    def init(self, **kwargs):
        stock_init(self, **kwargs)
        use_faster_processors(self)
        made[0] += 1
    markdown.Markdown.__init__ = init
    return made


def compare_toc_with_stock() -> list[str]:
    """Have HeadingIdsOnly also run stock toc on a copy (which sets md.toc and md.toc_tokens, which
    toc's tests read), and record every tree where the two differ."""
    differences: list[str] = []
    fast_run = HeadingIdsOnly.run

    def run_both(self, doc):
        stock_doc = copy.deepcopy(doc)
        TocTreeprocessor.run(self, stock_doc)
        fast_run(self, doc)
        if to_html_string(stock_doc) != to_html_string(doc):
            differences.append(f"stock: {to_html_string(stock_doc)}\nours:  {to_html_string(doc)}")
    HeadingIdsOnly.run = run_both
    return differences


if __name__ == "__main__":
    if sys.argv[1:] == ["--fetch"]:
        print(fetch())
    else:
        sys.exit(0 if run(source_folder()).wasSuccessful() else 1)
