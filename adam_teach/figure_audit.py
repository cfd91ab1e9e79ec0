"""The course's rules for a legible figure, checked on the figure object itself:

1. it fits the notebook: at most NOTEBOOK_WIDTH inches wide (shown at 96 dots per inch, so
   it is not shrunk on a 1366-pixel screen, and its text keeps its size);
2. every piece of text is at least MIN_POINTS points;
3. every panel with data names both of its axes;
4. the labelled lines of a panel differ in line style or marker, not in colour alone.
"""

from matplotlib.text import Text

NOTEBOOK_WIDTH = 9.4  # inches, 902 CSS px: the figure as made
OUTPUT_AREA_PX = 930  # JupyterLab's output area at a 1366-px screen (934 px measured by the browser test)
MIN_POINTS = 10


class IllegibleFigure(ValueError):
    """A figure breaks one of the course's rules for legible figures."""


def problems(figure):
    """What is wrong with the figure, one sentence each (empty if nothing)."""
    found = []
    if figure.get_figwidth() > NOTEBOOK_WIDTH + 1e-9:
        found.append(f"it is {figure.get_figwidth():.2f} in wide, more than the notebook's "
                     f"{NOTEBOOK_WIDTH} in: give it a smaller width (plotting.subplots caps it)")
    small = sorted({(round(text.get_fontsize(), 1), text.get_text()) for text in _texts(figure)
                    if text.get_fontsize() < MIN_POINTS - 1e-9})
    if small:
        found.append(f"text below {MIN_POINTS} pt: " + "; ".join(f"{t!r} at {s} pt" for s, t in small[:5]))
    for ax in figure.get_axes():
        if not (ax.get_visible() and ax.axison) or not ax.has_data() or hasattr(ax, "_colorbar"):
            continue  # (a colour bar is labelled by its figure's text, not by x and y)
        name = ax.get_title() or ax.get_title(loc="left") or f"panel {figure.get_axes().index(ax) + 1}"
        missing = [axis for axis, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if not label]
        if missing:
            found.append(f"{name!r} has no {' or '.join(missing)} label")
        alike = _colour_only(ax)
        if alike:
            found.append(f"{name!r}: {' and '.join(repr(a) for a in alike)} differ in colour only: "
                         "give each its own line style or marker")
    return found


def check(figure, shown_width=None):
    """Raise IllegibleFigure naming every problem, if there is one. `shown_width`: the CSS
    pixels the drawn PNG takes (labels sticking out of the figure widen it)."""
    found = problems(figure)
    if shown_width is not None and shown_width > OUTPUT_AREA_PX:
        found.append(f"drawn, it is {shown_width} px wide (text sticks out of the figure), more than the "
                     f"{OUTPUT_AREA_PX} px of the notebook: shorten the text or make the figure narrower")
    if found:
        title = figure._suptitle.get_text() if figure._suptitle is not None else ""
        raise IllegibleFigure(f"Figure {title!r} is hard to read: " + "; ".join(found) + ".")


def _texts(figure):
    return [text for text in figure.findobj(Text)
            if text.get_visible() and text.get_text().strip() and text.get_figure() is not None
            and _in_view(text)]


def _in_view(text):
    """Tick labels outside the axis' view are kept by matplotlib but not drawn."""
    axes = text.axes
    return axes is None or axes.get_visible()


def _colour_only(ax):
    """The labels of two labelled lines of a panel that share line style and marker."""
    seen = {}
    for line in ax.get_lines():
        label = line.get_label()
        if label.startswith("_") or not line.get_visible():
            continue
        key = (_dashes(line), line.get_marker() if line.get_marker() not in (None, "None", "", " ") else None)
        if key in seen and seen[key] != label:
            return seen[key], label
        seen.setdefault(key, label)
    return ()


def _dashes(line):
    """The line's dash pattern: get_linestyle() says "--" for every custom pattern."""
    style = line.get_linestyle()
    if style in ("None", "none", "", " "):
        return "none"
    offset, pattern = getattr(line, "_unscaled_dash_pattern", (0, None))
    return style if pattern is None else (offset, tuple(pattern))

