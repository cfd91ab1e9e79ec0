"""Run one submission in a fresh process and collect what it reports; never trust it.

How the learner's process is made (measured by benchmarks/grading.py on exercise 03, 2 cores):
- a Jupyter kernel through nbclient, as nbgrader does: ~0.5 s of CPU and ~0.7 s of wall time
  per notebook before any hidden test runs (kernel start, ZeroMQ, the kernel client);
  `nbgrader autograde` took 2.0–2.6 s per submission on this (shared) machine;
- a fresh `python -I` running the cells with IPython's InteractiveShell (same cell semantics:
  magics, display, tracebacks): ~0.5 s of CPU, 0.4 of it importing matplotlib, which the
  exercises import through adam_teach.plotting;
- the same child, forked from a template that has imported numpy, IPython and matplotlib
  (`forkserver`, the default where the platform allows): ~0.1 s of CPU per submission.
Either way it is one new process per submission that has never run anyone else's code.

Isolation, all enforced from outside the learner's process:
- the child gets its own session / process group;
- `limits.apply` sets memory, CPU-time and file-size rlimits on its pid before it is given
  its job (it blocks reading the job), and optionally it runs as another user;
- this loop keeps a wall-clock deadline per cell and per hidden call (reset by each progress
  message) and one for the whole submission, checks resident memory, and SIGKILLs the whole
  process group when one is passed: SIGKILL cannot be caught or ignored;
- the child's stdout/stderr is read, capped, and used only as text for the feedback;
- outcomes arrive as JSON lines on a separate pipe, size-capped, decoded by `wire` (no
  pickle); the grader judges them later in its own process.
"""

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import forkserver
from . import limits as limits_module
from .. import wire

PACKAGE_ROOT = Path(__file__).resolve().parents[3]  # the directory holding adam_teach/
MAX_MESSAGE = 4 * 1024 * 1024  # bytes in one protocol line
MAX_CHANNEL = 32 * 1024 * 1024  # bytes on the protocol pipe in total
CHILD_ENV = {
    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
    "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
}
PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT",
              "MPLCONFIGDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
LAUNCH = ("import sys; sys.path.insert(0, sys.argv[1]); "
          "from adam_teach.grading.sandbox.child import main; main(sys.argv[1:])")


@dataclass
class Execution:
    """What the grader learnt from one run of a submission."""

    outcomes: dict = field(default_factory=dict)  # (item, case) -> {"value", "error", "mutated"}
    cell_errors: list = field(default_factory=list)  # (cell index, "Error: message")
    output: str = ""  # the learner's printed output, capped
    stopped: str = ""  # why the run ended early ("" if it finished)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    cells_run: int = 0
    output_dropped: int = 0  # bytes of printed output beyond the cap


def child_env(workdir):
    env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
    env.update(CHILD_ENV, IPYTHONDIR=str(Path(workdir) / ".ipython"))
    return env


def execute(cells, calls, limits, python=sys.executable, server=None):
    """Run `cells` ([{"index", "source"}]) then `calls` ([{"item", "case", "function",
    "args", "kwargs"}], wire-encoded) in a new process under `limits`: a fresh
    `python -I`, or a fork of `server` (a forkserver.ForkServer) if given."""
    with tempfile.TemporaryDirectory(prefix="adam-teach-grade-") as workdir:
        return _Run(cells, calls, limits, python, workdir, server).run()


def fork_server(python=sys.executable):
    """A ForkServer for a batch, or None where the platform cannot fork one."""
    if not forkserver.available():
        return None
    with tempfile.TemporaryDirectory(prefix="adam-teach-template-") as workdir:
        return forkserver.ForkServer(python, PACKAGE_ROOT, child_env(workdir))


class _Run:
    def __init__(self, cells, calls, limits, python, workdir, server):
        self.cells, self.calls, self.limits = cells, calls, limits
        self.python, self.workdir, self.server = python, workdir, server
        self.result = Execution()
        self.phase = "starting Python"
        self.output, self.dropped, self.buffer, self.channel_bytes = bytearray(), 0, b"", 0
        self.done = False
        self.functions = {(call["item"], call["case"]): call["function"] for call in calls}

    # -- the loop ---------------------------------------------------------------------
    def run(self):
        start = time.monotonic()
        stdin_read, stdin_write = os.pipe()
        channel_read, channel_write = os.pipe()
        output_read, output_write = os.pipe()
        try:
            child = self._launch(stdin_read, output_write, channel_write)
        except BaseException:
            for descriptor in (stdin_write, channel_read, output_read):
                os.close(descriptor)
            raise
        finally:
            for descriptor in (stdin_read, output_write, channel_write):
                os.close(descriptor)
        try:
            self._start(child.pid, stdin_write)
            self._watch(child, channel_read, output_read, start)
        finally:
            _kill_group(child.pid)
            status, cpu_seconds = child.reap()
            os.close(channel_read)
            os.close(output_read)
        result = self.result
        if not self.done and not result.stopped:
            result.stopped = f"{_describe_exit(status)} while {self.phase}"
            if any(error.startswith("MemoryError") for _, error in result.cell_errors):
                result.stopped += (f", after a cell ran out of memory (the limit is "
                                   f"{self.limits.memory_mb} MB)")
        result.seconds = time.monotonic() - start
        result.cpu_seconds = cpu_seconds
        result.output = self.output.decode("utf-8", "replace")
        result.output_dropped = self.dropped
        return result

    def _launch(self, stdin, output, channel):
        output_limit = self.limits.max_output + 1024  # a little over, so we see it overflow
        if self.server is not None:
            pid, template = self.server.spawn((stdin, output, channel), self.workdir, output_limit)
            return _Forked(self.server, pid, template)
        process = subprocess.Popen(
            [self.python, "-I", "-c", LAUNCH, str(PACKAGE_ROOT), str(channel), str(output_limit)],
            stdin=stdin, stdout=output, stderr=output, pass_fds=(channel,), cwd=self.workdir,
            env=child_env(self.workdir), start_new_session=True)
        return _Spawned(process)

    def _start(self, pid, stdin_write):
        """Set the limits on the child, then give it its job (it waits for the job)."""
        job = {"cells": self.cells, "calls": self.calls, "timeout": self.limits.timeout,
               "workdir": self.workdir, "rlimits": [], "uid": self.limits.uid, "gid": self.limits.gid}
        if self.limits.uid is not None:
            os.chown(self.workdir, self.limits.uid, self.limits.gid)
        if not limits_module.apply(pid, self.limits):
            job["rlimits"] = [list(t) for t in self.limits.rlimits()]
        data = json.dumps(job).encode()
        try:
            while data:
                data = data[os.write(stdin_write, data):]
        except OSError:
            pass  # it died already; the exit status tells why
        finally:
            os.close(stdin_write)

    def _watch(self, child, channel_read, output_read, start):
        limits = self.limits
        selector = selectors.DefaultSelector()
        selector.register(channel_read, selectors.EVENT_READ, self._on_channel)
        selector.register(output_read, selectors.EVENT_READ, self._on_output)
        total_deadline = start + limits.total_timeout
        self.phase_deadline = start + limits.timeout + limits.grace
        done_at = None
        while selector.get_map():
            now = time.monotonic()
            if now > total_deadline:
                self._stop(f"the notebook ran longer than {limits.total_timeout:g} s in total; "
                           f"it was stopped while {self.phase}")
                return
            if now > self.phase_deadline:
                self._stop(f"it was still {self.phase} after {limits.timeout:g} s and did "
                           "not stop when interrupted, so its process was killed")
                return
            if _resident_mb(child.pid) > limits.memory_mb * 1.25 + 256:  # rlimit's backstop
                self._stop(f"it used more than {limits.memory_mb} MB of memory while {self.phase}")
                return
            if self.done:
                done_at = done_at or now
                if now - done_at > limits.grace or child.has_exited():
                    return
            timeout = min(total_deadline, self.phase_deadline) - now
            for key, _ in selector.select(timeout=max(0.0, min(timeout, 0.1))):
                data = os.read(key.fileobj, 65536)
                if data:
                    key.data(data)
                else:
                    selector.unregister(key.fileobj)

    def _stop(self, reason):
        self.result.stopped = reason

    # -- what the child sends -----------------------------------------------------------
    def _on_output(self, data):
        room = max(0, self.limits.max_output - len(self.output))
        self.output += data[:room]
        self.dropped += len(data) - min(room, len(data))

    def _on_channel(self, data):
        self.channel_bytes += len(data)
        if self.channel_bytes > MAX_CHANNEL:
            return
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        if len(self.buffer) > MAX_MESSAGE:
            self.buffer = b""
        for line in lines:
            message = wire.loads(line)
            if message is not None:
                self._on_message(message)

    def _on_message(self, message):
        """Record one message. The learner can write to this pipe too: anything malformed
        is ignored, and a forged outcome is no more than a value their function returned."""
        event, result, limits = message.get("event"), self.result, self.limits
        index, item, case = (message.get(k) for k in ("index", "item", "case"))
        if not all(isinstance(n, int) for n in ((index,) if event in ("cell", "cell_done") else
                                                (item, case) if event in ("call", "outcome") else ())):
            return
        self.phase_deadline = time.monotonic() + limits.timeout + limits.grace
        if event == "cell":
            self.phase = f"running cell {index + 1}"
            result.cells_run += 1
        elif event == "cell_done" and message.get("error"):
            result.cell_errors.append((index, str(message["error"])[:2000]))
        elif event == "call":
            self.phase = f"calling {self.functions.get((item, case), 'a function')} on a hidden test"
        elif event == "outcome":
            result.outcomes[(item, case)] = {"value": message.get("value"),
                                             "error": str(message.get("error") or "")[:2000],
                                             "mutated": bool(message.get("mutated"))}
        elif event == "done":
            self.done = True


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class _Spawned:
    """A child started with subprocess: we are its parent and reap it."""

    def __init__(self, process):
        self.process, self.pid = process, process.pid

    def has_exited(self):
        try:
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def reap(self):
        """(exit status, CPU seconds) once it has ended."""
        try:
            _, status, usage = os.wait4(self.pid, 0)
        except ChildProcessError:
            return None, 0.0
        self.process.returncode = os.waitstatus_to_exitcode(status)
        return self.process.returncode, usage.ru_utime + usage.ru_stime


class _Forked:
    """A child forked by the fork server, which reaps it and tells us."""

    def __init__(self, server, pid, template):
        self.server, self.pid, self.template = server, pid, template

    def has_exited(self):
        return self.server.has_exited(self.pid)

    def reap(self):
        return self.server.wait(self.pid, self.template)


def _resident_mb(pid):
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return 0.0


def _describe_exit(status):
    if status is None:
        return "its process vanished"
    if status < 0:
        name = signal.Signals(-status).name if -status in signal.Signals._value2member_map_ else -status
        why = {"SIGKILL": " (killed: out of memory or CPU time?)", "SIGXCPU": " (CPU time limit)",
               "SIGSEGV": " (a crash)"}.get(name, "")
        return f"its process was ended by {name}{why}"
    return f"its process exited with status {status} (os._exit, sys.exit or a crash)"
