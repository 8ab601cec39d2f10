"""Build the site, check it, and publish it as the deploy: section of site.yaml says.

Nothing is published if the check finds errors (warnings too, with --strict).
--dry-run lists what would change and changes nothing. A deploy that would delete
more files than deploy: max_deletes asks first (--yes answers for you).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from ssg.build.pipeline import build
from ssg.editor.check import check_build
from ssg.editor.deploy import Plan, deploy_settings, open_target
from ssg.errors import UsageError
from ssg.model.config import load_config

from .check import print_report
from .options import add_site_options, build_options


def add_arguments(parser: argparse.ArgumentParser, default_root: Path) -> None:
    add_site_options(parser, default_root)
    parser.add_argument("--dry-run", action="store_true", help="list what would be added, updated and deleted; "
                                                               "change nothing")
    parser.add_argument("--yes", action="store_true", help="do not ask before deleting many files")


def run(args: argparse.Namespace) -> int:
    if args.drafts:
        raise UsageError("deploy never publishes drafts.\nhint: preview drafts with `python build.py serve --drafts`")
    options = build_options(args)
    settings = deploy_settings(load_config(options.root, options.base_url), options.root)
    report = build(dataclasses.replace(options, stop_early=False))  # the check needs the documents read
    print(report.summary())
    checked = check_build(options, report)
    if checked.failed(args.strict):
        print_report(checked)
        print("Not published: fix the problems above, then deploy again.", file=sys.stderr)
        return 1
    print(checked.total())
    with open_target(settings, options.root, report.out) as target:
        plan = target.plan(report.out)
        if plan.empty:
            print(f"Nothing to publish: {plan.target} already has this site.")
            return 0
        if args.dry_run:
            print(plan.listing())
            print(f"Dry run: {plan.summary()} in {plan.target}. Nothing was changed.")
            return 0
        if not confirmed(plan, settings.max_deletes, args.yes):
            print("Stopped: nothing was published.", file=sys.stderr)
            return 1
        print(target.apply(report.out, plan))
    return 0


def confirmed(plan: Plan, max_deletes: int, yes: bool) -> bool:
    """Ask before deleting more than max_deletes files; without a terminal to ask on, refuse."""
    count = len(plan.deleted)
    if count <= max_deletes or yes:
        return True
    why = f"this deploy deletes {count} files from {plan.target}, more than max_deletes ({max_deletes}) in site.yaml"
    if not sys.stdin.isatty():
        raise UsageError(f"refusing to go on without asking: {why}."
                         "\nhint: see them with `python build.py deploy --dry-run`, then run "
                         "`python build.py deploy --yes` if that is right")
    answer = input(f"Careful: {why}. Type yes to publish anyway: ")
    return answer.strip().lower() in ("y", "yes")
