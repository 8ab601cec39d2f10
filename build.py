#!/usr/bin/env python3
"""Command line for the campaign site generator.

    python build.py [build]   build the site into _site/
    python build.py --help    every command and option

Exit status: 0 success, 1 a problem in the content, templates or site.yaml, 2 bad usage.
Each command lives in its own module, which provides `add_arguments(parser)` and `run(args)`.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from ssg.errors import SiteError, UsageError

HERE = Path(__file__).resolve().parent

# (command, module, one-line help). `build` is also what runs when no command is given.
COMMANDS = [
    ("build", "ssg.commands.build", "build the site into _site/ (the default)"),
    ("serve", "ssg.commands.serve", "preview the site while you write: rebuild and reload the browser at each save"),
]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the campaign site from content/, "
                                     "templates/, static/ and site.yaml.",
                                     epilog="Run 'python build.py COMMAND --help' for a command's options.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, summary in COMMANDS:
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=summary, description=(module.__doc__ or summary).strip())
        module.add_arguments(sub, HERE)
        sub.set_defaults(run=module.run)
        if name == "build":  # `python build.py --drafts` works like `python build.py build --drafts`
            module.add_arguments(parser, HERE)
            parser.set_defaults(run=module.run)
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
