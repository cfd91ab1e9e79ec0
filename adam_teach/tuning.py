"""Exercise 09's tuning challenge: choose an optimiser and its hyper-parameters so that
Rosenbrock's function, started at (−1.5, 2.5) as in notebook 07, ends below a target within a
fixed budget of steps.

A choice is a dict that names one of the course's optimisers (adam_teach.optimizers) and its
settings, with Keras's names (the names of the optimisers' constructors):

    choice = {"optimizer": "adam", "learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999,
              "epsilon": 1e-8}

"optimizer" and "learning_rate" are required; a setting left out takes the optimiser's
default. The budget (STEPS) and the start points are not the learner's to choose.

Scoring (the same here, in the self-check and in the grader): the choice runs STEPS steps
from each start; f at the last iterate of the worst run counts, and earns
    points = POINTS − log₁₀(f / TARGET), kept between 0 and POINTS
(full marks at f ≤ TARGET, one point less for each factor of ten above it); a run that
diverges earns 0.

    from adam_teach import tuning
    tuning.try_choice({"optimizer": "adam", "learning_rate": 0.001})   # paths and losses
    tuning.scan({"optimizer": "sgd"}, [0.0005, 0.001, 0.0015])          # several α at once

`read_choice` turns a learner's value into an optimiser, or into sentences that say what is
wrong with it and how to fix it; it never raises, whatever the value (the grader judges
submitted choices with it).
"""

import dataclasses
import difflib
import functools
import math
from typing import NamedTuple

import numpy as np

from . import objectives, plotting
from .optimizers import SGD, AdaMax, Adagrad, Adam, Momentum, RMSprop
from .optimizers.base import CHECKS
from .runner.calls import quietly
from .trace import run

OBJECTIVE = objectives.rosenbrock
START = (-1.5, 2.5)  # notebook 07's start on Rosenbrock
# The self-check's starts: the exercise's and two 0.1 away. The grader runs the exercise's
# start and two other starts 0.1 away, so a choice that only works by luck from one start
# (a path that bounces off the valley walls and happens to land well) does not win.
PRACTICE_STARTS = (START, (-1.4, 2.5), (-1.5, 2.6))
STEPS = 1000
TARGET = 1e-4
TARGET_TEXT = "1e-4"
POINTS = 4  # also the number of factors of ten above TARGET at which the points reach 0

OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "rmsprop": RMSprop, "adagrad": Adagrad,
              "adam": Adam, "adamax": AdaMax}
MAX_KEYS = 100  # a dict with more keys is not read any further
MAX_PROBLEMS = 6  # sentences said about one choice

EXAMPLE = '{"optimizer": "adam", "learning_rate": 0.01}'


# --- the settings each optimiser takes ----------------------------------------------------------


def settings_of(optimizer_class):
    """{setting: default} of an optimiser: its constructor's fields but the dtype."""
    return {f.name: f.default for f in dataclasses.fields(optimizer_class) if f.name != "dtype"}


def _is_flag(optimizer_class, setting):
    return isinstance(settings_of(optimizer_class)[setting], bool)


def _settings_list(optimizer_class):
    return ", ".join(settings_of(optimizer_class))


# What a setting must be, by the check the optimisers apply to it (optimizers.base.CHECKS).
_RULES = {
    "positive_finite": ("a finite number > 0", "0.01"),
    "decay_rate": ("a number in [0, 1)", "0.9"),
    "non_negative": ("a finite number ≥ 0", "1e-07"),
}

# Keys that try to change what is not the learner's to choose.
_BUDGET_WORDS = ("step", "iter", "epoch", "budget")
_START_KEYS = {"x0", "x_0", "start", "starts", "start_point", "starting_point", "initial_point",
               "init", "x", "point", "initial"}

# Other names for a setting, as learners write them (normalised: lower case, no "_", "-", " ").
_SYNONYMS = {"lr": "learning_rate", "alpha": "learning_rate", "stepsize": "learning_rate",
             "eta": "learning_rate", "learningrate": "learning_rate", "rate": "learning_rate",
             "beta1": "beta_1", "b1": "beta_1", "beta2": "beta_2", "b2": "beta_2",
             "eps": "epsilon", "mu": "momentum"}
# A setting of one optimiser written for another, and what it is called there.
_CROSS = {
    "adam": {"momentum": "beta_1", "mu": "beta_1", "rho": "beta_2"},
    "adamax": {"momentum": "beta_1", "mu": "beta_1", "rho": "beta_2"},
    "momentum": {"beta": "momentum", "beta_1": "momentum", "beta1": "momentum"},
    "rmsprop": {"beta": "rho", "beta_2": "rho", "beta2": "rho"},
}
_OTHER_OPTIMIZERS = {"adamw": "AdamW is not part of this challenge",
                     "nadam": "Nadam is not part of this course",
                     "amsgrad": 'AMSGrad is Adam with "amsgrad": True',
                     "nesterov": "Nesterov momentum is not part of this course",
                     "gd": 'plain gradient descent is "sgd"',
                     "gradientdescent": 'plain gradient descent is "sgd"',
                     "heavyball": 'heavy-ball momentum is "momentum"'}
# Keys a learner may use for the optimiser's name.
_NAME_KEYS = ("optimizer", "optimiser", "opt", "method", "algorithm", "name", "optim")


def _normal(text):
    return "".join(ch for ch in text.lower() if ch.isalnum())


# --- reading a choice -------------------------------------------------------------------------------


class Reading(NamedTuple):
    """What `read_choice` made of a value: the optimiser (None if the value is not a valid
    choice), a short description of the choice, and the problems, each a sentence."""

    optimizer: object
    label: str
    problems: tuple


def _show(value, limit=40):
    """repr(value), shortened; never raises (a learner's __repr__ may)."""
    try:
        text = repr(value)
    except Exception as error:  # noqa: BLE001
        text = f"<a {type(value).__name__} whose repr raised {type(error).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _quoted(text):
    """A learner's key or name as "text" (double quotes, like the rest of the sentence);
    repr for text that would not read well that way."""
    if isinstance(text, str) and len(text) <= 40 and text.isprintable() and '"' not in text:
        return f'"{text}"'
    return _show(text)


def _a(noun):
    """'a list', 'an int'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _kind(value):
    """'a list of 2', 'the text "x"', 'None', 'a Fraction', ... (what a value is, in words)."""
    from .runner.wire import Unsupported

    if value is None:
        return "None"
    if isinstance(value, Unsupported):
        return f"{_a(value.type_name)} (which the grader cannot read)"
    if isinstance(value, (bool, np.bool_)):
        return f"{bool(value)}, a bool"
    if isinstance(value, str):
        return f"the text {_quoted(value)}"
    if isinstance(value, (list, tuple, set, dict)):
        return f"{_a(type(value).__name__)} of {len(value)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, type):
        return f"the class {value.__name__} (not an instance or a number)"
    if callable(value):
        return f"a function ({_show(value)})"
    return _a(type(value).__name__)


def _number(value):
    """(a plain float, "") or (None, what the value is instead). Accepts what survives the
    grader's wire unchanged: int, float, NumPy integer and floating scalars (and 0-d arrays of
    them); not bool, not text, not Fraction or Decimal."""
    from .runner.wire import DTYPES

    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.name in DTYPES:
        value = value[()]
    if isinstance(value, (bool, np.bool_)):
        return None, _kind(value)
    try:
        if isinstance(value, float):
            number = float(value)  # what the grader's wire sends for it
        elif isinstance(value, int):
            number = int.__float__(value)
        elif isinstance(value, (np.floating, np.integer)) and value.dtype.name in DTYPES:
            number = float(value)
        else:
            return None, _kind(value)
        return float.__float__(number), ""
    except OverflowError:
        return None, "a number too large for a float"
    except (TypeError, ValueError):
        return None, f"{_kind(value)} that cannot be read as a float"


def _check_setting(optimizer_class, setting, value):
    """(the value for the constructor, "") or (None, a sentence saying what is wrong)."""
    if _is_flag(optimizer_class, setting):
        if isinstance(value, (bool, np.bool_)):
            return bool(value), ""
        return None, f'"{setting}" must be True or False, not {_kind(value)}.'
    rule_name = CHECKS[setting].__name__ if setting in CHECKS else "non_negative"
    rule, example = _RULES.get(rule_name, _RULES["non_negative"])
    number, kind = _number(value)
    if number is None:
        if isinstance(value, str):
            try:
                float(value)
                return None, (f'"{setting}" is the text {_quoted(value)}: remove the quotes, '
                              f'e.g. "{setting}": {example}.')
            except ValueError:
                pass
        return None, f'"{setting}" must be {rule}, such as {example}, not {kind}.'
    ok = {"positive_finite": math.isfinite(number) and number > 0,
          "decay_rate": 0 <= number < 1,
          "non_negative": math.isfinite(number) and number >= 0}.get(rule_name, True)
    if not ok:
        why = ""
        if rule_name == "positive_finite" and math.isfinite(number) and number <= 0:
            why = " (a learning rate ≤ 0 does not go downhill)"
        if rule_name == "decay_rate" and number >= 1:
            why = " (a decay rate of 1 or more never forgets, or grows without bound)"
        return None, f'"{setting}" must be {rule}, such as {example}; got {_show(number)}{why}.'
    return number, ""


def _unknown_key_problem(key, name, optimizer_class):
    """The sentence for a key that `optimizer_class` (None if the optimiser is unknown) does
    not take."""
    normal = _normal(key)
    shown = _quoted(key)
    is_learning_rate = _SYNONYMS.get(normal) == "learning_rate"  # "step_size" is no budget
    if not is_learning_rate and any(word in normal for word in _BUDGET_WORDS):
        return (f"the budget is fixed: every choice gets {STEPS} steps, so {shown} cannot change "
                f"it. Remove {shown} from choice.")
    if normal in {_normal(k) for k in _START_KEYS}:
        return (f"the start points are fixed by the exercise (and the grader), so {shown} "
                f"cannot change them. Remove {shown} from choice.")
    if normal == "dtype":
        return (f"the arithmetic is fixed (float64), so {shown} cannot change it. Remove {shown} "
                "from choice.")
    if optimizer_class is None:
        return ""  # said once the optimiser is right
    title = optimizer_class.__name__
    settings = settings_of(optimizer_class)
    if name == "sgd" and normal in ("momentum", "mu", "nesterov"):
        return (f'the course\'s SGD has no {shown}: for gradient descent with momentum write '
                f'"optimizer": "momentum" (Keras\'s SGD(momentum=0.9) is the course\'s '
                f'Momentum(momentum=0.9)).')
    cross = _CROSS.get(name, {})
    meant = cross.get(key.lower(), cross.get(normal)) or _SYNONYMS.get(normal)
    if meant in settings:
        return (f'{title} has no {shown}: write "{meant}" instead (its settings are '
                f"{_settings_list(optimizer_class)}).")
    close = difflib.get_close_matches(key.lower(), list(settings), n=1, cutoff=0.75)
    if close:
        return (f'{title} has no {shown}: did you mean "{close[0]}"? (its settings are '
                f"{_settings_list(optimizer_class)})")
    owners = [cls.__name__ for cls in OPTIMIZERS.values() if key in settings_of(cls)]
    whose = f" ({shown} is a setting of {' and '.join(owners)})" if owners else ""
    return (f"{title} has no setting {shown}{whose}: remove it. {title}'s settings are "
            f"{_settings_list(optimizer_class)}.")


def _optimizer_name(value):
    """(the key of OPTIMIZERS, "") or (None, a sentence)."""
    names = ", ".join(f'"{name}"' for name in OPTIMIZERS)
    if isinstance(value, str):
        value = str.__str__(value)  # a subclass's own lower(), __eq__ ... are not used
    else:
        return None, (f'"optimizer" must be the name of an optimiser in quotes, one of {names}; '
                      f"it is {_kind(value)}. Its settings go in choice itself, e.g. {EXAMPLE}.")
    normal = _normal(value)
    for name in OPTIMIZERS:
        if normal == name:
            return name, ""
    if normal in _OTHER_OPTIMIZERS:
        return None, (f"unknown optimiser {_quoted(value)}: {_OTHER_OPTIMIZERS[normal]}. "
                      f"Choose one of {names}.")
    close = difflib.get_close_matches(normal, list(OPTIMIZERS), n=1, cutoff=0.6)
    hint = f' Did you mean "{close[0]}"?' if close else ""
    return None, f"unknown optimiser {_quoted(value)}.{hint} Choose one of {names}."


def _plain_items(value):
    """The (key, value) pairs of a dict, as the grader's wire reads them (its items(), the
    keys as plain str): a subclass is judged on what it holds, as a plain dict; its __eq__,
    __getitem__, __contains__ ... are never used."""
    pairs = []
    for key, item in list(value.items())[:MAX_KEYS + 1]:
        if isinstance(key, str):
            key = str.__str__(key)
        pairs.append((key, item))
    return pairs


def read_choice(value):
    """A Reading of a learner's `choice`: the optimiser it asks for, or the problems, each a
    sentence naming what is wrong and how to fix it. Never raises."""
    try:
        with quietly():
            return _read_choice(value)
    except Exception as error:  # noqa: BLE001 (anything a learner's value does, we report)
        return Reading(None, "choice", (f"choice could not be read ({type(error).__name__}): "
                                        f"make it a plain dict such as {EXAMPLE}.",))


def _read_choice(value):
    from .runner.wire import Unsupported

    if isinstance(value, Unsupported) and value.type_name == "dict":
        return Reading(None, "choice", ("choice is a dict the grader cannot read: every key must "
                                        f'be text in quotes, such as "learning_rate", e.g. {EXAMPLE}.',))
    if not isinstance(value, dict):
        fix = f"write a dict with braces and quoted keys, e.g. choice = {EXAMPLE}"
        if isinstance(value, (list, tuple)):
            fix += " (a list of (key, value) pairs becomes one with dict(...))"
        return Reading(None, "choice", (f"choice must be a dict; it is {_kind(value)}: {fix}.",))
    size = dict.__len__(value)
    if size > MAX_KEYS:
        return Reading(None, "choice", (f"choice has {size} keys; an optimiser takes at most "
                                        f"{max(len(settings_of(c)) for c in OPTIMIZERS.values()) + 1}: "
                                        f"keep only \"optimizer\" and its settings, e.g. {EXAMPLE}.",))
    pairs = _plain_items(value)
    problems = []
    strings = []
    for key, item in pairs:
        if isinstance(key, str):
            strings.append((key, item))
        else:
            problems.append(f"the key {_show(key)} is not text: write every key in quotes, "
                            f'e.g. "learning_rate".')
    given = dict(strings)
    name, optimizer_class = None, None
    if "optimizer" in given:
        name, problem = _optimizer_name(given["optimizer"])
        if problem:
            problems.append(problem)
        else:
            optimizer_class = OPTIMIZERS[name]
    else:
        close = [k for k in given if _normal(k) in _NAME_KEYS]
        spelt = (f' (you wrote {_quoted(close[0])}: the key is spelt "optimizer", as in Keras)'
                 if close else "")
        problems.append(f'choice has no "optimizer"{spelt}: add one, e.g. {EXAMPLE}.')
    settings = settings_of(optimizer_class) if optimizer_class else {}
    values = {}
    for key, item in strings:
        if key == "optimizer" or (not optimizer_class and _normal(key) in _NAME_KEYS):
            continue
        if key in settings:
            number, problem = _check_setting(optimizer_class, key, item)
            if problem:
                problems.append(problem)
            else:
                values[key] = number
            continue
        problem = _unknown_key_problem(key, name, optimizer_class)
        if problem:
            problems.append(problem)
    named_otherwise = any(_SYNONYMS.get(_normal(key)) == "learning_rate" for key in given)
    if optimizer_class and "learning_rate" not in given and not named_otherwise:
        problems.append(f'choice has no "learning_rate": add one, e.g. "learning_rate": 0.01 '
                        "(finding a good one is most of this challenge).")
    label = _label(optimizer_class, values) if optimizer_class else "choice"
    if problems:
        return Reading(None, label, tuple(dict.fromkeys(problems))[:MAX_PROBLEMS])
    try:
        with quietly():
            optimizer = optimizer_class(**values)
    except (TypeError, ValueError) as error:  # the optimiser's own checks, as a last line
        return Reading(None, label, (f"{label} cannot be made: {error}",))
    return Reading(optimizer, label, ())


def _label(optimizer_class, values):
    """'Adam(learning_rate=0.01, beta_2=0.95)': the settings the choice gives, in the
    constructor's order."""
    ordered = [(k, values[k]) for k in settings_of(optimizer_class) if k in values]
    shown = ", ".join(f"{k}={v!r}" if isinstance(v, bool) else f"{k}={v:g}" for k, v in ordered)
    return f"{optimizer_class.__name__}({shown})"


# --- running a choice ---------------------------------------------------------------------------


class Run(NamedTuple):
    """One run of a choice: where it started, f at its last iterate (inf if it diverged),
    and the step at which it diverged (0 if it did not)."""

    start: tuple
    f: float
    diverged_at: int


def trace_of(optimizer, start):
    """The Trace of `optimizer` on Rosenbrock for STEPS steps from `start`."""
    with quietly():
        return run(optimizer, OBJECTIVE, start, STEPS)


def run_of(trace, start):
    if trace.diverged:
        return Run(tuple(start), math.inf, trace.steps + 1)
    return Run(tuple(start), float(trace.f[-1]), 0)


@functools.lru_cache(maxsize=512)
def runs(optimizer, starts):
    """One Run per start (a tuple of (x, y) tuples). The optimisers are frozen dataclasses of
    plain numbers, so a choice already run from these starts is not run again."""
    return tuple(run_of(trace_of(optimizer, start), start) for start in starts)


def points_for(f):
    """The points a final loss f earns: POINTS − log₁₀(f / TARGET), kept in [0, POINTS]; 0 for a
    run that diverged (f = inf or NaN). Rounded to 0.01; never increases with f."""
    if f is None or not math.isfinite(f):
        return 0.0
    if f <= TARGET:
        return float(POINTS)
    return round(min(max(POINTS - math.log10(f / TARGET), 0.0), float(POINTS)), 2)


def decades_above_target(f):
    """How many factors of ten f is above TARGET (0 at or below it)."""
    return max(math.log10(f / TARGET), 0.0) if math.isfinite(f) and f > 0 else 0.0


def worst(results):
    """The Run that counts: a diverged one if any, else the one with the largest f."""
    return max(results, key=lambda r: (r.diverged_at > 0, r.f))


def show_start(start):
    return f"({start[0]:g}, {start[1]:g})"


def show_f(f):
    return f"{f:.2g}"


def _end(result):
    return f"diverged at step {result.diverged_at}" if result.diverged_at else f"f = {show_f(result.f)}"


# --- what the learner calls -------------------------------------------------------------------


def _read_or_say(choice):
    reading = read_choice(choice)
    if reading.optimizer is None:
        print(f"✗ {reading.label} is not a valid choice:")
        for problem in reading.problems:
            print(f"  {problem}")
    return reading


def try_choice(choice, starts=PRACTICE_STARTS, plot=True):
    """Run `choice` for STEPS steps from each start, print f where each run ends and the
    points the worst one would earn, and draw the paths on Rosenbrock's contours and the loss
    curves (log scale). A choice that is not valid gets sentences saying what to fix.
    (tuning.trace_of(optimizer, start) gives a run's whole Trace.)"""
    reading = _read_or_say(choice)
    if reading.optimizer is None:
        return
    starts = tuple(tuple(float(v) for v in start) for start in starts)
    traces = {start: trace_of(reading.optimizer, start) for start in starts}
    results = [run_of(trace, start) for start, trace in traces.items()]
    print(f"{reading.label}, {STEPS} steps:")
    for result in results:
        print(f"  from {show_start(result.start)}: {_end(result)}")
    counted = worst(results)
    print(f"  worst: {'diverged' if counted.diverged_at else f'f = {show_f(counted.f)}'} → "
          f"{points_for(counted.f):g} of {POINTS} points (target f ≤ {TARGET_TEXT})")
    if plot:
        draw(reading.label, traces, style_name(reading.optimizer))
        plotting.plt.show()


def style_name(optimizer):
    """The name of the optimiser's look in every figure (plotting.optimizer_style)."""
    return "AMSGrad" if getattr(optimizer, "amsgrad", False) else type(optimizer).__name__


LINE_STYLES = ("-", "--", ":")  # the runs from the starts, in the optimiser's colour
TARGET_STYLE = dict(color=plotting.PALETTE["black"], ls="-.", lw=1)


def draw(label, traces, optimizer="Adam"):
    """Contours of Rosenbrock with each run's path, and f along each run (log scale); the
    legends below the axes. Every run is drawn in the colour and marker of `optimizer`
    (plotting.optimizer_style), as it is in every figure of the course; the starts differ
    in line style. A path that leaves the view runs off its edge."""
    fig, (ax_path, ax_loss) = plotting.subplots(ncols=2, width=4.7, height=5.0)
    plotting.plot_contours(ax_path, OBJECTIVE, num=150)
    style = plotting.optimizer_style(optimizer)
    lowest = TARGET
    for i, (start, trace) in enumerate(traces.items()):
        result = run_of(trace, start)
        name = f"from {show_start(start)}: {_end(result)}"
        line_style = LINE_STYLES[i % len(LINE_STYLES)]
        line, _, _ = plotting.plot_path_2d(ax_path, trace.x, label=name, color=style["color"],
                                           with_labels=(i == len(traces) - 1))
        line.set_linestyle(line_style)
        ax_loss.semilogy(np.arange(len(trace.f)), trace.f, color=style["color"], ls=line_style, lw=1.2,
                         marker=style["marker"], markevery=(25 * i, 100), label=name)
        positive = trace.f[trace.f > 0]
        lowest = min(lowest, float(positive.min()) if positive.size else lowest)
    ax_loss.axhline(TARGET, **TARGET_STYLE, label=f"target f = {TARGET_TEXT}")
    ax_loss.set_ylim(max(lowest / 3, 1e-16), 1e3)  # a diverging run leaves through the top
    ax_loss.set_xlim(0, STEPS)
    fig.suptitle(f"{label} on Rosenbrock's function", fontsize=11)
    plotting.label(ax_path, "paths from each start", "x", "y", legend=False)
    plotting.label(ax_loss, f"f along the runs ({STEPS} steps)", "step t", "f(x_t) (log scale)",
                   legend=False)
    for ax in (ax_path, ax_loss):
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=1)
    return fig


def scan(choice, learning_rates, starts=PRACTICE_STARTS):
    """Try `choice` (without its learning_rate, or with one that is replaced) with each α in
    `learning_rates`: print the worst final f and its points for each. Returns {α: worst f}."""
    if not isinstance(choice, dict):
        _read_or_say(choice)
        return {}
    starts = tuple(tuple(float(v) for v in start) for start in starts)
    table = {}
    for learning_rate in learning_rates:
        reading = _read_or_say({**choice, "learning_rate": learning_rate})
        if reading.optimizer is None:
            return table
        counted = worst(runs(reading.optimizer, starts))
        end = (f"diverged from {show_start(counted.start)} at step {counted.diverged_at}"
               if counted.diverged_at else f"worst f = {show_f(counted.f)}")
        print(f"  {reading.label}: {end} → {points_for(counted.f):g} points")
        table[learning_rate] = counted.f
    return table
