"""Exercises 05 (momentum in Keras's velocity convention, RMSprop as notebook 03 defines it)
and 06 (AMSGrad and AdamW as PyTorch and Keras compute them).

- every catalogued mistake is named by the self-check and by the hidden cases, and the
  hidden cases tell the mistakes apart from the answer and from each other;
- correct ways of writing each function pass (vectorised, scalar loops, float32);
- wrong return types and shapes get a sentence;
- the references agree with the course's optimisers and with real tf.keras (SGD with
  momentum, RMSprop, Adam(amsgrad=True), AdamW), and the notebooks' claims hold;
- wrong notebooks, edited as a learner would edit the solution, graded in one
  `adam-teach grade` call, lose the points of the wrong item and are told why.
"""

import json
import math

import numpy as np
import pytest

from adam_teach import answer_key, checks, objectives, run
from adam_teach.answer_key import amsgrad_adamw_mistakes as mistakes_06
from adam_teach.answer_key import momentum_rmsprop_mistakes as mistakes_05
from adam_teach.answer_key.amsgrad_adamw_references import adamw_step, amsgrad_step
from adam_teach.answer_key.judging import close
from adam_teach.answer_key.momentum_rmsprop_references import momentum_step, rmsprop_step
from adam_teach.answer_key.references import adam_step
from adam_teach.optimizers import Momentum, RMSprop
from grading_support import COURSE, feedback_of, grade_in_one_call, item_scores, results_of, solution_answers, solved

EX_05, EX_06 = "05_momentum_rmsprop", "06_amsgrad_adamw"
CATALOGUES = {
    (EX_05, "momentum_step"): mistakes_05.MOMENTUM_STEP,
    (EX_05, "rmsprop_step"): mistakes_05.RMSPROP_STEP,
    (EX_06, "amsgrad_step"): mistakes_06.AMSGRAD_STEP,
    (EX_06, "adamw_step"): mistakes_06.ADAMW_STEP,
}


def verdicts(exercise, grade_id, function):
    """The self-check verdict (visible cases) and the autograder's (hidden cases)."""
    hidden = answer_key.get_item(exercise, grade_id)
    return [checks.self_check(exercise, grade_id, function),
            checks.run_item(hidden, {grade_id: function})]


def mistake_params(mutating=False):
    return [pytest.param(exercise, grade_id, mistake, id=f"{grade_id}-{mistake.name}")
            for (exercise, grade_id), table in CATALOGUES.items() for mistake in table
            if mistake.mutates == mutating]


# --- the mistakes ---------------------------------------------------------------------------


def test_the_brief_s_mistakes_are_in_the_catalogues():
    names = {key: {m.name for m in table} for key, table in CATALOGUES.items()}
    assert {"velocity_sign_flipped", "velocity_not_decayed", "alpha_twice", "alpha_on_velocity",
            "x_moved_by_old_velocity", "in_place"} <= names[EX_05, "momentum_step"]
    # notebook 03 puts ε inside the root, so the mistake there is ε outside it
    assert {"epsilon_outside_sqrt", "v_from_g", "rmsprop_undamped", "rmsprop_bias_correction",
            "rho_swapped", "divide_by_v", "in_place"} <= names[EX_05, "rmsprop_step"]
    assert {"max_of_v_hat", "plain_adam", "plain_adam_v_max_is_v", "v_max_returned_is_v",
            "v_max_not_updated", "in_place"} <= names[EX_06, "amsgrad_step"]
    assert {"l2_in_gradient", "decay_without_alpha", "decay_after_step",
            "in_place"} <= names[EX_06, "adamw_step"]


@pytest.mark.parametrize("exercise, grade_id, mistake", mistake_params())
def test_each_known_mistake_is_named_wherever_it_is_wrong(exercise, grade_id, mistake):
    """Not only named somewhere: every failed check names this mistake and no other."""
    for verdict in verdicts(exercise, grade_id, mistake.function):
        text = "\n".join(verdict.messages)
        assert not verdict.passed, text
        failed = [line for line in verdict.messages[1:] if line.startswith("✗")]
        assert failed and all(f"looks like {mistake.message}" in line for line in failed), text


@pytest.mark.parametrize("exercise, grade_id, mistake", mistake_params(mutating=True))
def test_in_place_mutation_is_named_and_costs_points(exercise, grade_id, mistake):
    for verdict in verdicts(exercise, grade_id, mistake.function):
        assert 0 < verdict.score < verdict.max_score
        assert any("changed the caller's arrays in place" in line for line in verdict.messages)


@pytest.mark.parametrize("exercise, grade_id", list(CATALOGUES))
def test_hidden_cases_tell_the_mistakes_from_each_other(exercise, grade_id):
    """Two different mistakes never give the same outputs on all hidden cases, so a
    learner's mistake is never mistaken for another one."""
    from adam_teach.answer_key.judging import call_reference

    item = answer_key.get_item(exercise, grade_id)
    table = [m for m in CATALOGUES[exercise, grade_id] if not m.mutates]
    outputs = {m.name: [call_reference(m.function, case) for case in item.cases] for m in table}
    for i, a in enumerate(table):
        for b in table[i + 1:]:
            assert not all(close(x, y, equal_nan=True) for x, y in zip(outputs[a.name], outputs[b.name])), \
                f"{a.name} and {b.name} agree on every hidden case"


def test_the_hidden_amsgrad_cases_have_v_max_above_and_below_v_t():
    for case in answer_key.get_item(EX_06, "amsgrad_step").cases[1:]:
        _, g, _, v, v_max, _ = case.args
        beta_2 = case.kwargs.get("beta_2", 0.999)
        v_t = beta_2 * v + (1 - beta_2) * g * g
        assert np.all(v_max >= v), "a reachable state: v_max is at least the last v"
        assert np.any(v_t > v_max) and np.any(v_t < v_max)
        assert case.args[5] > 1


def _margin(wrong, right):
    """How many times the judge's tolerance the largest gap between two x's is."""
    from adam_teach.answer_key.judging import ATOL, RTOL

    wrong, right = np.asarray(wrong, dtype=float), np.asarray(right, dtype=float)
    return float(np.max(np.abs(wrong - right) / (ATOL + RTOL * np.abs(right))))


def test_the_hidden_adamw_cases_separate_the_decay_mistakes_by_far():
    """L2 and decoupled decay differ noticeably (by more than 0.01 in some case); decaying
    after the step, a difference of α·λ·(Adam's step), is caught with a wide margin in every
    hidden case."""
    variant, cases = mistakes_06.adamw_step_variant, answer_key.get_item(EX_06, "adamw_step").cases
    l2_gaps = [np.max(np.abs(np.asarray(variant(*c.args, **c.kwargs, decay="l2")[0])
                             - adamw_step(*c.args, **c.kwargs)[0])) for c in cases]
    assert max(l2_gaps) > 0.01, l2_gaps
    after = [_margin(variant(*c.args, **c.kwargs, decay="after")[0], adamw_step(*c.args, **c.kwargs)[0])
             for c in cases]
    assert min(after) > 10, after


# --- correct variants pass ------------------------------------------------------------------


def momentum_loop(x, g, velocity, learning_rate=0.01, momentum=0.9):
    """Element by element, Python floats."""
    shape = np.shape(x)
    xs, gs, vs = (np.ravel(np.asarray(a, dtype=float)).tolist() for a in (x, g, velocity))
    for i in range(len(xs)):
        vs[i] = momentum * vs[i] - learning_rate * gs[i]
        xs[i] += vs[i]
    return tuple(np.reshape(a, shape) for a in (xs, vs))


def momentum_float32(x, g, velocity, learning_rate=0.01, momentum=0.9):
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    velocity = np.float32(momentum) * f32(velocity) - np.float32(learning_rate) * f32(g)
    return f32(x) + velocity, velocity


def momentum_via_m(x, g, velocity, learning_rate=0.01, momentum=0.9):
    """Notebook 02's m_t, converted at both ends: m = −velocity/α."""
    m = momentum * (-np.asarray(velocity) / learning_rate) + g
    return x - learning_rate * m, -learning_rate * m


def rmsprop_loop(x, g, v, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    shape = np.shape(x)
    xs, gs, vs = (np.ravel(np.asarray(a, dtype=float)).tolist() for a in (x, g, v))
    for i in range(len(xs)):
        vs[i] = rho * vs[i] + (1 - rho) * gs[i] ** 2
        xs[i] -= learning_rate * gs[i] / math.sqrt(vs[i] + epsilon)
    return tuple(np.reshape(a, shape) for a in (xs, vs))


def rmsprop_float32(x, g, v, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    v = np.float32(rho) * f32(v) + np.float32(1 - rho) * f32(g) ** 2
    return f32(x) - np.float32(learning_rate) * f32(g) / np.sqrt(v + np.float32(epsilon)), v


def rmsprop_notebook_03(x, g, v, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    """Notebook 03's code (it also returns the step sizes), with its third output dropped."""
    v = rho * v + (1 - rho) * (g * g)
    step_size = learning_rate / np.sqrt(v + epsilon)
    return x - step_size * g, v


def amsgrad_vectorised(x, g, m, v, v_max, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g * g
    v_max = np.where(v > v_max, v, v_max)
    step = learning_rate / (1 - beta_1**t) * m / (np.sqrt(v_max) / np.sqrt(1 - beta_2**t) + epsilon)
    return x - step, m, v, v_max


def amsgrad_loop(x, g, m, v, v_max, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    shape = np.shape(x)
    xs, gs, ms, vs, ws = (np.ravel(np.asarray(a, dtype=float)).tolist() for a in (x, g, m, v, v_max))
    for i in range(len(xs)):
        ms[i] = beta_1 * ms[i] + (1 - beta_1) * gs[i]
        vs[i] = beta_2 * vs[i] + (1 - beta_2) * gs[i] ** 2
        ws[i] = max(ws[i], vs[i])
        xs[i] -= learning_rate * (ms[i] / (1 - beta_1**t)) / (math.sqrt(ws[i] / (1 - beta_2**t)) + epsilon)
    return tuple(np.reshape(a, shape) for a in (xs, ms, vs, ws))


def amsgrad_float32(x, g, m, v, v_max, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    b1, b2 = np.float32(beta_1), np.float32(beta_2)
    m = b1 * f32(m) + (np.float32(1) - b1) * f32(g)
    v = b2 * f32(v) + (np.float32(1) - b2) * f32(g) ** 2
    v_max = np.maximum(f32(v_max), v)
    m_hat, v_max_hat = m / (np.float32(1) - b1**t), v_max / (np.float32(1) - b2**t)
    return f32(x) - np.float32(learning_rate) * m_hat / (np.sqrt(v_max_hat) + np.float32(epsilon)), m, v, v_max


def adamw_vectorised(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                     weight_decay=0.01):
    """The decay subtracted after the Adam step, but of the old x: the same thing."""
    new_x, m, v = adam_step(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon)
    return new_x - learning_rate * weight_decay * np.asarray(x), m, v


def adamw_loop(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, weight_decay=0.01):
    shape = np.shape(x)
    xs, gs, ms, vs = (np.ravel(np.asarray(a, dtype=float)).tolist() for a in (x, g, m, v))
    for i in range(len(xs)):
        xs[i] *= 1 - learning_rate * weight_decay
        ms[i] = beta_1 * ms[i] + (1 - beta_1) * gs[i]
        vs[i] = beta_2 * vs[i] + (1 - beta_2) * gs[i] * gs[i]
        xs[i] -= learning_rate * (ms[i] / (1 - beta_1**t)) / (math.sqrt(vs[i] / (1 - beta_2**t)) + epsilon)
    return tuple(np.reshape(a, shape) for a in (xs, ms, vs))


def adamw_float32(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, weight_decay=0.01):
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    x = f32(x) - f32(x) * np.float32(weight_decay) * np.float32(learning_rate)
    b1, b2 = np.float32(beta_1), np.float32(beta_2)
    m = b1 * f32(m) + (np.float32(1) - b1) * f32(g)
    v = b2 * f32(v) + (np.float32(1) - b2) * f32(g) ** 2
    m_hat, v_hat = m / (np.float32(1) - b1**t), v / (np.float32(1) - b2**t)
    return x - np.float32(learning_rate) * m_hat / (np.sqrt(v_hat) + np.float32(epsilon)), m, v


@pytest.mark.parametrize("exercise, grade_id, function", [
    (EX_05, "momentum_step", momentum_loop), (EX_05, "momentum_step", momentum_float32),
    (EX_05, "momentum_step", momentum_via_m),
    (EX_05, "rmsprop_step", rmsprop_loop), (EX_05, "rmsprop_step", rmsprop_float32),
    (EX_05, "rmsprop_step", rmsprop_notebook_03),
    (EX_06, "amsgrad_step", amsgrad_vectorised), (EX_06, "amsgrad_step", amsgrad_loop),
    (EX_06, "amsgrad_step", amsgrad_float32),
    (EX_06, "adamw_step", adamw_vectorised), (EX_06, "adamw_step", adamw_loop),
    (EX_06, "adamw_step", adamw_float32),
], ids=lambda value: getattr(value, "__name__", None))
def test_correct_variants_pass(exercise, grade_id, function):
    for verdict in verdicts(exercise, grade_id, function):
        assert verdict.passed and verdict.score == verdict.max_score, "\n".join(verdict.messages)


# --- wrong types and shapes: a sentence, never a crash ------------------------------------------


@pytest.mark.parametrize("exercise, grade_id, function, expected", [
    (EX_05, "momentum_step", lambda x, g, velocity, **k: momentum_step(x, g, velocity, **k)[0],
     "momentum_step must return a tuple (x, velocity) of 2 values"),
    (EX_05, "momentum_step", lambda *a, **k: None, "returned None: did you forget `return`?"),
    (EX_05, "momentum_step", lambda *a, **k: {"x": 1, "velocity": 2}, "must return a tuple (x, velocity)"),
    (EX_05, "rmsprop_step", lambda x, g, v, learning_rate=0.001, rho=0.9, epsilon=1e-7:
     (*rmsprop_notebook_03(x, g, v, learning_rate, rho, epsilon), 0.1),
     "rmsprop_step must return a tuple (x, v) of 2 values; it returned a tuple of 3"),
    (EX_05, "rmsprop_step", lambda *a, **k: ("x", "v"), "x is a str, not a number or an array of numbers"),
    (EX_06, "amsgrad_step", lambda *a, **k: amsgrad_step(*a, **k)[:3],
     "amsgrad_step must return a tuple (x, m, v, v_max) of 4 values; it returned a tuple of 3"),
    (EX_06, "amsgrad_step", lambda *a, **k: tuple(np.asarray(p)[None] for p in amsgrad_step(*a, **k)), "has shape"),
    (EX_06, "adamw_step", lambda x, *a, **k: [np.full(np.shape(x), np.nan)] * 3, "x and m and v wrong"),
    (EX_06, "adamw_step", lambda *a, **k: 1.0, "adamw_step must return a tuple (x, m, v) of 3 values"),
])
def test_wrong_return_type_or_shape_gets_a_sentence(exercise, grade_id, function, expected):
    for verdict in verdicts(exercise, grade_id, function):
        assert verdict.score == 0
        failed = [line for line in verdict.messages[1:] if line.startswith("✗")]
        assert failed and all(expected in line for line in failed), verdict.messages


def test_python_max_on_arrays_gets_a_sentence():
    """max(v_max, v) works on floats and raises on arrays: the array checks say so."""
    def amsgrad_with_python_max(x, g, m, v, v_max, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                                epsilon=1e-8):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        v_max = max(v_max, v)
        return x - learning_rate * (m / (1 - beta_1**t)) / (np.sqrt(v_max / (1 - beta_2**t)) + epsilon), m, v, v_max

    for verdict in verdicts(EX_06, "amsgrad_step", amsgrad_with_python_max):
        assert verdict.messages[1].startswith("✓")
        assert all("raised ValueError: The truth value of an array" in line for line in verdict.messages[2:])


# --- the references: the course's optimisers, the notebooks' definitions, real Keras -------------


def test_momentum_step_follows_the_course_s_momentum_with_velocity_minus_alpha_m():
    bowl, alpha, mu = objectives.bowl, 0.06, 0.7
    course = run(Momentum(alpha, momentum=mu), bowl, (-3.5, 1.2), 40)
    x, velocity = np.array([-3.5, 1.2]), np.zeros(2)
    flipped_x, flipped_velocity = x.copy(), np.zeros(2)
    for t in range(1, 41):
        x, velocity = momentum_step(x, bowl.grad(x), velocity, alpha, mu)
        flipped_x, flipped_velocity = mistakes_05.momentum_step_variant(
            flipped_x, bowl.grad(flipped_x), flipped_velocity, alpha, mu, sign_flipped=True)
        np.testing.assert_allclose(x, course.x[t], rtol=0, atol=1e-12)
        np.testing.assert_allclose(velocity, -alpha * course.m[t - 1], rtol=1e-12, atol=0)
        # the opposite-sign convention, started from 0 by itself: the same path, velocity negated
        np.testing.assert_allclose(flipped_x, x, rtol=0, atol=1e-12)
        np.testing.assert_allclose(flipped_velocity, -velocity, rtol=0, atol=1e-12)


def test_rmsprop_step_is_notebook_03_s_form_with_epsilon_inside_the_root():
    x, g, v = np.array([0.4, -1.0]), np.array([0.05, 2.0]), np.array([0.001, 0.5])
    new_x, new_v = rmsprop_step(x, g, v, 0.1, 0.9, 1e-2)
    np.testing.assert_allclose(new_v, 0.9 * v + 0.1 * g * g, rtol=1e-15)
    np.testing.assert_allclose(new_x, x - 0.1 * g / np.sqrt(new_v + 1e-2), rtol=1e-15)
    outside = mistakes_05.rmsprop_step_variant(x, g, v, 0.1, 0.9, 1e-2, epsilon_outside_sqrt=True)[0]
    assert np.max(np.abs(outside - new_x)) > 1e-2
    course = run(RMSprop(0.3, rho=0.9), objectives.bowl, (-3.5, 1.2), 40)
    x, v = np.array([-3.5, 1.2]), np.zeros(2)
    for t in range(1, 41):
        x, v = rmsprop_step(x, objectives.bowl.grad(x), v, 0.3, 0.9)
        np.testing.assert_allclose(x, course.x[t], rtol=0, atol=1e-12)


def test_amsgrad_with_v_max_0_is_adam_and_adamw_without_decay_is_adam():
    """The notebook's remark (v_max = 0 at every step gives plain Adam's step), and AdamW
    with λ = 0 is Algorithm 1."""
    x, g, m, v = np.array([1.2, -0.7]), np.array([-0.6, 0.9]), np.array([-0.05, 0.12]), np.array([0.08, 0.3])
    for t in (1, 4):
        ours, adam = amsgrad_step(x, g, m, v, 0.0, t, 0.02), adam_step(x, g, m, v, t, 0.02)
        for a, b in zip(ours[:3], adam):
            np.testing.assert_allclose(a, b, rtol=1e-15)
        for a, b in zip(adamw_step(x, g, m, v, t, 0.02, weight_decay=0.0), adam):
            np.testing.assert_allclose(a, b, rtol=1e-15)


def _keras_run(optimizer, dtype, start, gradients):
    """x after each step of a real tf.keras optimizer fed `gradients`, and its state
    variables after each step ({suffix of the variable's path: array})."""
    from adam_teach.keras_reference import import_tensorflow

    tf = import_tensorflow()
    x = tf.Variable(np.asarray(start, dtype=dtype))
    xs, states = [], []
    for g in gradients:
        optimizer.apply_gradients([(tf.constant(np.asarray(g, dtype=dtype)), x)])
        xs.append(x.numpy())
        # e.g. "adam/Variable_0_velocity_hat" -> "hat"; the iteration and learning rate left out
        states.append({v.path.rpartition("_")[2]: v.numpy() for v in optimizer.variables
                       if not v.path.endswith(("/iteration", "/learning_rate"))})
    return xs, states


# a large gradient at step 1, then smaller ones of both signs: v_max and v_t part ways
START = [0.8, -1.5, 2.0]
GRADIENTS = [[4.0, -3.0, 0.5]] + [[0.3 * (-1) ** k, 0.2 + 0.05 * k, -0.4] for k in range(1, 30)]
TOLERANCE = {"float32": dict(rtol=2e-5, atol=1e-6), "float64": dict(rtol=1e-11, atol=1e-13)}
# Hyper-parameters exact in float32: Keras casts a Python float to the variable's dtype through
# a float32 tensor (0.8 becomes 0.800000011920929 even for a float64 variable), and keeps the
# learning rate in a float32 variable; with these values float64 Keras is exact to 1e-11.


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_momentum_and_rmsprop_match_real_keras(dtype):
    from adam_teach.keras_reference import import_tensorflow

    tf = import_tensorflow()
    tolerance = TOLERANCE[dtype]
    xs, states = _keras_run(tf.keras.optimizers.SGD(0.0625, momentum=0.75), dtype, START, GRADIENTS)
    x, velocity = np.array(START), np.zeros(3)
    for g, keras_x, state in zip(GRADIENTS, xs, states):
        x, velocity = momentum_step(x, np.array(g), velocity, 0.0625, 0.75)
        np.testing.assert_allclose(x, keras_x, **tolerance)
        np.testing.assert_allclose(velocity, state["momentum"], **tolerance)  # Keras's velocity, same sign

    xs, states = _keras_run(tf.keras.optimizers.RMSprop(0.0625, rho=0.75, epsilon=2**-7), dtype, START, GRADIENTS)
    x, v = np.array(START), np.zeros(3)
    for g, keras_x, state in zip(GRADIENTS, xs, states):
        x, v = rmsprop_step(x, np.array(g), v, 0.0625, 0.75, 2**-7)
        np.testing.assert_allclose(x, keras_x, **tolerance)
        np.testing.assert_allclose(v, state["velocity"], **tolerance)
    outside = mistakes_05.rmsprop_step_variant(np.array(START), np.array(GRADIENTS[0]), np.zeros(3), 0.0625, 0.75,
                                               2**-7, epsilon_outside_sqrt=True)[0]
    assert not np.allclose(outside, xs[0], **tolerance)  # the test can tell the two places of ε apart


def _amsgrad_path(start, gradients, epsilon_of_t, step=amsgrad_step, **settings):
    x, m, v, v_max = (np.array(start), np.zeros(3), np.zeros(3), np.zeros(3))
    path = []
    for t, g in enumerate(gradients, start=1):
        x, m, v, v_max = step(x, np.array(g), m, v, v_max, t, epsilon=epsilon_of_t(t), **settings)
        path.append((np.asarray(x), m, v, v_max))
    return path


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("epsilon_hat", [0.0, 2**-10])
def test_amsgrad_step_matches_keras_adam_amsgrad(dtype, epsilon_hat):
    """Keras adds ε̂ to √v_max with α_t = α√(1 − β₂ᵗ)/(1 − β₁ᵗ): our form with
    ε = ε̂/√(1 − β₂ᵗ) at step t, exactly (so with ε̂ = 0 the two forms are the same). Its
    velocity_hat is the maximum of the uncorrected v, as ours."""
    from adam_teach.keras_reference import import_tensorflow

    tf = import_tensorflow()
    settings = dict(learning_rate=0.0625, beta_1=0.75, beta_2=0.9375)
    keras = tf.keras.optimizers.Adam(**settings, epsilon=epsilon_hat, amsgrad=True)
    xs, states = _keras_run(keras, dtype, START, GRADIENTS)
    epsilon_of_t = lambda t: epsilon_hat / math.sqrt(1 - 0.9375**t)  # noqa: E731
    ours = _amsgrad_path(START, GRADIENTS, epsilon_of_t, **settings)
    for (x, m, v, v_max), keras_x, state in zip(ours, xs, states):
        np.testing.assert_allclose(x, keras_x, **TOLERANCE[dtype])
        np.testing.assert_allclose(m, state["momentum"], **TOLERANCE[dtype])
        np.testing.assert_allclose(v, state["velocity"], **TOLERANCE[dtype])
        np.testing.assert_allclose(v_max, state["hat"], **TOLERANCE[dtype])
    assert any(np.any(v_max > v) for _, _, v, v_max in ours), "the maximum mattered"
    if epsilon_hat:  # ε̂ used as our ε, without the factor 1/√(1 − β₂ᵗ), is not Keras
        constant = _amsgrad_path(START, GRADIENTS, lambda t: epsilon_hat, **settings)
        assert not all(np.allclose(p[0], k, **TOLERANCE[dtype]) for p, k in zip(constant, xs))
    for name in ("max_of_v_hat", "plain_adam", "v_max_not_bias_corrected", "amsgrad_without_bias_correction"):
        wrong = next(m for m in mistakes_06.AMSGRAD_STEP if m.name == name).function
        path = _amsgrad_path(START, GRADIENTS, epsilon_of_t, step=wrong, **settings)
        assert not all(np.allclose(p[0], k, **TOLERANCE[dtype]) for p, k in zip(path, xs)), name


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("epsilon_hat", [0.0, 2**-10])
def test_adamw_step_matches_keras_adamw(dtype, epsilon_hat):
    """Keras's AdamW: x ← x − x·λ·α, then Adam's ε̂ form; ours with ε = ε̂/√(1 − β₂ᵗ)."""
    from adam_teach.keras_reference import import_tensorflow

    tf = import_tensorflow()
    settings = dict(learning_rate=0.0625, beta_1=0.75, beta_2=0.9375)
    keras = tf.keras.optimizers.AdamW(**settings, epsilon=epsilon_hat, weight_decay=0.375)
    xs, states = _keras_run(keras, dtype, START, GRADIENTS)

    def path_of(step):
        x, m, v, path = np.array(START), np.zeros(3), np.zeros(3), []
        for t, g in enumerate(GRADIENTS, start=1):
            x, m, v = step(x, np.array(g), m, v, t, epsilon=epsilon_hat / math.sqrt(1 - 0.9375**t),
                           weight_decay=0.375, **settings)
            path.append((np.asarray(x), m, v))
        return path

    for (x, m, v), keras_x, state in zip(path_of(adamw_step), xs, states):
        np.testing.assert_allclose(x, keras_x, **TOLERANCE[dtype])
        np.testing.assert_allclose(m, state["momentum"], **TOLERANCE[dtype])
        np.testing.assert_allclose(v, state["velocity"], **TOLERANCE[dtype])
    for name in ("l2_in_gradient", "decay_without_alpha", "decay_after_step"):
        wrong = next(m for m in mistakes_06.ADAMW_STEP if m.name == name).function
        assert not all(np.allclose(p[0], k, **TOLERANCE[dtype]) for p, k in zip(path_of(wrong), xs)), name


# --- the notebooks' claims --------------------------------------------------------------------------


def test_05_claims_about_the_bowl_and_the_gradient_scale():
    bowl, start = objectives.bowl, np.array([-3.5, 1.2])
    x, v, f = start, np.zeros(2), []
    for _ in range(40):
        x, v = rmsprop_step(x, bowl.grad(x), v, 0.3, 0.9)
        f.append(bowl.f(x))
    assert min(f) < 1e-15 and f[-1] > 1e3 * min(f)  # "falls below 1e-15 and then rises again"
    # the answer's claims: momentum's steps scale with c (at c = 100 it diverges on the bowl),
    # RMSprop's do not change while ε is negligible
    for c, diverges in ((1.0, False), (100.0, True)):
        x, velocity = start, np.zeros(2)
        for _ in range(40):
            x, velocity = momentum_step(x, c * bowl.grad(x), velocity, 0.06, 0.7)
        assert (np.linalg.norm(x) > 1e6) == diverges
    paths = []
    for c in (1.0, 100.0):
        x, v, path = start, np.zeros(2), []
        for _ in range(10):
            x, v = rmsprop_step(x, c * bowl.grad(x), v, 0.3, 0.9)
            path.append(x)
        paths.append(np.array(path))
    np.testing.assert_allclose(paths[0], paths[1], rtol=1e-6, atol=1e-9)


def test_06_claims_about_the_step_size_and_reddi_s_problem():
    # (b): one large gradient, then small ones: the step size grows about 25-fold by t = 1000
    x, m, v, v_max, sizes = 0.0, 0.0, 0.0, 0.0, {}
    for t in range(1, 3001):
        x, m, v, v_max = amsgrad_step(x, 1.0 if t == 1 else 0.01, m, v, v_max, t)
        sizes[t] = 0.001 / (math.sqrt(v_max / (1 - 0.999**t)) + 1e-8)
    assert v_max == pytest.approx(0.001)
    assert sizes[1] == pytest.approx(0.001, rel=1e-6)
    assert sizes[1000] / sizes[1] == pytest.approx(25.1, abs=0.1)
    assert 30 < sizes[3000] / sizes[1] < math.sqrt(1000)
    assert all(sizes[t + 1] > sizes[t] for t in range(1, 3000))
    # (a): the arithmetic of the model answer
    assert 0.001 * 0.01 / 10 == pytest.approx(1e-6) and 0.001 * 0.01 / 0.1 == pytest.approx(1e-4)


def test_adamw_order_decay_first_is_not_decay_last():
    """Decaying x_{t−1} first equals subtracting αλx_{t−1} after the step; decaying the new x
    does not (it shrinks the step by 1 − αλ too)."""
    x, g = np.array([2.0, -1.0]), np.array([0.5, 0.25])
    first = adamw_step(x, g, np.zeros(2), np.zeros(2), 1, 0.1, weight_decay=0.5)[0]
    adam_only = adam_step(x, g, np.zeros(2), np.zeros(2), 1, 0.1)[0]
    np.testing.assert_allclose(first, adam_only - 0.1 * 0.5 * x, rtol=1e-14)
    last = adam_only * (1 - 0.1 * 0.5)
    assert np.all(np.abs(last - first) > 1e-3)


# --- wrong notebooks, graded in one `adam-teach grade` call --------------------------------------


def _answers(exercise, **replacements):
    """The solution's answers with, for each grade_id, (old, new) replacements applied: the
    code a learner with this mistake would have written."""
    answers = solution_answers(exercise)
    for grade_id, pairs in replacements.items():
        for old, new in pairs:
            assert old in answers[grade_id], (grade_id, old)
            answers[grade_id] = answers[grade_id].replace(old, new)
    return answers


MOMENTUM_RULE = "velocity = momentum * velocity - learning_rate * g\n    x = x + velocity\n"
RMSPROP_RULE = "v = rho * v + (1 - rho) * g**2\n    x = x - learning_rate * g / np.sqrt(v + epsilon)\n"
AMSGRAD_MAX, AMSGRAD_STEP = "v_max = np.maximum(v_max, v)\n", "v_max_hat = v_max / (1 - beta_2**t)\n"
ADAMW_DECAY = "x = x - learning_rate * weight_decay * x\n"
ADAMW_STEP = "x = x - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)\n"


def _message(table, name):
    return next(m.message for m in table if m.name == name)


M, R = mistakes_05.MOMENTUM_STEP, mistakes_05.RMSPROP_STEP
A, W = mistakes_06.AMSGRAD_STEP, mistakes_06.ADAMW_STEP

# notebook name -> (exercise, {grade_id: [(old, new), ...]}, {grade_id: (score or None for
# "some but not all", sentence)}); one mistake per item, items judged on their own
WRONG = {
    "m_sign_r_epsilon": (EX_05, {
        "momentum_step_solution": [(MOMENTUM_RULE, "velocity = momentum * velocity + learning_rate * g\n"
                                                   "    x = x - velocity\n")],
        "rmsprop_step_solution": [("np.sqrt(v + epsilon)", "(np.sqrt(v) + epsilon)")]},
        {"momentum_step": (0, _message(M, "velocity_sign_flipped")),
         "rmsprop_step": (None, _message(R, "epsilon_outside_sqrt"))}),
    "m_notebook_02_r_g": (EX_05, {
        "momentum_step_solution": [(MOMENTUM_RULE, "velocity = momentum * velocity + g\n"
                                                   "    x = x - learning_rate * velocity\n")],
        "rmsprop_step_solution": [("(1 - rho) * g**2", "(1 - rho) * g")]},
        {"momentum_step": (0, _message(M, "notebook_02_m")), "rmsprop_step": (0, _message(R, "v_from_g"))}),
    "m_forgets_r_undamped": (EX_05, {
        "momentum_step_solution": [("momentum * velocity - learning_rate", "velocity - learning_rate")],
        "rmsprop_step_solution": [("(1 - rho) * g**2", "g**2")]},
        {"momentum_step": (None, _message(M, "velocity_not_decayed")),
         "rmsprop_step": (0, _message(R, "rmsprop_undamped"))}),
    "m_alpha_twice_r_bias": (EX_05, {
        "momentum_step_solution": [("x = x + velocity", "x = x + learning_rate * velocity")],
        "rmsprop_step_solution": [(RMSPROP_RULE, "v = rho * v + (1 - rho) * g**2\n    v_hat = v / (1 - rho)\n"
                                                 "    x = x - learning_rate * g / np.sqrt(v_hat + epsilon)\n")]},
        {"momentum_step": (0, _message(M, "alpha_twice")),
         "rmsprop_step": (0, _message(R, "rmsprop_bias_correction"))}),
    "m_alpha_on_velocity_r_swapped": (EX_05, {
        "momentum_step_solution": [("velocity = momentum * velocity - learning_rate * g",
                                    "velocity = learning_rate * (momentum * velocity - g)")],
        "rmsprop_step_solution": [("rho * v + (1 - rho) * g**2", "(1 - rho) * v + rho * g**2")]},
        {"momentum_step": (None, _message(M, "alpha_on_velocity")),
         "rmsprop_step": (0, _message(R, "rho_swapped"))}),
    "m_old_velocity_r_divide_by_v": (EX_05, {
        "momentum_step_solution": [(MOMENTUM_RULE, "x = x + velocity\n"
                                                   "    velocity = momentum * velocity - learning_rate * g\n")],
        "rmsprop_step_solution": [("np.sqrt(v + epsilon)", "(v + epsilon)")]},
        {"momentum_step": (0, _message(M, "x_moved_by_old_velocity")),
         "rmsprop_step": (0, _message(R, "divide_by_v"))}),
    "m_damped_r_old_v": (EX_05, {
        "momentum_step_solution": [("learning_rate * g", "learning_rate * (1 - momentum) * g")],
        "rmsprop_step_solution": [(RMSPROP_RULE, "x = x - learning_rate * g / np.sqrt(v + epsilon)\n"
                                                 "    v = rho * v + (1 - rho) * g**2\n")]},
        {"momentum_step": (0, _message(M, "damped_momentum")),
         "rmsprop_step": (0, _message(R, "step_with_old_v"))}),
    "m_ascent_r_in_place": (EX_05, {
        "momentum_step_solution": [(MOMENTUM_RULE, "velocity = momentum * velocity + learning_rate * g\n"
                                                   "    x = x + velocity\n")],
        "rmsprop_step_solution": [(RMSPROP_RULE, "v *= rho\n    v += (1 - rho) * g**2\n"
                                                 "    x -= learning_rate * g / np.sqrt(v + epsilon)\n")]},
        {"momentum_step": (0, _message(M, "momentum_ascent")),
         "rmsprop_step": (None, "changed the caller's arrays in place")}),
    "m_in_place_r_returns_step_size": (EX_05, {
        "momentum_step_solution": [(MOMENTUM_RULE, "velocity *= momentum\n    velocity -= learning_rate * g\n"
                                                   "    x += velocity\n")],
        "rmsprop_step_solution": [("return x, v", "return x, v, learning_rate / np.sqrt(v + epsilon)")]},
        {"momentum_step": (None, "changed the caller's arrays in place"),
         "rmsprop_step": (0, "rmsprop_step must return a tuple (x, v) of 2 values; it returned a tuple of 3")}),
    "m_uses_the_course_r_math_sqrt": (EX_05, {
        "momentum_step_solution": [(MOMENTUM_RULE, "from adam_teach.optimizers.momentum import MomentumState\n"
                                                   "    x, state, _ = Momentum(learning_rate, momentum).step(\n"
                                                   "        x, g, MomentumState(0, -velocity / learning_rate))\n"
                                                   "    velocity = -learning_rate * state.m\n")],
        "rmsprop_step_solution": [("np.sqrt(v + epsilon)", "math.sqrt(v + epsilon)"),
                                  ("v = rho", "import math\n    v = rho")]},
        {"momentum_step": (0, "it called a ready-made implementation"),
         "rmsprop_step": (None, "raised TypeError")}),
    "a_max_of_v_hat_w_l2": (EX_06, {
        "amsgrad_step_solution": [(AMSGRAD_MAX + "    m_hat = m / (1 - beta_1**t)\n    " + AMSGRAD_STEP,
                                   "m_hat = m / (1 - beta_1**t)\n    v_hat = v / (1 - beta_2**t)\n"
                                   "    v_max = np.maximum(v_max, v_hat)\n    v_max_hat = v_max\n")],
        "adamw_step_solution": [(ADAMW_DECAY, "g = g + weight_decay * x\n")]},
        {"amsgrad_step": (0, _message(A, "max_of_v_hat")), "adamw_step": (0, _message(W, "l2_in_gradient"))}),
    "a_plain_adam_w_no_alpha": (EX_06, {
        "amsgrad_step_solution": [("    " + AMSGRAD_MAX, ""), ("v_max_hat = v_max / ", "v_max_hat = v / ")],
        "adamw_step_solution": [(ADAMW_DECAY, "x = x - weight_decay * x\n")]},
        {"amsgrad_step": (0, _message(A, "plain_adam")), "adamw_step": (0, _message(W, "decay_without_alpha"))}),
    "a_v_max_is_v_w_after": (EX_06, {
        "amsgrad_step_solution": [("return x, m, v, v_max", "return x, m, v, v")],
        "adamw_step_solution": [("    " + ADAMW_DECAY, ""), (ADAMW_STEP, ADAMW_STEP + "    " + ADAMW_DECAY)]},
        {"amsgrad_step": (None, _message(A, "v_max_returned_is_v")),
         "adamw_step": (0, _message(W, "decay_after_step"))}),
    "a_v_max_not_updated_w_away": (EX_06, {
        "amsgrad_step_solution": [(AMSGRAD_MAX, "new_max = np.maximum(v_max, v)\n"),
                                  ("v_max_hat = v_max /", "v_max_hat = new_max /")],
        "adamw_step_solution": [(ADAMW_DECAY, "x = x + learning_rate * weight_decay * x\n")]},
        {"amsgrad_step": (0, _message(A, "v_max_not_updated")),
         "adamw_step": (0, _message(W, "decay_away_from_zero"))}),
    "a_plain_adam_v_w_constant": (EX_06, {
        "amsgrad_step_solution": [("    " + AMSGRAD_MAX, ""), ("v_max_hat = v_max / ", "v_max_hat = v / "),
                                  ("return x, m, v, v_max", "return x, m, v, v")],
        "adamw_step_solution": [(ADAMW_DECAY, "x = x - learning_rate * weight_decay\n")]},
        {"amsgrad_step": (None, _message(A, "plain_adam_v_max_is_v")),
         "adamw_step": (0, _message(W, "decay_not_proportional"))}),
    "a_max_not_used_w_none": (EX_06, {
        "amsgrad_step_solution": [("v_max_hat = v_max / ", "v_max_hat = v / ")],
        "adamw_step_solution": [("    " + ADAMW_DECAY, "")]},
        {"amsgrad_step": (None, _message(A, "max_not_used")), "adamw_step": (0, _message(W, "no_weight_decay"))}),
    "a_before_update_w_no_correction": (EX_06, {
        "amsgrad_step_solution": [("    " + AMSGRAD_MAX, ""),
                                  ("m = beta_1 * m", "v_max = np.maximum(v_max, v)\n    m = beta_1 * m")],
        "adamw_step_solution": [("m_hat = m / (1 - beta_1**t)", "m_hat = m"), ("v_hat = v / (1 - beta_2**t)", "v_hat = v")]},
        {"amsgrad_step": (0, _message(A, "max_before_update")),
         "adamw_step": (0, _message(W, "adamw_without_bias_correction"))}),
    "a_uncorrected_w_epsilon_hat": (EX_06, {
        "amsgrad_step_solution": [("v_max_hat = v_max / (1 - beta_2**t)", "v_max_hat = v_max")],
        "adamw_step_solution": [(ADAMW_STEP, "alpha_t = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)\n"
                                             "    x = x - alpha_t * m / (np.sqrt(v) + epsilon)\n")]},
        {"amsgrad_step": (0, _message(A, "v_max_not_bias_corrected")),
         "adamw_step": (None, _message(W, "adamw_epsilon_hat_form"))}),
    "a_reddi_w_in_place": (EX_06, {
        "amsgrad_step_solution": [("x = x - learning_rate * m_hat / (np.sqrt(v_max_hat) + epsilon)",
                                   "x = x - learning_rate * m / (np.sqrt(v_max) + epsilon)")],
        "adamw_step_solution": [(ADAMW_DECAY, "x *= 1 - learning_rate * weight_decay\n"),
                                ("m = beta_1 * m + (1 - beta_1) * g", "m *= beta_1\n    m += (1 - beta_1) * g")]},
        {"amsgrad_step": (0, _message(A, "amsgrad_without_bias_correction")),
         "adamw_step": (None, "changed the caller's arrays in place")}),
    "a_epsilon_hat_w_returns_none": (EX_06, {
        "amsgrad_step_solution": [("x = x - learning_rate * m_hat / (np.sqrt(v_max_hat) + epsilon)",
                                   "alpha_t = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)\n"
                                   "    x = x - alpha_t * m / (np.sqrt(v_max) + epsilon)")],
        "adamw_step_solution": [("    return x, m, v\n", "")]},
        {"amsgrad_step": (None, _message(A, "amsgrad_epsilon_hat_form")),
         "adamw_step": (0, "returned None: did you forget `return`?")}),
    "a_epsilon_inside_w_correct_loop": (EX_06, {
        "amsgrad_step_solution": [("np.sqrt(v_max_hat) + epsilon", "np.sqrt(v_max_hat + epsilon)")],
        "adamw_step_solution": [(ADAMW_DECAY, "x = x * (1 - learning_rate * weight_decay)\n")]},
        {"amsgrad_step": (None, _message(A, "amsgrad_epsilon_inside_sqrt")), "adamw_step": (4, "")}),
    "a_python_max_w_uses_the_course": (EX_06, {
        "amsgrad_step_solution": [("np.maximum(v_max, v)", "max(v_max, v)")],
        "adamw_step_solution": [("    x = x - learning_rate * weight_decay * x\n", "    from adam_teach.optimizers.adam import AdamState\n"
                                 "    x, state, _ = AdamW(learning_rate, beta_1, beta_2, epsilon, weight_decay=weight_decay).step(\n"
                                 "        x, g, AdamState(t - 1, m, v))\n    return x, state.m, state.v\n")]},
        {"amsgrad_step": (None, "raised ValueError: The truth value of an array"),
         "adamw_step": (0, "it called a ready-made implementation")}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every wrong notebook, the two solutions and the two untouched exercises, graded in
    one `adam-teach grade --jobs 2` call."""
    def released(exercise):
        return json.loads((COURSE / "exercises" / f"{exercise}.ipynb").read_text(encoding="utf-8"))

    notebooks = {name: solved(released(exercise), _answers(exercise, **replacements))
                 for name, (exercise, replacements, _) in WRONG.items()}
    for exercise in (EX_05, EX_06):
        notebooks[f"untouched_{exercise}"] = released(exercise)
        notebooks[f"solved_{exercise}"] = solved(released(exercise), solution_answers(exercise))
    return grade_in_one_call(tmp_path_factory, notebooks, timeout=60)


def test_the_grade_call_succeeds_for_every_notebook(graded):
    done, out = graded
    assert done.returncode == 0, done.stderr
    for name in WRONG:
        assert results_of(out, name)["tests"], name


@pytest.mark.parametrize("exercise", [EX_05, EX_06])
def test_solved_gets_full_marks_and_untouched_gets_0(graded, exercise):
    _, out = graded
    full = {item.grade_id: item.points for item in answer_key.get(exercise).items}
    assert item_scores(out, f"solved_{exercise}") == full
    assert set(item_scores(out, f"untouched_{exercise}").values()) == {0}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_each_wrong_notebook_loses_the_points_of_its_mistakes_and_is_told_why(graded, name):
    _, out = graded
    exercise, _, expected = WRONG[name]
    full = {item.grade_id: item.points for item in answer_key.get(exercise).items}
    scores, feedback = item_scores(out, name), feedback_of(out, name)
    for grade_id, (score, sentence) in expected.items():
        if score is None:
            assert 0 < scores[grade_id] < full[grade_id], (grade_id, scores)
        else:
            assert scores[grade_id] == score, (grade_id, scores)
        assert sentence in feedback, f"{grade_id}: {sentence!r} not in\n{feedback}"
