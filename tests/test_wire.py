"""The wire between grader and sandbox: values round-trip; nothing is unpickled, decompressed
or allocated beyond the bytes received."""
import json
import struct
import tracemalloc

import numpy as np
import pytest

from coursekit import wire
from coursekit import explain_difference


def test_values_round_trip():
    value = (np.ones((2, 3), np.float32), [1, 2.5, "max", None, True],
             {"w": np.arange(3), "nested": (np.float64(3.5),)}, np.int64(7), np.array([1 + 2j]))
    back = wire.decode(wire.encode(value))
    assert back[0].dtype == np.float32 and np.array_equal(back[0], value[0])
    assert back[1] == value[1] and np.array_equal(back[2]["w"], value[2]["w"])
    assert back[2]["nested"] == (3.5,) and back[3] == 7 and isinstance(back, tuple)
    assert back[4].dtype.kind == "c"          # complex crosses, so a check can name it


def test_numbers_without_dimensions_keep_none():
    """A loss returned as numpy's float64 arrives as a 0-d value, not as an array of one."""
    for value in (np.float64(2.5), np.float32(1.5), np.int64(3), np.array(2.5)):
        back = wire.decode(wire.encode(value))
        assert np.shape(back) == () and type(back) is type(value) and back == value


def test_other_types_arrive_as_their_name_only():
    back = wire.decode(wire.encode({"output": print, "objects": np.array([print], dtype=object)}))
    assert isinstance(back["output"], wire.Opaque) and type(back["output"]).__name__ == "builtin_function_or_method"
    assert "got builtin_function_or_method" in explain_difference(back["output"], np.zeros(2))
    assert isinstance(back["objects"], wire.Opaque)


def forged(tree, arrays, body=b""):
    header = json.dumps({"tree": tree, "arrays": arrays}).encode()
    return struct.pack(">Q", len(header)) + header + body


@pytest.mark.parametrize("data", [
    forged({"__array__": 0}, [["|O", [1], 0]], b"\0" * 8),              # an object (pickled) array
    forged({"__array__": 0}, [["<f8", [2**30, 2**30], 0]], b"\0" * 8),  # a shape larger than the bytes
    forged({"__array__": 0}, [["(1000000,)f8", [1], 0]], b"\0" * 8),    # a sub-array dtype
    forged({"__array__": 0}, [["<M8[s]", [1], 0]], b"\0" * 8),          # not a number
    forged({"__array__": 3}, []),                                         # a missing array
    forged({"__tuple__": [1], "__dict__": []}, []),                       # a malformed record
    forged({"__code__": "import os"}, []),                                # an unknown record
    forged([[[[[[[[[[[[1]]]]]]]]]]]] and json.loads("[" * 200 + "]" * 200), []),   # nested too deep
    b"\xff" * 8 + b"{}",                                                  # a header longer than the bytes
    b"abc",
])
def test_malformed_or_unbounded_values_are_refused(data):
    with pytest.raises(ValueError):
        wire.decode(data)


def test_encoding_refuses_nesting_it_could_not_decode():
    value = []
    for _ in range(wire.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(ValueError):
        wire.encode(value)


def test_a_frame_carries_token_index_and_length():
    frame = wire.frame(b"t" * 16, 3, b"payload")
    assert wire.FRAME.unpack(frame[:wire.FRAME.size]) == (wire.MAGIC, b"t" * 16, 3, 7)
    assert frame[wire.FRAME.size:] == b"payload"


def test_an_array_named_many_times_is_refused_before_it_is_copied():
    """A header that refers to one 8 MB array 3,000 times would make decoding allocate 24 GB."""
    body = b"\0" * 8 * 2**20
    data = forged([{"__array__": 0}] * 3000, [["<f8", [2**20], 0]], body)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="times the bytes received"):
            wire.decode(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < (wire.ALLOCATION + 2) * len(data)


def test_a_value_that_repeats_an_array_legitimately_still_decodes():
    array = np.arange(1000.0)
    assert all(np.array_equal(a, array) for a in wire.decode(wire.encode((array, array))))
