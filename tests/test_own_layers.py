"""Notebook 05's opt-in switch: the learner's own layers are used only when they agree with the
provided ones, and a wrong or missing one is named and replaced."""
import json
import re
from pathlib import Path

import numpy as np

import solutions as S
from coursekit.own_layers import choose_layers, compare_layer
from model_answers import solution_blocks

PROVIDED = {"conv_forward": S.conv_forward, "conv_backward": S.conv_backward, "pool_forward": S.pool_forward,
            "pool_backward": S.pool_backward, "relu_forward": S.relu_forward, "relu_backward": S.relu_backward,
            "zero_pad": S.zero_pad, "output_size": S.output_size, "im2col": S.im2col, "col2im": S.col2im}


def test_a_correct_layer_in_another_style_agrees():
    def relu_forward(x):
        return x * (x > 0), (x,)

    def relu_backward(dout, cache):
        return dout * (cache[0] > 0)
    assert compare_layer("relu", (relu_forward, relu_backward), (S.relu_forward, S.relu_backward)) is None


def test_a_conv_without_its_bias_is_named_and_replaced(capsys):
    def conv_forward(x, w, b, stride=1, pad=0):
        return S.conv_forward(x, w, np.zeros_like(b), stride, pad)
    namespace = dict(PROVIDED, conv_forward=conv_forward, conv_backward=lambda dout, cache: S.conv_backward(dout, cache))
    chosen = choose_layers(namespace, PROVIDED, use_mine=True)
    assert chosen["conv"] == "provided" and namespace["conv_forward"] is S.conv_forward
    assert "NOT USING YOURS: conv_forward's output" in capsys.readouterr().out


def test_a_half_pasted_layer_and_the_switch_off_use_the_provided_layers(capsys):
    namespace = dict(PROVIDED, relu_forward=lambda x: (np.maximum(x, 0), (x,)))
    assert choose_layers(namespace, PROVIDED, use_mine=True)["relu"] == "provided"
    assert "relu_backward is missing" in capsys.readouterr().out
    namespace = dict(PROVIDED, relu_forward=lambda x: (np.abs(x), (x,)))
    assert choose_layers(namespace, PROVIDED, use_mine=False) == {"conv": "provided", "pool": "provided",
                                                                  "relu": "provided"}
    assert namespace["relu_forward"] is S.relu_forward


# The notebook's own namespace, as a learner fills it: 05's cells run in one globals dict, and
# the functions pasted from 04 replace the provided ones of the same name, helpers included.
NOTEBOOKS = Path(__file__).resolve().parents[1] / "course" / "source"


def _cell(nb, grade_id=None, holding=None):
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if grade_id and cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            return source
        if holding and holding in source and cell["cell_type"] == "code":
            return source
    raise AssertionError(f"no cell {grade_id or holding!r} in the notebook")


def _run_05_with_pasted(pasted):
    """Run 05's provided cell, its paste cell with USE_MY_LAYERS = True and `pasted` under it, and
    the switch's cell, in one namespace as the notebook does; returns (namespace, chosen)."""
    nb = json.loads((NOTEBOOKS / "05-mnist" / "mnist.ipynb").read_text())
    namespace = {"__name__": "__main__"}
    exec("import numpy as np", namespace)                     # noqa: S102 -- the notebook's own cells
    exec(_cell(nb, grade_id="provided_layers"), namespace)    # noqa: S102
    paste = _cell(nb, holding="USE_MY_LAYERS = False").replace("USE_MY_LAYERS = False", "USE_MY_LAYERS = True")
    exec(paste + "\n\n" + pasted, namespace)                 # noqa: S102
    exec(_cell(nb, holding="choose_layers(globals()"), namespace)   # noqa: S102
    return namespace, namespace["chosen"]


def _answers_of_04():
    answers = solution_blocks(json.loads((NOTEBOOKS / "04-vectorization" / "vectorization.ipynb").read_text()))
    return "\n\n".join(answers[f"{name}_solution"] for name in ("im2col", "col2im", "conv_forward", "conv_backward"))


def test_the_model_answers_of_04_pasted_into_05_are_used(capsys):
    namespace, chosen = _run_05_with_pasted(_answers_of_04())
    out = capsys.readouterr().out
    assert chosen["conv"] == "yours", out
    assert re.search(r"measured now, .* yours \d+ ms, the provided layer \d+ ms", out)   # printed, never typed
    assert namespace["conv_forward"] is not namespace["PROVIDED_LAYERS"]["conv_forward"]


def test_a_broken_col2im_pasted_into_05_is_caught_though_the_provided_conv_calls_col2im_by_name(capsys):
    """col2im with = instead of += drops overlapping windows' gradients: the pasted col2im
    replaces the one the provided conv_backward calls by name, so unless the provided layers are
    bound to the provided helpers, both sides of the comparison use the broken one and agree."""
    code = _answers_of_04()
    broken = code.replace("] += windows[:, i, j]", "] = windows[:, i, j]")
    assert broken != code
    namespace, chosen = _run_05_with_pasted(broken)
    out = capsys.readouterr().out
    assert chosen["conv"] == "provided", out
    assert "conv: NOT USING YOURS: conv_backward's dx" in out
    provided = namespace["PROVIDED_LAYERS"]
    for name in ("conv_forward", "conv_backward", "im2col", "col2im"):    # the network trains on these
        assert namespace[name] is provided[name]
