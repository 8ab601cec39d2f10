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
import os
import sys
from pathlib import Path

from ssg.errors import SiteError, UsageError

HERE = Path(__file__).resolve().parent

# (command, module, one-line help). `build` is also what runs when no command is given.
COMMANDS = [
    ("build", "ssg.commands.build", "build the site into _site/ (the default)"),
    ("new", "ssg.commands.new", "start a new article, page or quote (as a draft)"),
    ("check", "ssg.commands.check", "list every problem to fix: broken links, missing alt text, hard reading..."),
    ("deploy", "ssg.commands.deploy", "build, check and publish the site as site.yaml's deploy: section says"),
    ("translations", "ssg.commands.translations", "how far each language's translations are; --mark FILE records one as up to date"),
    ("serve", "ssg.commands.serve", "preview the site while you write: rebuild and reload the browser at each save"),
]


def make_parser(argv: list[str]) -> argparse.ArgumentParser:
    """The parser for this command line. Only the chosen command's module is imported (start-up time)."""
    parser = argparse.ArgumentParser(prog="build.py", description="Build the campaign site from content/, "
                                     "templates/, static/ and site.yaml.",
                                     epilog="Run 'python build.py COMMAND --help' for a command's options.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((arg for arg in argv if arg in {name for name, _, _ in COMMANDS}), "build")
    for name, module_name, summary in COMMANDS:
        if name != chosen and name != "build":
            commands.add_parser(name, help=summary)
            continue
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=summary, description=(module.__doc__ or summary).strip())
        module.add_arguments(sub, HERE)
        sub.set_defaults(run=module.run)
        if name == "build":  # `python build.py --drafts` works like `python build.py build --drafts`
            module.add_arguments(parser, HERE)
            parser.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = make_parser(argv).parse_args(argv)
    try:
        return args.run(args)
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # the disk, not the content: a folder that cannot be written, a full disk
        where = error.filename or "a file"
        print(f"error: {where}: {error.strerror or error}\n"
              "hint: check that the folder exists, that you may write to it, and that the disk is not full",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    status = main()
    # End without freeing every object one by one, which takes a tenth of a second after building a
    # large site: the system takes the memory back anyway. Every command has finished its work and
    # cleaned up (in `with` blocks) by now; only what is printed still needs flushing.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
