"""Optimisers from scratch, each a small pure step with explicit state.
Hyper-parameter names and defaults follow Keras."""

from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import AdaMax
from .base import Optimizer
from .momentum import Momentum
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Momentum", "Adagrad", "RMSprop", "Adam", "AdaMax", "AdamW"]
