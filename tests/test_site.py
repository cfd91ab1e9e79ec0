"""The static site (`make html`, adam_teach.site): built from the notebooks' stored outputs
with nbconvert, one page per notebook with its figures, an index with the syllabus."""

import base64
import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from adam_teach import display, plotting, site

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("notebooks", "exercises", "solutions")
EMBEDDED_PNG = re.compile(r'<img[^>]*\ssrc="data:image/png;base64,')


def course_notebooks():
    return [(section, path) for section in SECTIONS for path in sorted((REPO / section).glob("*.ipynb"))]


def png_outputs(path):
    nb = nbformat.read(path, as_version=4)
    return sum("image/png" in output.get("data", {}) for cell in nb.cells for output in cell.get("outputs", []))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    completed = subprocess.run([sys.executable, "-m", "adam_teach.site", str(out), "--root", str(REPO)],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == "", completed.stderr  # e.g. a notebook without an estimated time
    return out


def test_the_course_has_notebooks():
    sections = {section for section, _ in course_notebooks()}
    assert sections == set(SECTIONS), sections


@pytest.mark.parametrize("section, path", course_notebooks(), ids=lambda v: getattr(v, "name", v))
def test_every_notebook_has_a_page_with_its_figures(built, section, path):
    page = built / section / f"{path.stem}.html"
    assert page.is_file()
    text = page.read_text(encoding="utf-8")
    assert len(EMBEDDED_PNG.findall(text)) >= png_outputs(path)
    assert 'href="../index.html"' in text


NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"


class Images(HTMLParser):
    """The attributes of every <img> of a page, in order, their values unescaped."""

    def __init__(self, text):
        super().__init__()
        self.images = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def stored_figures(path):
    """The metadata of each PNG output of a notebook, in order: alt, width, height."""
    nb = nbformat.read(path, as_version=4)
    return [output.get("metadata", {}).get("image/png", {}) for cell in nb.cells
            for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]


@pytest.mark.parametrize("section, path", course_notebooks(), ids=lambda v: getattr(v, "name", v))
def test_every_image_says_what_it_shows(built, section, path):
    """Each figure of a page carries, as its alt text, the description stored with that figure
    (made from its titles, axis labels and legend by display.alt_text), and its displayed
    size; never nbconvert's "No description has been provided for this image"."""
    images = Images((built / section / f"{path.stem}.html").read_text(encoding="utf-8")).images
    for image in images:
        assert image.get("alt", "").strip(), f"{path.name}: an image without alt text"
        assert image["alt"] != NBCONVERT_DEFAULT_ALT, f"{path.name}: a figure without a stored description"
    figures = [image for image in images if image.get("src", "").startswith("data:image/png")]
    stored = stored_figures(path)
    assert len(figures) == len(stored)
    for number, (image, metadata) in enumerate(zip(figures, stored), start=1):
        assert image["alt"] == metadata.get("alt"), f"{path.name}, figure {number}: alt is not its description"
        assert image["alt"] != "A figure.", f"{path.name}, figure {number}: a figure with no title or labels"
        assert (image.get("width"), image.get("height")) == (str(metadata["width"]), str(metadata["height"]))


def test_alt_text_is_the_figures_own_description_escaped(tmp_path):
    """A figure drawn as the course draws it: the page's <img> has the figure's title, axis
    labels and legend in its alt text (quotes and < > & escaped, read back intact), and the
    figure's displayed size."""
    import matplotlib

    matplotlib.use("Agg")
    fig, ax = plotting.subplots(width=5, height=3)
    ax.plot([0, 1, 2], [3, 1, 2], **plotting.optimizer_style("Adam"), label='Adam "α < 1 & β"')
    ax.plot([0, 1, 2], [2, 2, 1], **plotting.optimizer_style("SGD"), label="SGD")
    plotting.label(ax, "Loss <of> two runs", "step t", "f(x_t) & more")
    png, metadata = display.figure_png(fig)
    plotting.plt.close(fig)
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode()},
                                    metadata={"image/png": metadata})
    nb.cells = [nbformat.v4.new_markdown_cell("# 01 · A figure\n\nEstimated time: 5 minutes"),
                nbformat.v4.new_code_cell("show()", outputs=[output])]
    nbformat.write(nb, tmp_path / "notebooks" / "01_figure.ipynb")
    site.build_site(tmp_path, tmp_path / "out")
    text = (tmp_path / "out" / "notebooks" / "01_figure.html").read_text(encoding="utf-8")
    image, = Images(text).images
    for part in ("Loss <of> two runs", "step t", "f(x_t) & more", 'Adam "α < 1 & β"', "SGD"):
        assert part in image["alt"], (part, image["alt"])
    assert image["alt"] == metadata["alt"]
    assert (image["width"], image["height"]) == (str(metadata["width"]), str(metadata["height"]))
    assert 'alt="Loss <of>' not in text  # escaped in the HTML source


def test_figures_are_there_to_see():
    """The course has figures at all, so the count above is not trivially 0 >= 0."""
    total = sum(png_outputs(path) for section, path in course_notebooks() if section == "notebooks")
    assert total >= 10
    assert all(png_outputs(path) >= 1 for path in (REPO / "notebooks").glob("0[1-9]_*.ipynb"))


def test_index_links_every_page_with_title_and_time(built):
    index = (built / "index.html").read_text(encoding="utf-8")
    for section, path in course_notebooks():
        assert f'href="{section}/{path.stem}.html"' in index, path
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        page = site.read_page(path, "notebooks")
        assert page.minutes, f"{path.name}: no estimated time in its first markdown cell"
        assert html.escape(page.title) in index and page.time in index


def test_links_between_pages_resolve(built):
    for page in built.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'href="([^"#?]+)(?:#[^"]*)?"', text):
            if "://" in target or target.startswith(("mailto:", "data:")):
                continue
            assert not target.endswith(".ipynb"), f"{page.name} links a notebook file: {target}"
            if target.endswith(".html"):
                assert (page.parent / target).resolve().is_file(), f"{page.name}: broken link {target}"


def test_pages_show_stored_outputs_without_running_anything(tmp_path):
    """A stored output that running the cell could never produce is what the page shows."""
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 01 · A title\n\n**Estimated time:** 20–30 minutes"),
                nbformat.v4.new_code_cell("print(1)", outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="stored, not re-run\n")])]
    nbformat.write(nb, tmp_path / "notebooks" / "01_a.ipynb")
    pages = site.build_site(tmp_path, tmp_path / "out")
    text = (tmp_path / "out" / "notebooks" / "01_a.html").read_text(encoding="utf-8")
    assert "stored, not re-run" in text
    assert [(p.title, p.minutes) for p in pages["notebooks"]] == [("01 · A title", (20.0, 30.0))]
    assert "20–30 min" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, minutes", [
    ("**Estimated time:** 30 minutes", (30, 30)),
    ("Estimated time: 20–30 min", (20, 30)),
    ("Time: about 1 hour", (60, 60)),
    ("Prerequisites: 04 (and 01-03).\n\nEstimated time: 40 minutes", (40, 40)),
    ("No time given here.", ()),
])
def test_estimated_minutes(text, minutes):
    assert site.estimated_minutes(text) == minutes


def test_format_minutes():
    assert [site.format_minutes(m) for m in [(), (15, 15), (20, 30), (90, 90), (305, 305)]] == \
        ["—", "15 min", "20–30 min", "1 h 30 min", "5 h 5 min"]


def test_no_notebooks_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no notebooks under"):
        site.build_site(tmp_path, tmp_path / "out")


def test_formulas_are_typeset_with_the_network_blocked(built, chromium):
    """The site's own copy of MathJax typesets every formula of a page while every request
    that is not a file of the site is refused (a workshop room without a network)."""
    context = chromium.new_context(offline=True)
    refused = []

    def only_local_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_local_files)
    try:
        page = context.new_page()
        page.goto((built / "notebooks" / "04_bias_correction.html").as_uri())
        page.wait_for_function("() => window.MathJax && MathJax.Hub", timeout=30_000)  # loaded from the site
        page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")  # after Typeset
        typeset = page.locator(".MathJax").count()
        text = page.inner_text("body")
        errors = page.locator(".MathJax_Error, .merror").count()
    finally:
        context.close()
    source = (built / "notebooks" / "04_bias_correction.html").read_text(encoding="utf-8")
    assert source.count("$") and typeset >= 10, typeset
    assert "\\beta" not in text and "$$" not in text, "formulas left as LaTeX source"
    assert errors == 0
    assert not [url for url in refused if "mathjax" in url.lower()], refused
