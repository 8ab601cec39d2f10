#!/usr/bin/env python3
"""Build the campaign site: the command line editors know (./build.sh runs it in .venv).

    ./build.sh [build]        build the site into _site/
    ./build.sh --help         every command and option
    python3 build.py ...      the same, in a Python that has requirements.txt installed

The command line itself is ssg/cli.py (`helpsafely` once the package is installed with pip).
Written for any Python 3, so that an older one gets a sentence, not a syntax error.
"""
import os
import sys
from pathlib import Path

from ssg import OLDEST_PYTHON


def main() -> int:
    if sys.version_info < OLDEST_PYTHON:
        oldest, this = ".".join(map(str, OLDEST_PYTHON)), sys.version.split()[0]
        print(f"error: the site needs Python {oldest} or newer, and this is Python {this}: run ./build.sh with "
              f"PYTHON=python{oldest} (or newer) to set up .venv with another Python", file=sys.stderr)
        return 1
    from ssg.cli import main as run_command_line
    return run_command_line(default_root=Path(__file__).resolve().parent, prog="build.py")


if __name__ == "__main__":
    status = main()
    # End without freeing every object one by one, which takes a tenth of a second after building a
    # large site: the system takes the memory back anyway. Every command has finished its work and
    # cleaned up (in `with` blocks) by now; only what is printed still needs flushing.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
