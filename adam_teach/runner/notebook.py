"""The learner's process: run the notebook's code cells, then call the learner's functions.

Forked by the template (`runner.template`) inside the submission's sandbox, with its limits
and its user already set. It reads JSON lines from the control descriptor: first the job
(`{"cells": [...], "timeout": s, "forbidden": [modules]}`), then, once the cells have run,
one hidden call at a time (`{"item", "case", "function", "args", "kwargs", "forbidden"}`,
or `{"end": true}`), so no hidden input is in this process before its own call. It writes
one JSON line per event to the channel descriptor (never stdout, which is the learner's
printed output):

    {"event": "cell", "index": i}                          cell i starts
    {"event": "cell_done", "index": i, "error": "..."}     cell i finished ("" = no error)
    {"event": "ready"}                                     every cell has run
    {"event": "call", "item": k, "case": j}                case j of item k starts
    {"event": "outcome", "item": k, "case": j, "value": <wire>, "error": "...", "mutated": b}
    {"event": "done"}

A graded function that calls an earlier one (run_adam calls adam_step) is called with a
stand-in for it (`_GraderCall`) that asks the grader: {"event": "reference", "function":
name, "args": <wire>, "kwargs": <wire>} on the channel, and the grader answers on the
control pipe with {"value": <wire>, "error": "..."} computed by its correct version, so each
item is judged on its own. The correct code never enters this process.

Nothing here decides a score, and nothing here knows an answer: the values go back to the
grader, which judges them in its own process. The learner's code can write on this channel
too; the grader accepts each message only once and only when it is the one expected next.
"""

import gc
import io
import json
import os
import signal
import sys

TRACEBACK_LIMIT = 2_000


class CellTimeout(Exception):
    """Raised in the learner's code by our alarm when a cell or call runs too long."""


class CappedStream(io.TextIOBase):
    """sys.stdout / sys.stderr for the learner: writes to fd 1 until `limit` bytes, then drops."""

    def __init__(self, fd, limit):
        self.fd, self.left = fd, limit

    def writable(self):
        return True

    def write(self, text):
        if self.left > 0:
            data = str(text).encode("utf-8", "replace")[: self.left]
            self.left -= len(data)
            try:
                os.write(self.fd, data)
            except OSError:
                self.left = 0
        return len(text)

    def isatty(self):
        return False


class Channel:
    def __init__(self, fd):
        from adam_teach.runner import wire

        self.fd, self.wire = fd, wire

    def send(self, **message):
        # A newline first: it ends any half line the learner's code left on this pipe.
        data = b"\n" + self.wire.dumps(message)
        while data:
            try:
                data = data[os.write(self.fd, data):]
            except OSError:  # the learner closed our descriptor: the grader sees no outcome
                return


def _alarm(signum, frame):
    raise CellTimeout("ran longer than the time limit")


def _arm(seconds):
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _disarm():
    signal.setitimer(signal.ITIMER_REAL, 0)


def _describe(error):
    try:
        text = f"{type(error).__name__}: {error}"
    except Exception:
        text = type(error).__name__
    return text[:TRACEBACK_LIMIT]


def make_shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "NoColor"
    return InteractiveShell(config=config)


def run_cells(shell, cells, timeout, channel):
    for cell in cells:
        channel.send(event="cell", index=cell["index"])
        error = ""
        try:
            _arm(timeout)
            result = shell.run_cell(cell["source"], store_history=False, silent=False)
            _disarm()
            if result.error_in_exec is not None:
                error = _describe(result.error_in_exec)
            elif result.error_before_exec is not None:
                error = _describe(result.error_before_exec)
        except BaseException as failure:  # our alarm may land outside IPython's own handler
            _disarm()
            error = _describe(failure)
        if error:
            _forget_failure(shell)
        channel.send(event="cell_done", index=cell["index"], error=error)


def _forget_failure(shell):
    """Drop the references a failed cell's traceback keeps to its frames (a memory bomb's
    list, say), as a kernel restart would, so later cells have memory to run in."""
    result = shell.last_execution_result
    for error in (getattr(result, "error_in_exec", None), getattr(result, "error_before_exec", None)):
        if error is not None:
            error.__traceback__ = None
    shell.last_execution_result = None
    shell.InteractiveTB.tb = None
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)
    gc.collect()


class Control:
    """The grader's JSON lines on descriptor `fd`, one at a time."""

    def __init__(self, fd):
        self.fd, self.buffer = fd, b""

    def next(self):
        while b"\n" not in self.buffer:
            data = os.read(self.fd, 65536)
            if not data:
                return None
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)


class _GraderCall:
    """Stands in for the learner's earlier function `name` during a later item's call: the
    grader computes it with the correct version and sends back the value."""

    def __init__(self, name, control, channel):
        self.name, self.control, self.channel = name, control, channel
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args, **kwargs):
        from adam_teach.runner import wire

        self.channel.send(event="reference", function=self.name, args=wire.encode(args),
                          kwargs=wire.encode(kwargs))
        reply = self.control.next() or {"error": "the grader did not answer"}
        if reply.get("error"):
            raise RuntimeError(f"{self.name} (computed by the grader) failed: {reply['error']}")
        return wire.decode(reply.get("value"))


def _stand_ins(namespace, names, control, channel):
    """The learner's functions `names` in `namespace`, replaced by _GraderCall; returns
    what to put back."""
    saved = {name: namespace[name] for name in names if name in namespace}
    for name in names:
        namespace[name] = _GraderCall(name, control, channel)
    return saved


def _put_back(namespace, names, saved):
    for name in names:
        if name in saved:
            namespace[name] = saved[name]
        else:
            namespace.pop(name, None)


def call_functions(namespace, control, timeout, channel, tripwires):
    """Each hidden case, as the grader sends it, through `runner.calls.call_case`, which
    copies the arguments, resolves function references and notes in-place changes; the
    course's own implementations that the item forbids raise meanwhile (`tripwires`)."""
    from adam_teach.runner import wire
    from adam_teach.runner.calls import Case, call_case

    while True:
        call = control.next()
        if call is None or call.get("end"):
            return
        channel.send(event="call", item=call["item"], case=call["case"])
        uses = [name for name in call.get("uses", ()) if isinstance(name, str)]
        saved = _stand_ins(namespace, uses, control, channel)
        try:
            _arm(timeout)
            case = Case(call["function"], tuple(wire.decode(call["args"])), wire.decode(call["kwargs"]),
                        read=call.get("read") is True)
            with tripwires.armed(call.get("forbidden", ())):
                outcome = call_case(case, namespace)
            value, error, mutated = wire.encode(outcome.value), outcome.error, outcome.mutated
            _disarm()
        except BaseException as failure:  # SystemExit, our alarm outside call_case, ...
            _disarm()
            value, error, mutated = None, _describe(failure), False
        _put_back(namespace, uses, saved)
        channel.send(event="outcome", item=call["item"], case=call["case"], value=value,
                     error=str(error)[:TRACEBACK_LIMIT], mutated=bool(mutated))


def main(control_fd, channel_fd, output_limit):
    """Run the job the grader sends on `control_fd`, reporting on `channel_fd`."""
    from adam_teach.runner.tripwires import Tripwires

    control = Control(control_fd)
    job = control.next()
    tripwires = Tripwires(job.get("forbidden", ()))  # before any of the learner's code runs
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdout = sys.stderr = CappedStream(1, output_limit)  # one budget for both
    channel = Channel(channel_fd)
    shell = make_shell()
    cells, timeout = job["cells"], job["timeout"]
    del job
    run_cells(shell, cells, timeout, channel)
    channel.send(event="ready")
    call_functions(shell.user_ns, control, timeout, channel, tripwires)
    channel.send(event="done")
    os._exit(0)  # skip the learner's atexit handlers and IPython's shutdown
