"""Values across the sandbox wall, and the protocol of the two sides.

A value travels as bytes: a JSON tree for structure and raw array bytes after it,
never pickle and never compression, so decoding runs no code, allocates no more
than the bytes received, and refuses what it cannot bound (a dtype that is not a
plain number, nesting deeper than MAX_DEPTH). The grader writes each case's
arguments into a folder the kernel can only read; the kernel sends each outcome
back as a frame on a pipe the grader reads. Decoding allocates at most ALLOCATION times
the bytes received (a header may name one array many times: each reference is a copy,
counted against that budget). The same encoding stores the public
cases of the visible tests (coursekit.visible). Needs only numpy: the student-side
package holds it, so the kernel in the sandbox and a student's own kernel have it.
"""
import json
import struct

import numpy as np

MAX_DEPTH = 64                  # nesting of tuples, lists and dicts in one value
ALLOCATION = 2                  # decoding allocates at most this many times the bytes received in arrays
RESULTS_FD = "GRADER_RESULTS_FD"    # environment variable: the kernel's end of the results pipe
FRAME = struct.Struct(">4s16sIQ")   # magic, token of the check, case index, payload length
MAGIC = b"CNN1"
END = 0xFFFFFFFF                # the index of the frame that ends a check's outcomes


class Opaque:
    """A value of a type that cannot cross (a function, a module, ...): only its type name."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"


def _encode(value, arrays, depth):
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, (np.ndarray, np.generic)) and np.asarray(value).dtype.kind in "biufc" \
            and not np.asarray(value).dtype.fields:
        array = np.ascontiguousarray(value).reshape(np.shape(value))    # 0-d stays 0-d
        arrays.append(array)
        return {"__array__" if isinstance(value, np.ndarray) else "__scalar__": len(arrays) - 1}
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
            return {"__opaque__": "int (too large)"}
        return value
    if isinstance(value, (tuple, list)):
        items = [_encode(v, arrays, depth + 1) for v in value]
        return {"__tuple__": items} if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k, arrays, depth + 1), _encode(v, arrays, depth + 1)]
                             for k, v in value.items()]}
    return {"__opaque__": type(value).__name__}


def encode(value):
    """value as bytes: 8 bytes of header length, the JSON header, then every array's bytes."""
    arrays = []
    tree = _encode(value, arrays, 0)
    specs, offset = [], 0
    for array in arrays:
        specs.append([array.dtype.str, list(array.shape), offset])
        offset += array.nbytes
    header = json.dumps({"tree": tree, "arrays": specs}, allow_nan=True).encode()
    return b"".join([struct.pack(">Q", len(header)), header, *(a.tobytes() for a in arrays)])


def _array(spec, body, budget):
    """One array from its [dtype, shape, offset] spec, checked against the bytes there are, as
    a copy whose size is taken from budget (a one-item list: the bytes decoding may still
    allocate)."""
    dtype_text, shape, offset = spec
    dtype = np.dtype(str(dtype_text))
    if dtype.kind not in "biufc" or dtype.fields or dtype.subdtype or dtype.itemsize > 32:
        raise ValueError(f"an array of dtype {dtype_text!r} is not a number array")
    if not isinstance(shape, list) or len(shape) > 32 or not all(
            type(n) is int and 0 <= n < 2**40 for n in shape) or type(offset) is not int or offset < 0:
        raise ValueError("an array's shape or offset is malformed")
    count = 1
    for n in shape:
        count *= n
    if offset + count * dtype.itemsize > len(body):
        raise ValueError("an array is larger than the bytes received")
    budget[0] -= count * dtype.itemsize
    if budget[0] < 0:
        raise ValueError(f"its arrays would take more than {ALLOCATION} times the bytes received")
    return np.frombuffer(body, dtype, count, offset).reshape(shape).copy()


def _decode(tree, arrays, depth):
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(tree, list):
        return [_decode(v, arrays, depth + 1) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if len(tree) != 1:
        raise ValueError("a malformed record")
    (kind, content), = tree.items()
    if kind in ("__array__", "__scalar__"):
        array = arrays(content)
        return array if kind == "__array__" else array[()]
    if kind == "__tuple__" and isinstance(content, list):
        return tuple(_decode(v, arrays, depth + 1) for v in content)
    if kind == "__dict__" and isinstance(content, list):
        pairs = [(_decode(k, arrays, depth + 1), _decode(v, arrays, depth + 1)) for k, v in content]
        try:
            return dict(pairs)
        except TypeError:                # an unhashable key: the dict is not a plain value
            return type("dict", (Opaque,), {})("dict")
    if kind == "__opaque__" and isinstance(content, str):   # named after the type: "got function"
        name = content[:80]
        return type(name if name.isidentifier() else "object", (Opaque,), {})(name)
    raise ValueError(f"unknown wire record {kind[:40]!r}")


def decode(data):
    """The value encode() made; ValueError for anything malformed or out of bounds."""
    data = bytes(data)
    try:
        (length,) = struct.unpack_from(">Q", data)
        if length > len(data) - 8:
            raise ValueError("the header is longer than the bytes received")
        header = json.loads(data[8:8 + length])
        body = memoryview(data)[8 + length:]
        specs = header["arrays"]
        budget = [ALLOCATION * len(data)]

        def array(index):
            if type(index) is not int or not 0 <= index < len(specs):
                raise ValueError("a reference to a missing array")
            return _array(specs[index], body, budget)
        return _decode(header["tree"], array, 0)
    except (struct.error, json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError,
            RecursionError) as error:
        raise ValueError(f"malformed value ({type(error).__name__})") from None


def frame(token, index, payload):
    """The bytes of one outcome on the results pipe."""
    return FRAME.pack(MAGIC, token, index, len(payload)) + payload
