"""Exercise 09's likely wrong choices: what makes a choice miss the target, recognised from
the choice and its runs, each with the sentence that names it.

A `ChoiceMistake` has `applies(optimizer, runs) -> bool` (runs: tuning.Run, one per start),
a `message` (a template filled in with the choice's settings and the runs' results), and an
`example`: a choice a learner would write that makes this mistake (the tests grade each one,
written into a notebook, and check that the mistake is named).

Every claim below was measured with the course's optimisers on Rosenbrock from the
exercise's starts (tuning.PRACTICE_STARTS and the grader's), 1000 steps:
- plain SGD: at its best α (a scan of 400 values from 1e-4 to 0.004) the worst of three runs
  ends at f ≈ 0.2 (about 1.4 of 4 points at most); from α ≈ 0.0016 on it diverges from
  some starts, though it can land low from one start by luck (α = 0.002: f = 3e-4 from
  (−1.5, 2.5), diverged from (−1.4, 2.5));
- Adagrad: never better than f ≈ 3 (0 points), whatever α up to 10;
- RMSprop: at best f ≈ 0.08 (about 1.1 points), with ρ = 0.5, 0.9 or 0.99;
- AdaMax with β₂ = 0.999: at best about 1.4 points; with β₂ = 0.99 full marks (α ≈ 0.009,
  or β₁ = 0.95 and α ≈ 0.015);
- Adam with β₂ = 0.999: full marks only from α ≈ 0.2 on. It remembers the start's
  gradients (|g| = 145 and 50): with α = 0.01, over steps 100–600 on the valley floor, √v̂_t
  is 4 to 12 times |g_t| and the steps a tenth to a quarter of α; with β₂ = 0.95, √v̂_t is
  1.2 to 2 times |g_t|, the steps half to four fifths of α, and α ≈ 0.01 earns full marks;
- momentum (μ = 0.9 or 0.95): full marks with α ≈ 0.001, divergence from α ≈ 0.0014–0.0016.
"""

from dataclasses import dataclass
from typing import Callable

from .. import tuning
from ..optimizers import SGD, AdaMax, Adagrad, Adam, Momentum, RMSprop


@dataclass(frozen=True)
class ChoiceMistake:
    name: str
    message: str  # a template: {learning_rate}, {beta_2}, {steps}, {best}, {worst}, ...
    applies: Callable  # (optimizer, runs) -> bool
    example: dict  # a choice that makes this mistake, as a learner would write it


def _missed(runs):
    """The worst run misses the target (or diverged)."""
    return tuning.points_for(tuning.worst(runs).f) < tuning.POINTS


def _diverged(runs):
    return any(run.diverged_at for run in runs)


def _far(runs):
    """No run diverged, and the worst is still above f = 1 (0 points: not round the bend)."""
    return not _diverged(runs) and tuning.worst(runs).f >= 1


def _missed_without_diverging(runs):
    return _missed(runs) and not _diverged(runs)


def _lucky(runs):
    """One run ends near the target (within a factor of 10), another diverges or ends more
    than 100 times higher: where the path lands depends on the start."""
    best, counted = min(runs, key=lambda run: run.f), tuning.worst(runs)
    return (_missed(runs) and best.f <= 10 * tuning.TARGET
            and (counted.diverged_at > 0 or counted.f >= 100 * best.f))


def _is(*classes):
    return lambda optimizer: type(optimizer) in classes


MISTAKES = (
    ChoiceMistake(
        "learning_rate_too_large",
        "a learning rate too large for the steep walls of the valley: each step overshoots "
        "across it by more than the last, until x, f or the gradient overflow (inf or NaN). "
        "Lower learning_rate by a factor of 3 to 10, then raise it again in small steps",
        lambda optimizer, runs: _diverged(runs),
        {"optimizer": "momentum", "learning_rate": 0.01, "momentum": 0.9}),
    ChoiceMistake(
        "plain_sgd",
        "plain SGD's limit: it uses one α in every direction. Across the valley the "
        "curvature is 1000 to 2000, so α must stay below about 2/λ_max ≈ 0.001–0.002 "
        "(above that SGD bounces off the walls and diverges from some starts); along the "
        "valley floor it is only 0.2 to 2, and with so small an α SGD crawls there. "
        "No α of plain SGD reaches the target from all three starts in {steps} steps: try "
        "momentum or Adam",
        lambda optimizer, runs: _is(SGD)(optimizer) and _missed(runs),
        {"optimizer": "sgd", "learning_rate": 0.0015}),
    ChoiceMistake(
        "lucky_start",
        "a result that depends on luck: from {best_start} the run ends at f = {best_f}, "
        "from {worst_start} it {worst_end}. Near the edge of stability the path bounces off "
        "the valley walls, and where it lands changes with the start; the grader also runs "
        "two other nearby starts. Choose settings whose runs all end low (often a somewhat "
        "smaller learning_rate)",
        lambda optimizer, runs: _lucky(runs),
        {"optimizer": "sgd", "learning_rate": 0.002}),
    ChoiceMistake(
        "adaptive_steps_too_short",
        "steps too short to get round the valley in {steps} steps (f is still above 1): "
        "{name} moves each coordinate by about α per step at most, whatever the size of the "
        "gradient (Kingma & Ba 2015, §2.1), so with α = {learning_rate} the {steps} steps add "
        "up to about {reach} per coordinate, while x has 2.5 to travel and y, down the "
        "valley and up again, about 3.5. Raise learning_rate (try 10× and 100×)",
        lambda optimizer, runs: (_is(Adam, AdaMax, RMSprop)(optimizer) and _far(runs)
                                 and optimizer.learning_rate * tuning.STEPS <= 5),
        {"optimizer": "adam", "learning_rate": 0.001}),
    ChoiceMistake(
        "momentum_steps_too_short",
        "steps too short to get round the valley in {steps} steps (f is still above 1): "
        "raise learning_rate, a factor of 1.5 to 2 at a time (momentum diverges above about "
        "0.0015 with μ = 0.9, a little lower with μ closer to 1)",
        lambda optimizer, runs: _is(Momentum)(optimizer) and _far(runs),
        {"optimizer": "momentum", "learning_rate": 0.0001, "momentum": 0.9}),
    ChoiceMistake(
        "epsilon_too_large",
        "an ε ({epsilon}) that is not small: the step divides by √v̂_t + ε (or √v_t + ε, "
        "u_t + ε), and here |g| is at most a few hundred, so the step is about α·g/ε, tiny. "
        "ε only keeps the division safe: keep it small (the defaults are 1e-08 and 1e-07)",
        lambda optimizer, runs: (getattr(optimizer, "epsilon", 0.0) >= 10
                                 and _missed_without_diverging(runs)),
        {"optimizer": "adam", "learning_rate": 0.01, "epsilon": 1e6}),
    ChoiceMistake(
        "adam_long_memory",
        "v̂_t with β₂ = {beta_2} averages g² over about 1/(1 − β₂) = {memory} steps: on the "
        "flat valley floor it still remembers the steep start (|g| = 145 and 50 there), so "
        "√v̂_t is many times |g_t| and the steps are much shorter than α. Raise "
        "learning_rate, or let v̂_t forget sooner with a smaller beta_2 (0.9 or 0.95, say)",
        lambda optimizer, runs: (_is(Adam)(optimizer) and optimizer.beta_2 >= 0.999
                                 and optimizer.epsilon < 10 and _missed_without_diverging(runs)),
        {"optimizer": "adam", "learning_rate": 0.03}),
    ChoiceMistake(
        "adamax_long_memory",
        "AdaMax divides by u_t = max(β₂u_{{t−1}}, |g_t|): with β₂ = {beta_2} it keeps the "
        "largest gradient of the steep start, 145, for the whole budget (after {steps} steps "
        "u_t is still at least {beta_2}^{steps} × 145 ≈ {u_floor}, while |g| on the valley "
        "floor is about 1), so its steps there are tiny. A smaller beta_2 (0.99, say) lets "
        "u_t follow the gradient down",
        lambda optimizer, runs: (_is(AdaMax)(optimizer) and optimizer.beta_2 >= 0.999
                                 and optimizer.epsilon < 10 and _missed_without_diverging(runs)),
        {"optimizer": "adamax", "learning_rate": 0.1}),
    ChoiceMistake(
        "rmsprop_no_momentum",
        "RMSprop has no momentum: it rescales each coordinate, but it does not add up the "
        "small, steady push along the valley floor, and in our measurements it ends at f ≈ "
        "0.08 at best. Adam is RMSprop with momentum (β₁): try it, or momentum",
        lambda optimizer, runs: _is(RMSprop)(optimizer) and _missed_without_diverging(runs),
        {"optimizer": "rmsprop", "learning_rate": 0.01}),
    ChoiceMistake(
        "adagrad_shrinking_steps",
        "Adagrad's steps only shrink: s_t adds up every g² and forgets none, and the "
        "gradients near the start are in the hundreds, so α/√s_t is small long before the "
        "valley's end (in our measurements it never gets below f ≈ 3). RMSprop and Adam "
        "average g² over recent steps instead",
        lambda optimizer, runs: _is(Adagrad)(optimizer) and _missed_without_diverging(runs),
        {"optimizer": "adagrad", "learning_rate": 0.5}),
)
MAX_NAMED = 3  # mistakes named for one choice


def context(optimizer, runs):
    """The values a message template may use."""
    best, counted = min(runs, key=lambda run: run.f), tuning.worst(runs)
    beta_2 = getattr(optimizer, "beta_2", 0.0)
    return {
        "name": type(optimizer).__name__, "steps": tuning.STEPS,
        "learning_rate": f"{optimizer.learning_rate:g}",
        "reach": f"{optimizer.learning_rate * tuning.STEPS:.2g}",  # at most 5 where it is said
        "epsilon": f"{getattr(optimizer, 'epsilon', 0.0):g}",
        "u_floor": f"{beta_2 ** tuning.STEPS * 145:.2g}",
        "beta_2": f"{beta_2:g}", "memory": f"{1 / (1 - beta_2):.0f}" if beta_2 < 1 else "∞",
        "best_start": tuning.show_start(best.start), "best_f": tuning.show_f(best.f),
        "worst_start": tuning.show_start(counted.start),
        "worst_end": (f"diverges at step {counted.diverged_at}" if counted.diverged_at
                      else f"ends at f = {tuning.show_f(counted.f)}"),
    }


def named(optimizer, runs):
    """[(mistake, its sentence)] for the mistakes that fit this choice and its runs, in
    catalogue order, at most MAX_NAMED."""
    found = [mistake for mistake in MISTAKES if mistake.applies(optimizer, runs)][:MAX_NAMED]
    values = context(optimizer, runs) if found else {}
    return [(mistake, mistake.message.format(**values)) for mistake in found]
