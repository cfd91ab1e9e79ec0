"""The template process: forks one fresh, confined process per submission.

It imports the libraries every exercise imports (never the answer key), then waits on a
Unix socket. Per request it gets the three pipe ends of a new learner's process
(SCM_RIGHTS), forks, confines the fork (`confine`) and runs the notebook in it
(`runner.notebook`). It reports each child's pid and, once every process of that
submission is gone, its exit status and CPU time. In bubblewrap mode the template itself
runs inside the sandbox (see grading.sandbox.isolation), so what it can see is all a learner
could ever see.

Messages from the grader (one JSON line each):
    {"spawn": {"mode", "workdir", "uid", "gid", "rlimits", "output_limit"}} + 3 descriptors
    {"kill": pid}
Replies: {"spawned": pid}, {"exited": pid, "status": s, "cpu": seconds}.
"""

import json
import os
import select
import signal
import socket
import time

from . import confine

PRELOAD = ("numpy", "IPython.core.interactiveshell", "traitlets.config", "matplotlib.pyplot",
           "adam_teach", "adam_teach.plotting", "adam_teach.checks", "adam_teach.runner.notebook",
           "adam_teach.runner.tripwires")
SWEEP_EVERY = 0.1  # seconds between looks for processes that escaped a submission


def serve(fd):
    """Import PRELOAD, then fork one child per request until the grader hangs up."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    confine.become_subreaper()
    sock = socket.socket(fileno=fd)
    jobs = {}  # pid -> spawn request
    last_sweep = 0.0
    while True:
        readable, _, _ = select.select([sock], [], [], 0.02)
        if readable:
            message, fds, _, _ = socket.recv_fds(sock, 65536, 3)
            if not message:
                confine.kill_jobs(jobs)
                os._exit(0)
            _handle(sock, json.loads(message), fds, jobs)
        _report_exits(sock, jobs)
        if time.monotonic() - last_sweep > SWEEP_EVERY:
            confine.kill_strays(jobs)
            last_sweep = time.monotonic()


def _handle(sock, request, fds, jobs):
    """One request of the grader's (each arrives as one record: the socket is SOCK_SEQPACKET)."""
    if "spawn" in request:
        pid = os.fork()
        if pid == 0:
            _become_child(sock, fds, request["spawn"])
        for descriptor in fds:
            os.close(descriptor)
        jobs[pid] = request["spawn"]
        _send(sock, {"spawned": pid})
    elif "kill" in request and request["kill"] in jobs:
        confine.kill_job(request["kill"], jobs[request["kill"]])


def _send(sock, message):
    sock.sendall(json.dumps(message).encode() + b"\n")


def _report_exits(sock, jobs):
    while True:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        request = jobs.pop(pid, None)
        if request is None:
            continue  # a stray that escaped a submission and was reparented to us
        confine.clean_up(request)  # every process of that submission is gone after this
        _send(sock, {"exited": pid, "status": os.waitstatus_to_exitcode(status),
                     "cpu": usage.ru_utime + usage.ru_stime})


def _become_child(sock, fds, request):
    """In the fork: pipes on 0, 1, 2, fresh random seeds, confinement, then the notebook."""
    try:
        sock.close()
        control, output, channel = fds
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        import random

        import numpy

        random.seed()
        numpy.random.seed()
        confine.enter(request)
        os.environ["IPYTHONDIR"] = os.path.join(os.getcwd(), ".ipython")
        from . import notebook

        notebook.main(control, channel, request["output_limit"])
    except BaseException:  # a fault of the grader's own set-up: show it in the output
        import traceback

        traceback.print_exc()
    finally:
        os._exit(70)
