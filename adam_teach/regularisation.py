"""L2 regularisation in the gradient vs decoupled weight decay (notebook 08).

Loshchilov & Hutter (ICLR 2019, arXiv:1711.05101): adding λ/2·‖w‖² to the loss puts λ·w
into the gradient, which Adam then divides by √v̂ like the rest of the gradient;
AdamW instead shrinks the weights directly, w ← w − α·λ·w, outside Adam's step.
For SGD the two are the same update; for Adam they are not."""

import dataclasses

import numpy as np

from . import validation
from .objectives import Objective


def shifted_bowl(curvatures=(1.0, 100.0), centre=(1.0, 1.0)):
    """f(w) = Σᵢ hᵢ (wᵢ − cᵢ)² / 2: a bowl with curvature hᵢ along coordinate i, minimum at c."""
    h, c = np.asarray(curvatures, dtype=float), np.asarray(centre, dtype=float)
    return Objective(name="shifted bowl", f=lambda w: 0.5 * np.sum(h * (w - c) ** 2, axis=-1),
                     grad=lambda w: h * (w - c), plot_range=((-0.5, 1.5), (-0.5, 1.5)),
                     formula=f"f(w) = Σ hᵢ (wᵢ − cᵢ)² / 2 with h = {tuple(h.tolist())}")


def with_l2_penalty(objective, strength):
    """objective + λ/2·‖w‖²: the gradient gains λ·w."""
    lam = validation.non_negative("strength", strength)
    return dataclasses.replace(
        objective, name=f"{objective.name} + L2 (λ = {lam:g})",
        f=lambda w: objective.f(w) + 0.5 * lam * np.sum(np.square(w), axis=-1),
        grad=lambda w: objective.grad(w) + lam * np.asarray(w))


def l2_minimiser(curvatures, centre, strength):
    """The exact minimiser of the shifted bowl + λ/2·‖w‖²: wᵢ = hᵢ cᵢ / (hᵢ + λ)."""
    h, c = np.asarray(curvatures, dtype=float), np.asarray(centre, dtype=float)
    return h * c / (h + validation.non_negative("strength", strength))
