"""`make lab` starts JupyterLab on the whole course and opens its first notebook."""

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from browser_support import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_make_lab_serves_the_first_notebook(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed (the README's plain-pip path): `make lab` cannot be tested")
    port, token = free_port(), secrets.token_hex(16)
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token={token}"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    log = open(tmp_path / "lab.log", "w+")
    lab = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=ROOT,
                           stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/api/contents/notebooks/00_start_here.ipynb"
        request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
        deadline, notebook = time.monotonic() + 120, None
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    notebook = json.load(response)
                break
            except OSError:
                time.sleep(1)
        log.seek(0)
        output = log.read()
        assert notebook is not None, f"JupyterLab did not answer within 120 s; its log:\n{output[-3000:]}"
        assert notebook["type"] == "notebook" and notebook["content"]["cells"]
        assert "jupyter lab" in output
        listing = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents/exercises",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(listing, timeout=10) as response:  # the whole course is browsable
            assert "03_adam.ipynb" in {item["name"] for item in json.load(response)["content"]}
        # The browser is sent to the server's default URL: the first notebook, opened in Lab.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}", timeout=10) as page:
            assert page.status == 200 and b"JupyterLab" in page.read()
            assert page.url.split("?")[0].endswith("/lab/tree/notebooks/00_start_here.ipynb"), page.url
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
        log.close()
