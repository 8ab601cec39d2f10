"""Run one command as a whole process and measure it: wall time and peak memory.

Wall time runs from starting the process to its exit, so it includes interpreter start-up.

The memory of the process tree (the command and every process it starts, like worker
processes) is reported three ways, all in bytes:
- `peak_memory`: the sum over the tree of each process's own peak resident memory (VmHWM in
  /proc/PID/status, read every 20 ms). Forked workers share pages with their parent and each
  counts them, and processes rarely peak together, so this is an upper bound: the cautious
  number to hold against a single-process peer.
- `memory_at_once`: the most the tree held at one moment, counting shared pages once: the
  sum of each process's proportional set size (Pss in /proc/PID/smaps_rollup), read every
  100 ms (reading it costs more). A sampled figure: a brief peak between samples is missed.
- `largest_process`: the peak of the largest single process, from wait4()'s ru_maxrss (what
  `/usr/bin/time -v` calls "Maximum resident set size"). Exact, but blind to the others.
For a single process, the first and last are the same. Linux only (it reads /proc).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.02       # one look at the process tree costs about 0.5 ms of CPU
SAMPLES_PER_PSS_READING = 5  # reading smaps_rollup walks the page tables: every 100 ms is enough


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_memory: int
    memory_at_once: int
    largest_process: int
    output: str          # what it printed (stdout and stderr together)


class CommandFailed(Exception):
    pass


SET_ASIDE = "set-aside"  # the folder, inside the work folder, that set_aside moves earlier output to


def set_aside(path: Path, work: Path) -> None:
    """Move `path` (an earlier build's output, cache or site), if it is there, out of the way into the work
    folder, where `delete_set_aside` deletes it once every measurement is done.

    Deleting it just before the next build would slow that build by an amount that has nothing to do
    with the generator. On ext4 without a journal (as on the machine these benchmarks were written on),
    making a file or folder skips every inode freed in the last minute (fs/ext4/ialloc.c,
    `recently_deleted`), looking at each of them again for every new file. Making 8,000 folders with a
    file each took 0.5 s with nothing deleted before, and 4.8 s just after deleting as many: time that
    grows as the square of the site, so it made a site twice the size look up to two and a half times
    as slow."""
    if os.path.lexists(path):
        (work / SET_ASIDE).mkdir(parents=True, exist_ok=True)
        path.rename(Path(tempfile.mkdtemp(dir=work / SET_ASIDE)) / path.name)


def delete_set_aside(work: Path) -> None:
    shutil.rmtree(work / SET_ASIDE, ignore_errors=True)


def measure(command: list[str], cwd: Path | None = None, env: dict | None = None) -> Measured:
    """Run `command` to its end; raise CommandFailed if it exits with an error.

    Every run starts from a settled disk, for every generator alike: what earlier runs wrote (a cold
    build writes tens of thousands of files) is flushed first, so that its write-back is not timed here."""
    os.sync()
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        sampler = TreeSampler(process.pid)
        sampler.start()
        try:
            _, wait_status, usage = os.wait4(process.pid, 0)
        except BaseException:  # Ctrl-C: leave nothing running behind us
            process.kill()
            raise
        finally:
            seconds = time.perf_counter() - started
            sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(wait_status)  # we reaped it, not Popen
        log.seek(0)
        output = log.read().decode(errors="replace")
    if process.returncode != 0:
        raise CommandFailed(f"{' '.join(map(str, command))} exited with {process.returncode}:\n{output[-3000:]}")
    largest = usage.ru_maxrss * 1024
    return Measured(seconds, max(sum(sampler.peaks.values()), largest), sampler.most_at_once, largest, output)


@dataclass
class TreeSampler:
    """Watches a process and its descendants from a thread until stopped."""
    root: int
    peaks: dict[int, int] = field(default_factory=dict)      # pid -> its VmHWM
    most_at_once: int = 0                                     # largest sum of Pss seen
    _parents: dict[int, int | None] = field(default_factory=dict)  # reading every /proc/PID/stat costs ms
    _done: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        samples = 0
        while not self._done.is_set():
            tree = self._tree()
            for pid in tree:
                peak = _status_field(pid, "VmHWM:")
                if peak:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
            if samples % SAMPLES_PER_PSS_READING == 0:
                self.most_at_once = max(self.most_at_once, sum(_pss(pid) for pid in tree))
            samples += 1
            self._done.wait(SAMPLE_SECONDS)

    def _tree(self) -> list[int]:
        """The root and all its descendants, from the parent ids in /proc/*/stat (read once per process)."""
        children: dict[int | None, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                pid = int(entry.name)
                if pid not in self._parents:
                    self._parents[pid] = _parent_of(pid)
                children.setdefault(self._parents[pid], []).append(pid)
        found, stack = [], [self.root]
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


def _status_field(pid: int, name: str) -> int:
    return _kilobytes_field(f"/proc/{pid}/status", name)


def _pss(pid: int) -> int:
    return _kilobytes_field(f"/proc/{pid}/smaps_rollup", "Pss:")


def _kilobytes_field(path: str, name: str) -> int:
    """A 'Name:   1234 kB' line of a /proc file, in bytes; 0 if the process is gone (or a zombie)."""
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(name):
            return int(line.split()[1]) * 1024
    return 0
