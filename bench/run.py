#!/usr/bin/env python3
"""Benchmark the build: cold, no-op and one-edit builds, floors, and (with --peers) other generators.

    .venv/bin/python bench/run.py --pages 1000 [10000] [--runs 3] [--peers [NAME ...]] [--work DIR] [--save FILE]
                                  [--working-tree] [--welsh]

It measures a copy of the project taken at the start (build.py, ssg/, templates/, static/),
so that nobody's editing during a long run changes what is measured (or empties our build
cache, which trusts only the code that wrote it): the last commit, or with --working-tree
the files as they are now.

For each number of pages it writes a site with bench/generate.py, then, `--runs` times:
  cold      `python build.py build` as a whole new process, after deleting the output and SITE/.cache
  no-op     the same again with nothing changed; checks that no output file was rewritten
  one edit  after appending a paragraph to one article; checks that its page changed
and the floors (bench/floors.py): reading every source, reading and writing without
rendering, and Python-Markdown alone over all bodies. With --peers, Hugo, Eleventy, Pelican
and MkDocs build the same articles (see bench/peers/), cold and after the same edit, in the
same rounds as ours, so that their ratios to ours share the machine's mood of the moment.

With --welsh the site is in two languages (issue 15): every article also in Welsh. Each round
then also builds the one-language site cold, for the ratio of the two, and `--peers hugo`
builds the same two-language corpus with Hugo (the one peer set up for two languages).

Times are medians of the runs, in seconds of wall time, interpreter start-up included.
Memory covers every process of the build, workers included (bench/measure.py says how).
The tables are printed as Markdown, and written to FILE with --save.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import generate
from measure import CommandFailed, Measured, delete_set_aside, measure, set_aside
from peers import PeerSite, eleventy, hugo, mkdocs, pelican

PROJECT = Path(__file__).resolve().parent.parent
PEERS = (hugo, eleventy, pelican, mkdocs)
FLOORS = {
    "read": "read every source (the no-op floor)",
    "io": "read every article, write same-size pages, no rendering",
    "markdown": "stock Python-Markdown (extra, toc, smarty, sane_lists), all bodies",
    "markdown-ours": "ssg.markdown.markup.MarkdownConverter, all bodies",
    "sanitiser": "the sanitiser alone (nh3 and its checks), all bodies' HTML",
}
# This sandbox sets PYTHONDONTWRITEBYTECODE; users' machines do not, so every run compiles nothing twice.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Series:
    """The runs of one measurement."""
    runs: list[Measured] = field(default_factory=list)
    rewritten: list[int] = field(default_factory=list)   # output files written or deleted, per run

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def peak_memory(self) -> int:
        return max(run.peak_memory for run in self.runs)

    @property
    def memory_at_once(self) -> int:
        return max(run.memory_at_once for run in self.runs)

    @property
    def largest_process(self) -> int:
        return max(run.largest_process for run in self.runs)


@dataclass
class SizeResults:
    pages: int
    ours: dict[str, Series] = field(default_factory=lambda: {"cold": Series(), "no-op": Series(), "edit": Series()})
    floors: dict[str, Series] = field(default_factory=dict)
    floor_problems: dict[str, str] = field(default_factory=dict)
    peers: dict[str, dict[str, Series]] = field(default_factory=dict)
    peer_versions: dict[str, str] = field(default_factory=dict)
    two_languages: bool = False
    one_language_cold: Series = field(default_factory=Series)  # with two_languages: the same articles in English only


# --- our build --------------------------------------------------------------------------------
CODE = ("build.py", "ssg", "templates", "static")


def copy_project(code: Path, working_tree: bool) -> str:
    """Copy the code to measure into `code`; returns what it is, for the report."""
    shutil.rmtree(code, ignore_errors=True)
    code.mkdir(parents=True)
    commit = _git("rev-parse", "--short", "HEAD")
    if working_tree:
        for name in CODE:
            if (PROJECT / name).is_dir():
                shutil.copytree(PROJECT / name, code / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(PROJECT / name, code / name)
        changed = _git("status", "--porcelain", "--untracked-files=no", "--", *CODE)
        return f"the working tree at {commit}" + (" with uncommitted changes" if changed else "")
    archive = subprocess.run(["git", "archive", "HEAD", *CODE], cwd=PROJECT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
    return f"commit {commit}"


def our_command(code: Path, site: Path) -> list[str]:
    return [sys.executable, str(code / "build.py"), "build", "--root", str(site), "--out", str(site / "_site")]


def measure_ours(work: Path, site: Path, article: generate.Article, round_number: int, results: SizeResults) -> None:
    code, out = work / "code", site / "_site"
    _record(results.ours["cold"], cold_build(work, site))
    before = file_states(out)
    _record(results.ours["no-op"], measure(our_command(code, site), env=ENVIRONMENT),
            changed_files(before, file_states(out)))
    source = site / generate.ARTICLES / article.file
    with edited(source, round_number) as marker:
        before = file_states(out)
        run = measure(our_command(code, site), env=ENVIRONMENT)
        _check_edit_shows(out / "articles" / article.stem / "index.html", marker, "our build")
        _record(results.ours["edit"], run, changed_files(before, file_states(out)))


def cold_build(work: Path, site: Path) -> Measured:
    """Our build of `site` with nothing left of an earlier build: no output folder, no spare beside it
    (ssg/build/publish.py), no cache. As for the peers, whose output and caches are set aside too."""
    for stale in (site / "_site", site / "_site.spare", site / ".cache"):
        set_aside(stale, work)
    return measure(our_command(work / "code", site), env=ENVIRONMENT)


def _record(series: Series, run: Measured, rewritten: int | None = None) -> None:
    series.runs.append(run)
    if rewritten is not None:
        series.rewritten.append(rewritten)


def file_states(folder: Path) -> dict[str, tuple[int, int, int]]:
    """(inode, modification time, size) of every file under `folder`: any rewrite changes one of them."""
    states = {}
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            states[path.relative_to(folder).as_posix()] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return states


def changed_files(before: dict, after: dict) -> int:
    return sum(1 for name in before.keys() | after.keys() if before.get(name) != after.get(name))


@contextlib.contextmanager
def edited(source: Path, round_number: int) -> Iterator[str]:
    """Append a paragraph to one article for the length of a `with` block, then put the file back."""
    original = source.read_bytes()
    marker = f"added by the benchmark in round {round_number}"
    paragraph = f"\nThis paragraph was {marker}, with *emphasis* and a `code span`.\n"
    source.write_bytes(original + paragraph.encode())
    try:
        yield marker
    finally:
        source.write_bytes(original)


def _check_edit_shows(page: Path, marker: str, who: str) -> None:
    if marker not in page.read_text(encoding="utf-8"):
        raise SystemExit(f"error: after the edit, {who} did not update {page}")


# --- peers ------------------------------------------------------------------------------------
def set_up_peers(work: Path, pages: int, articles: list[generate.Article], names: list[str],
                 two_languages: bool = False) -> list[PeerSite]:
    """The peers named (all of them if none is), installed, each with its copy of the site
    (`two_languages`: every article also in Welsh, built by the peers' write_two_language_site)."""
    sites = []
    for peer in peers_named(names):
        env = work / "envs" / peer.NAME.lower()
        progress(f"installing {peer.NAME} {peer.VERSION} in {env}")
        peer.install(env)
        folder = work / f"peers-{pages}" / peer.NAME.lower()
        set_aside(folder, work)
        if two_languages:
            sites.append(peer.write_two_language_site(folder, env, articles + [generate.in_welsh(a) for a in articles]))
        else:
            sites.append(peer.write_site(folder, env, articles))
    return sites


def peers_named(names: list[str]) -> list:
    return [p for p in PEERS if not names or p.NAME.lower() in names]


def measure_peer(work: Path, site: PeerSite, article: generate.Article, round_number: int,
                 results: SizeResults) -> None:
    series = results.peers.setdefault(site.name, {"cold": Series(), "edit": Series()})
    results.peer_versions[site.name] = site.version
    for stale in site.throwaway:
        set_aside(stale, work)
    _record(series["cold"], measure(site.cold_command, cwd=site.folder, env=ENVIRONMENT))
    with edited(site.source_of(article.file), round_number) as marker:
        run = measure(site.rebuild_command, cwd=site.folder, env=ENVIRONMENT)
        _check_edit_shows(site.output_of(article.stem), marker, site.name)
        _record(series["edit"], run)


# --- floors -----------------------------------------------------------------------------------
def measure_floors(code: Path, site: Path, work: Path, results: SizeResults) -> None:
    for mode in FLOORS:
        if mode in results.floor_problems:
            continue
        command = [sys.executable, str(PROJECT / "bench/floors.py"), mode, str(site),
                   "--out", str(work / "floor-output"), "--code", str(code)]
        try:
            run = measure(command, env=ENVIRONMENT)
        except CommandFailed as problem:  # e.g. ssg.markdown.markup changed its interface
            results.floor_problems[mode] = str(problem).splitlines()[-1]
            continue
        results.floors.setdefault(mode, Series()).runs.append(run)
    set_aside(work / "floor-output", work)


def inner_seconds(series: Series) -> float:
    return statistics.median(json.loads(run.output.strip().splitlines()[-1])["inner_seconds"] for run in series.runs)


# --- one size ---------------------------------------------------------------------------------
def benchmark_size(pages: int, args: argparse.Namespace) -> SizeResults:
    site, code = args.work / f"site-{pages}", args.work / "code"
    progress(f"writing {pages} articles to {site}")
    one_language = args.work / f"site-{pages}-english-only" if args.welsh else None
    for earlier in (site, one_language):  # and all it holds: its output, cache and spare
        if earlier:
            set_aside(earlier, args.work)
    articles = generate.write_site(site, pages, args.seed, project=code, welsh=args.welsh)
    article = articles[len(articles) // 2]
    if one_language:
        generate.write_site(one_language, pages, args.seed, project=code)
    peer_sites = set_up_peers(args.work, pages, articles, args.peers, args.welsh) if args.peers is not None else []
    results = SizeResults(pages, two_languages=args.welsh)
    for round_number in range(1, args.runs + 1):
        progress(f"{pages} pages, round {round_number} of {args.runs}")
        measure_ours(args.work, site, article, round_number, results)
        progress("  ours: " + ", ".join(f"{name} {s.runs[-1].seconds:.2f} s" for name, s in results.ours.items()))
        if one_language:
            results.one_language_cold.runs.append(cold_build(args.work, one_language))
            progress(f"  ours, English only: cold {results.one_language_cold.runs[-1].seconds:.2f} s")
        for peer_site in peer_sites:
            if round_number <= args.peer_runs:
                measure_peer(args.work, peer_site, article, round_number, results)
                series = results.peers[peer_site.name]
                progress(f"  {peer_site.name}: cold {series['cold'].runs[-1].seconds:.2f} s, "
                         f"edit {series['edit'].runs[-1].seconds:.2f} s")
        if round_number <= args.floor_runs:
            measure_floors(code, site, args.work, results)
    return results


# --- report -----------------------------------------------------------------------------------
def machine_description(measured: str) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() or "none"
    return (f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores ({cpu}), "
            f"{memory / 2**20:.0f} GiB; Linux {platform.release()}; "
            f"Python {platform.python_version()} "
            f"({os.path.realpath(sys._base_executable)}, ours and the Python peers); "
            f"Node {node}; measured: {measured}")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PROJECT, capture_output=True, text=True).stdout.strip()


def megabytes(size: int) -> str:
    return f"{size / 2**20:.0f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def ours_table(all_results: list[SizeResults]) -> str:
    rows = []
    for results in all_results:
        cold, noop, edit = (results.ours[name] for name in ("cold", "no-op", "edit"))
        rows.append([f"{results.pages:,}", f"{cold.seconds:.2f}", f"{results.pages / cold.seconds:,.0f}",
                     f"{noop.seconds:.2f}", f"{max(noop.rewritten):,}", f"{edit.seconds:.2f}",
                     f"{max(edit.rewritten):,}", *memory_columns(cold)])
    return table(["articles", "cold s", "articles/s", "no-op s", "files no-op rewrote", "one edit s",
                  "files edit rewrote", *MEMORY_HEADERS], rows)


MEMORY_HEADERS = ["peak MB: sum of process peaks", "MB held at once", "largest process MB"]


def memory_columns(series: Series) -> list[str]:
    return [megabytes(series.peak_memory), megabytes(series.memory_at_once), megabytes(series.largest_process)]


def floors_table(all_results: list[SizeResults]) -> str:
    rows = []
    for results in all_results:
        cold = results.ours["cold"].seconds
        for mode, label in FLOORS.items():
            if mode in results.floor_problems:
                rows.append([f"{results.pages:,}", label, "failed", "", results.floor_problems[mode]])
                continue
            series = results.floors.get(mode)
            if series is None:  # not measured (--floor-runs 0)
                continue
            rows.append([f"{results.pages:,}", label, f"{series.seconds:.2f}", f"{inner_seconds(series):.2f}",
                         f"{cold / series.seconds:.2f}"])
    return table(["articles", "floor", "whole process s", "inner loop s", "our cold / floor"], rows)


def paired_ratio(numerator: Series, denominator: Series) -> float:
    """Median over the rounds of numerator / denominator, each pair measured in the same round.

    Pairing keeps the machine's load of the moment out of the ratio: a peer that ran only
    in round 1 is compared with our round 1, not with the median of all our rounds.
    """
    pairs = zip(numerator.runs, denominator.runs, strict=False)  # a peer may have run fewer rounds
    return statistics.median(a.seconds / b.seconds for a, b in pairs)


def peers_table(all_results: list[SizeResults]) -> str:
    rows = []
    for results in all_results:
        cold, edit = results.ours["cold"], results.ours["edit"]
        rows.append([f"{results.pages:,}", "ours", f"{cold.seconds:.2f}", "1.00", f"{edit.seconds:.2f}", "1.00",
                     *memory_columns(cold)])
        for name, series in results.peers.items():
            rows.append([f"{results.pages:,}", f"{name} {results.peer_versions[name]}", f"{series['cold'].seconds:.2f}",
                         f"{paired_ratio(series['cold'], cold):.2f}", f"{series['edit'].seconds:.2f}",
                         f"{paired_ratio(series['edit'], edit):.2f}", *memory_columns(series["cold"])])
    return table(["articles", "generator", "cold s", "cold: peer / ours", "one edit s", "edit: peer / ours",
                  *MEMORY_HEADERS], rows)


def targets_table(all_results: list[SizeResults]) -> str:
    rows = []
    by_pages = {results.pages: results for results in all_results}
    for results in all_results:
        for name, wanted in (("Pelican", 3.0), ("MkDocs", 3.0), ("Eleventy", 1.0)):
            if name in results.peers:
                ratio = paired_ratio(results.peers[name]["cold"], results.ours["cold"])
                rows.append(_target(results.pages, f"cold build {wanted:g}x faster than {name}" if wanted > 1
                                    else f"cold build faster than {name}", f"{ratio:.2f}x", ratio >= wanted
                                    if wanted > 1 else ratio > 1))
        sanitiser = results.floors.get("sanitiser")
        if sanitiser:  # its one-process loop against the whole cold build: an upper bound of its share
            alone, cold = inner_seconds(sanitiser), results.ours["cold"].seconds
            rows.append(_target(results.pages, "the sanitiser at most 10% of a cold build",
                                f"{alone / cold:.1%} ({alone:.2f} s of {cold:.2f} s)", alone / cold <= 0.1))
        noop, floor = results.ours["no-op"], results.floors.get("read")
        if floor:
            rows.append(_target(results.pages, "no-op close to reading every source once, rewriting no file",
                                f"{noop.seconds:.2f} s vs {floor.seconds:.2f} s, {max(noop.rewritten)} files rewritten",
                                None if max(noop.rewritten) == 0 else False))
        if results.two_languages:
            ratio = paired_ratio(results.ours["cold"], results.one_language_cold)
            rows.append(_target(results.pages, "two-language cold build at most 2.1x the one-language one",
                                f"{ratio:.2f}x ({results.ours['cold'].seconds:.2f} s vs "
                                f"{results.one_language_cold.seconds:.2f} s)", ratio <= 2.1))
        if "Hugo" in results.peers:
            hugo_cold = results.peers["Hugo"]["cold"]
            edit = results.ours["edit"]
            share = paired_ratio(edit, hugo_cold)
            rows.append(_target(results.pages, "one-edit rebuild at most 1/10 of Hugo's full build"
                                + (" of the same two-language corpus" if results.two_languages else ""),
                                f"{share:.3f} of it ({edit.seconds:.2f} s vs {hugo_cold.seconds:.2f} s)",
                                share <= 0.1))
            rows.append(_memory_target(results.pages, results.ours["cold"], hugo_cold))
    if 1000 in by_pages and 10000 in by_pages:
        ratio = (by_pages[10000].ours["cold"].seconds / 10000) / (by_pages[1000].ours["cold"].seconds / 1000)
        rows.append(_target(10000, "cost per page at 10,000 at most 1.2x that at 1,000", f"{ratio:.2f}x", ratio <= 1.2))
    return table(["articles", "target", "measured", "met?"], rows)


def _memory_target(pages: int, ours: Series, hugo: Series) -> list[str]:
    """Ours as the sum of every process's peak (cautious), and as held at once, against Hugo's peak."""
    measured = (f"ours {megabytes(ours.peak_memory)} MB (sum of peaks), {megabytes(ours.memory_at_once)} MB "
                f"at once; Hugo {megabytes(hugo.peak_memory)} MB")
    row = _target(pages, "peak memory no more than Hugo's", measured, ours.peak_memory <= hugo.peak_memory)
    if ours.peak_memory > hugo.peak_memory and ours.memory_at_once <= hugo.peak_memory:
        row[-1] = "yes, counting shared pages once"
    return row


def _target(pages: int, target: str, measured: str, met: bool | None) -> list[str]:
    return [f"{pages:,}", target, measured, {True: "yes", False: "**no**", None: "judge"}[met]]


def report(all_results: list[SizeResults], args: argparse.Namespace) -> str:
    parts = [f"Machine: {machine_description(args.measured)}.",
             f"Median of {args.runs} runs; {args.floor_runs} for the floors"
             + (f", {args.peer_runs} for the peers" if args.peers is not None else "") + "."
             + (" Two languages: every article also in Welsh, so 'articles' counts each language once; the "
                "floors read both." if args.welsh else ""),
             "### Our build", ours_table(all_results), "### Floors", floors_table(all_results)]
    if args.peers is not None:
        parts += ["### Peers (ratios above 1: we are faster; each ratio is the median of the ratios "
                  "within each round)", peers_table(all_results)]
    parts += ["### Targets", targets_table(all_results)]
    return "\n\n".join(parts) + "\n"


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def add_work_options(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark here shares: where it works, the corpus's seed, a saved copy, what is measured."""
    parser.add_argument("--work", type=Path, help="folder for the sites and the peers' environments, kept and reused "
                        "(default: a temporary folder, deleted at the end)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated articles (default 1)")
    parser.add_argument("--save", type=Path, metavar="FILE", help="also write the tables to FILE")
    parser.add_argument("--working-tree", action="store_true",
                        help="measure the project's files as they are now, not its last commit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000], help="numbers of articles (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; the median is shown (default 3)")
    parser.add_argument("--peers", nargs="*", metavar="NAME", choices=[p.NAME.lower() for p in PEERS],
                        type=str.lower, help="also build the articles with Hugo, Eleventy, Pelican, MkDocs "
                        "(or only with those named, like --peers hugo eleventy)")
    parser.add_argument("--peer-runs", type=int, help="runs of each peer (default: --runs)")
    parser.add_argument("--floor-runs", type=int, default=1,
                        help="runs of each floor (default 1: each is one long loop in one process; 0 leaves them out)")
    add_work_options(parser)
    parser.add_argument("--welsh", action="store_true", help="every article also in Welsh (issue 15's two-language "
                        "corpus), with the one-language site's cold build beside it; only Hugo is set up for it")
    args = parser.parse_args(argv)
    if args.runs < 1 or min(args.pages) < 1:
        parser.error("--runs and --pages must be at least 1")
    if args.welsh and args.peers is not None and not all(hasattr(p, "write_two_language_site")
                                                         for p in peers_named(args.peers)):
        parser.error("--welsh compares with Hugo only: use --peers hugo")
    args.peer_runs = min(args.peer_runs or args.runs, args.runs)
    args.floor_runs = min(args.floor_runs, args.runs)
    temporary = args.work is None
    args.work = Path(tempfile.mkdtemp(prefix="ssg-bench-")) if temporary else args.work.resolve()
    all_results: list[SizeResults] = []
    try:
        args.measured = copy_project(args.work / "code", args.working_tree)
        for pages in args.pages:
            all_results.append(benchmark_size(pages, args))
            if args.save:  # after each size, so that a long run stopped later still leaves its tables
                args.save.write_text(report(all_results, args), encoding="utf-8")
    except CommandFailed as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    finally:
        delete_set_aside(args.work)
        if temporary:
            shutil.rmtree(args.work, ignore_errors=True)
    print(report(all_results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
