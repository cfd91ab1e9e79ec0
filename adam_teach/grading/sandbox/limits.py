"""The limits a submission runs under, and how the kernel enforces them on its process.

The grader sets them from outside, on the child's pid (`resource.prlimit`, Linux), before it
hands the child its job, so not one line of the learner's code runs without them:

- RLIMIT_DATA (memory): heap and anonymous memory; an allocation past it raises MemoryError.
  (Not RLIMIT_AS: TensorFlow maps ~1.4 GB of address space for 0.3 GB of data.)
- RLIMIT_CPU: the process's CPU time; past the soft limit SIGXCPU, past the hard one SIGKILL.
- RLIMIT_FSIZE: the largest file it can write; RLIMIT_CORE 0: no core dumps.

With `uid` (the grader runs as root), the learner's code runs as another user, so it cannot
signal the grader, raise its own limits again or write the grader's files.

The wall-clock limits (per cell or call, and in total) and the resident-memory check are
enforced by the grader's own loop, which SIGKILLs the whole process group; see `execute`.
"""

import os
import resource
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0  # seconds per cell and per hidden call (nbgrader's default)
    total_timeout: float = 300.0  # seconds for the whole submission
    memory_mb: int = 1024
    max_output: int = 20_000  # bytes of printed output kept per submission
    max_file_mb: int = 64
    grace: float = 2.0  # seconds the learner's process gets to stop by itself
    uid: int = None  # run the learner's code as this user (the grader must be root), or as ours
    gid: int = None

    def rlimits(self):
        """(resource, soft, hard) triples for the learner's process."""
        cpu = int(self.total_timeout + self.grace)
        return [
            (resource.RLIMIT_DATA, self.memory_mb * MB, self.memory_mb * MB),
            (resource.RLIMIT_CPU, cpu, cpu + 2),
            (resource.RLIMIT_FSIZE, self.max_file_mb * MB, self.max_file_mb * MB),
            (resource.RLIMIT_CORE, 0, 0),
        ]


def apply(pid, limits):
    """Set `limits` on the running process `pid` from outside. False where the platform
    cannot (not Linux): the child then sets them on itself before running any cell."""
    if not hasattr(resource, "prlimit"):
        return False
    for name, soft, hard in limits.rlimits():
        resource.prlimit(pid, name, (soft, hard))
    return True


def drop_privileges(uid, gid):
    """Become user `uid` for good (no way back to root): called in the learner's process
    before its first cell. It can then neither signal the grader nor write its files."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def apply_to_self(triples):
    for name, soft, hard in triples:
        resource.setrlimit(name, (soft, hard))
