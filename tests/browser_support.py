"""Helpers for the end-to-end browser tests: a throw-away Jupyter server on a copy of the
notebooks, Debian's Chromium driven by Playwright, and the few page actions the tests need
(run all cells, find an explorer, move one of its sliders, read its figure).

An explorer (adam_teach.explorers.controls.explore) is a box with the CSS class
`adam-teach-explorer`: its controls, then an <img> (an ipywidgets Image) whose src is replaced
in place with each new figure."""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "browser"
# The notebooks the servers serve (copies of them): the course's, or another folder of
# notebooks named by ADAM_TEACH_BROWSER_NOTEBOOKS (to try the tests on a changed copy).
NOTEBOOKS = Path(os.environ.get("ADAM_TEACH_BROWSER_NOTEBOOKS", REPO / "notebooks"))
JUPYTER = Path(sys.executable).with_name("jupyter")

# Chromium runs without a sandbox (CI runs as root in a container), without a GPU, and
# without any network traffic of its own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
INSTALL_HINT = ("Chromium not found: install it with `apt-get install chromium` (Debian/Ubuntu, as root; "
                "`.ci/run` does this), or point ADAM_TEACH_CHROMIUM at a Chromium/Chrome binary. "
                "Playwright's own browser downloads are not used.")

# Text that ipywidgets shows instead of a widget when its JavaScript side fails.
EXPLORER = ".adam-teach-explorer"  # controls.Explorer's CSS class
FIGURE = ":scope > img"  # the explorer's figure, in an explorer

WIDGET_ERRORS = ("Error displaying widget", "Failed to load model", "Loading widget...",
                 "Model not found", "Failed to create view")


def find_chromium():
    """The Chromium binary to use, or None: $ADAM_TEACH_CHROMIUM if it is set (and only
    then), else chromium or chromium-browser on PATH, else /usr/bin/chromium."""
    if "ADAM_TEACH_CHROMIUM" in os.environ:
        candidates = [os.environ["ADAM_TEACH_CHROMIUM"]]
    else:
        candidates = [shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def notebook_name(pattern):
    """The name of the course's notebook that matches `pattern` ("05_*.ipynb")."""
    matches = sorted(p.name for p in NOTEBOOKS.glob(pattern))
    assert matches, f"no notebook notebooks/{pattern} (the course needs it)"
    return matches[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    """`jupyter lab` or `jupyter notebook` (Notebook 7) from this environment, serving a
    temporary copy of the course's notebooks, with its own config, data and settings dirs
    so that neither the user's Jupyter setup nor the committed notebooks are touched."""

    def __init__(self, app, notebooks, workdir):
        assert app in ("lab", "notebook"), app
        self.app = app
        self.workdir = Path(workdir)
        self.root = self.workdir / "notebooks"
        shutil.copytree(notebooks, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log_path = self.workdir / f"jupyter-{app}.log"
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path):
        """`path` ("lab/tree/x.ipynb", "notebooks/x.ipynb", "tree") with the token."""
        return f"{self.base_url}/{path}?token={self.token}"

    def _environment(self):
        dirs = {name: self.workdir / name for name in ("config", "data", "runtime", "ipython", "settings",
                                                       "workspaces")}
        for path in dirs.values():
            path.mkdir(exist_ok=True)
        if self.app == "lab":
            # No "Would you like to get notified about Jupyter news?" toast over the notebook.
            # (Not for Notebook 7: a settings file for a plugin it does not load makes its
            # settings registry throw "Cannot read properties of undefined (reading 'schema')".)
            notification = dirs["settings"] / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
            notification.parent.mkdir(parents=True, exist_ok=True)
            notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')
        # Not pytest's environment as is: tests/conftest.py sets MPLBACKEND=Agg, which a kernel
        # would inherit and then show no figures at all.
        environment = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
        return dict(environment, JUPYTER_CONFIG_DIR=str(dirs["config"]), JUPYTER_DATA_DIR=str(dirs["data"]),
                    JUPYTER_RUNTIME_DIR=str(dirs["runtime"]), IPYTHONDIR=str(dirs["ipython"]),
                    JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
                    JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
                    TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0", PYTHONHASHSEED="0")

    def start(self, timeout=120):
        command = [str(JUPYTER), self.app, "--no-browser", f"--port={self.port}", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={self.root}",
                   "--ServerApp.port_retries=0"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI containers run as root
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, env=self._environment(), stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter {self.app} exited with status {self.process.returncode}:\n"
                                   + self.log())
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5):
                    return self
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"jupyter {self.app} did not answer within {timeout} s:\n" + self.log())

    def stop(self):
        """Stop the server (it shuts its kernels down); kill it if it does not stop."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)  # the server's own process group (start_new_session)
            self.process.wait(timeout=10)

    def sessions(self):
        with urllib.request.urlopen(self.url("api/sessions"), timeout=10) as response:
            return json.load(response)

    def wait_for_kernel(self, name, timeout):
        """Wait until the server has an idle kernel for the notebook `name`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for session in self.sessions():
                if Path(session.get("path", "")).name == name and \
                        (session.get("kernel") or {}).get("execution_state") == "idle":
                    return session
            time.sleep(0.5)
        raise TimeoutError(f"no idle kernel for {name} after {timeout} s; sessions: {self.sessions()}")

    def log(self):
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class ConsoleWatcher:
    """Collects the JavaScript errors of every page of a browser context: console.error
    messages and uncaught exceptions, each as (message, page address, details)."""

    def __init__(self, context):
        self.records = []
        context.on("console", self._console)
        context.on("weberror", self._uncaught)

    @property
    def errors(self):
        return [message for message, _, _ in self.records]

    def _console(self, message):
        if message.type == "error":
            self._add(f"console.error: {message.text}", message.page, f"from {message.location.get('url', '')}")

    def _uncaught(self, web_error):
        error = web_error.error
        self._add(f"uncaught: {error.message}", web_error.page, error.stack or "")

    def _add(self, message, page, detail):
        address = page.url.split("?")[0] if page else "?"
        self.records.append((message, address, f"{message}\n    on {address}\n    {detail}"))

    def details(self):
        return "\n".join(detail for _, _, detail in self.records)

    def on_page(self, page, ignore=()):
        """The errors logged by `page`, except those whose message is in `ignore`."""
        address = page.url.split("?")[0]
        return [detail for message, where, detail in self.records if where == address and message not in ignore]

    def elsewhere(self, page, ignore=()):
        """The errors logged by other pages than `page`, except those in `ignore`."""
        address = page.url.split("?")[0]
        return [message for message, where, _ in self.records if where != address and message not in ignore]


class Servers:
    """Start Jupyter servers on demand, each on its own copy of `notebooks` under `workdir`;
    `with Servers(...) as servers:` stops them all (and their kernels) at the end, whatever
    happened. `servers("lab")` or `servers("notebook")` starts one and returns it."""

    def __init__(self, workdir, notebooks=NOTEBOOKS):
        self.workdir, self.notebooks, self.started = Path(workdir), Path(notebooks), []

    def __call__(self, app):
        self.started.append(JupyterServer(app, self.notebooks, self.workdir / f"{app}-{len(self.started)}"))
        return self.started[-1].start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for running in self.started:
            running.stop()


class BrowserPage:
    """A fresh browser context and page for one test, watched for console errors; if the
    test fails, a screenshot, the server's log and the console's errors are kept in
    test-artifacts/browser/<name>/. `session.page` may be replaced (a page opened from another)."""

    def __init__(self, chromium, server, name, timeout_ms, viewport=None):
        self.server, self.artifacts = server, ARTIFACTS / name
        shutil.rmtree(self.artifacts, ignore_errors=True)
        self.artifacts.mkdir(parents=True)
        self.context = chromium.new_context(viewport=viewport or {"width": 1400, "height": 1000})
        self.context.set_default_timeout(timeout_ms)
        self.console = ConsoleWatcher(self.context)
        self.page = self.context.new_page()

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        try:
            if error is not None:
                self.page.screenshot(path=self.artifacts / "failure.png")
                (self.artifacts / "server.log").write_text(self.server.log())
                (self.artifacts / "console-errors.txt").write_text(self.console.details())
        finally:
            self.context.close()


def open_notebook(page, server, name, timeout_ms=120_000):
    """Open notebook `name` in JupyterLab (in a fresh workspace, so no tab of an earlier
    test is restored) or in Notebook 7 (/notebooks/...), and wait for its kernel."""
    workspace = f"test-{secrets.token_hex(4)}"
    path = f"lab/workspaces/{workspace}/tree/{name}" if server.app == "lab" else f"notebooks/{name}"
    page.goto(server.url(path))
    wait_for_notebook(page, server, name, timeout_ms)
    return page


def open_from_tree(page, server, name, console, timeout_ms=120_000):
    """Notebook 7 the way a learner uses it: the file list at /tree, then a double click on
    the notebook, which opens it at /notebooks/<name> in a new tab. Returns that tab and the
    JavaScript errors the file list alone logged (no notebook, no kernel, no widget)."""
    page.goto(server.url("tree"))
    item = page.locator(".jp-DirListing-item", has_text=name)
    item.wait_for(timeout=timeout_ms)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    page.wait_for_timeout(3000)
    baseline = list(console.errors)
    with page.context.expect_page(timeout=timeout_ms) as opened:
        item.dblclick()
    notebook = opened.value
    notebook.set_default_timeout(timeout_ms)
    notebook.wait_for_url(re.compile(r"/notebooks/"), timeout=timeout_ms)
    wait_for_notebook(notebook, server, name, timeout_ms)
    return notebook, baseline


def wait_for_notebook(page, server, name, timeout_ms):
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms)
    server.wait_for_kernel(name, timeout_ms / 1000)
    wait_for_kernel_idle(page, timeout_ms)


def wait_for_kernel_idle(page, timeout_ms):
    """Wait until the page says the kernel is idle (toolbar or status bar) and nothing says
    it is busy, starting or connecting."""
    page.wait_for_function(
        """() => {
            const texts = [...document.querySelectorAll(
                '.jp-Toolbar-kernelStatus, .jp-Notebook-ExecutionIndicator, .jp-StatusBar-TextItem, [data-status]')]
              .map(e => (e.getAttribute('data-status') || '') + ' ' + (e.getAttribute('title') || '') + ' ' + e.textContent);
            return texts.some(t => /idle/i.test(t)) && !texts.some(t => /busy|starting|connecting|restarting/i.test(t));
        }""",
        timeout=timeout_ms,
    )


def run_all_cells(page, timeout_ms=300_000):
    """Menu Run → Run All Cells (the same menu in JupyterLab and Notebook 7), then wait until
    no cell is queued or running ("[*]")."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    item = page.get_by_role("menuitem", name="Run All Cells", exact=True)
    item.wait_for(state="visible")
    item.click()
    page.wait_for_timeout(500)
    wait_for_cells_done(page, timeout_ms)


def wait_for_cells_done(page, timeout_ms):
    """Wait until every code cell has run; on a timeout, name the cells still queued or running."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                return prompts.length > 0 && prompts.every(p => !p.textContent.includes('*'))
                       && prompts.some(p => /\\[\\d+\\]/.test(p.textContent));
            }""",
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        running = page.evaluate(
            """() => [...document.querySelectorAll('.jp-CodeCell')].flatMap((cell, i) => {
                const prompt = cell.querySelector('.jp-InputPrompt');
                const first = (cell.querySelector('.cm-line') || {}).textContent || '';
                return prompt && prompt.textContent.includes('*') ? [`code cell ${i} (${first.slice(0, 60)})`] : [];
            })""")
        raise AssertionError(f"cells still queued or running after {timeout_ms / 1000:g} s: "
                             f"{', '.join(running) or 'none (no cell shows an execution count)'}") from None
    wait_for_kernel_idle(page, timeout_ms)


def explorer_with_slider(page, label_pattern, timeout_ms=60_000):
    """The explorer (controls.explore) holding a slider whose label matches `label_pattern`
    (a regular expression, case-insensitive)."""
    page.wait_for_selector(f"{EXPLORER} .widget-slider", timeout=timeout_ms)
    containers = page.locator(EXPLORER)
    for i in range(containers.count()):
        container = containers.nth(i)
        labels = container.locator(".widget-slider .widget-label").all_inner_texts()
        if any(re.search(label_pattern, text, re.I) for text in labels):
            return container
    labels = page.locator(f"{EXPLORER} .widget-slider .widget-label").all_inner_texts()
    raise AssertionError(f"no explorer ({EXPLORER}) has a slider labelled /{label_pattern}/; "
                         f"slider labels: {labels}")


def slider_labels(container):
    return container.locator(".widget-slider .widget-label").all_inner_texts()


def slider(container, label_pattern):
    """The slider in `container` whose label matches `label_pattern`."""
    sliders = container.locator(".widget-slider")
    for i in range(sliders.count()):
        if re.search(label_pattern, sliders.nth(i).locator(".widget-label").inner_text(), re.I):
            return sliders.nth(i)
    raise AssertionError(f"no slider labelled /{label_pattern}/ in {slider_labels(container)}")


def figure_sources(container):
    """The src of the explorer's figure (a data: or blob: URI), as a one-item list (empty if
    it has no <img>)."""
    return container.locator(FIGURE).evaluate_all("imgs => imgs.map(i => i.src)")


def move_slider(page, target, distance=30):
    """Drag a slider's handle `distance` pixels to the right (to the left if there is no
    room), the way a learner does it. Returns (readout before, readout after)."""
    readout = target.locator(".widget-readout")
    before = readout.inner_text()
    handle = target.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    track = target.locator(".noUi-base").bounding_box()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    dx = distance if x + distance <= track["x"] + track["width"] else -distance
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 6):
        page.mouse.move(x + dx * i / 5, y)
        page.wait_for_timeout(50)
    page.mouse.up()
    page.wait_for_timeout(300)
    return before, readout.inner_text()


def wait_for_new_figure(page, container, old_sources, timeout_ms=120_000, settle_ms=2000):
    """Wait until the explorer shows a figure different from `old_sources` that has been
    loaded and has stopped changing for `settle_ms` (a drag sends values while it lasts),
    and return its sources."""
    deadline = time.monotonic() + timeout_ms / 1000
    last, stable_since = None, None
    while time.monotonic() < deadline:
        sources = figure_sources(container)
        loaded = container.locator(FIGURE).evaluate_all(
            "imgs => imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0)")
        if sources != last or not loaded:
            last, stable_since = sources, time.monotonic()
        elif sources and sources != old_sources and time.monotonic() - stable_since >= settle_ms / 1000:
            wait_for_kernel_idle(page, timeout_ms)
            if figure_sources(container) == sources:
                return sources
        page.wait_for_timeout(200)
    raise AssertionError("the figure did not change (or never settled) after moving the slider")


def visible_widget_errors(page):
    """ipywidgets' error placeholders and Python errors shown anywhere in the notebook."""
    text = page.locator(".jp-Notebook").inner_text()
    found = [message for message in WIDGET_ERRORS if message in text]
    errors = page.locator('.jp-Notebook [data-mime-type="application/vnd.jupyter.error"]').all_inner_texts()
    stderr = page.locator('.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()
    return found + [f"error output: {e[:500]}" for e in errors] + [f"stderr output: {e[:500]}" for e in stderr]
