"""Confine one submission's process, in the template's fork, before any of its code runs;
and make sure that, when it ends, every process it started has ended too.

Three modes (chosen by the grader, grading.sandbox.isolation):
- "bubblewrap": the template already runs inside bubblewrap (read-only system, no network,
  no answer key). Each fork gets its own PID, mount, IPC, network and UTS namespaces, a
  fresh private /tmp (its working folder is /tmp/work) and its own /proc, and runs as a
  throwaway uid. Its first process is PID 1 of its namespace: when it ends, the kernel
  kills every process left in that namespace.
- "uid": the grader is root but namespaces are not available. The fork runs as a fresh
  throwaway uid (no /etc/passwd entry needed), with RLIMIT_NPROC, in a working folder only
  that uid can enter; afterwards every process of that uid is killed.
- "none": the learner's code runs as the grader's own user, with its limits, in its own
  session; processes that escape it are reparented to the template (a subreaper) and killed.

Every mode sets the rlimits here (memory, CPU time, file size, no core dumps) before the
learner's code runs; once the uid is dropped they cannot be raised again.
"""

import ctypes
import os
import resource
import signal
import time

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_REC, MS_PRIVATE = 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 1, 38, 36
WORKDIR_IN_NAMESPACE = "/tmp/work"

_libc = None


def _c():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_c().mount(source.encode() if source else None, target.encode(),
                      fstype.encode() if fstype else None, flags,
                      data.encode() if data else None), f"mount {target}")


def _prctl(option, value):
    _check(_c().prctl(option, value, 0, 0, 0), f"prctl {option}")


def become_subreaper():
    """Orphans of our children are reparented to us (so we can find and kill them)."""
    try:
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
    except (OSError, AttributeError):
        pass


def enter(request):
    """Confine this process as `request` says, then return in its working folder."""
    os.setsid()
    if request["mode"] == "bubblewrap":
        _own_namespaces(request)
    else:
        os.chdir(request["workdir"])
    for name, soft, hard in request["rlimits"]:
        resource.setrlimit(name, (soft, hard))
    if request.get("uid") is not None:
        os.setgroups([])
        os.setgid(request["gid"])
        os.setuid(request["uid"])
    _prctl(PR_SET_NO_NEW_PRIVS, 1)  # no set-uid program can give privileges back


def _own_namespaces(request):
    """New namespaces, a private /tmp and /proc; then fork: this process stays outside to
    wait for the new PID 1 (the rest of the submission) and mirrors how it ended."""
    _check(_c().unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS),
           "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    kept = {path: os.open(path, os.O_PATH) for path in request.get("keep", ())}  # below /tmp
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={request['tmp_mb']}m,mode=1777")
    for path, descriptor in kept.items():  # bound back, read-only, into the fresh /tmp
        os.makedirs(path, mode=0o755, exist_ok=True)
        _mount(f"/proc/self/fd/{descriptor}", path, None, MS_BIND | MS_REC)
        _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(descriptor)
    inner = os.fork()
    if inner:
        _wait_and_mirror(inner)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.mkdir(WORKDIR_IN_NAMESPACE, 0o700)
    if request.get("uid") is not None:
        os.chown(WORKDIR_IN_NAMESPACE, request["uid"], request["gid"])
    os.chdir(WORKDIR_IN_NAMESPACE)


def _wait_and_mirror(inner):
    """Wait for PID 1 of the submission's namespace; a SIGTERM from the template kills it.
    Then end the way it ended, so the template reports its real exit status."""
    signal.signal(signal.SIGTERM, lambda *_: os.kill(inner, signal.SIGKILL))
    for descriptor in range(3, 256):
        try:
            os.close(descriptor)
        except OSError:
            pass
    _, status = os.waitpid(inner, 0)
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


# -- after a submission ----------------------------------------------------------------


def kill_job(pid, request):
    """End submission `pid` now, with all its processes."""
    if request["mode"] == "bubblewrap":
        _signal(pid, signal.SIGTERM)  # its waiter kills PID 1 of its namespace
    else:
        _signal(-pid, signal.SIGKILL)
        _signal(pid, signal.SIGKILL)


SHARED_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue")  # where any uid can leave files


def clean_up(request):
    """Once a submission's first process has ended: kill whatever it left behind (and, as a
    throwaway uid, remove the files it left in the folders every user can write)."""
    if request["mode"] == "uid":
        kill_uid(request["uid"], request["gid"])
        remove_files_of(request["uid"])
    elif request["mode"] == "none":
        for _ in range(100):
            if not kill_strays(()):
                return
            time.sleep(0.01)


def kill_jobs(jobs):
    for pid, request in list(jobs.items()):
        kill_job(pid, request)
        if request["mode"] == "uid":
            kill_uid(request["uid"], request["gid"])


def kill_strays(jobs):
    """SIGKILL our children that are not submissions (escaped processes reparented to
    us). True if there were any."""
    found = [pid for pid in _children() if pid not in jobs]
    for pid in found:
        _signal(pid, signal.SIGKILL)
    return bool(found)


def kill_uid(uid, gid, attempts=500):
    """SIGKILL every process of `uid` (a throwaway uid: only one submission's), until none
    is alive."""
    for _ in range(attempts):
        helper = os.fork()
        if helper == 0:
            try:
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)  # every process this uid may signal
            finally:
                os._exit(0)
        os.waitpid(helper, 0)
        if not alive_processes_of(uid):
            return
        time.sleep(0.002)


def remove_files_of(uid, folders=SHARED_WRITABLE):
    """Delete what `uid` owns at the top of `folders` (a sticky /tmp lets it create only there)."""
    import shutil

    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def alive_processes_of(uid):
    """Pids of processes (not zombies) whose real uid is `uid`."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith(("Z", "X")):
            alive.append(int(entry))
    return alive


def _children():
    pid = os.getpid()
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(p) for p in children.read().split()]
    except OSError:
        return []


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
