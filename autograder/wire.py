"""Values across the sandbox wall: JSON for structure, .npz for arrays, never pickle.

The grader sends each case's arguments into the student's kernel this way and
reads the outputs back the same way, so nothing the student's code returns can
run code in the grader's process. Needs only numpy: it is copied into the sandbox.
"""
import json

import numpy as np


class Opaque:
    """A value of a type that cannot cross (a function, a module, ...): only its type name."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"


def _encode(value, arrays):
    if isinstance(value, np.ndarray) and value.dtype != object:
        arrays.append(value)
        return {"__array__": len(arrays) - 1}
    if isinstance(value, np.generic):
        arrays.append(np.asarray(value))
        return {"__scalar__": len(arrays) - 1}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    return {"__opaque__": type(value).__name__}


def _decode(tree, arrays):
    if isinstance(tree, list):
        return [_decode(v, arrays) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if "__array__" in tree:
        return arrays[f"a{tree['__array__']}"]
    if "__scalar__" in tree:
        return arrays[f"a{tree['__scalar__']}"][()]
    if "__tuple__" in tree:
        return tuple(_decode(v, arrays) for v in tree["__tuple__"])
    if "__dict__" in tree:
        return {_decode(k, arrays): _decode(v, arrays) for k, v in tree["__dict__"]}
    if "__opaque__" in tree:             # a subclass named after the type, so messages read "got function"
        name = str(tree["__opaque__"])
        return type(name if name.isidentifier() else "object", (Opaque,), {})(name)
    raise ValueError(f"unknown wire record {sorted(tree)}")


def dump(value, stem):
    """Write value to stem.json (+ stem.npz when it holds arrays)."""
    arrays = []
    tree = _encode(value, arrays)
    np.savez(f"{stem}.npz", **{f"a{i}": a for i, a in enumerate(arrays)})
    with open(f"{stem}.json", "w") as f:
        json.dump(tree, f, allow_nan=True)


def load(stem):
    """The value written by dump(value, stem); arrays are read without pickle."""
    with open(f"{stem}.json") as f:
        tree = json.load(f)
    with np.load(f"{stem}.npz", allow_pickle=False) as arrays:
        return _decode(tree, {name: arrays[name] for name in arrays.files})
