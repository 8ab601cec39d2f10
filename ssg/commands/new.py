"""Start a new document of any kind (article, page, quote, chart, fact...): write its file with every
setting filled in or explained.

A document with a page starts as a draft (`draft: true`), dated today, named from the title.
An existing file is never replaced.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ssg.build.pipeline import today_from_environment
from ssg.editor.scaffold import new_document
from ssg.model.kinds import KINDS


def add_arguments(parser: argparse.ArgumentParser, default_root: Path) -> None:
    parser.add_argument("kind", choices=list(KINDS), help="what to start: " + ", ".join(KINDS))
    parser.add_argument("title", help="the title, in quotes; the file name is made from it. For a quote, "
                                      "a few words naming it, like \"Dick: disgusting\"")
    parser.add_argument("--root", type=Path, default=default_root, metavar="DIR",
                        help="the site folder holding content/ (default: %(default)s)")


def run(args: argparse.Namespace) -> int:
    path = new_document(args.root, args.kind, args.title, today_from_environment())
    print(as_seen_from_here(path))
    if "draft" in KINDS[args.kind].meta.__dataclass_fields__:  # it starts as a draft
        print(f"Created a draft {args.kind}. Write it, replacing each FILL IN; then delete the line "
              "`draft: true` to publish it.")
    else:
        print(f"Created a {args.kind}. Write it, replacing each FILL IN.")
    return 0


def as_seen_from_here(path: Path) -> str:
    """`path` relative to the folder the command was run in, if it is inside it; else the full path."""
    path, here = path.resolve(), Path.cwd().resolve()
    return path.relative_to(here).as_posix() if path.is_relative_to(here) else str(path)
