#!/usr/bin/env python3
"""How long an editor waits: from saving a Markdown file to the browser showing the new text.

    .venv/bin/python bench/serve_latency.py [--runs 10] [--articles 1000] [--only real|generated]

For two sites, a copy of this project's real site and one of N made-up articles written by
bench/generate.py, it starts `build.py serve`, opens an article in Debian's Chromium
(/usr/bin/chromium, through Playwright) and saves that article `--runs` times with new text.
Each run's latency is the time from just before the save to the first paint that shows the new
text: the page is patched in place (or, when it must, reloaded), and the moment is taken in the
page, on the same clock, once the frame that holds the new text has been painted.
Prints the median, min and max per site, and the rebuild times serve itself printed.
Targets (issue 19): a median of at most 120 ms on the real site, on Debian's Python and on an
unoptimised build of Python alike (run this script with each), and of at most 250 ms with 1,000 articles.
A benchmark, not a test: it prints numbers and judges nothing.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(PROJECT), str(PROJECT / "tests"), str(PROJECT / "bench")]

from ssg.model.content import url_for_content_file  # noqa: E402

from browser.helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from generate import write_site  # noqa: E402
from preview_process import PreviewProcess  # noqa: E402

# Runs in every page before its own scripts: once <main> shows the text the benchmark waits for
# (sessionStorage.probe, kept across a reload), note when the next frame has been painted (epoch ms).
RECORD_SHOWN = """
new MutationObserver(() => {
  const probe = sessionStorage.getItem('probe'), main = document.querySelector('main');
  if (!window.shown && probe && main && main.textContent.includes(probe))
    requestAnimationFrame(() => setTimeout(() => {
      window.shown = window.shown || performance.timeOrigin + performance.now();
    }));
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
CONNECTED = "() => window.serveLive !== undefined && window.serveLive.connected"
PATIENCE = 600  # seconds: a slow machine gives slow numbers, not a failed benchmark
SECONDS = re.compile(r" in ([0-9.]+) s")


def real_site(folder: Path) -> Path:
    """A copy of this project's site (never the project itself: the benchmark edits an article)."""
    for name in ("content", "templates", "static"):
        shutil.copytree(PROJECT / name, folder / name)
    shutil.copy(PROJECT / "site.yaml", folder / "site.yaml")
    return folder


def generated_site(folder: Path, articles: int) -> Path:
    write_site(folder, articles)
    return folder


def measure(browser, root: Path, runs: int) -> tuple[list[float], list[float]]:
    """Save the first article `runs` times; the latencies and serve's rebuild times, in seconds."""
    source = sorted((root / "content/articles").glob("*.md"))[0]
    original = source.read_text(encoding="utf-8")
    server = PreviewProcess(root)
    page = browser.new_page()
    page.add_init_script(RECORD_SHOWN)
    latencies, rebuilds = [], []
    try:
        server.wait_until_serving(timeout=PATIENCE)  # the first build is a full one
        page.goto(server.url + "/" + url_for_content_file(f"articles/{source.name}"))
        for run in range(runs):
            page.wait_for_function(CONNECTED)
            probe = f"Latency probe {run} {time.time_ns()}"
            page.evaluate("probe => { sessionStorage.setItem('probe', probe); window.shown = 0; }", probe)
            mark = server.mark()
            saved = time.time()
            source.write_text(f"{original}\n{probe}\n", encoding="utf-8")
            shown = page.wait_for_function("() => window.shown", timeout=PATIENCE * 1000).json_value()
            latencies.append(shown / 1000 - saved)
            rebuilds.append(float(SECONDS.search(server.wait_for_build(mark, PATIENCE)).group(1)))
    except Exception:
        print("serve printed:\n" + "\n".join(server.lines), file=sys.stderr)
        raise
    finally:
        page.close()
        server.stop()
    return latencies, rebuilds


def summary(name: str, seconds: list[float]) -> str:
    return (f"{name}: median {statistics.median(seconds) * 1000:.0f} ms, min {min(seconds) * 1000:.0f} ms, "
            f"max {max(seconds) * 1000:.0f} ms ({len(seconds)} runs)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="saves per site (default: %(default)s)")
    parser.add_argument("--articles", type=int, default=1000,
                        help="articles in the generated site (default: %(default)s)")
    parser.add_argument("--only", choices=("real", "generated"), help="measure one site only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="serve-latency-") as scratch, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sites = {"real": ("real site", lambda: real_site(Path(scratch, "real"))),
                 "generated": (f"{args.articles} articles",
                               lambda: generated_site(Path(scratch, "generated"), args.articles))}
        for key, (name, make) in sites.items():
            if args.only in (None, key):
                latencies, rebuilds = measure(browser, make(), args.runs)
                print(summary(f"{name}, save to new text painted", latencies))
                print(summary(f"{name}, rebuild as serve reports it", rebuilds), flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
