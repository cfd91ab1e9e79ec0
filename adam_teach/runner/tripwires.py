"""Tripwires on ready-made implementations while a from-scratch item is graded.

A learner's notebook may use `adam_teach.optimizers` and the rest of the course library
in its own cells, but an `adam_step` that hands the work to `adam_teach.optimizers.Adam`
has not written Adam. So while the hidden cases of such an item run, every function of the
forbidden modules raises `CourseCodeUsed`, and the item earns nothing for that case.

The functions are collected when the runner starts, before any of the learner's code runs,
and each is disarmed by swapping its code object, so a reference the learner kept
(`step = Adam.step`) trips too. What this does not catch: a learner who copies a function's
code object or source text into a new function (which is copying the course's code, as one
could from notebook 05) or who runs the course's code in another process.
"""

import importlib
import inspect
import sys
import types


class CourseCodeUsed(Exception):
    """Raised by a ready-made function (the course's, or Keras's) that a graded
    from-scratch function called."""


PREFIX = "CourseCodeUsed"  # how the grader recognises the error in an outcome


def _functions_of(module):
    """(qualified name, function) for every plain function defined in `module`, also as
    methods, static methods, class methods and properties of its classes."""
    found = []
    for name, value in vars(module).items():
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            found.append((f"{module.__name__}.{name}", value))
        elif inspect.isclass(value) and value.__module__ == module.__name__:
            for attribute, member in vars(value).items():
                for function in _unwrap(member):
                    found.append((f"{module.__name__}.{value.__name__}.{attribute}", function))
    return found


def _unwrap(member):
    if isinstance(member, (staticmethod, classmethod)):
        member = member.__func__
    if isinstance(member, property):
        return [f for f in (member.fget, member.fset) if isinstance(f, types.FunctionType)]
    return [member] if isinstance(member, types.FunctionType) else []


def _tripwire_code(name):
    """A code object that raises CourseCodeUsed naming `name`."""
    namespace = {}
    exec(compile(f"def _trip(*args, **kwargs):\n"
                 f"    from adam_teach.runner.tripwires import CourseCodeUsed\n"
                 f"    raise CourseCodeUsed({name!r} + \" does the work this item asks you to write yourself\")\n",
                 "<adam-teach tripwire>", "exec"), namespace)
    return namespace["_trip"].__code__


class Tripwires:
    """The functions of some modules, able to be disarmed (made to raise) and restored."""

    def __init__(self, modules):
        self.functions = {}  # module or package name -> [(function, its code, the tripwire's)]
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 (a module that cannot load cannot be used either)
                continue
            inside = [m for key, m in list(sys.modules.items()) if key == name or key.startswith(name + ".")]
            self.functions[name] = [(f, f.__code__, _tripwire_code(qualified))
                                    for module in inside for qualified, f in _functions_of(module)
                                    if not f.__code__.co_freevars]  # closures keep their code

    def armed(self, modules):
        """A context manager: the functions of `modules` raise CourseCodeUsed inside it."""
        return _Armed([entry for name in modules for entry in self.functions.get(name, ())])


class _Armed:
    def __init__(self, entries):
        self.entries = entries

    def __enter__(self):
        for function, _, tripwire in self.entries:
            function.__code__ = tripwire

    def __exit__(self, *exc):
        for function, original, _ in self.entries:
            function.__code__ = original
        return False
