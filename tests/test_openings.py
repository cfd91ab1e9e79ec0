"""Issue 11, point 3: picture before formula. Notebooks 02, 04 and 05 open, right after the
title cell and before their first formula, with a figure of the problem they solve and a
question to the learner. Here: that order, the figures' conventions (titles, labelled axes,
legends, a line style or marker per line, the course's palette), every number the openings
print or state, recomputed by hand loops and closed forms (and at digits that do not hang on
the last bits, `stable`), and each claim sentence checked."""

import contextlib
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from adam_teach import objectives, plotting, run  # noqa: E402
from adam_teach.explorers import momentum  # noqa: E402
from adam_teach.optimizers import SGD, Adam  # noqa: E402
from notebook_support import cubic_grad, hand_adam, read_notebook, stable  # noqa: E402

NAMES = ["02_momentum", "04_bias_correction", "05_adam_from_scratch"]
ESTIMATED_MINUTES = {"02_momentum": 30, "04_bias_correction": 25, "05_adam_from_scratch": 40}
OPENING = ["opening", None, "opening-code", "opening-question"]  # cells 1-4 (2: the imports)


def cell(name, cell_id):
    found = [c for c in read_notebook(name).cells if c.get("id") == cell_id]
    assert len(found) == 1, f"{name}: {len(found)} cells {cell_id!r}"
    return found[0]


def prose(name, cell_id):
    """One markdown cell, with every run of white space made one space."""
    return re.sub(r"\s+", " ", cell(name, cell_id).source)


def says(name, cell_id, *fragments):
    text = prose(name, cell_id)
    for fragment in fragments:
        assert re.sub(r"\s+", " ", fragment) in text, f"{name} ({cell_id}) does not say {fragment!r}"


def printed_lines(name):
    """What the opening's code cell printed, line by line."""
    outputs = cell(name, "opening-code").outputs
    return "".join(out["text"] for out in outputs if out.get("name") == "stdout").splitlines()


# --- where the opening stands -------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_opening_comes_right_after_the_title_and_before_the_first_formula(name):
    cells = read_notebook(name).cells
    assert "**Estimated time:**" in cells[0].source and "**Prerequisites:**" in cells[0].source
    assert f"**Estimated time:** {ESTIMATED_MINUTES[name]} minutes" in cells[0].source  # unchanged
    for index, cell_id in enumerate(OPENING, start=1):
        if cell_id is not None:
            assert cells[index].get("id") == cell_id, (name, index)
    assert [c.cell_type for c in cells[1:5]] == ["markdown", "code", "code", "markdown"]
    # the notebook's import cell is still its first code cell (the prediction tests run it)
    imports = cells[2].source.splitlines()
    assert all(line.startswith(("import ", "from ", " ")) or line in ("", ")") or " = objectives." in line
               for line in imports), imports
    first_formula = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and "$$" in c.source)
    assert first_formula == 5, "the first displayed formula comes right after the opening's question"
    assert "?" in cells[4].source  # a question to the learner
    outputs = cells[3].outputs
    assert [out.output_type for out in outputs] == ["display_data", "stream"]
    assert "image/png" in outputs[0]["data"] and outputs[1]["name"] == "stdout"


def opening_figure(name):
    """Run the notebook's import cell and its opening's code cell; the figure they draw."""
    cells = read_notebook(name).cells
    plt.close("all")
    namespace = {}
    show = plt.show
    plt.show = lambda *args, **kwargs: None  # keep the figure open to inspect it
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            exec(cells[2].source, namespace)
            exec(cells[3].source, namespace)
    finally:
        plt.show = show
    figures = [plt.figure(number) for number in plt.get_fignums()]
    assert len(figures) == 1
    return figures[0], out.getvalue()


@pytest.mark.parametrize("name", NAMES)
def test_the_opening_figure_follows_the_course_conventions(name):
    figure, text = opening_figure(name)
    assert text.splitlines() == printed_lines(name)  # the stored output, recomputed
    axes = figure.axes
    assert 1 <= len(axes) <= 2  # small: one or two panels
    palette = {to_hex(c) for c in plotting.PALETTE.values()}
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
        assert len(lines) > 1 and ax.get_legend() is not None
        assert len({(line.get_linestyle(), line.get_marker()) for line in lines}) == len(lines), \
            "a line style or marker per line, not colour alone"
        assert all(to_hex(line.get_color()) in palette for line in lines)
    plt.close("all")


# --- 02: gradient descent in the valley -----------------------------------------------------


def descent_on_the_bowl(nudge=0.0, steps=40, learning_rate=0.06):
    """Gradient descent on (x² + 25y²)/2 from (−3.5, 1.2) by hand, gradients times (1 + nudge)."""
    point, path = np.array([-3.5, 1.2]), [np.array([-3.5, 1.2])]
    for _ in range(steps):
        point = point - learning_rate * np.array([point[0], 25 * point[1]]) * (1 + nudge)
        path.append(point)
    return np.array(path)


def test_02_the_opening_runs_the_notebooks_own_setting():
    assert (momentum.BOWL_START, momentum.BOWL_RATE, momentum.BOWL_STEPS) == ((-3.5, 1.2), 0.06, 40)
    course = run(SGD(momentum.BOWL_RATE), objectives.bowl, momentum.BOWL_START, momentum.BOWL_STEPS)
    np.testing.assert_allclose(course.x, descent_on_the_bowl(), rtol=1e-14, atol=1e-15)
    says("02_momentum", "opening", "takes 40 steps with $\\alpha = 0.06$")
    # "you will see this path again next to it": the explorer's gradient descent is this run
    explorer_path = momentum.bowl_traces(0.7)[0][1].x
    assert np.array_equal(explorer_path, course.x)
    says("02_momentum", "opening-question", "you will see this path again next to it")
    says("02_momentum", "e806a62c", "gradient descent's path is the one of the first figure")


def test_02_printed_coordinates():
    lines = printed_lines("02_momentum")
    across = ", ".join(stable(lambda d, t=t: descent_on_the_bowl(d)[t, 1], "g") for t in range(6))
    along = ", ".join(stable(lambda d, t=t: descent_on_the_bowl(d)[t, 0], ".2f") for t in range(0, 41, 10))
    assert lines == [f"across the valley, y_0, y_1, ..., y_5:    {across}",
                     f"along the valley,  x_0, x_10, ..., x_40: {along}"]
    assert across == "1.2, -0.6, 0.3, -0.15, 0.075, -0.0375"  # y_t = 1.2 (1 − 25α)^t = 1.2 (−0.5)^t


def test_02_claims_of_the_opening():
    path = descent_on_the_bowl()
    x, y = path[:, 0], path[:, 1]
    # "25 times steeper across the valley (y) than along it (x)": the slope at the same distance
    for distance in (0.1, 1.0, 3.0):
        along = objectives.bowl.grad(np.array([distance, 0.0]))[0]
        across = objectives.bowl.grad(np.array([0.0, distance]))[1]
        assert across == pytest.approx(25 * along)
    says("02_momentum", "opening", "25 times steeper across the valley ($y$) than along it ($x$)")
    # "the point crosses the valley floor at every step, back and forth: the y part of the
    # gradient changes sign at every step" (and the right panel's title)
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1])) and np.all(y != 0)
    gradient_y = 25 * y[:-1]  # the gradient each step uses, at x_{t-1}
    assert np.all(np.sign(gradient_y[1:]) == -np.sign(gradient_y[:-1]))
    says("02_momentum", "opening-question", "the point crosses the valley floor at every step, back and "
         "forth: the $y$ part of the gradient changes sign at every step")
    assert "y changes sign at every step" in cell("02_momentum", "opening-code").source
    # "along the valley, the gradient points the same way at every step, ... each [step] is
    # shorter than the one before: after 40 steps x is still −0.29"
    assert np.all(x[:-1] < 0)  # the x part of every gradient used, x_{t-1}, is negative
    steps_along = np.abs(np.diff(x))
    assert np.all(np.diff(steps_along) < 0)
    assert stable(lambda d: descent_on_the_bowl(d)[-1, 0], ".2f") == "-0.29"
    says("02_momentum", "opening-question", "the gradient points the same way at every step",
         "each is shorter than the one before: after 40 steps $x$ is still $-0.29$")


# --- 04: a signal that is always 1 ----------------------------------------------------------


def average_of_ones(beta, t, nudge=0.0):
    """The EMA of g = 1, started at m_0 = 0, after t steps: 1 − β^t (β nudged)."""
    return 1 - (beta * (1 + nudge)) ** t


def test_04_printed_averages():
    lines = printed_lines("04_bias_correction")
    expected = []
    for beta in (0.9, 0.999):
        values = "   ".join(f"m_{t} = {stable(lambda d: average_of_ones(beta, t, d), '.4f')}"
                            for t in (1, 10, 100, 1000))
        expected.append(f"β = {beta:<5}: {values}")
    assert lines == expected
    m, loop = 0.0, []  # the closed form is the loop of notebook 02
    for _ in range(1000):
        m = 0.999 * m + (1 - 0.999) * 1.0
        loop.append(m)
    assert loop[999] == pytest.approx(average_of_ones(0.999, 1000), rel=1e-12)


def test_04_claims_of_the_opening():
    assert (Adam().beta_1, Adam().beta_2) == (0.9, 0.999)
    says("04_bias_correction", "opening", "once with $\\beta = 0.999$, the defaults of Adam's two averages")
    # "at 0.1 and 0.001 at the first step": m_1 = 1 − β
    assert [stable(average_of_ones(beta, 1), ".4g") for beta in (0.9, 0.999)] == ["0.1", "0.001"]
    # "still read only 0.63 after 1000 steps"
    assert stable(average_of_ones(0.999, 1000), ".2f") == "0.63"
    says("04_bias_correction", "opening-question", "at $0.1$ and $0.001$ at the first step",
         "$\\beta = 0.999$ still read only $0.63$ after 1000 steps")
    # "far too low at first": at t = 1, a tenth of the signal or less; the figure spans 10⁴ steps,
    # by which even β = 0.999 is within 10⁻⁴ of 1
    assert average_of_ones(0.9, 1) <= 0.1 + 1e-15 and 1 - average_of_ones(0.999, 10_000) < 1e-4
    # "knowing β and t, what would you divide each average by to get 1 back at every step?"
    t = np.arange(1, 1001)
    assert np.allclose(average_of_ones(0.999, t) / (1 - 0.999**t), 1.0, rtol=1e-12)


# --- 05: where gradient descent sits still --------------------------------------------------


def descent_on_the_cubic(x0, nudge=0.0, steps=80, learning_rate=0.05):
    x, path = float(x0), [float(x0)]
    for _ in range(steps):
        x = x - learning_rate * cubic_grad(x) * (1 + nudge)
        path.append(x)
    return np.array(path)


def first_past_one(path):
    assert np.any(path > 1)
    return int(np.argmax(path > 1))


def test_05_printed_slopes_steps_and_when_x_passes_1():
    lines = printed_lines("05_adam_from_scratch")
    expected = []
    for x0 in (0.1, 0.01, 0.001):
        slope = stable(lambda d: cubic_grad(x0) * (1 + d), "7.4f")
        first = stable(lambda d: descent_on_the_cubic(x0, d)[1] - x0, ".4f")
        passes = {first_past_one(descent_on_the_cubic(x0, d)) for d in (0.0, 1e-10, -1e-10)}
        assert len(passes) == 1
        expected.append(f"x₀ = {x0:<5}: slope f'(x₀) = {slope}, first step {first}, "
                        f"x passes 1 at step {passes.pop()}")
    assert lines == expected
    for x0 in (0.1, 0.01, 0.001):  # the course's SGD follows the same path
        np.testing.assert_allclose(run(SGD(0.05), objectives.cubic, x0, 80).x, descent_on_the_cubic(x0), rtol=1e-12)


def test_05_claims_of_the_opening():
    passes = [first_past_one(descent_on_the_cubic(x0)) for x0 in (0.1, 0.01, 0.001)]
    assert passes == [19, 32, 45]
    # "from two starts where the slope is steeper"; "the flatter the start, the longer it sits"
    slopes = [abs(cubic_grad(x0)) for x0 in (0.1, 0.01, 0.001)]
    assert slopes[0] > slopes[1] > slopes[2] and passes[0] < passes[1] < passes[2]
    says("05_adam_from_scratch", "opening", "from two starts where the slope is steeper")
    # "From x0 = 0.001 the slope is −0.0040, so its first step is 0.0002, and x passes 1 only
    # at step 45; each start ten times flatter costs it 13 more steps."
    assert stable(cubic_grad(0.001), ".4f") == "-0.0040"
    assert stable(0.05 * abs(cubic_grad(0.001)), ".4f") == "0.0002"
    assert np.diff(passes).tolist() == [13, 13]
    says("05_adam_from_scratch", "opening-question",
         "From $x_0 = 0.001$ the slope is $-0.0040$, so its first step is $0.0002$, and $x$ passes $1$ "
         "only at step 45; each start ten times flatter costs it 13 more steps.")
    # "A larger α would shorten the wait, but it lengthens every step"
    waits = [first_past_one(descent_on_the_cubic(0.001, learning_rate=rate)) for rate in (0.05, 0.1, 0.2, 0.4)]
    assert waits == sorted(waits, reverse=True) and len(set(waits)) == 4
    says("05_adam_from_scratch", "opening-question", "A larger $\\alpha$ would shorten the wait, but it "
         "lengthens every step")


def test_05_the_opening_does_not_give_the_first_step_prediction_away():
    """Notebook 05 later asks for Adam's first step from x₀ = 0.001: the opening shows gradient
    descent only, and names no length of Adam's step."""
    opening = "".join(cell("05_adam_from_scratch", cell_id).source for cell_id in ("opening", "opening-code",
                                                                                     "opening-question"))
    assert "Adam(" not in opening
    for giveaway in ("0.0499", "0.050", "first step is $\\alpha$", "whatever the gradient"):
        assert giveaway not in opening + "\n".join(printed_lines("05_adam_from_scratch"))


def test_05_adam_passes_1_sooner_than_gradient_descent():
    """'from the same x0 = 0.001 and with the same α, Adam passes x = 1 at step 20, gradient
    descent only at step 45' (after the explorer, comparing with the opening)."""
    adam = hand_adam(cubic_grad, 0.001, 100, 0.05, eps=1e-7)
    assert first_past_one(adam) == 20 and first_past_one(descent_on_the_cubic(0.001)) == 45
    course = run(Adam(0.05, epsilon=1e-7), objectives.cubic, 0.001, 100).x
    assert first_past_one(course) == 20
    says("05_adam_from_scratch", "cell-11", "from the same $x_0 = 0.001$ and with the same $\\alpha$, "
         "Adam passes $x = 1$ at step 20, gradient descent only at step 45")
    assert stable(0.05 * abs(cubic_grad(0.001)), ".4f") == "0.0002"
    says("05_adam_from_scratch", "cell-09", "moved by $\\alpha |g_1| = 0.0002$ (the first figure)")
