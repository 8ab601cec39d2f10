"""Run one command as a whole process and measure it: wall time and peak memory.

Wall time runs from starting the process to its exit, so it includes interpreter start-up.

Peak memory is reported two ways, both in bytes:
- `peak_memory`: the sum, over every process of the tree (the command and every process it
  started, such as worker processes), of that process's own peak resident memory (VmHWM in
  /proc/PID/status), read every 20 milliseconds while it runs. Processes rarely all peak at
  the same moment, so this is an upper bound of what the tree held at once: the cautious
  number to compare with a single-process peer.
- `largest_process`: the peak of the largest single process, from wait4()'s ru_maxrss
  (what `/usr/bin/time -v` calls "Maximum resident set size"). Exact, but blind to the rest.
Linux only (it reads /proc).
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02  # one look at the process tree costs about 0.5 ms of CPU


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_memory: int
    largest_process: int
    status: int
    output: str          # what it printed (stdout and stderr together), for error messages


class CommandFailed(Exception):
    pass


def measure(command: list[str], cwd: Path | None = None, env: dict | None = None) -> Measured:
    """Run `command` to its end; raise CommandFailed if it exits with an error."""
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    peaks: dict[int, int] = {}
    done = threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, peaks, done), daemon=True)
    sampler.start()
    _, wait_status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(wait_status)  # we reaped it, not Popen
    log.seek(0)
    output = log.read().decode(errors="replace")
    log.close()
    largest = usage.ru_maxrss * 1024
    result = Measured(seconds, max(sum(peaks.values()), largest), largest, process.returncode, output)
    if result.status != 0:
        raise CommandFailed(f"{' '.join(map(str, command))} exited with {result.status}:\n{output[-3000:]}")
    return result


def _sample_tree(root: int, peaks: dict[int, int], done: threading.Event) -> None:
    parents: dict[int, int | None] = {}  # reading every /proc/PID/stat each time costs milliseconds
    while not done.is_set():
        for pid in _tree(root, parents):
            peak = _peak_of(pid)
            if peak:
                peaks[pid] = max(peaks.get(pid, 0), peak)
        done.wait(SAMPLE_SECONDS)


def _tree(root: int, parents: dict[int, int | None]) -> list[int]:
    """`root` and all its descendants, from the parent ids in /proc/*/stat (read once per process)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            pid = int(entry.name)
            if pid not in parents:
                parents[pid] = _parent_of(pid)
            children.setdefault(parents[pid], []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += children.get(pid, [])
    return found


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2:].split()[1])  # after "pid (name) state"


def _peak_of(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0  # a zombie has no memory left to report
