"""Fresh processes for learners, forked from a template that has already imported the
libraries every exercise imports, so a submission does not pay their import time again.

Measured on exercise 03 (benchmarks/grading.py): a plain `python -I` spends ~0.5 s of CPU
per submission, 0.3–0.4 s of it importing matplotlib through adam_teach.plotting; forked
from this template it spends ~0.1 s. Each submission still runs in its own new process: the
template never runs a learner's code, and a fork starts from the template's pristine state
(its random generators are reseeded), then gets its own session, its limits set from
outside (`limits.apply`) and its job, exactly like a plain process (see `child`).

The template (one per batch) gets the three pipe ends of each new child over a Unix socket
(SCM_RIGHTS), forks, and reports the child's pid and, when it ends, its exit status and CPU
time. TensorFlow is never imported here: only the children that need it import it.
"""

import json
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import threading

PRELOAD = ("numpy", "IPython.core.interactiveshell", "traitlets.config", "matplotlib.pyplot",
           "adam_teach", "adam_teach.plotting", "adam_teach.checks", "adam_teach.grading.wire")
SERVE = ("import sys; sys.path.insert(0, sys.argv[1]); "
         "from adam_teach.grading.sandbox.forkserver import serve; serve(int(sys.argv[2]))")


def available():
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and sys.platform.startswith("linux")


class ForkServer:
    """The grader's handle on one template process."""

    def __init__(self, python, package_root, env):
        self.python, self.package_root, self.env = python, package_root, env
        self.lock = threading.Lock()
        self.exits = {}  # pid -> (exit status, cpu seconds), filled by the reader thread
        self.exited = threading.Condition()
        self._start()

    def _start(self):
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [self.python, "-I", "-c", SERVE, str(self.package_root), str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), env=self.env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self.socket, self.replies = ours, queue.Queue()
        threading.Thread(target=self._read, args=(ours, self.replies), daemon=True).start()

    def _read(self, sock, replies):
        buffer = b""
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                replies.put(None)  # the template is gone
                with self.exited:
                    self.exited.notify_all()
                return
            buffer += data
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                message = json.loads(line)
                if "exited" in message:
                    with self.exited:
                        self.exits[message["exited"]] = (message["status"], message["cpu"])
                        self.exited.notify_all()
                else:
                    replies.put(message["spawned"])

    def spawn(self, fds, workdir, output_limit):
        """Fork a child with stdin, stdout+stderr and the channel on `fds`: (its pid, the
        template process it was forked from)."""
        with self.lock:
            for attempt in (1, 2):
                try:
                    socket.send_fds(self.socket, [json.dumps({"workdir": workdir, "output_limit": output_limit}).encode() + b"\n"], list(fds))
                    pid = self.replies.get(timeout=30)
                except (OSError, queue.Empty):
                    pid = None
                if pid is not None:
                    return pid, self.process
                if attempt == 1:  # a learner killed the template (it is their parent): restart it
                    self.close()
                    self._start()
            raise RuntimeError("the grader's fork server does not answer")

    def has_exited(self, pid):
        with self.exited:
            return pid in self.exits

    def wait(self, pid, template, timeout=10.0):
        """(exit status, CPU seconds) of a child, or (None, 0.0) if it is not reported (its
        template died: a learner can kill it, it is their parent)."""
        with self.exited:
            self.exited.wait_for(lambda: pid in self.exits or template.poll() is not None, timeout=timeout)
            return self.exits.pop(pid, (None, 0.0))

    def close(self):
        try:
            self.socket.close()
        finally:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# -- the template process ------------------------------------------------------------------


def serve(fd):
    """Import PRELOAD, then fork one child per request until the grader hangs up."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    sock = socket.socket(fileno=fd)
    while True:
        readable, _, _ = select.select([sock], [], [], 0.02)
        if readable:
            message, fds, _, _ = socket.recv_fds(sock, 65536, 3)
            if not message:
                os._exit(0)
            pid = os.fork()
            if pid == 0:
                _become_child(sock, fds, json.loads(message))
            for descriptor in fds:
                os.close(descriptor)
            _send(sock, {"spawned": pid})
        _report_exits(sock)


def _send(sock, message):
    sock.sendall(json.dumps(message).encode() + b"\n")


def _report_exits(sock):
    while True:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send(sock, {"exited": pid, "status": os.waitstatus_to_exitcode(status),
                     "cpu": usage.ru_utime + usage.ru_stime})


def _become_child(sock, fds, request):
    """In the fork: a fresh session, the pipes on 0, 1, 2, fresh random seeds, then `child`."""
    try:
        os.setsid()
        sock.close()
        stdin, output, channel = fds
        os.dup2(stdin, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(stdin)
        os.close(output)
        import random

        import numpy

        random.seed()
        numpy.random.seed()
        os.environ["IPYTHONDIR"] = os.path.join(request["workdir"], ".ipython")
        from adam_teach.grading.sandbox import child

        child.main(["", str(channel), str(request["output_limit"])])
    except BaseException:  # a fault of the grader's own set-up: show it in the output
        import traceback

        traceback.print_exc()
    finally:
        os._exit(70)
