"""adam-teach: the Adam optimiser built from scratch, step by step.

    from adam_teach import run, objectives, optimizers
    trace = run(optimizers.Adam(learning_rate=0.05), objectives.cubic, x0=0.001, steps=100)

TensorFlow is only imported by `adam_teach.keras_reference`, when it is used.
"""

from . import objectives, optimizers
from .trace import Trace, run

__all__ = ["objectives", "optimizers", "run", "Trace"]
__version__ = "0.1.0"
