"""Options shared by the commands that build the site (build, serve, check, deploy)."""
from __future__ import annotations

import argparse
from pathlib import Path

from ssg.build.pipeline import BuildOptions


def add_site_options(parser: argparse.ArgumentParser, default_root: Path, *, out: bool = True) -> None:
    parser.add_argument("--root", type=Path, default=default_root, metavar="DIR",
                        help="the site folder holding site.yaml, content/, templates/ and static/ "
                             "(default: %(default)s)")
    parser.add_argument("--drafts", action="store_true", help="include articles and pages marked draft: true")
    parser.add_argument("--base-url", metavar="URL", help="publish for this address instead of base_url in site.yaml")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (like unknown front matter keys) as errors")
    parser.add_argument("--jobs", type=int, metavar="N", default=None,
                        help="how many processes render pages (default: one per CPU core)")
    if out:
        parser.add_argument("--out", type=Path, metavar="DIR", help="where to write the site, from the folder you "
                            "run the command in (default: _site in the site folder)")


def build_options(args: argparse.Namespace, out: Path | None = None) -> BuildOptions:
    target = out or getattr(args, "out", None) or args.root / "_site"
    return BuildOptions(root=args.root, out=target, drafts=args.drafts, base_url=args.base_url,
                        strict=args.strict, jobs=args.jobs)
