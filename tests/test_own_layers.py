"""Notebook 05's opt-in switch: the learner's own layers are used only when they agree with the
provided ones, and a wrong or missing one is named and replaced."""
import numpy as np

import solutions as S
from coursekit.own_layers import choose_layers, compare_layer

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
