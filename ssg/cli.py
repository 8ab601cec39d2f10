"""The command line: `helpsafely` (pip install .), `python3 build.py` and `./build.sh` all run main().

    helpsafely [build]        build the site folder you are in into _site/ (--root DIR: another one)
    ./build.sh [build]        build the campaign site (the folder holding build.sh)
    ./build.sh --help         every command and option

Exit status: 0 success, 1 a problem in the content, templates or site.yaml, 2 bad usage.
Each command lives in its own module, which provides `add_arguments(parser, default_root)` and `run(args)`.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path

from ssg import __version__
from ssg.errors import SiteError, UsageError

# The modules of requirements.txt's packages, looked for before anything imports them.
REQUIRED_MODULES = ("jinja2", "markupsafe", "markdown", "yaml", "nh3", "tornado", "watchdog")

# (command, module, one-line help). `build` is also what runs when no command is given.
COMMANDS = [
    ("build", "ssg.commands.build", "build the site into _site/ (the default)"),
    ("new", "ssg.commands.new", "start a new article, page or quote (as a draft)"),
    ("check", "ssg.commands.check", "list every problem to fix: broken links, missing alt text, hard reading..."),
    ("deploy", "ssg.commands.deploy", "build, check and publish the site as site.yaml's deploy: section says"),
    ("translations", "ssg.commands.translations",
     "how far each language's translations are; --mark FILE records one as up to date"),
    ("serve", "ssg.commands.serve", "preview the site while you write: rebuild and reload the browser at each save"),
]


def make_parser(argv: list[str], default_root: Path, prog: str) -> argparse.ArgumentParser:
    """The parser for this command line. Only the chosen command's module is imported (start-up time)."""
    parser = argparse.ArgumentParser(prog=prog, description="Build a site from its content/, templates/, static/ "
                                     "and site.yaml.", epilog=f"Run '{prog} COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((arg for arg in argv if arg in {name for name, _, _ in COMMANDS}), "build")
    for name, module_name, summary in COMMANDS:
        if name != chosen and name != "build":
            commands.add_parser(name, help=summary)
            continue
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=summary, description=(module.__doc__ or summary).strip())
        module.add_arguments(sub, default_root)
        sub.set_defaults(run=module.run)
        if name == "serve":
            sub.add_argument("--open", action="store_true",
                             help="open the preview in your web browser once it is served ($BROWSER picks the browser)")
        if name == "build":  # `./build.sh --drafts` works like `./build.sh build --drafts`
            module.add_arguments(parser, default_root)
            parser.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None, default_root: Path | None = None, prog: str = "helpsafely") -> int:
    """Run the command line `argv` (default: sys.argv); the site folder is `default_root` unless --root
    says otherwise (default: the current folder)."""
    argv = sys.argv[1:] if argv is None else argv
    missing = [name for name in REQUIRED_MODULES if importlib.util.find_spec(name) is None]
    if missing:  # run by a Python without the environment build.sh sets up
        print(f"error: the Python packages the site needs are not installed ({', '.join(missing)}): run ./build.sh, "
              f"which installs them in .venv (or: {sys.executable} -m pip install -r requirements.txt)",
              file=sys.stderr)
        return 1
    args = make_parser(argv, default_root or Path.cwd(), prog).parse_args(argv)
    if getattr(args, "open", False):
        open_in_browser_when_served(args.host, args.port)
    try:
        status: int = args.run(args)
        return status
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


def open_in_browser_when_served(host: str, port: int, patience: float = 600.0) -> None:
    """Open the preview in the browser (the webbrowser module: $BROWSER, else the system's) as soon as
    the server accepts connections, which is after the first build; give up after `patience` seconds."""
    import socket
    import threading
    import time
    import webbrowser
    from urllib.parse import urlsplit

    from ssg.editor.serve import address

    url = address(host, port)

    def wait_then_open() -> None:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            try:
                socket.create_connection((urlsplit(url).hostname, port), timeout=1).close()
            except OSError:
                time.sleep(0.1)
                continue
            webbrowser.open(url)
            return
    threading.Thread(target=wait_then_open, name="open-browser", daemon=True).start()
