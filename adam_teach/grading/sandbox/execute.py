"""Run one submission in a fresh, confined process and collect what it reports; never trust it.

How the learner's process is made (measured by benchmarks/grading.py on exercise 03, 2 cores):
- a Jupyter kernel through nbclient, as nbgrader does: ~0.5 s of CPU and ~0.7 s of wall time
  per notebook before any hidden test runs (kernel start, ZeroMQ, the kernel client);
- a fresh Python running the cells with IPython's InteractiveShell (same cell semantics:
  magics, display, tracebacks): ~0.5 s of CPU, 0.4 of it importing matplotlib;
- the same, forked from a template that has imported numpy, IPython and matplotlib
  (`forkserver`, the default): ~0.1 s of CPU per submission.
Either way it is one new process per submission, confined by `runner.confine` in the
batch's isolation mode (`isolation`): it has never run anyone else's code.

What the grader does from outside, none of which the learner's process can change:
- it sends the cells, then one hidden call at a time, each only after the previous one
  has reported, on a control pipe;
- it accepts each message on the result channel only once, and only if it is the one it
  expects next (cell i starts, cell i ends, ready, call k starts, outcome k, done): a
  repeated or out-of-turn message changes nothing, so it cannot keep a cell alive;
- it keeps a wall-clock deadline per cell and per hidden call (from the accepted message
  that started it) and one for the whole submission, and has the template kill the whole
  submission (every process of it) when one is passed;
- the child's stdout/stderr is read, capped, and used only as text for the feedback;
- outcomes are JSON decoded by `runner.wire` (no pickle), judged later in the grader's
  own process.
"""

import json
import os
import selectors
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import forkserver
from . import isolation as isolation_module
from ...runner import wire

PACKAGE_ROOT = Path(__file__).resolve().parents[3]  # the directory holding adam_teach/
MAX_MESSAGE = 4 * 1024 * 1024  # bytes in one protocol line
MAX_CHANNEL = 32 * 1024 * 1024  # bytes on the protocol pipe in total
CHILD_ENV = {
    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
    "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
}
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT")


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
    isolation: str = ""  # the mode it ran in


def child_env():
    env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
    env.update(CHILD_ENV)
    return env


def fork_server(isolation=None, python=sys.executable):
    """A ForkServer for a batch, in `isolation` (default: the strongest that works here)."""
    isolation = isolation or isolation_module.choose()
    return forkserver.ForkServer(python, PACKAGE_ROOT, child_env(), isolation)


def execute(cells, calls, limits, server=None, answer=None):
    """Run `cells` ([{"index", "source"}]) then `calls` ([{"item", "case", "function",
    "args", "kwargs", "forbidden", "uses"}], wire-encoded) in a new confined process under
    `limits`, forked by `server` (a forkserver.ForkServer; None: a template of its own).
    `answer(function, args, kwargs) -> reply`: computes an earlier function a call `uses`
    (see runner.notebook), in the grader's process."""
    if server is None:
        with fork_server() as own:
            return execute(cells, calls, limits, own, answer)
    return _Run(cells, calls, limits, server, answer).run()


MAX_REFERENCE_CALLS = 1000  # per hidden call: more than any exercise's function makes


class _Run:
    def __init__(self, cells, calls, limits, server, answer=None):
        self.cells, self.calls, self.limits, self.server = cells, calls, limits, server
        self.answer, self.reference_calls = answer, 0
        self.result = Execution(isolation=server.isolation.mode)
        self.phase = "starting Python"
        self.output, self.dropped, self.buffer, self.channel_bytes = bytearray(), 0, b"", 0
        self.done = False
        self.expected = ([step for cell in cells for step in (("cell", cell["index"]), ("cell_done", cell["index"]))]
                         + [("ready",)]
                         + [step for call in calls for step in (("call", call["item"], call["case"]),
                                                                ("outcome", call["item"], call["case"]))]
                         + [("done",)])
        self.position = 0  # in self.expected
        self.next_call = 0
        self.functions = {(call["item"], call["case"]): call["function"] for call in calls}

    # -- the loop ---------------------------------------------------------------------
    def run(self):
        start = time.monotonic()
        request, workdir = self._request()
        control_read, self.control = os.pipe()
        channel_read, channel_write = os.pipe()
        output_read, output_write = os.pipe()
        try:
            pid, template = self.server.spawn((control_read, output_write, channel_write), request)
        except BaseException:
            for descriptor in (self.control, channel_read, output_read):
                os.close(descriptor)
            raise
        finally:
            for descriptor in (control_read, output_write, channel_write):
                os.close(descriptor)
        child = _Forked(self.server, pid, template)
        try:
            self._send({"cells": self.cells, "timeout": self.limits.timeout,
                        "forbidden": sorted({m for call in self.calls for m in call.get("forbidden", ())})})
            self._watch(child, channel_read, output_read, start, request)
        finally:
            self.server.kill(pid)
            status, cpu_seconds = child.reap()  # reported once every process of it is gone
            for descriptor in (self.control, channel_read, output_read):
                os.close(descriptor)
            if workdir:
                shutil.rmtree(workdir, ignore_errors=True)
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

    def _request(self):
        """What the template needs to confine the child, and the working folder we made."""
        mode = self.server.isolation.mode
        uid = self.server.throwaway_uid() if mode in ("bubblewrap", "uid") and os.geteuid() == 0 else None
        workdir = None
        if mode != "bubblewrap":
            workdir = tempfile.mkdtemp(prefix="adam-teach-grade-")
            if uid is not None:
                os.chown(workdir, uid, uid)
            os.chmod(workdir, 0o700)
        request = {"mode": mode, "workdir": workdir, "uid": uid, "gid": uid, "tmp_mb": self.limits.tmp_mb,
                   "keep": isolation_module.kept_under_tmp() if mode == "bubblewrap" else [],
                   "rlimits": self.limits.rlimits(throwaway_uid=uid is not None),
                   "output_limit": self.limits.max_output + 1024}  # a little over, to see it overflow
        return request, workdir

    def _send(self, message):
        data = json.dumps(message).encode() + b"\n"
        try:
            while data:
                data = data[os.write(self.control, data):]
        except OSError:
            pass  # it died already; the exit status tells why

    def _send_next_call(self):
        if self.next_call < len(self.calls):
            self._send(self.calls[self.next_call])
            self.next_call += 1
        else:
            self._send({"end": True})

    def _watch(self, child, channel_read, output_read, start, request):
        limits = self.limits
        selector = selectors.DefaultSelector()
        selector.register(channel_read, selectors.EVENT_READ, self._on_channel)
        selector.register(output_read, selectors.EVENT_READ, self._on_output)
        total_deadline = start + limits.total_timeout
        self.phase_deadline = start + limits.timeout + limits.grace
        done_at = None
        watch_memory = request["mode"] != "bubblewrap"  # there, its pid is not one of ours
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
            if watch_memory and _resident_mb(child.pid) > limits.memory_mb * 1.25 + 256:  # rlimit's backstop
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
        """Record one message if it is the one expected next. The learner can write to this
        pipe too: anything else is ignored, and a forged outcome in its turn is no more than
        a value their function returned."""
        event = message.get("event")
        if event == "reference":
            self._on_reference(message)
            return
        step = (event, *(message.get(k) for k in _NUMBERS.get(event, ())))
        if self.position >= len(self.expected) or step != self.expected[self.position]:
            return
        if any(type(n) is not int for n in step[1:]):
            return
        self.position += 1
        self.phase_deadline = time.monotonic() + self.limits.timeout + self.limits.grace
        result = self.result
        if event == "cell":
            self.phase = f"running cell {step[1] + 1}"
            result.cells_run += 1
        elif event == "cell_done" and message.get("error"):
            result.cell_errors.append((step[1], str(message["error"])[:2000]))
        elif event == "ready":
            self.phase = "between the cells and the hidden tests"
            self._send_next_call()
        elif event == "call":
            self.phase = f"calling {self.functions.get(step[1:], 'a function')} on a hidden test"
        elif event == "outcome":
            result.outcomes[step[1:]] = {"value": message.get("value"),
                                         "error": str(message.get("error") or "")[:2000],
                                         "mutated": message.get("mutated") is True}
            self.reference_calls = 0
            self._send_next_call()
        elif event == "done":
            self.done = True


    def _on_reference(self, message):
        """Answer a call of an earlier function, only while a hidden call that uses it runs
        (so never during that function's own item), at most MAX_REFERENCE_CALLS times."""
        expected = self.expected[self.position] if self.position < len(self.expected) else ()
        if self.answer is None or expected[:1] != ("outcome",) or self.reference_calls >= MAX_REFERENCE_CALLS:
            return
        call = self.calls[self.next_call - 1]
        if message.get("function") not in call.get("uses", ()):
            return
        self.reference_calls += 1
        self._send(self.answer(message["function"], message.get("args"), message.get("kwargs")))


_NUMBERS = {"cell": ("index",), "cell_done": ("index",), "call": ("item", "case"),
            "outcome": ("item", "case")}


class _Forked:
    """A child forked by the template, which reaps it and tells us."""

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
