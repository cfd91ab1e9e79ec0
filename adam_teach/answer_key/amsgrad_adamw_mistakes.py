"""Known-wrong versions of exercise 06's functions, each with the sentence that names it.

Each is one switch of `amsgrad_step_variant` or `adamw_step_variant`, a single visible
change to the correct step:
    AMSGrad (Reddi et al. 2018, as PyTorch and Keras write it):
        m_t, v_t as in Adam,  v_max,t = max(v_max,t−1, v_t),
        x_t = x_{t−1} − α m̂_t / (√(v_max,t / (1 − β₂ᵗ)) + ε)
    AdamW (Loshchilov & Hutter 2019, as PyTorch and Keras order it):
        x ← x − α λ x,  then Adam's step t with g
"""

from functools import partial

import numpy as np

from .mistakes import Mistake, adam_step_variant


def amsgrad_step_variant(x, g, m, v, v_max, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                         epsilon=1e-8, *, max_of="v", step_with="v_max", returned="v_max",
                         correct_v_max=True, bias_correction=True, epsilon_hat=False,
                         epsilon_inside_sqrt=False, in_place=False):
    """AMSGrad's step t with at most a few deliberate mistakes switched on.
    max_of: "v" (right), "v_hat" (the bias-corrected v̂_t), "old_v" (v_{t−1}, before the
    update); step_with: "v_max" (right) or "v" (plain Adam's step); returned: what comes
    back as v_max, "v_max" (the new maximum, right), "v" (v_t) or "given" (the argument)."""
    correction_1 = 1 - beta_1**t if bias_correction else 1.0
    correction_2 = 1 - beta_2**t if bias_correction else 1.0
    new_m = beta_1 * m + (1 - beta_1) * g
    new_v = beta_2 * v + (1 - beta_2) * g * g
    if max_of == "v_hat":  # the maximum of v̂, used in the step as it is
        new_max = np.maximum(v_max, new_v / correction_2)
        used = new_v / correction_2 if step_with == "v" else new_max
    else:
        new_max = np.maximum(v_max, v if max_of == "old_v" else new_v)
        used = (new_v if step_with == "v" else new_max) / (correction_2 if correct_v_max else 1.0)
    if epsilon_hat:  # Keras's place for ε: α_t m_t / (√(v_max) + ε̂)
        raw = new_v if step_with == "v" else new_max
        alpha_t = learning_rate * np.sqrt(correction_2) / correction_1
        update = alpha_t * new_m / (np.sqrt(raw) + epsilon)
    else:
        root = np.sqrt(used + epsilon) if epsilon_inside_sqrt else np.sqrt(used) + epsilon
        update = learning_rate * (new_m / correction_1) / root
    back = {"v_max": new_max, "v": new_v, "given": v_max}[returned]
    if in_place and isinstance(x, np.ndarray):  # floats cannot be changed in place
        for array, value in ((m, new_m), (v, new_v), (v_max, new_max), (x, x - update)):
            array[...] = value
        return x, m, v, v_max
    return x - update, new_m, new_v, back


_amsgrad = amsgrad_step_variant
_PLAIN_ADAM = ("the step divides by v_t, as plain Adam does: AMSGrad divides by the largest v "
               "so far, v_max = max(v_max, v_t), x = x − α m̂/(√(v_max/(1 − β₂ᵗ)) + ε), and "
               "returns that v_max")
AMSGRAD_STEP = (
    Mistake("max_of_v_hat", "the maximum is taken over the bias-corrected v̂_t: keep "
            "v_max = max(v_max, v_t) over the uncorrected v_t (that is what you return), and "
            "divide it by 1 − β₂ᵗ only in the step, as PyTorch and Keras do",
            partial(_amsgrad, max_of="v_hat")),
    Mistake("plain_adam", _PLAIN_ADAM, partial(_amsgrad, step_with="v", returned="given")),
    Mistake("plain_adam_v_max_is_v", _PLAIN_ADAM, partial(_amsgrad, step_with="v", returned="v")),
    Mistake("max_not_used", "v_max is right, but the step divides by v_t (plain Adam's step): "
            "use x = x − α m̂/(√(v_max/(1 − β₂ᵗ)) + ε)", partial(_amsgrad, step_with="v")),
    Mistake("v_max_returned_is_v", "the step is right, but the v_max you return is v_t: "
            "return the new maximum, max(v_max, v_t), so that the next step remembers it",
            partial(_amsgrad, returned="v")),
    Mistake("v_max_not_updated", "the step is right, but the v_max you return is the one you "
            "were given: return the new maximum, max(v_max, v_t), so that the next step "
            "remembers it", partial(_amsgrad, returned="given")),
    Mistake("max_before_update", "the maximum is taken with the old v: compute "
            "v_t = β₂ v + (1 − β₂) g² first, then v_max = max(v_max, v_t)",
            partial(_amsgrad, max_of="old_v")),
    Mistake("v_max_not_bias_corrected", "v_max is not divided by 1 − β₂ᵗ in the step: "
            "x = x − α m̂/(√(v_max/(1 − β₂ᵗ)) + ε)", partial(_amsgrad, correct_v_max=False)),
    Mistake("amsgrad_without_bias_correction", "there is no bias correction, as in Reddi et "
            "al.'s Algorithm 2; this exercise uses the bias-corrected form of PyTorch and "
            "Keras: m̂ = m_t/(1 − β₁ᵗ) and v_max/(1 − β₂ᵗ) in the step",
            partial(_amsgrad, bias_correction=False)),
    Mistake("amsgrad_epsilon_hat_form", "ε is added in Keras's place (to √v_max, with the step "
            "size α√(1 − β₂ᵗ)/(1 − β₁ᵗ)); this exercise adds it to √(v_max/(1 − β₂ᵗ)), as "
            "PyTorch does", partial(_amsgrad, epsilon_hat=True)),
    Mistake("amsgrad_epsilon_inside_sqrt", "ε is inside the square root: the denominator is "
            "√(v_max/(1 − β₂ᵗ)) + ε", partial(_amsgrad, epsilon_inside_sqrt=True)),
    Mistake("in_place", "the caller's arrays were changed in place (m *= ..., v_max[...] = ...); "
            "return new arrays instead: v_max = np.maximum(v_max, v)",
            partial(_amsgrad, in_place=True), mutates=True),
)


def adamw_step_variant(x, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                       epsilon=1e-8, weight_decay=0.01, *, decay="decoupled", alpha_in_decay=True,
                       epsilon_hat=False, bias_correction=True, in_place=False):
    """AdamW's step t with at most a few deliberate mistakes switched on. decay:
    "decoupled" (x ← x − αλx, then Adam: right), "l2" (λx added to the gradient),
    "after" (Adam first, then the decay of the new x), "away" (x ← x + αλx),
    "constant" (x ← x − αλ), "none" (plain Adam)."""
    rate = weight_decay * (learning_rate if alpha_in_decay else 1.0)
    adam = partial(adam_step_variant, t=t, learning_rate=learning_rate, beta_1=beta_1,
                   beta_2=beta_2, epsilon=epsilon, epsilon_hat=epsilon_hat,
                   bias_correction=bias_correction)
    if decay == "l2":
        return adam(x, g + weight_decay * x, m, v)
    if decay == "after":
        new_x, new_m, new_v = adam(x, g, m, v)
        return new_x - rate * new_x, new_m, new_v
    decayed = {"decoupled": x - rate * x, "away": x + rate * x, "constant": x - rate,
               "none": x}[decay]
    if in_place and isinstance(x, np.ndarray):  # floats cannot be changed in place
        x -= rate * x
        new_x, new_m, new_v = adam(x, g, m, v)
        for array, value in ((m, new_m), (v, new_v), (x, new_x)):
            array[...] = value
        return x, m, v
    return adam(decayed, g, m, v)


_adamw = adamw_step_variant
ADAMW_STEP = (
    Mistake("l2_in_gradient", "the decay was added to the gradient (g + λx): that is L2 "
            "regularisation, and Adam then divides its pull by √v̂ like the rest of the "
            "gradient. AdamW decays x itself, outside Adam: first x ← x − αλx, then Adam's "
            "step with g", partial(_adamw, decay="l2")),
    Mistake("decay_without_alpha", "the decay is λ·x, not α·λ·x: PyTorch and Keras multiply "
            "λ by the learning rate, x ← x − αλx (Loshchilov & Hutter's Algorithm 2 scales it "
            "by the schedule multiplier η_t instead)", partial(_adamw, alpha_in_decay=False)),
    Mistake("decay_after_step", "the decay is applied after Adam's step, to the new x: "
            "PyTorch and Keras decay the old x first, x ← x − αλx, then take Adam's step",
            partial(_adamw, decay="after")),
    Mistake("decay_away_from_zero", "the decay pushes x away from 0: x ← x − αλx",
            partial(_adamw, decay="away")),
    Mistake("decay_not_proportional", "the decay must be proportional to x: x ← x − αλx, "
            "not x − αλ", partial(_adamw, decay="constant")),
    Mistake("no_weight_decay", "there is no weight decay: this is plain Adam; first "
            "x ← x − αλx, then Adam's step", partial(_adamw, decay="none")),
    Mistake("adamw_without_bias_correction", "missing bias correction in Adam's step: divide "
            "m_t by 1 − β₁ᵗ and v_t by 1 − β₂ᵗ", partial(_adamw, bias_correction=False)),
    Mistake("adamw_epsilon_hat_form", "ε is added in Keras's place (to √v_t, with the step size "
            "α√(1 − β₂ᵗ)/(1 − β₁ᵗ)); this exercise adds it to √v̂_t, as Algorithm 1 and PyTorch "
            "do", partial(_adamw, epsilon_hat=True)),
    Mistake("in_place", "the caller's arrays were changed in place (x -= ..., m *= ...); "
            "return new arrays instead: x = x - learning_rate * weight_decay * x",
            partial(_adamw, in_place=True), mutates=True),
)
