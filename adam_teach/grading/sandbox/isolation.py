"""How learners' code is isolated: the mode, and what the template process is started in.

- "bubblewrap" (the default where it works): the template runs inside Debian's `bwrap`
  with a read-only view of the system, Python and the learner's part of adam_teach only
  (no answer key, no grader, no solutions, no submissions, no output folder), no network
  and its own PID namespace; each submission then gets namespaces of its own
  (runner.confine).
- "uid" (root, where bubblewrap cannot run, e.g. a container that forbids namespaces):
  each submission runs as a fresh throwaway uid; the answer key and solutions/ are made
  readable by their owner only.
- "none": learners' code runs as the grader's own user; the grader says so loudly.
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MODES = ("bubblewrap", "uid", "none")
PACKAGE = Path(__file__).resolve().parents[2]  # adam_teach/
GRADER_ONLY = ("answer_key", "grading")  # folders of adam_teach a learner's process never sees
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
FIRST_THROWAWAY_UID = 1_900_000_000
NONE_WARNING = ("WARNING: learners' code runs as the grader's own user (no bubblewrap, not "
                "root): it can read and change what this user can, and kill the grader. "
                "Install bubblewrap (apt-get install bubblewrap) or run the grader as root.")
# A probe of what the template needs: a fork that enters namespaces of its own and, as a
# throwaway uid, imports what every submission imports.
PROBE = ("import os, sys, ctypes; libc = ctypes.CDLL(None, use_errno=True)\n"
         "def child():\n"
         "    if libc.unshare(0x20000000 | 0x00020000 | 0x40000000) != 0: return 1\n"
         "    pid = os.fork()\n"
         "    if pid: return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])\n"
         "    if os.geteuid() == 0: os.setgroups([]); os.setgid(int(sys.argv[2])); os.setuid(int(sys.argv[2]))\n"
         "    sys.path.insert(0, sys.argv[1]); import numpy, IPython, adam_teach.runner.notebook, adam_teach.runner.wire\n"
         "    return 0\n"
         "pid = os.fork()\n"
         "if pid == 0: os._exit(child())\n"
         "raise SystemExit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))")

PROBE_ENV = {"PATH": os.defpath, "HOME": "/tmp", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


class IsolationError(Exception):
    """The isolation asked for cannot be had here (the message says how to get it)."""


@dataclass(frozen=True)
class Isolation:
    mode: str
    note: str = ""  # why this mode was chosen, when it is not the default

    @property
    def warning(self):
        return NONE_WARNING if self.mode == "none" else ""


def choose(requested="auto", python=sys.executable):
    """The Isolation for --isolation `requested` (auto: the strongest that works here)."""
    if requested not in ("auto", *MODES):
        raise IsolationError(f"--isolation {requested}: choose one of auto, {', '.join(MODES)}")
    problem = ""
    if requested in ("auto", "bubblewrap"):
        problem = bubblewrap_problem(python)
        if not problem:
            return Isolation("bubblewrap")
        if requested == "bubblewrap":
            raise IsolationError(f"--isolation bubblewrap: {problem}")
    if requested in ("auto", "uid"):
        uid_problem = throwaway_uid_problem(python)
        if not uid_problem:
            return Isolation("uid", note=f"bubblewrap cannot run here: {problem}" if problem else "")
        if requested == "uid":
            raise IsolationError(f"--isolation uid: {uid_problem}")
        problem = "; ".join(filter(None, [problem, uid_problem]))
    return Isolation("none", note=problem)


def throwaway_uid_problem(python=sys.executable):
    """"" if a throwaway uid can run this Python and the course here, else why not."""
    if os.geteuid() != 0:
        return "the grader is not root, so it cannot switch submissions to throwaway uids"
    uid = ThrowawayUids().take()
    try:
        probe = subprocess.run([python, "-I", "-c", f"import sys; sys.path.insert(0, {str(PACKAGE.parent)!r}); "
                                "import numpy, IPython, adam_teach.runner.notebook, adam_teach.runner.wire; "
                                f"assert adam_teach.__file__.startswith({str(PACKAGE)!r}), "
                                "'it reads another copy of adam_teach, ' + adam_teach.__file__"],
                               user=uid, group=uid, extra_groups=[], cwd="/", env=PROBE_ENV,
                               capture_output=True, text=True, timeout=120)
        failed, last = probe.returncode, (probe.stderr.strip().splitlines() or ["?"])[-1]
    except (OSError, subprocess.TimeoutExpired) as error:
        failed, last = True, str(error)
    if failed:
        return (f"a throwaway uid cannot run this Python ({python}): {last}. Install Python and "
                "the course where every user can read them")
    return ""


def bubblewrap_problem(python=sys.executable):
    """"" if bubblewrap can run the template here, else what stops it and how to fix it."""
    if not shutil.which("bwrap"):
        return "bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    with tempfile.TemporaryDirectory(prefix="adam-teach-probe-") as config:
        try:
            probe = subprocess.run(bubblewrap_command(config) + [python, "-I", "-c", PROBE,
                                                                 str(PACKAGE.parent), str(ThrowawayUids().take())],
                                   env=PROBE_ENV, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bwrap failed to start ({error})"
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or [f"exit status {probe.returncode}"])[-1]
        return (f"bwrap cannot create the sandbox here, or a throwaway uid cannot run this Python "
                f"and the course in it ({last})")
    return ""


def package_copies():
    """Every adam_teach folder Python could load: the grader's own and installed copies."""
    import sysconfig

    found = {PACKAGE}
    for key in ("purelib", "platlib"):
        candidate = Path(sysconfig.get_paths()[key]) / "adam_teach"
        if candidate.is_dir():
            found.add(candidate.resolve())
    return sorted(found)


def python_paths():
    """The folders of this Python and its environment (read-only in the sandbox)."""
    return sorted({sys.base_prefix, sys.prefix, sys.exec_prefix, str(Path(sys.executable).resolve().parent)})


def kept_under_tmp():
    """Folders the sandbox shows that lie under /tmp: a submission's own fresh /tmp would
    hide them, so runner.confine binds them back into it."""
    return [str(p) for p in [*python_paths(), *package_copies()] if str(p).startswith("/tmp/")]


def bubblewrap_command(config_dir):
    """The bwrap command line (up to and including "--") the template runs under.
    `config_dir`: a folder of ours bound writable as the template's MPLCONFIGDIR."""
    command = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
               "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    command += ["--cap-add", "ALL"] if os.geteuid() == 0 else ["--unshare-user", "--cap-add", "ALL"]
    command += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]  # first: binds may lie below /tmp
    for path in SYSTEM:
        if os.path.islink(path):
            command += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            command += ["--ro-bind", path, path]
    made = {*SYSTEM, "/tmp"}
    for path in python_paths():
        command += _parents(path, made) + ["--ro-bind", path, path]
        made.add(path)
    for package in package_copies():
        command += _parents(str(package), made) + ["--ro-bind", str(package), str(package)]
        made.add(str(package))
        for folder in GRADER_ONLY:
            if (package / folder).is_dir():
                command += ["--tmpfs", str(package / folder)]
    command += ["--bind", str(config_dir), "/run/adam-teach", "--chdir", "/tmp", "--"]
    return command


def _parents(path, made):
    """bwrap arguments that create the folders above `path` readable by all (bwrap would
    make them 0700, closed to a throwaway uid)."""
    arguments = []
    for parent in reversed(Path(path).parents[:-1]):  # without "/"
        if str(parent) not in made and not any(str(parent).startswith(m + "/") for m in SYSTEM):
            arguments += ["--perms", "0755", "--dir", str(parent)]
            made.add(str(parent))
    return arguments


def template_env(env, isolation, config_dir):
    """The template's environment: its matplotlib configuration in `config_dir` (with the
    grader's font cache, so it is not rebuilt)."""
    _copy_font_cache(config_dir)
    inside = "/run/adam-teach" if isolation.mode == "bubblewrap" else str(config_dir)
    return {**env, "MPLCONFIGDIR": inside, "HOME": "/tmp"}


def _copy_font_cache(config_dir):
    cache = Path(os.environ.get("MPLCONFIGDIR") or
                 Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "matplotlib")
    for font_list in cache.glob("fontlist-*.json") if cache.is_dir() else ():
        shutil.copy(font_list, Path(config_dir) / font_list.name)
    os.chmod(config_dir, 0o755)


class ThrowawayUids:
    """Fresh uids no process uses, one per submission (no /etc/passwd entry needed)."""

    def __init__(self):
        self.next = FIRST_THROWAWAY_UID + (os.getpid() % 5000) * 10_000

    def take(self):
        from adam_teach.runner.confine import alive_processes_of

        while alive_processes_of(self.next):
            self.next += 1
        uid, self.next = self.next, self.next + 1
        return uid


def close_answer_key(course_root):
    """uid mode: the answer key and the solutions readable by their owner only (a
    throwaway uid is "others"). Returns the folders changed."""
    changed = []
    folders = [copy / "answer_key" for copy in package_copies()] + [Path(course_root) / "solutions"]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in [folder, *folder.rglob("*")]:
            mode = path.lstat().st_mode
            if not stat.S_ISLNK(mode) and mode & 0o077:
                os.chmod(path, stat.S_IMODE(mode) & ~0o077)
                if folder not in changed:
                    changed.append(folder)
    return changed


def readable_by_others(paths):
    """The files of `paths` that a throwaway uid could read (every folder above them
    enterable by others, the file readable by others)."""
    def open_to_others(path, bit):
        return bool(os.stat(path).st_mode & bit)

    readable = []
    for path in map(Path, paths):
        folders = [p for p in path.resolve().parents]
        if open_to_others(path, 0o004) and all(open_to_others(f, 0o001) for f in folders):
            readable.append(str(path))
    return readable
