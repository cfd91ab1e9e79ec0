"""Noisy gradients: an objective whose gradient has seeded Gaussian noise added, the way
a mini-batch gradient scatters around the full-batch one (stochastic optimisation,
paper §1: "the objective function is stochastic")."""

import dataclasses

import numpy as np

from . import validation


def with_gradient_noise(objective, scale, seed=0):
    """A copy of `objective` whose grad(x) returns grad(x) + scale·z, z ~ N(0, I).

    The noise comes from its own generator, seeded with `seed`, so a fresh copy replays the
    same noise sequence: make one copy per run to give every optimiser the same noise.
    f(x) stays exact, so the recorded loss shows where the iterate really is."""
    validation.objective(objective)
    scale = validation.non_negative("scale", scale)
    if scale == 0:
        return objective
    rng = np.random.default_rng(seed)
    exact_grad = objective.grad

    def noisy_grad(x):
        g = exact_grad(x)
        dtype = np.asarray(g).dtype
        return g + dtype.type(scale) * rng.standard_normal(np.shape(g), dtype=dtype)

    return dataclasses.replace(objective, name=f"{objective.name}, gradient noise σ = {scale:g}",
                               grad=noisy_grad)
