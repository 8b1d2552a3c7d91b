"""Reading untrusted survey files in a separate worker process with a memory cap and a time limit.

``read_survey`` runs parsers written in C and Rust (calamine, expat, zlib) on whatever a visitor uploads.
A parser bug can abort the process (calamine aborts when a grid allocation fails) or run for minutes; in
the server that would end every visitor's session. `IsolatedReader.read` therefore runs ``read_survey``
in a fresh child process per file and watches it:

- memory: the operating system refuses the child address space beyond its start plus the budget
  (``RLIMIT_AS``), and the parent kills the child the moment its resident memory grows by more than
  the budget;
- time: the operating system stops the child when it has used its CPU seconds (``RLIMIT_CPU``, which
  also ends a child whose parent is gone), and the parent kills it after ``Budget.wall`` seconds of
  waiting whatever the machine's load;
- a child that dies, is killed or overruns becomes one `ReadError`: "the file is too large or damaged to
  read: ...", with the code ``reading.unreadable_memory``, ``reading.unreadable_time`` or
  ``reading.unreadable_crash``; what the child writes to its error output (a Rust abort's line) goes to
  a temporary file, read only to tell an allocation failure from another crash;
- at most ``Budget.workers`` files are read at once; a file that finds no free worker within
  ``Budget.wait`` seconds gets ``reading.busy``.

A fresh child per file rather than a long-lived pool: it costs a fork (tens of milliseconds), no state or
heap fragmentation survives from one upload to the next, and a killed worker needs no replacing. The
child is forked directly when the calling process runs a single Python thread (the command line, where
the modules are already imported), else from a fork server that has imported the reader once (the
Streamlit server, whose other threads make a direct fork unsafe). A worker from the fork server first runs
the main script of the process that asked as ``__mp_main__`` (Python's rule for that start method): a
program that reads files from several threads keeps its main script's top level free of imports and work
(the dashboard's app.py does), or every worker would load that program first. Children run at a lower CPU
priority, so the app keeps answering other users while a file is read, and never write core dumps.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import math
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import MappingProxyType
from typing import Any

from indicator.errors import ReadError
from indicator.framework import Framework
from indicator.reading.reader import ReadResult, read_survey
from indicator.reading.safety import (
    DEFAULT_MAX_BYTES,
    Limits,
    busy,
    check_size,
    unreadable_crash,
    unreadable_memory,
    unreadable_time,
)

_POLL = 0.02  # seconds between looks at a running worker
_STARTUP = 120  # seconds a worker may take to start (a spawned one imports the reader first)
_NICE = 10  # the worker's CPU priority below the app's
_PRELOAD = ("indicator.reading.isolated", "python_calamine", "openpyxl", "defusedxml.ElementTree")


@dataclass(frozen=True)
class Budget:
    """What one file may cost: ``seconds`` of the worker's CPU time (``wall`` seconds of waiting whatever
    the machine's load) and ``memory`` bytes of resident memory beyond what the worker starts with (about
    110 MB of imported modules: the total stays within 1 GB); how many files are read at once, and how
    long a file waits for a free worker."""

    seconds: float = 10.0
    wall: float = 60.0
    memory: int = 896 * 2**20
    workers: int = 2
    wait: float = 30.0


@dataclass(frozen=True)
class Outcome:
    """One isolated read: the result or the error, the wall-clock seconds from the worker's readiness to its
    answer or end, its peak resident memory in bytes and the CPU seconds it spent on the file (None where
    the system does not tell). The CPU seconds are the file's own cost; the wall clock adds the waiting
    for a processor that a busy machine imposes."""

    result: ReadResult | None
    error: ReadError | None
    seconds: float
    peak: int | None
    cpu: float | None = None


class IsolatedReader:
    """``read_survey`` in a watched worker process; one instance is shared by everything that reads
    uploads in a process (its ``workers`` slots are the limit of simultaneous reads). ``method`` forces a
    start method ("fork", "forkserver", "spawn"); by default `start_method` chooses per file."""

    def __init__(self, budget: Budget | None = None, method: str | None = None) -> None:
        self.budget = budget or Budget()
        self.method = method
        self._slots = threading.BoundedSemaphore(self.budget.workers)

    def read(self, source: str | Path | bytes, framework: Framework, *, filename: str | None = None,
             max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits | None = None, **options: Any) -> ReadResult:
        """``read_survey(source, framework, ...)`` with the same arguments and result, in a worker."""
        outcome = self.run(source, framework, filename=filename, max_bytes=max_bytes, limits=limits, **options)
        if outcome.error is not None:
            raise outcome.error
        assert outcome.result is not None
        return outcome.result

    def run(self, source: str | Path | bytes, framework: Framework, *, filename: str | None = None,
            max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits | None = None, **options: Any) -> Outcome:
        """Like `read`, but returns the error with the time and memory the worker took (for measuring)."""
        limits = limits or Limits(max_bytes=max_bytes)
        file = filename or (Path(source).name if isinstance(source, str | Path) else "<upload>")
        if isinstance(source, bytes | bytearray | memoryview):
            source = bytes(source)
            try:
                check_size(len(source), limits, file)  # no worker for what is refused by its size
            except ReadError as exc:
                return Outcome(None, exc, 0.0, None)
        job = (source, framework, {"filename": filename, "limits": limits, **options}, file)
        if not self._slots.acquire(timeout=self.budget.wait):
            return Outcome(None, busy(file, self.budget.wait), 0.0, None)
        try:
            return _run_worker(_dumps(job), file, self.budget, _context(self.method))
        finally:
            self._slots.release()

    def warm(self) -> None:
        """Start the fork server now (when this process would use one), so the first upload does not wait
        for it to import the reader."""
        if _context(self.method).get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()


def read_isolated(source: str | Path | bytes, framework: Framework, **options: Any) -> ReadResult:
    """``read_survey`` in a worker with the default budget (see `IsolatedReader`)."""
    return IsolatedReader().read(source, framework, **options)


# --- the worker --------------------------------------------------------------------------------------------


class _Pickler(pickle.Pickler):
    """Pickles frameworks too (their text tables are read-only mapping proxies)."""

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is MappingProxyType:
            return _mapping_proxy, (dict(obj),)
        return NotImplemented


def _mapping_proxy(values: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(values)


def _dumps(value: object) -> bytes:
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def start_method(threads: int, available: tuple[str, ...] = ("fork", "forkserver", "spawn")) -> str:
    """How to start a worker from a process running ``threads`` Python threads: fork a lone thread (its
    modules are imported already), else ask a fork server (forking a process whose other threads may
    hold locks can leave the child stuck on them), else spawn."""
    if "fork" in available and threads == 1:
        return "fork"
    return "forkserver" if "forkserver" in available else "spawn"


def _context(method: str | None = None) -> multiprocessing.context.BaseContext:
    """The multiprocessing context of ``method`` (default: `start_method` of this process now)."""
    method = method or start_method(threading.active_count(), tuple(multiprocessing.get_all_start_methods()))
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(_PRELOAD))
    return context


def _status(pid: int) -> dict[str, int]:
    """VmSize, VmRSS and VmHWM of a process in bytes (empty where /proc is missing or the process is gone)."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmSize", "VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
    return out


def _cpu(pid: int) -> float | None:
    """User and system CPU seconds of a process so far (None where /proc is missing or it is gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def _cpu_self() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def _limit_self(budget: Budget, log: str) -> None:
    """In the worker: cap the address space it may add and its CPU time, no core dumps, a lower CPU
    priority, and its error output into ``log`` (the command line prints one line, not a parser's).

    Arrow (pandas' string storage) is switched to the system allocator first: its default, mimalloc,
    reserves address space in large segments that an address-space cap would refuse at once.
    """
    with contextlib.suppress(ImportError):
        import pyarrow

        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    os.environ["RUST_BACKTRACE"] = "0"  # a Rust abort prints one line, not a backtrace
    faulthandler.disable()  # a parent's crash dumps (pytest's) would otherwise print the worker's
    with contextlib.suppress(OSError):
        target = os.open(log, os.O_WRONLY | os.O_APPEND)
        os.dup2(target, 2)
        os.close(target)
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - the worker's error output to its end
    size = _status(os.getpid()).get("VmSize")
    if size is not None:
        _set_limit(resource.RLIMIT_AS, size + budget.memory, size + budget.memory)
    used = resource.getrusage(resource.RUSAGE_SELF)  # a spawned worker has spent some importing the reader
    seconds = math.ceil(used.ru_utime + used.ru_stime + max(1.0, budget.seconds))
    _set_limit(resource.RLIMIT_CPU, seconds, seconds + 1)
    _set_limit(resource.RLIMIT_CORE, 0, 0)
    with contextlib.suppress(OSError):
        os.nice(_NICE)


def _set_limit(which: int, soft: int, hard: int) -> None:
    """Lower a resource limit (never above the limit the process already has)."""
    current_soft, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(which, (soft, hard))


def _work(jobs: Connection, results: Connection, budget: Budget, log: str) -> None:
    """The worker's whole life: limits, one job, one answer (the result or the ReadError, with its peak
    resident memory)."""
    _limit_self(budget, log)
    before = _cpu_self()
    results.send_bytes(b"")  # ready: the file's time starts now
    parent = multiprocessing.parent_process()
    # A forked worker holds a copy of the job pipe's sending end, so a parent killed before it sent the job
    # would leave it waiting for ever: it waits for the job or the parent's end, whichever comes first.
    if parent is not None and jobs not in wait([jobs, parent.sentinel]):
        return
    source, framework, options, file = pickle.loads(jobs.recv_bytes())
    jobs.close()
    try:
        answer: tuple[object, ...] = (read_survey(source, framework, **options),)
    except ReadError as exc:
        answer = (exc,)
    except MemoryError:
        answer = (unreadable_memory(file),)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    results.send_bytes(_dumps((*answer, peak, _cpu_self() - before)))
    results.close()


def _run_worker(job: bytes, file: str, budget: Budget, context: multiprocessing.context.BaseContext) -> Outcome:
    """Start a worker, wait until it is ready, hand it the job, watch it to its answer or its end, and clean
    up. The file's time runs from the worker's readiness (a spawned worker first imports the reader)."""
    with tempfile.NamedTemporaryFile(prefix="alykyla-reader-", suffix=".log") as log:
        job_out, job_in = context.Pipe(duplex=False)
        result_out, result_in = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(job_out, result_in, budget, log.name), daemon=True)
        process.start()
        job_out.close()
        result_in.close()
        watch = _Watch(process, budget, file, time.monotonic(), 0)
        try:
            answer = watch.until_ready(result_out)
            if answer is None:
                job_in.send_bytes(job)
                job_in.close()
                answer = watch.until_answer(result_out)
        except (BrokenPipeError, ConnectionResetError):
            answer = None
        finally:
            result_out.close()
            if process.is_alive():
                process.kill()
            process.join(5)
        if answer is None:
            answer = watch.ending(log.read()[-4096:])
    seconds = time.monotonic() - watch.start
    if isinstance(answer, ReadError):
        return Outcome(None, answer, seconds, watch.peak, watch.cpu)
    return Outcome(answer, None, seconds, watch.peak, watch.cpu)


@dataclass
class _Watch:
    """The parent's view of one running worker: its start, its resident memory then, its peak so far."""

    process: multiprocessing.process.BaseProcess
    budget: Budget
    file: str
    start: float
    base: int
    peak: int | None = None
    cpu: float | None = None
    cpu_base: float = 0.0

    def until_ready(self, results: Connection) -> ReadError | None:
        """Wait for the worker's ready signal; then its time starts and its memory so far is its base.
        An error when it is not ready within ``_STARTUP`` seconds."""
        ready = wait([results, self.process.sentinel], timeout=_STARTUP)
        if results not in ready:
            if not ready:
                self.process.kill()
                return unreadable_crash(self.file, f"no start within {_STARTUP} s")
            raise BrokenPipeError
        results.recv_bytes()
        self.start = time.monotonic()
        self.base = _status(self.process.pid).get("VmRSS", 0)
        self.cpu_base = _cpu(self.process.pid) or 0.0
        return None

    def until_answer(self, results: Connection) -> ReadResult | ReadError | None:
        """The worker's answer; an error when it overran and was killed; None when it ended without one."""
        while True:
            ready = wait([results, self.process.sentinel], timeout=_POLL)
            status = _status(self.process.pid) if self.process.pid else {}
            if "VmHWM" in status:
                self.peak = max(self.peak or 0, status["VmHWM"])
            used = _cpu(self.process.pid) if self.process.pid else None
            if used is not None:
                self.cpu = max(0.0, used - self.cpu_base)
            if results in ready:
                try:
                    answer, reported, self.cpu = pickle.loads(results.recv_bytes())
                except (EOFError, OSError):
                    return None
                self.peak = max(self.peak or 0, reported)
                return answer
            if self.process.sentinel in ready:
                return None
            if status.get("VmRSS", 0) - self.base > self.budget.memory:
                self.process.kill()
                return unreadable_memory(self.file)
            if time.monotonic() - self.start > self.budget.wall:
                self.process.kill()
                return unreadable_time(self.file, self.budget.wall)

    def ending(self, log: bytes) -> ReadError:
        """A worker that ended without answering: out of time (SIGXCPU), out of memory (an allocation it
        could not make), else a crash named by its signal or exit code."""
        self.process.join(5)
        if self.process.exitcode == -signal.SIGXCPU:
            return unreadable_time(self.file, self.budget.seconds)
        if b"memory allocation of" in log or b"MemoryError" in log:
            return unreadable_memory(self.file)
        return unreadable_crash(self.file, _ending(self.process))


def _ending(process: multiprocessing.process.BaseProcess) -> str:
    code = process.exitcode
    if code is None:
        return "no answer"
    if code < 0:
        with contextlib.suppress(ValueError):
            return signal.Signals(-code).name
    return f"exit code {code}"
