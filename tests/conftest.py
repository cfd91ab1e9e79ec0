import os

import pytest

# TensorFlow's C++ logs must not leak into test output; set before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium under Playwright, for the browser tests (test_browser, test_site)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is missing: "
                                   "pip install -r requirements-dev.txt")
    import browser_support as bs

    executable = bs.find_chromium()
    if executable is None:
        pytest.skip(bs.INSTALL_HINT)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=bs.CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
