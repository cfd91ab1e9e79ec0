"""Known-wrong versions of exercise 05's functions, each with the sentence that names it.

Each is one switch of `momentum_step_variant` or `rmsprop_step_variant`, so that every
mistake is a single visible change to the correct rule:
    momentum (Keras's SGD):  velocity_t = μ velocity_{t−1} − α g_t,  x_t = x_{t−1} + velocity_t
    RMSprop (notebook 03, Keras):  v_t = ρ v_{t−1} + (1 − ρ) g_t²,  x_t = x_{t−1} − α g_t / √(v_t + ε)
"""

from functools import partial

import numpy as np

from .mistakes import Mistake


def momentum_step_variant(x, g, velocity, learning_rate=0.01, momentum=0.9, *,
                          sign_flipped=False, ascent=False, course_m=False, forgets=False,
                          alpha_twice=False, alpha_on_velocity=False, old_velocity=False,
                          damped=False, in_place=False):
    """Keras's momentum step with at most a few deliberate mistakes switched on."""
    mu, alpha = momentum, learning_rate
    kept = velocity if forgets else mu * velocity
    if course_m:  # notebook 02's m_t = μ m + g, x − α m, with m handed back as the velocity
        new = kept + g
        return x - alpha * new, new
    gain = alpha * (1 - mu) if damped else alpha
    if alpha_on_velocity:
        new = alpha * (mu * velocity - g)
    elif sign_flipped or ascent:
        new = kept + gain * g
    else:
        new = kept - gain * g
    moved = velocity if old_velocity else new
    if alpha_twice:
        moved = alpha * moved
    if sign_flipped:
        moved = -moved
    if in_place:
        velocity *= mu
        velocity -= gain * g
        x += velocity
        return x, velocity
    return x + moved, new


_momentum = momentum_step_variant
MOMENTUM_STEP = (
    Mistake("velocity_sign_flipped",
            "your velocity has the opposite sign (velocity = momentum·velocity + α·g, then "
            "x − velocity). That follows the same path only while every velocity you are given "
            "has your sign; this exercise uses Keras's convention, where the velocity is the step "
            "x takes: velocity = momentum·velocity − α·g, then x = x + velocity",
            partial(_momentum, sign_flipped=True)),
    Mistake("notebook_02_m", "this is notebook 02's m_t = μ m_{t−1} + g_t with x − α m_t, "
            "returning m as the velocity. Keras's velocity already holds α (velocity = −α m): "
            "velocity = momentum·velocity − α·g, then x = x + velocity",
            partial(_momentum, course_m=True)),
    Mistake("momentum_ascent", "the step goes uphill: the gradient enters the velocity with a "
            "minus sign, velocity = momentum·velocity − α·g", partial(_momentum, ascent=True)),
    Mistake("velocity_not_decayed", "the old velocity is not multiplied by momentum: "
            "velocity = momentum·velocity − α·g", partial(_momentum, forgets=True)),
    Mistake("alpha_twice", "α is applied twice: the velocity already holds α·g, so "
            "x = x + velocity, not x + α·velocity", partial(_momentum, alpha_twice=True)),
    Mistake("alpha_on_velocity", "α multiplies the old velocity too: only the new gradient "
            "gets α, velocity = momentum·velocity − α·g", partial(_momentum, alpha_on_velocity=True)),
    Mistake("x_moved_by_old_velocity", "x moved by the old velocity: update the velocity first, "
            "then x = x + the new velocity", partial(_momentum, old_velocity=True)),
    Mistake("damped_momentum", "this is the damped form, velocity = momentum·velocity − "
            "α(1 − momentum)·g (an average of gradients, like Adam's m_t); Keras's SGD and this "
            "exercise use the undamped one: velocity = momentum·velocity − α·g",
            partial(_momentum, damped=True)),
    Mistake("in_place", "the caller's arrays were changed in place (velocity *= ..., x += ...); "
            "return new arrays instead: velocity = momentum * velocity - learning_rate * g",
            partial(_momentum, in_place=True), mutates=True),
)


def rmsprop_step_variant(x, g, v, learning_rate=0.001, rho=0.9, epsilon=1e-7, *,
                         epsilon_outside_sqrt=False, v_from_g=False, undamped=False,
                         rho_swapped=False, bias_corrected=False, divide_by_v=False,
                         old_v=False, in_place=False):
    """RMSprop's step with at most a few deliberate mistakes switched on."""
    keep, gain = (1 - rho, rho) if rho_swapped else (rho, 1 - rho)
    if undamped:
        gain = 1.0
    second = g if v_from_g else g * g
    if in_place:
        v *= keep
        v += gain * second
        new = v
    else:
        new = keep * v + gain * second
    used = v if old_v else new
    if bias_corrected:  # Adam's v̂ = v / (1 − β₂ᵗ) at t = 1: RMSprop has neither t nor v̂
        used = used / (1 - rho)
    with np.errstate(invalid="ignore", divide="ignore"):
        if divide_by_v:
            denominator = used + epsilon
        elif epsilon_outside_sqrt:
            denominator = np.sqrt(used) + epsilon
        else:
            denominator = np.sqrt(used + epsilon)
        update = learning_rate * g / denominator
    if in_place:
        x -= update
        return x, v
    return x - update, new


_rmsprop = rmsprop_step_variant
RMSPROP_STEP = (
    Mistake("epsilon_outside_sqrt", "ε is added to √v (PyTorch's form): notebook 03 and Keras "
            "put it inside the root, x = x − α g/√(v + ε)",
            partial(_rmsprop, epsilon_outside_sqrt=True)),
    Mistake("v_from_g", "v averages g instead of g²: v = ρ v + (1 − ρ) g²",
            partial(_rmsprop, v_from_g=True)),
    Mistake("rmsprop_undamped", "the (1 − ρ) factor is missing: v = ρ v + (1 − ρ) g²",
            partial(_rmsprop, undamped=True)),
    Mistake("rho_swapped", "ρ and 1 − ρ are swapped: the old average keeps the weight ρ, "
            "v = ρ v + (1 − ρ) g²", partial(_rmsprop, rho_swapped=True)),
    Mistake("rmsprop_bias_correction", "v is divided by 1 − ρ, Adam's bias correction "
            "v̂ = v/(1 − β₂ᵗ) at t = 1; RMSprop has no bias correction (and no t): "
            "x = x − α g/√(v + ε) with v itself", partial(_rmsprop, bias_corrected=True)),
    Mistake("divide_by_v", "the step divides by v instead of its square root: "
            "x = x − α g/√(v + ε)", partial(_rmsprop, divide_by_v=True)),
    Mistake("step_with_old_v", "the step uses the old v: update v first, then "
            "x = x − α g/√(v_t + ε) with the new v_t", partial(_rmsprop, old_v=True)),
    Mistake("in_place", "the caller's arrays were changed in place (v *= ..., x -= ...); "
            "return new arrays instead: v = rho * v + (1 - rho) * g**2",
            partial(_rmsprop, in_place=True), mutates=True),
)
