"""How the course's figures reach the page: sharp PNGs that say what they show.

Every figure is a PNG with twice the pixels of its displayed width (IPython's "retina"
convention: the output's `width` metadata is half the PNG's width), drawn at DPI = 96 dots
per inch, the browser's CSS inch, so a 10-point font is 10 points on the screen at 100 %
zoom. Each output also carries an `alt` text in its metadata, made from the figure's own
titles, axis labels and legend entries; the static site puts it in the image's `alt`.

Inside IPython, `register()` makes every matplotlib figure a notebook shows (plt.show, or a
figure as a cell's value) go through `figure_png`. With the environment variable
ADAM_TEACH_AUDIT_FIGURES=1 (set by `make test`), a figure that breaks the course's rules for
legible figures (`figure_audit`) raises instead of being shown, so the test fails.
"""

import base64
import io
import os
import struct

from matplotlib.figure import Figure

from . import figure_audit

DPI = 96  # CSS pixels per inch
DENSITY = 2  # PNG pixels per CSS pixel
AUDIT_VARIABLE = "ADAM_TEACH_AUDIT_FIGURES"


def png_size(png):
    """(width, height) in pixels, read from a PNG's header."""
    return struct.unpack(">II", png[16:24])


def png_metadata(png, figure):
    """The output metadata of a figure's PNG: its displayed size (half its pixels) and alt text."""
    width, height = png_size(png)
    return {"width": width // DENSITY, "height": height // DENSITY, "alt": alt_text(figure)}


def figure_png(figure):
    """A figure as (PNG bytes, metadata), drawn at DENSITY × DPI and trimmed to what is drawn,
    as Jupyter's inline backend does. Audited if ADAM_TEACH_AUDIT_FIGURES is set."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI * DENSITY, bbox_inches="tight",
                   facecolor="white")
    png = buffer.getvalue()
    metadata = png_metadata(png, figure)
    audit(figure, metadata["width"])
    return png, metadata


def audit(figure, shown_width=None):
    """Raise figure_audit.IllegibleFigure if auditing is on and the figure breaks a rule."""
    if os.environ.get(AUDIT_VARIABLE) == "1":
        figure_audit.check(figure, shown_width)


def show(figure, png=None):
    """Show a figure as the output of the running cell. `png`: the figure already drawn at
    DENSITY × DPI (a live figure's bytes), else it is drawn here."""
    from IPython.display import display

    if png is None:
        png, metadata = figure_png(figure)
    else:
        metadata = png_metadata(png, figure)
        audit(figure, metadata["width"])
    display({"image/png": base64.b64encode(png).decode("ascii")}, raw=True,
            metadata={"image/png": metadata})


def register():
    """Make IPython show matplotlib figures with `figure_png` (no-op outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    # Load pyplot's backend now: Jupyter's inline backend registers its own PNG formatter
    # when it is loaded, which would otherwise replace this one at the first figure.
    import matplotlib.pyplot as plt

    plt._get_backend_mod()
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, figure_png)


def alt_text(figure):
    """A sentence or two saying what the figure shows, from its own text: the figure's title,
    then for each panel its title, what is plotted against what, and its legend entries."""
    parts = []
    title = figure._suptitle.get_text() if figure._suptitle is not None else ""
    if title:
        parts.append(title.rstrip(".") + ".")
    shown = [ax for ax in figure.get_axes() if ax.get_visible() and ax.axison]
    panels = [ax for ax in shown if not hasattr(ax, "_colorbar")]
    if len(panels) > 1:
        parts.append(f"{len(panels)} panels.")
    for ax in shown:
        parts.append(_describe_colour_bar(ax) if hasattr(ax, "_colorbar") else _describe_axes(ax))
    return " ".join(part for part in parts if part) or "A figure."


def _describe_colour_bar(ax):
    label = ax.get_ylabel() or ax.get_xlabel()
    return f"Colour scale: {label}." if label else ""


def _written_after(ax, entry):
    """What an annotation anchored to a legend entry adds to it (the comparison explorer
    writes each run's result right of its name): "" if nothing."""
    return "".join(note.get_text() for note in ax.texts
                   if getattr(note, "xycoords", None) is entry and note.get_visible())


def _describe_axes(ax):
    heading = ax.get_title() or ax.get_title(loc="left")
    x, y = ax.get_xlabel(), ax.get_ylabel()
    what = f"{y} against {x}" if x and y else (y or x)
    scales = [f"{name} on a log scale" for name, scale in (("y", ax.get_yscale()), ("x", ax.get_xscale()))
              if scale == "log"]
    legend = ax.get_legend()
    entries = [text.get_text() + _written_after(ax, text) for text in legend.get_texts()] if legend is not None else []
    sentence = f"{heading}: " if heading else ""
    sentence += what or "a panel"
    if scales:
        sentence += " (" + ", ".join(scales) + ")"
    if entries:
        sentence += "; shows " + ", ".join(entries)
    return sentence + "."
