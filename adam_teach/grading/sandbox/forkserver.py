"""The grader's handle on a template process (runner.template), which forks learners'
processes from a state that has already imported the libraries every exercise imports.

Measured on exercise 03 (benchmarks/grading.py): a plain `python -I` spends ~0.5 s of CPU
per submission, 0.3–0.4 s of it importing matplotlib through adam_teach.plotting; forked
from the template it spends ~0.1 s. Each submission still runs in its own new process: the
template never runs a learner's code, and a fork starts from the template's pristine state
(its random generators are reseeded), then is confined (runner.confine) before its job.

The template is started in the batch's isolation (inside bubblewrap in that mode, see
`isolation`). It gets the three pipe ends of each new child over a Unix socket
(SCM_RIGHTS), forks, and reports the child's pid and, once every process of that
submission has ended, its exit status and CPU time. TensorFlow is never imported there:
only the children that need it import it.
"""

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading

import tempfile

from . import isolation as isolation_module

SERVE = ("import sys; sys.path.insert(0, sys.argv[1]); "
         "from adam_teach.runner.template import serve; serve(int(sys.argv[2]))")


def available():
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and sys.platform.startswith("linux")


class ForkServer:
    """The grader's handle on one template process."""

    def __init__(self, python, package_root, env, isolation):
        self.python, self.package_root, self.env = python, package_root, env
        self.isolation = isolation
        self.config = tempfile.TemporaryDirectory(prefix="adam-teach-template-")
        self.lock = threading.Lock()
        self.uids = isolation_module.ThrowawayUids()
        self.exits = {}  # pid -> (exit status, cpu seconds), filled by the reader thread
        self.exited = threading.Condition()
        self._start()

    def _start(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)  # one message per record
        prefix = (isolation_module.bubblewrap_command(self.config.name)
                  if self.isolation.mode == "bubblewrap" else [])
        self.process = subprocess.Popen(
            prefix + [self.python, "-I", "-c", SERVE, str(self.package_root), str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
            env=isolation_module.template_env(self.env, self.isolation, self.config.name),
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

    def spawn(self, fds, request):
        """Fork a child with its control pipe, stdout+stderr and the channel on `fds`,
        confined as `request` says (runner.template): (its pid, the template process it
        was forked from)."""
        message = json.dumps({"spawn": request}).encode() + b"\n"
        with self.lock:
            for attempt in (1, 2):
                try:
                    socket.send_fds(self.socket, [message], list(fds))
                    pid = self.replies.get(timeout=30)
                except (OSError, queue.Empty):
                    pid = None
                if pid is not None:
                    return pid, self.process
                if attempt == 1:  # the template died (in mode "none" a learner can kill it)
                    self._stop_template()
                    self._start()
            raise RuntimeError("the grader's fork server does not answer")

    def throwaway_uid(self):
        """A uid no process uses, for one submission."""
        with self.lock:
            return self.uids.take()

    def kill(self, pid):
        """Ask the template to end submission `pid` with all its processes."""
        with self.lock:
            try:
                self.socket.sendall(json.dumps({"kill": pid}).encode() + b"\n")
            except OSError:
                pass

    def has_exited(self, pid):
        with self.exited:
            return pid in self.exits

    def wait(self, pid, template, timeout=30.0):
        """(exit status, CPU seconds) of a child, or (None, 0.0) if it is not reported (its
        template died: a learner can kill it, it is their parent)."""
        with self.exited:
            self.exited.wait_for(lambda: pid in self.exits or template.poll() is not None, timeout=timeout)
            return self.exits.pop(pid, (None, 0.0))

    def _stop_template(self):
        try:
            self.socket.close()
        finally:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()

    def close(self):
        self._stop_template()
        self.config.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
