"""Safe, unique folder names for the results of submissions, made from their file names.

A file name is the learner's: it can be "..", "gradebook.csv", hold a path separator, bytes
that are not UTF-8, or a spreadsheet formula. The folder name keeps letters, digits and
"-", "_", "." from it (never first), is at most MAX_LENGTH characters, is never a name the
grader writes itself, and is unique (case-insensitively) in the batch.
"""

import os
import re
import unicodedata
from pathlib import Path

MAX_LENGTH = 80
RESERVED = {"gradebook.csv", "gradebook", "con", "prn", "aux", "nul"}


def display_name(path):
    """A file name as text that can always be written (undecodable bytes become �)."""
    return os.fsencode(Path(path).name).decode("utf-8", "replace")


def safe_name(path):
    stem = os.fsencode(Path(path).stem).decode("utf-8", "replace")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_stem).strip("._-")[:MAX_LENGTH]
    if not name or name.lower() in RESERVED:
        name = f"submission_{name}" if name else "submission"
    return name


def output_names(paths):
    """A safe folder name per submission, unique in the batch (a suffix _2, _3, ... if needed)."""
    names, used = [], set()
    for path in paths:
        base = safe_name(path)
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name.lower())
        names.append(name)
    return names
