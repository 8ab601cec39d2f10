"""Build the site into a temporary folder and list every problem to fix, file by file.

Errors (broken links, missing pictures, pictures without alt text, ...) make the check
fail; warnings (hard reading, long sentences, http:// links, ...) fail it only with
--strict; drafts and scheduled or expired articles are listed for information.
Your _site/ folder is not touched.
"""
from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from ssg.editor.check import CheckReport, check_site
from .options import add_site_options, build_options


def add_arguments(parser: argparse.ArgumentParser, default_root: Path) -> None:
    add_site_options(parser, default_root, out=False)
    parser.add_argument("--readability", action="store_true",
                        help="also list every page's reading grade and number of words")


def run(args: argparse.Namespace) -> int:
    report = check_site(build_options(args))
    print_report(report, readability=args.readability)
    return 1 if report.failed(args.strict) else 0


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
