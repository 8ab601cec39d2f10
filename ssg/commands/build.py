"""Build the site into _site/ (or --out), replacing the previous build only if everything succeeds."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ssg.build.pipeline import build

from .options import add_site_options, build_options


def add_arguments(parser: argparse.ArgumentParser, default_root: Path) -> None:
    add_site_options(parser, default_root)


def run(args: argparse.Namespace) -> int:
    report = build(build_options(args))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    return 0
