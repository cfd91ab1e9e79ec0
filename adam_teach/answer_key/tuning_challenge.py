"""Exercise 09: the tuning challenge. The learner assigns `choice`, a dict naming one of the
course's optimisers and its hyper-parameters (Keras's names; adam_teach.tuning describes the
format); the grader reads the dict (`Case("choice", read=True)`) and runs the choice itself,
in its own process, with adam_teach.optimizers on Rosenbrock's function: nothing the learner
reports is trusted, only the settings.

The case carries the start points its judge runs the choice from (a read case passes no
arguments to the learner's code): the self-check's are the exercise's start (−1.5, 2.5) and
two starts 0.1 away (tuning.PRACTICE_STARTS); the grader's are the exercise's start and two
other starts 0.1 away, so a choice that lands well from one start by luck does not win.

Scoring (tuning.points_for): f at the last of tuning.STEPS = 1000 steps, in the worst of the
three runs, earns 4 − log₁₀(f / 10⁻⁴) points, kept in [0, 4]; a diverged run earns 0. The
target and budget were set by measurement (tuning_challenge_mistakes has the numbers): plain
SGD at its best α ends near f = 0.2 (about 1.4 points at most), Adam with its default α =
0.001 near f = 6 (0 points); Adam with α ≈ 0.2, or with β₂ = 0.95 and α ≈ 0.01, and momentum
with α ≈ 0.001 reach the target from every start.

A value that is not a valid choice (not a dict, an unknown optimiser or key, a `steps` key,
text, None, NaN, a negative or overflowing number ...) earns 0 with a sentence that names
the problem and the fix (tuning.read_choice); the judge never raises.
"""

from dataclasses import dataclass
from functools import partial

from .. import tuning
from . import tuning_challenge_mistakes as mistakes
from .base import Assignment, Case, Item, Verdict

EXERCISE = "09_tuning_challenge"
VARIABLE = "choice"
GRADE_ID = "tuning_choice"
GRADER_STARTS = (tuning.START, (-1.6, 2.5), (-1.5, 2.4))

# A choice that reaches the target from every start (the solution notebook's).
MODEL_CHOICE = {"optimizer": "adam", "learning_rate": 0.01, "beta_1": 0.95, "beta_2": 0.95,
                "epsilon": 1e-8}


@dataclass(frozen=True)
class Challenge:
    """What the item grades. `function` and `reference` are what judging.reference_namespace
    lists for every item: the variable's name and a right answer."""

    variable: str = VARIABLE

    @property
    def function(self):
        return self.variable

    @property
    def reference(self):
        return lambda: dict(MODEL_CHOICE)


CHALLENGE = Challenge()


def _unreadable(outcome):
    if outcome.error.startswith("NameError"):
        return (f"not written yet: `{VARIABLE}` is not defined. Replace `raise "
                f"NotImplementedError()` in the answer cell with your dict, e.g. "
                f"{VARIABLE} = {tuning.EXAMPLE}, and run that cell.")
    return (f"{VARIABLE} could not be read ({outcome.error[:200]}): make it a plain dict of "
            f"text and numbers, e.g. {tuning.EXAMPLE}.")


def _zero(points, summary, lines=()):
    return Verdict(0.0, points, (f"✗ {summary}", *lines))


def _run_line(run):
    if run.diverged_at:
        return (f"✗ from {tuning.show_start(run.start)}: diverged at step {run.diverged_at} "
                "(x, f or the gradient overflowed to inf or NaN)")
    mark = "✓" if run.f <= tuning.TARGET else "✗"
    return f"{mark} from {tuning.show_start(run.start)}: f(x_{tuning.STEPS}) = {tuning.show_f(run.f)}"


def judge_choice(challenge, points, starts, outcomes):
    """The Verdict on the learner's choice, run from `starts` for tuning.STEPS steps."""
    outcomes = list(outcomes)
    if len(outcomes) != 1:
        raise ValueError(f"the {challenge.variable} item has one outcome, got {len(outcomes)}")
    outcome = outcomes[0]
    if outcome.error:
        return _zero(points, f"{challenge.variable}: {_unreadable(outcome)}")
    reading = tuning.read_choice(outcome.value)
    if reading.optimizer is None:
        return _zero(points, f"{challenge.variable}: not a valid choice, 0 of {points:g} points: "
                             f"{reading.problems[0]}", reading.problems[1:])
    runs = tuning.runs(reading.optimizer, tuple(tuple(map(float, start)) for start in starts))
    counted = tuning.worst(runs)
    score = round(points * tuning.points_for(counted.f) / tuning.POINTS, 2)
    lines = [_run_line(run) for run in runs]
    lines += [f"looks like {sentence}." for _, sentence in mistakes.named(reading.optimizer, runs)]
    everywhere = f"from all {len(runs)} starts"
    if counted.diverged_at:
        summary = (f"✗ {reading.label} diverged from {tuning.show_start(counted.start)} at step "
                   f"{counted.diverged_at}: 0 of {points:g} points (a run that diverges earns 0).")
    elif score >= points:
        summary = (f"✓ {reading.label} brings f below the target {tuning.TARGET_TEXT} {everywhere} "
                   f"in {tuning.STEPS} steps: {points:g} of {points:g} points.")
    else:
        decades = tuning.decades_above_target(counted.f)
        summary = (f"✗ {reading.label}: its worst run ends at f = {tuning.show_f(counted.f)}, "
                   f"{decades:.1f} factors of ten above the target {tuning.TARGET_TEXT} "
                   f"(one point less per factor of ten): {score:g} of {points:g} points.")
        if decades <= 1:
            lines.append("Nearly there: try learning rates a little above and below yours, "
                         "and the other settings (tuning.scan runs several at once).")
    return Verdict(score, points, (summary, *lines))


def _item(starts):
    return Item(grade_id=GRADE_ID, points=tuning.POINTS,
                description=(f"{VARIABLE}: an optimiser and its settings that bring Rosenbrock's "
                             f"f below {tuning.TARGET_TEXT} in {tuning.STEPS} steps"),
                cases=(Case(VARIABLE, (starts,), read=True),),
                judge=partial(judge_choice, CHALLENGE, tuning.POINTS, starts))


TITLE = "The tuning challenge: Rosenbrock below 1e-4 in 1000 steps"
FUNCTIONS = ()  # the answer is a variable, not a function
ASSIGNMENT = Assignment(EXERCISE, TITLE, FUNCTIONS, (_item(GRADER_STARTS),))
SELF_CHECK = Assignment(EXERCISE, TITLE, FUNCTIONS, (_item(tuning.PRACTICE_STARTS),))
