"""The wire between grader and sandbox: values round-trip, and nothing is unpickled."""
import numpy as np
import pytest

from autograder import wire
from coursekit import explain_difference


def test_values_round_trip(tmp_path):
    value = (np.ones((2, 3), np.float32), [1, 2.5, "max", None, True],
             {"w": np.arange(3), "nested": (np.float64(3.5),)}, np.int64(7))
    wire.dump(value, tmp_path / "v")
    back = wire.load(tmp_path / "v")
    assert back[0].dtype == np.float32 and np.array_equal(back[0], value[0])
    assert back[1] == value[1] and np.array_equal(back[2]["w"], value[2]["w"])
    assert back[2]["nested"] == (3.5,) and back[3] == 7 and isinstance(back, tuple)


def test_other_types_arrive_as_their_name_only(tmp_path):
    wire.dump({"output": print, "objects": np.array([print], dtype=object)}, tmp_path / "v")
    back = wire.load(tmp_path / "v")
    assert isinstance(back["output"], wire.Opaque) and type(back["output"]).__name__ == "builtin_function_or_method"
    assert "got builtin_function_or_method" in explain_difference(back["output"], np.zeros(2))
    assert isinstance(back["objects"], wire.Opaque)


def test_a_pickled_array_is_refused(tmp_path):
    np.savez(tmp_path / "v.npz", a0=np.array([{"x": 1}], dtype=object))
    (tmp_path / "v.json").write_text('{"__array__": 0}')
    with pytest.raises(ValueError):
        wire.load(tmp_path / "v")
