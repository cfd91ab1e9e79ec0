import os

import pytest

# TensorFlow's C++ logs must not leak into test output; set before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium under Playwright, for the browser tests (test_browser, test_site)."""
    import browser_support as bs

    try:
        from playwright import sync_api
    except ImportError:
        _missing("Playwright for Python is missing: pip install -r requirements-dev.txt")
    executable = bs.find_chromium()
    if executable is None:
        _missing(bs.INSTALL_HINT)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=bs.CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _missing(what):
    """A browser test without its browser: skipped on a learner's machine, a failure in CI
    (CI=true), where a skip would hide that nothing in a browser was tested."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true and the browser tests cannot run: {what}")
    pytest.skip(what)


@pytest.fixture
def servers(tmp_path):
    """A JupyterLab or Notebook 7 server on its own copy of notebooks/, stopped (with its
    kernels) when the test ends, whatever happened."""
    import browser_support as bs

    with bs.Servers(tmp_path) as started:
        yield started
