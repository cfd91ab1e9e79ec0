"""The self-checks (and the autograder's judge, which they share) name each known mistake,
accept every correct way of writing a function, and never crash on a learner's error."""

import math

import numpy as np
import pytest

from adam_teach import answer_key as assignments, checks
from adam_teach.answer_key import mistakes
from adam_teach.answer_key.base import Case, call_case
from adam_teach.optimizers import Adam
from adam_teach.optimizers.adam import AdamState

# --- correct implementations, written the ways learners write them -------------------------


def cubic(x):
    return x**3 - 2 * x**2 + 2


def cubic_float32(x):
    x = np.float32(x) if np.isscalar(x) else np.asarray(x, dtype=np.float32)
    return x * x * x - np.float32(2) * x * x + np.float32(2)


def cubic_grad(x):
    return 3 * x * x - 4 * x


def gradient_descent_list(grad_fn, x0, learning_rate, steps):
    x = np.asarray(x0, dtype=float)
    path = [x]
    for _ in range(steps):
        x = x - learning_rate * grad_fn(x)
        path.append(x)
    return np.array(path)


def gradient_descent_preallocated(grad_fn, x0, learning_rate, steps):
    x0 = np.asarray(x0, dtype=float)
    path = np.empty((steps + 1,) + x0.shape)
    path[0] = x0
    for k in range(1, steps + 1):
        path[k] = path[k - 1] - learning_rate * grad_fn(path[k - 1])
    return path


def ema_loop(values, beta):
    out, m = [], 0.0
    for g in values:
        m = beta * m + (1 - beta) * g
        out.append(m)
    return np.array(out)


def ema_vectorised(values, beta):
    """m_t = (1 − β) Σ_i β^(t−i) g_i, as a matrix product."""
    values = np.asarray(values, dtype=float)
    t = np.arange(len(values))
    weights = np.tril((1 - beta) * beta ** (t[:, None] - t[None, :]).clip(min=0))
    return weights @ values


def ema_float32(values, beta):
    beta = np.float32(beta)
    out = np.zeros(len(values), dtype=np.float32)
    m = np.float32(0)
    for t, g in enumerate(np.asarray(values, dtype=np.float32)):
        m = beta * m + (np.float32(1) - beta) * g
        out[t] = m
    return out


def debiased_ema_loop(values, beta):
    return np.array([m / (1 - beta ** (t + 1)) for t, m in enumerate(ema_loop(values, beta))])


def debiased_ema_vectorised(values, beta):
    return ema_vectorised(values, beta) / (1 - beta ** np.arange(1, len(values) + 1))


def debiased_ema_float32(values, beta):
    t = np.arange(1, len(values) + 1, dtype=np.float32)
    return ema_float32(values, beta) / (np.float32(1) - np.float32(beta) ** t)


def adam_step_vectorised(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    m_hat = m / (1 - beta_1**t)
    v_hat = v / (1 - beta_2**t)
    return x - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


def adam_step_scalar_loop(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    """Element by element with math.sqrt, the way a first attempt often looks."""
    shape = np.shape(x)
    xs, gs, ms, vs = (np.ravel(np.asarray(a, dtype=float)).tolist() for a in (x, g, m, v))
    for i in range(len(xs)):
        ms[i] = beta_1 * ms[i] + (1 - beta_1) * gs[i]
        vs[i] = beta_2 * vs[i] + (1 - beta_2) * gs[i] * gs[i]
        m_hat = ms[i] / (1 - beta_1**t)
        v_hat = vs[i] / (1 - beta_2**t)
        xs[i] = xs[i] - learning_rate * m_hat / (math.sqrt(v_hat) + epsilon)
    return tuple(np.reshape(a, shape) for a in (xs, ms, vs))


def adam_step_float32(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                      epsilon_hat=False):
    """adam_teach's Adam computing in float32, as Keras does."""
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    optimizer = Adam(learning_rate, beta_1, beta_2, epsilon, epsilon_hat=epsilon_hat, dtype="float32")
    x, state, _ = optimizer.step(f32(x), f32(g), AdamState(t - 1, f32(m), f32(v)))
    return x, state.m, state.v


def adam_step_keras_vectorised(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g * g
    alpha_t = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return x - alpha_t * m / (np.sqrt(v) + epsilon), m, v


def adam_step_keras_float32(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    return adam_step_float32(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon, epsilon_hat=True)


def run_adam_with(step):
    def run_adam(grad_fn, x0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        x = np.asarray(x0, dtype=float)
        m, v = np.zeros_like(x), np.zeros_like(x)
        path = [x]
        for t in range(1, steps + 1):
            x, m, v = step(x, grad_fn(x), m, v, t, learning_rate, beta_1, beta_2, epsilon)
            path.append(np.asarray(x, dtype=float))
        return np.array(path)

    return run_adam


# --- helpers ---------------------------------------------------------------------------------

ITEMS = [(exercise, item.grade_id) for exercise, a in assignments.ASSIGNMENTS.items() for item in a.items]


def verdicts(exercise, grade_id, function):
    """The self-check verdict (visible cases) and the autograder's (hidden cases)."""
    hidden = assignments.get_item(exercise, grade_id)
    return [checks.self_check(exercise, grade_id, function),
            checks.run_item(hidden, {hidden.cases[0].function: function})]


def assert_named(verdict, mistake):
    text = "\n".join(verdict.messages)
    assert not verdict.passed, text
    named = [line for line in verdict.messages[1:] if "looks like" in line]
    assert named, f"{mistake.name} not named:\n{text}"
    for line in named:
        assert mistake.message in line, f"{mistake.name} named as something else:\n{line}"


def mistake_cases():
    tables = {("01_gradient_descent", "cubic"): mistakes.CUBIC,
              ("01_gradient_descent", "cubic_grad"): mistakes.CUBIC_GRAD,
              ("01_gradient_descent", "gradient_descent"): mistakes.GRADIENT_DESCENT,
              ("02_moving_averages", "ema"): mistakes.EMA,
              ("02_moving_averages", "debiased_ema"): mistakes.DEBIASED_EMA,
              ("03_adam", "adam_step"): mistakes.ADAM_STEP,
              ("03_adam", "run_adam"): mistakes.RUN_ADAM,
              ("04_adam_vs_keras", "adam_step_keras"): mistakes.ADAM_STEP_KERAS,
              ("04_adam_vs_keras", "keras_adam_path"): ()}  # real TensorFlow versions below
    return [pytest.param(e, g, m, id=f"{g}-{m.name}") for (e, g), table in tables.items()
            for m in table if not m.mutates]


# --- every listed mistake is named ------------------------------------------------------------


@pytest.mark.parametrize("exercise, grade_id, mistake", mistake_cases())
def test_each_known_mistake_is_named(exercise, grade_id, mistake):
    for verdict in verdicts(exercise, grade_id, mistake.function):
        assert_named(verdict, mistake)


def test_the_brief_s_mistakes_are_all_in_the_catalogue():
    names = {m.name for m in mistakes.ADAM_STEP}
    assert {"missing_bias_correction", "t_off_by_one", "epsilon_inside_sqrt", "epsilon_hat_form",
            "betas_swapped", "v_from_g", "update_with_m", "undamped_moments", "in_place"} <= names
    assert "paper_form" in {m.name for m in mistakes.ADAM_STEP_KERAS}
    assert "ema_undamped" in {m.name for m in mistakes.EMA}


@pytest.mark.parametrize("exercise, grade_id, mistake", [
    ("03_adam", "adam_step", mistakes.ADAM_STEP[-1]),
    ("04_adam_vs_keras", "adam_step_keras", mistakes.ADAM_STEP_KERAS[-1]),
])
def test_in_place_mutation_is_named_and_costs_points(exercise, grade_id, mistake):
    assert mistake.mutates
    for verdict in verdicts(exercise, grade_id, mistake.function):
        assert 0 < verdict.score < verdict.max_score
        assert any("changed the caller's arrays in place" in line for line in verdict.messages)


def test_in_place_ema_on_the_caller_s_values_is_named():
    def ema_overwriting_values(values, beta):
        m = 0.0
        for t in range(len(values)):
            m = beta * m + (1 - beta) * values[t]
            values[t] = m
        return values

    for verdict in verdicts("02_moving_averages", "ema", ema_overwriting_values):
        assert not verdict.passed
        assert all("in place" in line for line in verdict.messages[1:])


def test_call_case_reports_mutation_and_copies_the_case():
    x = np.array([1.0, 2.0])
    case = Case("f", (x,))

    def f(a):
        a += 1
        return a

    outcome = call_case(case, {"f": f})
    assert outcome.mutated and np.array_equal(outcome.value, [2.0, 3.0])
    assert np.array_equal(x, [1.0, 2.0]), "the case's own data must never change"
    assert not call_case(case, {"f": lambda a: a + 1}).mutated


# --- wrong return type or shape --------------------------------------------------------------


@pytest.mark.parametrize("exercise, grade_id, function, expected", [
    ("03_adam", "adam_step", lambda x, g, m, v, t, **k: adam_step_vectorised(x, g, m, v, t, **k)[0],
     "must return a tuple (x, m, v)"),
    ("03_adam", "adam_step", lambda x, g, m, v, t, **k: adam_step_vectorised(x, g, m, v, t, **k)[:2],
     "must return a tuple (x, m, v)"),
    ("03_adam", "adam_step", lambda *a, **k: None, "returned None: did you forget `return`?"),
    ("03_adam", "adam_step", lambda *a, **k: {"x": 1}, "must return a tuple (x, m, v)"),
    ("03_adam", "adam_step",
     lambda x, g, m, v, t, **k: tuple(np.asarray(a)[None] for a in adam_step_vectorised(x, g, m, v, t, **k)),
     "has shape"),
    ("01_gradient_descent", "gradient_descent",
     lambda *a: list(gradient_descent_list(*a)), "must return a NumPy array"),
    ("01_gradient_descent", "gradient_descent",
     lambda *a: gradient_descent_list(*a)[1:], "return steps + 1 iterates, x0 first"),
    ("03_adam", "run_adam", lambda *a, **k: np.asarray(run_adam_with(adam_step_vectorised)(*a, **k)[-1]),
     "shape"),
    ("02_moving_averages", "ema", lambda values, beta: ema_loop(values, beta)[-1], "shape"),
])
def test_wrong_return_type_or_shape_is_named(exercise, grade_id, function, expected):
    for verdict in verdicts(exercise, grade_id, function):
        assert verdict.score == 0
        assert all(expected in line for line in verdict.messages[1:]), verdict.messages


# --- every correct variant passes -------------------------------------------------------------


@pytest.mark.parametrize("exercise, grade_id, function", [
    ("01_gradient_descent", "cubic", cubic),
    ("01_gradient_descent", "cubic", cubic_float32),
    ("01_gradient_descent", "cubic_grad", cubic_grad),
    ("01_gradient_descent", "gradient_descent", gradient_descent_list),
    ("01_gradient_descent", "gradient_descent", gradient_descent_preallocated),
    ("02_moving_averages", "ema", ema_loop),
    ("02_moving_averages", "ema", ema_vectorised),
    ("02_moving_averages", "ema", ema_float32),
    ("02_moving_averages", "debiased_ema", debiased_ema_loop),
    ("02_moving_averages", "debiased_ema", debiased_ema_vectorised),
    ("02_moving_averages", "debiased_ema", debiased_ema_float32),
    ("03_adam", "adam_step", adam_step_vectorised),
    ("03_adam", "adam_step", adam_step_scalar_loop),
    ("03_adam", "adam_step", adam_step_float32),
    ("03_adam", "run_adam", run_adam_with(adam_step_vectorised)),
    ("03_adam", "run_adam", run_adam_with(adam_step_scalar_loop)),
    ("03_adam", "run_adam", run_adam_with(adam_step_float32)),
    ("04_adam_vs_keras", "adam_step_keras", adam_step_keras_vectorised),
    ("04_adam_vs_keras", "adam_step_keras", adam_step_keras_float32),
], ids=lambda value: getattr(value, "__name__", None))
def test_correct_variants_pass(exercise, grade_id, function):
    for verdict in verdicts(exercise, grade_id, function):
        assert verdict.passed, "\n".join(verdict.messages)
        assert verdict.score == verdict.max_score
        assert verdict.messages[0].startswith("✓")


# --- errors give messages, never a crash -------------------------------------------------------


def test_a_raising_function_gets_a_message():
    def broken(*args, **kwargs):
        raise ValueError("operands could not be broadcast together")

    for exercise, grade_id in ITEMS:
        if grade_id == "keras_adam_path":
            continue
        for verdict in verdicts(exercise, grade_id, broken):
            assert verdict.score == 0
            assert all("raised ValueError: operands could not be broadcast" in line
                       for line in verdict.messages[1:])


def test_not_written_yet_says_so(capsys):
    def adam_step(*args, **kwargs):
        raise NotImplementedError()

    checks.check_adam_step(adam_step)
    out = capsys.readouterr().out
    assert out.startswith("✗ adam_step: 0 of 3 checks passed")
    assert "not written yet: replace `raise NotImplementedError()`" in out


def test_a_float_division_by_zero_is_traced_to_t():
    """With Python floats, t − 1 at t = 1 raises instead of giving inf: still named."""
    def adam_step(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
        m_hat = m / (1 - beta_1 ** (t - 1))
        v_hat = v / (1 - beta_2 ** (t - 1))
        return x - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v

    verdict = checks.self_check("03_adam", "adam_step", adam_step)
    assert verdict.messages[1].startswith("✗ adam_step(x=1, g=2, m=0, v=0, t=1): raised "
                                          "ZeroDivisionError: float division by zero; looks like "
                                          "t is off by one")
    assert all("t is off by one" in line for line in verdict.messages[2:])


def test_printed_check_has_one_mark_per_case(capsys):
    checks.check_ema(ema_loop)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "✓ ema: all 2 checks passed."
    assert len(lines) == 3 and all(line.startswith("  ✓ ema(") for line in lines[1:])


# --- keras_adam_path, against real TensorFlow ----------------------------------------------------


def keras_path(x0, steps, learning_rate=0.05, epsilon=1e-7, *, append_variable=False,
               ignore_arguments=False):
    from adam_teach.keras_reference import import_tensorflow

    tf = import_tensorflow()
    if ignore_arguments:
        learning_rate, epsilon = 0.05, 1e-7
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, epsilon=epsilon)
    x = tf.Variable(x0, dtype=tf.float32)
    path = [x if append_variable else x.numpy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            y = x**3 - 2 * x**2 + 2
        optimizer.apply_gradients([(tape.gradient(y, x), x)])
        path.append(x if append_variable else x.numpy())
    return path if append_variable else np.array(path)


def test_keras_adam_path_passes_with_real_keras():
    for verdict in verdicts("04_adam_vs_keras", "keras_adam_path", keras_path):
        assert verdict.passed, verdict.messages


@pytest.mark.parametrize("options, mistake", [
    ({"ignore_arguments": True}, mistakes.KERAS_ADAM_PATH[1]),
])
def test_keras_adam_path_mistakes_are_named(options, mistake):
    def wrong(*args, **kwargs):
        return keras_path(*args, **kwargs, **options)

    for verdict in verdicts("04_adam_vs_keras", "keras_adam_path", wrong):
        assert_named(verdict, mistake)


def test_appending_the_tf_variable_is_named():
    def wrong(*args, **kwargs):
        return np.array(keras_path(*args, **kwargs, append_variable=True))

    for verdict in verdicts("04_adam_vs_keras", "keras_adam_path", wrong):
        assert_named(verdict, mistakes.KERAS_ADAM_PATH[0])


def test_numpy_paper_adam_instead_of_keras_is_named():
    from adam_teach.objectives import cubic as cubic_objective

    def wrong(x0, steps, learning_rate=0.05, epsilon=1e-7):
        return run_adam_with(adam_step_vectorised)(cubic_objective.grad, x0, steps,
                                                   learning_rate, epsilon=epsilon)

    hidden = assignments.get_item("04_adam_vs_keras", "keras_adam_path")
    assert_named(checks.run_item(hidden, {"keras_adam_path": wrong}), mistakes.KERAS_ADAM_PATH[2])


# --- the registry --------------------------------------------------------------------------------


def test_registry_lookup_errors_are_clear():
    with pytest.raises(KeyError, match="unknown exercise '05_nope'; the exercises are 01_"):
        assignments.get("05_nope")
    with pytest.raises(KeyError, match="has no item 'adam'; its items are adam_step, run_adam"):
        assignments.get_item("03_adam", "adam")


@pytest.mark.parametrize("exercise, grade_id", ITEMS)
def test_hidden_inputs_differ_from_the_visible_ones(exercise, grade_id):
    hidden = assignments.get_item(exercise, grade_id).cases
    visible = assignments.get_item(exercise, grade_id, visible=True).cases
    assert hidden and visible
    if not all(case.read for case in hidden + visible):  # a read case is the learner's answer itself
        assert {repr(c) for c in hidden}.isdisjoint({repr(c) for c in visible})
    assert assignments.get_item(exercise, grade_id).points == \
        assignments.get_item(exercise, grade_id, visible=True).points


def test_function_references_resolve():
    from adam_teach.answer_key.base import resolve
    from adam_teach.objectives import cubic as cubic_objective

    assert resolve("adam_teach.objectives:cubic.grad", {}) is cubic_objective.grad
    assert resolve("cubic_grad", {"cubic_grad": cubic_grad}) is cubic_grad
    with pytest.raises(NameError, match="write the function cubic_grad first"):
        resolve("cubic_grad", {})
    with pytest.raises(ValueError, match="must point into adam_teach"):
        resolve("os:system", {})
