"""Preview the site while you write: build it, serve it at http://127.0.0.1:8000/, and at each
save in content/, templates/, static/ or site.yaml rebuild it and update the open pages.

Serves _site/, the folder a build writes. With --drafts the preview, drafts included, is built
into .cache/preview/ instead, so drafts never reach _site/, which is the folder that gets published.
Nothing opens by itself: open the address it prints.
"""
from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from pathlib import Path
from types import FrameType

from ssg.editor.admin import cms_running
from ssg.editor.serve import EVERY_INTERFACE, address, serve

from .options import add_site_options, build_options

DRAFTS_PREVIEW = Path(".cache", "preview")


def port_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number: use a whole number from 1 to 65535")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser, default_root: Path) -> None:
    add_site_options(parser, default_root, out=False)
    parser.add_argument("--port", type=port_number, default=8000, help="the port to serve on (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: %(default)s, which only this computer can reach; "
                             "0.0.0.0 lets every computer on your network see the preview)")
    parser.add_argument("--cms", action="store_true",
                        help="also edit the content in the browser at /admin/ (Decap CMS; needs Node.js and `npm ci`)")
    parser.add_argument("--cms-port", type=port_number, default=8081,
                        help="the port of the CMS's local backend, decap-server, on 127.0.0.1 (default: %(default)s)")


def stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # stop as Ctrl+C does: the build in progress finishes first


def run(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, stop)
    if args.host in EVERY_INTERFACE:
        print(f"warning: listening on every network interface ({args.host or 'all addresses'}): anyone who can reach "
              "this computer can see the preview, drafts included if you use --drafts.", file=sys.stderr, flush=True)
    # decap-server is started before, and stopped after, everything else (ssg/editor/admin.py)
    with cms_running(args.root, args.cms_port, address(args.host, args.port).rstrip("/")) if args.cms \
            else contextlib.nullcontext() as admin:
        serve(build_options(args, out=args.root / DRAFTS_PREVIEW if args.drafts else None), args.host, args.port, admin)
    print("Stopped.")
    return 0
