"""The limits a submission runs under.

`runner.confine` sets them as rlimits on the learner's process, before any of its code
runs and before it drops to its throwaway uid (so they cannot be raised again):

- RLIMIT_DATA (memory): heap and anonymous memory; an allocation past it raises MemoryError.
  (Not RLIMIT_AS: TensorFlow maps ~1.4 GB of address space for 0.3 GB of data.)
- RLIMIT_CPU: the process's CPU time; past the soft limit SIGXCPU, past the hard one SIGKILL.
- RLIMIT_FSIZE: the largest file it can write; RLIMIT_CORE 0: no core dumps.
- RLIMIT_NPROC (with a throwaway uid only): processes and threads of that uid, so a fork
  bomb stops there.

The wall-clock limits (per cell or call, and in total) are enforced by the grader's own
loop, which has the whole submission killed when one is passed; see `execute`.
"""

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
    tmp_mb: int = 256  # the private /tmp of a submission (bubblewrap mode)
    processes: int = 256  # processes and threads of a throwaway uid
    grace: float = 2.0  # seconds the learner's process gets to stop by itself

    def rlimits(self, throwaway_uid):
        """(resource, soft, hard) triples for the learner's process."""
        cpu = int(self.total_timeout + self.grace)
        triples = [
            (resource.RLIMIT_DATA, self.memory_mb * MB, self.memory_mb * MB),
            (resource.RLIMIT_CPU, cpu, cpu + 2),
            (resource.RLIMIT_FSIZE, self.max_file_mb * MB, self.max_file_mb * MB),
            (resource.RLIMIT_CORE, 0, 0),
        ]
        if throwaway_uid:
            triples.append((resource.RLIMIT_NPROC, self.processes, self.processes))
        return triples
