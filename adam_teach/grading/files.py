"""Write a file so that readers see the old version or the new one, never half of one."""

import os
import shutil
import tempfile
from pathlib import Path


def safe_directory(path):
    """`path` as a real directory of ours: a symlink or file a submission left there is removed."""
    path = Path(path)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_atomically(path, text):
    """Write `text` to a temporary file beside `path`, then rename it over `path`."""
    path = Path(path)
    directory = safe_directory(path.parent)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
