#!/usr/bin/env python3
"""Command line for the campaign site generator.

    python build.py [build]   build the site into _site/
    python build.py --help    every command and option

Exit status: 0 success, 1 a problem in the content, templates or site.yaml, 2 bad usage.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ssg.errors import SiteError, UsageError
from ssg.pipeline import BuildOptions, build

HERE = Path(__file__).resolve().parent


def add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=HERE, metavar="DIR",
                        help="the site folder holding site.yaml, content/, templates/ and static/ (default: this folder)")
    parser.add_argument("--drafts", action="store_true", help="include articles and pages marked draft: true")
    parser.add_argument("--base-url", metavar="URL", help="publish for this address instead of base_url in site.yaml")


def build_options(args: argparse.Namespace) -> BuildOptions:
    out = args.out if args.out is not None else args.root / "_site"
    return BuildOptions(root=args.root, out=out, drafts=args.drafts, base_url=args.base_url,
                        strict=getattr(args, "strict", False))


def run_build(args: argparse.Namespace) -> int:
    report = build(build_options(args))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the campaign site from content/, "
                                     "templates/, static/ and site.yaml.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_parser = commands.add_parser("build", help="build the site (the default)",
                                       description="Build the site into _site/ (or --out).")
    for each in (parser, build_parser):
        add_site_options(each)
        each.add_argument("--out", type=Path, metavar="DIR", help="where to write the site (default: _site in the site folder)")
        each.add_argument("--strict", action="store_true", help="treat warnings (like unknown front matter keys) as errors")
        each.set_defaults(run=run_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.run(args)
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
