"""The course's figures are sharp and say what they show (adam_teach.display), and the
legibility audit (adam_teach.figure_audit) catches each kind of illegible figure it names."""

import base64
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from adam_teach import display, figure_audit, plotting  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_FOLDERS = ("notebooks", "solutions", "exercises")


def stored_figures():
    """(notebook, cell index, output) of every PNG stored in the course's notebooks."""
    for folder in NOTEBOOK_FOLDERS:
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            for index, cell in enumerate(json.loads(path.read_text())["cells"]):
                for output in cell.get("outputs", []):
                    if "image/png" in output.get("data", {}):
                        yield f"{folder}/{path.name}", index, output


def test_every_stored_figure_has_twice_the_pixels_of_its_width_fits_the_notebook_and_has_an_alt_text():
    figures = list(stored_figures())
    assert len(figures) > 40  # every notebook draws figures
    wrong = []
    for name, index, output in figures:
        metadata = output.get("metadata", {}).get("image/png", {})
        png = base64.b64decode(output["data"]["image/png"])
        pixels = Image.open(io.BytesIO(png)).width
        if "width" not in metadata or pixels < 2 * metadata["width"]:
            wrong.append(f"{name} cell {index}: {pixels} px, width metadata {metadata.get('width')}")
        elif metadata["width"] > figure_audit.OUTPUT_AREA_PX:
            wrong.append(f"{name} cell {index}: shown {metadata['width']} px wide, wider than the notebook")
        elif len(metadata.get("alt", "")) < 20:
            wrong.append(f"{name} cell {index}: alt text {metadata.get('alt')!r}")
    assert not wrong, "\n".join(wrong)


def a_figure(**line_styles):
    fig, ax = plotting.subplots()
    for label, style in line_styles.items():
        ax.plot([0, 1], [0, len(label)], label=label, **style)
    plotting.label(ax, "Two runs", "step t", "f(x_t)")
    return fig, ax


def test_a_legible_figure_passes_and_is_drawn_at_twice_its_width():
    fig, _ = a_figure(SGD=plotting.optimizer_style("SGD"), Adam=plotting.optimizer_style("Adam"))
    assert figure_audit.problems(fig) == []
    png, metadata = display.figure_png(fig)
    assert display.png_size(png)[0] in (2 * metadata["width"], 2 * metadata["width"] + 1)
    assert abs(metadata["width"] - fig.get_figwidth() * display.DPI) < 0.15 * display.DPI  # trimmed a little
    assert metadata["alt"] == "Two runs: f(x_t) against step t; shows SGD, Adam."
    plt.close(fig)


@pytest.mark.parametrize("break_it, complaint", [
    (lambda fig, ax: fig.set_figwidth(12), "wide"),
    (lambda fig, ax: ax.legend(fontsize=8), "below 10 pt"),
    (lambda fig, ax: ax.set_title("Two runs", fontsize=9), "below 10 pt"),
    (lambda fig, ax: ax.set_xlabel(""), "no x label"),
    (lambda fig, ax: ax.set_ylabel(""), "no y label"),
    (lambda fig, ax: [line.set_linestyle("-") or line.set_marker("") for line in ax.get_lines()], "colour only"),
])
def test_the_audit_names_each_kind_of_illegible_figure(break_it, complaint):
    fig, ax = a_figure(SGD=plotting.optimizer_style("SGD"), Adam=plotting.optimizer_style("Adam"))
    break_it(fig, ax)
    found = figure_audit.problems(fig)
    assert len(found) == 1 and complaint in found[0], found
    with pytest.raises(figure_audit.IllegibleFigure, match=complaint):
        figure_audit.check(fig)
    plt.close(fig)


def test_text_sticking_out_of_a_figure_as_wide_as_the_notebook_fails_the_audit(monkeypatch):
    fig, ax = a_figure(SGD=plotting.optimizer_style("SGD"))
    fig.set_figwidth(figure_audit.NOTEBOOK_WIDTH)
    monkeypatch.setenv(display.AUDIT_VARIABLE, "1")
    display.figure_png(fig)
    ax.set_ylabel("a y label long enough to stick out of the figure on its left " * 3, rotation=0)
    with pytest.raises(figure_audit.IllegibleFigure, match="text sticks out"):
        display.figure_png(fig)
    plt.close(fig)


def test_lines_drawn_one_after_another_differ_in_more_than_colour():
    """The course's colour cycle comes with a line-style cycle."""
    fig, ax = a_figure(first={}, second={}, third={})
    assert figure_audit.problems(fig) == []
    plt.close(fig)


def test_custom_dash_patterns_count_as_their_own_line_styles():
    fig, ax = a_figure(first=dict(color="k", ls=(0, (5, 1, 1, 1))), second=dict(color="r", ls="--"),
                       third=dict(color="b", ls=(0, (1, 2))))
    assert figure_audit.problems(fig) == []
    ax.get_lines()[2].set_linestyle((0, (5, 1, 1, 1)))
    assert "'first' and 'third' differ in colour only" in figure_audit.problems(fig)[0]
    plt.close(fig)


def test_audit_is_on_only_when_asked(monkeypatch):
    fig, ax = a_figure(SGD={}, Adam={})
    ax.legend(fontsize=6)
    monkeypatch.delenv(display.AUDIT_VARIABLE, raising=False)
    display.figure_png(fig)  # shown as it is
    monkeypatch.setenv(display.AUDIT_VARIABLE, "1")
    with pytest.raises(figure_audit.IllegibleFigure, match="at 6.0 pt"):
        display.figure_png(fig)
    plt.close(fig)


def test_every_optimizer_has_its_own_line_style_and_marker():
    styles = plotting.OPTIMIZER_STYLES.values()
    assert len({str(s["linestyle"]) + s["marker"] for s in styles}) == len(styles)
    assert len({s["marker"] for s in styles}) == len(styles)
    with pytest.raises(KeyError, match="known: SGD"):
        plotting.optimizer_style("Nadam")


def test_a_notebook_shows_figures_sharp_with_alt_text_and_the_audit_fails_a_cell(tmp_path, monkeypatch):
    """In a real kernel: plt.show() goes through display.figure_png (the inline backend does
    not take it back), and with the audit on an illegible figure is an error in its cell."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in (
        "import matplotlib.pyplot as plt\nfrom adam_teach import plotting\n"
        "fig, ax = plotting.subplots()\nax.plot([0, 1], [1, 0], label='Adam', **plotting.optimizer_style('Adam'))\n"
        "plotting.label(ax, 'One run', 'step t', 'loss', legend=True)\nplt.show()",
        "fig, ax = plt.subplots()\nax.plot([0, 1])\nax.set_title('Unlabelled')\nplt.show()",
    )]
    monkeypatch.setenv(display.AUDIT_VARIABLE, "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own: Jupyter's inline backend
    NotebookClient(notebook, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    first, second = (cell.outputs for cell in notebook.cells)
    assert [output.output_type for output in first] == ["display_data"]
    metadata = first[0].metadata["image/png"]
    assert metadata["alt"] == "One run: loss against step t; shows Adam."
    png = base64.b64decode(first[0].data["image/png"])
    assert Image.open(io.BytesIO(png)).width in (2 * metadata["width"], 2 * metadata["width"] + 1)
    errors = [output for output in second if output.output_type == "error"]
    assert errors and errors[0].ename == "IllegibleFigure" and "has no x or y label" in errors[0].evalue


def test_a_colour_bar_needs_no_axis_labels_and_its_label_is_in_the_alt_text():
    import numpy as np

    fig, ax = plotting.subplots()
    image = ax.imshow(np.eye(3))
    plotting.label(ax, "Weights", "column", "row")
    fig.colorbar(image, ax=ax, label="|θ|")
    assert figure_audit.problems(fig) == []
    assert display.alt_text(fig) == "Weights: row against column. Colour scale: |θ|."
    plt.close(fig)


def test_png_bytes_is_a_png_of_exactly_the_pixels():
    """plotting.png_bytes writes the PNG itself (unfiltered rows, zlib level 1): any PNG
    reader must decode it to the very pixels given."""
    import numpy as np

    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    png = plotting.png_bytes(rgba)
    decoded = Image.open(io.BytesIO(png))
    decoded.load()  # checks the CRCs and the zlib stream
    assert decoded.mode == "RGBA" and decoded.size == (53, 37)
    assert np.array_equal(np.asarray(decoded), rgba)
    assert display.png_size(png) == (53, 37)
