"""Build the site into a temporary folder and list every problem to fix, file by file.

Errors (broken links, missing pictures, pictures without alt text, ...) make the check
fail; warnings (hard reading, long sentences, http:// links, ...) fail it only with
--strict; drafts and scheduled or expired articles are listed for information.
Your _site/ folder is not touched.

`check FILE...` or `check --changed` still checks the whole site (a link is broken or not
because of other files), but lists only the problems in the files named, or in the files
changed since the last commit (git's own list, untracked files included).
"""
from __future__ import annotations

import argparse
import itertools
import subprocess
from pathlib import Path

from ssg.editor.check import CheckReport, check_site
from ssg.errors import UsageError

from .options import add_site_options, build_options


def add_arguments(parser: argparse.ArgumentParser, default_root: Path) -> None:
    add_site_options(parser, default_root, out=False)
    parser.add_argument("--readability", action="store_true",
                        help="also list every page's reading grade and number of words")
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="list only the problems in these files, like content/articles/x.md")
    parser.add_argument("--changed", action="store_true",
                        help="list only the problems in files changed since the last commit (needs git)")


def run(args: argparse.Namespace) -> int:
    wanted = site_paths(args.root, args.files) + (changed_files(args.root) if args.changed else [])
    report = check_site(build_options(args))
    if args.files or args.changed:
        report = report.only(wanted)
    print_report(report, readability=args.readability)
    return 1 if report.failed(args.strict) else 0


def site_paths(root: Path, files: list[Path]) -> list[str]:
    """Each file named on the command line as the site names it (content/articles/x.md)."""
    folder, paths = root.resolve(), []
    for file in files:
        path = file.resolve()
        if not path.is_file() or not path.is_relative_to(folder):
            raise UsageError(f"{file} is not a file of the site in {root}.\nhint: name files like "
                             "content/articles/x.md, from the site's folder")
        paths.append(path.relative_to(folder).as_posix())
    return paths


def changed_files(root: Path) -> list[str]:
    """The site's files that differ from the last commit, or are new and not ignored, as git lists them."""
    listed = []
    for command in (["diff", "--name-only", "--relative", "HEAD", "--", "."],
                    ["ls-files", "--others", "--exclude-standard", "--", "."]):
        try:
            done = subprocess.run(["git", *command], cwd=root, capture_output=True, text=True)
        except FileNotFoundError:
            raise UsageError("check --changed asks git what changed, and git is not installed.\n"
                             "hint: name the files instead: check content/articles/x.md") from None
        if done.returncode != 0:
            raise UsageError(f"check --changed asks git what changed since the last commit, but git says: "
                             f"{' '.join(done.stderr.split())}\nhint: name the files instead: "
                             "check content/articles/x.md")
        listed += done.stdout.split("\n")
    return [name for name in listed if name]


def print_report(report: CheckReport, *, readability: bool = False) -> None:
    """Problems grouped by file (a blank line between files), the grade table if asked, then the total."""
    for _, problems in itertools.groupby(report.problems, key=lambda p: p.error.path):
        for problem in problems:
            print(problem)
        print()
    if readability:
        print(readability_table(report))
        print()
    print(report.total())


def readability_table(report: CheckReport) -> str:
    """Every page's Flesch-Kincaid grade and words, hardest first; '!' marks a grade above the target."""
    lines = [f"Reading grade of each page (Flesch-Kincaid; the target in site.yaml is {report.max_grade:g} or lower)",
             " grade  words  page"]
    for page in report.scores:
        mark = "!" if page.score.grade > report.max_grade else " "
        lines.append(f"{page.score.grade:6.1f}{mark}{page.score.words:6d}  {page.path}")
    lines += [f"  not scored   {page}: the Flesch-Kincaid grade measures English only" for page in report.unscored]
    return "\n".join(lines)
