"""Values on the wire between the learner's process and the grader: JSON, never pickle.

The learner's process encodes what each call returned; the grader decodes it in its own
process. Decoding builds only plain Python values and NumPy arrays of a few numeric dtypes,
so a hostile submission can send wrong values (which the judge then marks wrong) but cannot
run code in the grader.

    {"__ndarray__": [[1.0, 2.0]], "dtype": "float32", "shape": [1, 2]}   a NumPy array
    {"__scalar__": 1.5, "dtype": "float32"}                             a NumPy scalar
    {"__tuple__": [...]}, {"__dict__": {"key": ...}}                     tuples and dicts
    {"__unsupported__": "Trace", "repr": "Trace(...)"}                   anything else

Python's json writes floats with repr, so float64 (and float32, via float64) round-trip
bit for bit; NaN and infinities travel as NaN / Infinity.
"""

import json
import math

import numpy as np

DTYPES = frozenset(["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                    "uint64", "float16", "float32", "float64"])
MAX_ELEMENTS = 100_000  # per array: more than any exercise returns
MAX_DEPTH = 8
MAX_REPR = 200


class Unsupported:
    """A value the grader could not (or would not) read back, e.g. a learner's own class."""

    def __init__(self, type_name, text):
        self.type_name = str(type_name)[:MAX_REPR]
        self.text = str(text)[:MAX_REPR]

    def __repr__(self):
        return f"<a {self.type_name} the grader cannot read: {self.text}>"

    def __eq__(self, other):
        return isinstance(other, Unsupported) and (self.type_name, self.text) == (other.type_name, other.text)


def _unsupported(value, why=""):
    try:
        text = why or repr(value)
    except Exception as error:  # a learner's __repr__ may raise
        text = f"(repr raised {type(error).__name__})"
    return {"__unsupported__": type(value).__name__, "repr": text[:MAX_REPR]}


def encode(value, depth=0):
    """`value` as JSON-able data (see the module docstring)."""
    if depth > MAX_DEPTH:
        return _unsupported(value, "nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value if not isinstance(value, str) else value[:10_000]
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) < 2**63 else float(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, np.ndarray):
        if value.dtype.name not in DTYPES:
            return _unsupported(value, f"an array of dtype {value.dtype}")
        if value.size > MAX_ELEMENTS:
            return _unsupported(value, f"an array of {value.size} elements (at most {MAX_ELEMENTS})")
        return {"__ndarray__": np.ndarray.tolist(value), "dtype": value.dtype.name,
                "shape": list(value.shape)}
    if isinstance(value, np.generic):
        if value.dtype.name not in DTYPES:
            return _unsupported(value, f"a NumPy scalar of dtype {value.dtype}")
        return {"__scalar__": value.item(), "dtype": value.dtype.name}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(item, depth + 1) for item in value[:MAX_ELEMENTS]]}
    if isinstance(value, list):
        return [encode(item, depth + 1) for item in value[:MAX_ELEMENTS]]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"__dict__": {key: encode(item, depth + 1) for key, item in list(value.items())[:1000]}}
    return _unsupported(value)


def decode(data, depth=0):
    """The value `encode` was given (arrays rebuilt with their dtype and shape)."""
    if depth > MAX_DEPTH + 2:
        return Unsupported("value", "nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, depth + 1) for item in data]
    if not isinstance(data, dict):
        return Unsupported(type(data).__name__, "unexpected data")
    if "__ndarray__" in data:
        return _decode_array(data)
    if "__scalar__" in data:
        dtype = data.get("dtype")
        if dtype not in DTYPES or not isinstance(data["__scalar__"], (bool, int, float)):
            return Unsupported("scalar", f"dtype {dtype!r}")
        try:
            return np.array(data["__scalar__"], dtype=dtype)[()]
        except (TypeError, ValueError, OverflowError) as error:  # 2**70 as an int8, say
            return Unsupported("scalar", f"unreadable as {dtype} ({error})")
    if "__tuple__" in data and isinstance(data["__tuple__"], list):
        return tuple(decode(item, depth + 1) for item in data["__tuple__"])
    if "__dict__" in data and isinstance(data["__dict__"], dict):
        return {str(key): decode(item, depth + 1) for key, item in data["__dict__"].items()}
    if "__unsupported__" in data:
        return Unsupported(data.get("__unsupported__"), data.get("repr", ""))
    return Unsupported("dict", "a dict with unexpected keys")


def _decode_array(data):
    dtype, shape, items = data.get("dtype"), data.get("shape"), data.get("__ndarray__")
    if dtype not in DTYPES or not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
        return Unsupported("ndarray", f"dtype {dtype!r}, shape {shape!r}")
    if math.prod(shape) > MAX_ELEMENTS:
        return Unsupported("ndarray", f"shape {shape}")
    try:
        array = np.array(items, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as error:
        return Unsupported("ndarray", f"unreadable items ({error})")
    if list(array.shape) != shape:
        return Unsupported("ndarray", f"items do not fill shape {shape}")
    return array


def dumps(message):
    """One protocol message as one line of bytes."""
    return json.dumps(message, allow_nan=True, separators=(",", ":")).encode() + b"\n"


def loads(line):
    """A protocol message from one line, or None if it is not a JSON object."""
    try:
        message = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return message if isinstance(message, dict) else None
