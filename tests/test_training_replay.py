"""Notebook 09's explorer replays recorded training runs (adam_teach/explorers/training.py):
a replayed slider position must be bit for bit the run that trains for that many epochs,
the notebook's sliders must reach only recorded runs, a recording must never be shown
under another perturbation setting, and α must read the same on the slider and in the
figure's title."""

import ast

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.path import Path  # noqa: E402

from adam_teach import objectives, perturbation, run  # noqa: E402
from adam_teach.explorers import training  # noqa: E402
from adam_teach.explorers.training import (EPOCH_STEP, LEARNING_RATES, LOSS_FRAME, MAX_EPOCHS,  # noqa: E402
                                           RecordedRun, TrainingRun)
from adam_teach.optimizers import SGD  # noqa: E402

from explorer_support import kernel_like  # noqa: E402, F401
from notebook_support import read_notebook  # noqa: E402

NOTEBOOK = "09_training_a_network"


def fresh(optimizer, learning_rate, epochs):
    """Training from θ₀ for that many epochs, now, without any recording."""
    return TrainingRun.of(training.training_trace(optimizer, learning_rate, epochs))


def assert_same_run(shown, trained):
    np.testing.assert_array_equal(shown.losses, trained.losses, strict=True)
    np.testing.assert_array_equal(shown.theta, trained.theta, strict=True)
    assert shown.diverged == trained.diverged and shown.steps == trained.steps


@pytest.mark.parametrize("optimizer, learning_rate, epochs", [
    ("Adam", 0.01, 300),  # the notebook's default
    ("Adam", 1.0, 1000),  # chaotic: its digits hang on the last bits, so equal bits are the test
    ("SGD", 10.0, 990),
    ("SGD", 1e-4, 10),
    ("Adam", 0.1, 0),
])
def test_a_replayed_position_is_the_run_trained_for_that_many_epochs_bit_for_bit(optimizer, learning_rate,
                                                                                epochs):
    shown = training.training_run(optimizer, learning_rate, epochs)
    recording = training.recorded_run(optimizer, learning_rate)
    assert np.shares_memory(shown.losses, recording.losses)  # replayed, not trained again
    assert_same_run(shown, fresh(optimizer, learning_rate, epochs))


def test_the_figure_shows_the_trained_loss_curve():
    figure, _ = training.draw_training("SGD", 5.0, 420)
    loss_line = figure.get_axes()[0].get_lines()[0]
    np.testing.assert_array_equal(loss_line.get_ydata(), training.training_trace("SGD", 5.0, 420).f, strict=True)


@pytest.mark.parametrize("learning_rate, x0, stops_after", [(0.23, 3.0, 10), (0.21, 3.0, 12)])
def test_a_recorded_run_that_diverged_replays_as_shorter_runs_end(learning_rate, x0, stops_after):
    """A run that diverges at step s + 1 stops at step s; asked for more epochs, the replay
    stops there too and says it diverged; for s epochs or fewer, it did not diverge."""
    def trained(steps):
        return run(SGD(learning_rate), objectives.cubic, x0, steps)

    recording = RecordedRun.of(trained(MAX_EPOCHS))
    assert recording.diverged and len(recording.losses) == stops_after + 1
    for epochs in range(0, 5 * EPOCH_STEP, EPOCH_STEP):
        assert_same_run(recording.replay(epochs), TrainingRun.of(trained(epochs)))
    assert recording.replay(MAX_EPOCHS).diverged


def test_a_recording_is_read_only():
    recording = training.recorded_run("Adam", 0.01)
    for array in (recording.losses, recording.thetas, recording.final_theta):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.0


def test_settings_the_slider_cannot_reach_are_trained_afresh():
    for settings in [("Adam", 0.003, 250), ("SGD", 0.5, 25), ("Adam", 0.01, MAX_EPOCHS + EPOCH_STEP)]:
        assert_same_run(training.training_run(*settings), fresh(*settings))


def test_bad_settings_name_the_parameter():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        training.training_run("LBFGS", 0.01, 10)
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0, got -0.1"):
        training.training_run("Adam", -0.1, 10)
    with pytest.raises(ValueError, match="epochs must be an integer >= 0, got 2.5"):
        training.training_run("Adam", 0.01, 2.5)
    with pytest.raises(ValueError, match="learning_rate must be one of"):
        training.recorded_run("Adam", 0.003)
    with pytest.raises(ValueError, match=f"epochs must be a multiple of {EPOCH_STEP} from 0 to {MAX_EPOCHS}"):
        training.recorded_run("Adam", 0.01).replay(15)


def test_learning_rates_are_1_2_5_times_the_powers_of_ten_from_1e_4_to_10():
    expected = [m * 10.0 ** k for k in range(-4, 2) for m in (1, 2, 5)][:-2]
    assert len(LEARNING_RATES) == 16
    np.testing.assert_allclose(LEARNING_RATES, expected, rtol=1e-15)
    assert LEARNING_RATES[0] == 1e-4 and LEARNING_RATES[-1] == 10.0


def test_every_alpha_of_the_notebooks_runs_is_on_the_slider():
    """09's prose: "every α above is one of them" (the α of each run the notebook makes
    before the widget: the literal learning rates in its code cells)."""
    cells = [cell.source for cell in read_notebook(NOTEBOOK).cells if cell.cell_type == "code"]
    before_widget = cells[:next(i for i, source in enumerate(cells) if "controls.explore(" in source)]
    rates = set()
    for node in ast.walk(ast.parse("\n".join(before_widget))):
        if isinstance(node, ast.keyword) and node.arg == "learning_rate" and isinstance(node.value, ast.Constant):
            rates.add(node.value.value)
        if isinstance(node, ast.Assign) and [ast.unparse(target) for target in node.targets] == ["rates"]:
            rates.update(rate for values in ast.literal_eval(node.value).values() for rate in values)
        if isinstance(node, ast.For) and ast.unparse(node.target) == "rate" and isinstance(node.iter, ast.Tuple):
            rates.update(ast.literal_eval(node.iter))
    assert rates >= {0.001, 0.01, 0.1, 1.0, 0.05, 0.5, 5.0, 10.0}
    assert rates <= set(LEARNING_RATES)


def test_the_notebooks_sliders_reach_only_recorded_runs(kernel_like, monkeypatch):
    """The notebook's own controls: the optimisers, the 16 α of LEARNING_RATES (readout to 3
    significant digits, as controls.readout writes them) and epochs 10, 20, ..., 1000; once
    recorded, no reachable setting trains again."""
    from adam_teach.explorers.controls import readout

    controls = kernel_like.slider_widget(NOTEBOOK).controls
    optimizers = controls["optimizer"].options
    assert tuple(optimizers) == tuple(training.TRAINERS)
    alpha = controls["learning_rate"]
    assert type(alpha).__name__ == "SelectionSlider" and alpha.description == "α"
    assert [value for _, value in alpha.options] == list(LEARNING_RATES)
    assert [label for label, _ in alpha.options] == [readout(rate) for rate in LEARNING_RATES]
    epochs = controls["epochs"]
    reachable_epochs = range(epochs.min, epochs.max + 1, epochs.step)
    assert (epochs.min, epochs.max, epochs.step) == (10, MAX_EPOCHS, EPOCH_STEP)

    training.draw_training()  # the first call records every run the slider reaches
    monkeypatch.setattr(training, "training_trace", lambda *args: pytest.fail(f"trained {args} again"))
    for optimizer in optimizers:
        for _, rate in alpha.options:
            recording = training.recorded_run(optimizer, rate)
            for count in reachable_epochs:
                assert np.shares_memory(training.training_run(optimizer, rate, count).losses, recording.losses)


def test_alpha_reads_the_same_on_the_slider_and_in_the_title():
    assert training.rate_label(0.0177827941) == "0.0178"  # what the old log slider showed as 0.0177828
    assert [training.rate_label(rate) for rate in (1e-4, 2e-4, 0.05, 1.0, 10.0)] == [
        "0.000100", "0.000200", "0.0500", "1.00", "10.0"]  # 3 significant digits, as every α slider
    for (label, rate), optimizer in zip(training.learning_rate_options(), ["Adam", "SGD"] * 8):
        assert label == training.rate_label(rate)
        assert training.run_name(optimizer, rate) == f"{optimizer}, α = {label}"
    figure, _ = training.draw_training("SGD", 2e-4, 100)
    assert figure.get_axes()[0].get_title().startswith("SGD, α = 0.000200: loss ")


def test_every_slider_run_fits_the_loss_frame_which_then_stays():
    """09's prose: the loss panel "keeps the same axes for every run"."""
    (x_low, x_high), (y_low, y_high) = LOSS_FRAME
    assert x_low < 0 and x_high > MAX_EPOCHS  # room for the start and end markers
    for optimizer in training.TRAINERS:
        for rate in LEARNING_RATES:
            losses = training.recorded_run(optimizer, rate).losses
            assert y_low < losses.min() and losses.max() < y_high, (optimizer, rate)
    ax = training.draw_training("SGD", 0.5, 1200)[0].get_axes()[0]  # off the slider: the frame widens
    assert ax.get_xlim()[1] >= 1200
    for settings in [("Adam", 0.01, 300), ("SGD", 10.0, 1000), ("Adam", 0.1, 10)]:
        training.draw_training(*settings)
        assert (ax.get_xlim(), ax.get_ylim()) == LOSS_FRAME


def inside_region(path, points):
    """Which points a filled path covers: inside an odd number of its polygons (a hole,
    an island of the other class, is a polygon inside the outline)."""
    return np.sum([Path(polygon).contains_points(points) for polygon in path.to_polygons()], axis=0) % 2 == 1


def test_the_decision_regions_are_the_sides_of_z_equals_0():
    """The class-1 region holds the grid points where the network's logit z > 0, the
    class-0 region those where z < 0 (away from the boundary, where the contour cuts corners)."""
    X, *_ = training._problem()
    gx, gy = training.boundary_grid(X)
    theta = training.training_run("Adam", 0.1, 500).theta
    z = training.logits_on_grid(theta, gx, gy)
    class_0, class_1, boundary = training.region_paths(gx, gy, z)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    inside = np.ones(gx.shape, bool)
    inside[[0, -1], :] = inside[:, [0, -1]] = False  # the grid's edge lies on the regions' edges
    clear = inside.ravel() & (np.abs(z.ravel()) > 0.5)
    for region, side in [(class_1, z.ravel() > 0), (class_0, z.ravel() < 0)]:
        np.testing.assert_array_equal(inside_region(region, points[clear]), side[clear])
    assert len(boundary.vertices) > 10


def test_the_grid_is_computed_in_chunks_with_the_same_values():
    X, _, _, theta_0 = training._problem()
    gx, gy = training.boundary_grid(X)
    z_whole = training.network.forward(theta_0, np.column_stack([gx.ravel(), gy.ravel()]))[0]
    np.testing.assert_allclose(training.logits_on_grid(theta_0, gx, gy).ravel(), z_whole, rtol=1e-12, atol=1e-15)


def test_a_recording_is_never_shown_under_another_perturbation_setting(monkeypatch):
    """Perturbation mode nudges θ₀, the data and every gradient: a run recorded without it
    must not be replayed with it (nor the other way round)."""
    plain = training.recorded_run("Adam", 0.01)
    monkeypatch.setenv(perturbation.VARIABLE, "1e-12")
    nudged = training.training_run("Adam", 0.01, 300)
    assert not np.array_equal(nudged.losses, plain.losses[:301])
    assert_same_run(nudged, fresh("Adam", 0.01, 300))
    X, _, _, theta_0 = training._problem()  # the figure's data and θ₀ are the nudged ones too
    figure = training._training_figure(perturbation.relative_amount())
    assert figure.X is X and figure is not training._training_figure(0.0)
    assert not np.array_equal(theta_0, training._two_moons_problem(0.0)[3])
    monkeypatch.delenv(perturbation.VARIABLE)
    assert training.recorded_run("Adam", 0.01) is plain
