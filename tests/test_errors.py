"""Bad input raises ValueError/TypeError naming the argument and the shapes, never IndexError."""
import numpy as np
import pytest

import solutions as S

x = np.zeros((2, 5, 5, 3))
w = np.zeros((3, 3, 3, 4))
b = np.zeros(4)

CASES = {  # name: (call, exception, words the message must contain)
    "x not 4-D": (lambda: S.conv_forward(np.zeros((5, 5, 3)), w, b), ValueError, ["x", "4-D", "(5, 5, 3)"]),
    "w not 4-D": (lambda: S.conv_forward(x, np.zeros((3, 3, 3)), b), ValueError, ["w", "(3, 3, 3)"]),
    "channel mismatch": (lambda: S.conv_forward(x, np.zeros((3, 3, 2, 4)), b), ValueError,
                         ["channel", "(2, 5, 5, 3)", "(3, 3, 2, 4)"]),
    "non-square filter": (lambda: S.conv_forward(x, np.zeros((3, 2, 3, 4)), b), ValueError,
                          ["square", "(3, 2, 3, 4)"]),
    "bias shape": (lambda: S.conv_forward(x, w, np.zeros(3)), ValueError, ["b", "(4,)", "(3,)"]),
    "stride 0": (lambda: S.conv_forward(x, w, b, stride=0), ValueError, ["stride", "0"]),
    "stride float": (lambda: S.conv_forward(x, w, b, stride=1.5), TypeError, ["stride", "1.5"]),
    "negative pad": (lambda: S.conv_forward(x, w, b, pad=-1), ValueError, ["pad", "-1"]),
    "float pad": (lambda: S.conv_forward(x, w, b, pad=1.0), TypeError, ["pad", "1.0"]),
    "bool pad": (lambda: S.conv_forward(x, w, b, pad=True), TypeError, ["pad"]),
    "unknown pad string": (lambda: S.conv_forward(x, w, b, pad="full"), ValueError, ["pad", "'full'"]),
    "same with even filter": (lambda: S.conv_forward(x, np.zeros((2, 2, 3, 4)), b, pad="same"),
                              ValueError, ["same", "2"]),
    "same with stride 2": (lambda: S.conv_forward(x, w, b, stride=2, pad="same"), ValueError,
                           ["same", "stride 2"]),
    "filter larger than padded input": (lambda: S.conv_forward(x, np.zeros((7, 7, 3, 4)), b),
                                        ValueError, ["7", "5 + 2*0 = 5"]),
    "naive conv checks too": (lambda: S.conv_forward_naive(x, np.zeros((3, 3, 2, 4)), b), ValueError,
                              ["channel"]),
    "conv dout shape": (lambda: S.conv_backward(np.zeros((2, 3, 3, 5)), S.conv_forward(x, w, b)[1]),
                        ValueError, ["dout", "(2, 3, 3, 4)", "(2, 3, 3, 5)"]),
    "not a cache": (lambda: S.conv_backward(np.zeros((2, 3, 3, 4)), [x, w]), TypeError, ["cache"]),
    "single step shapes": (lambda: S.conv_single_step(np.zeros((3, 3, 2)), np.zeros((3, 3, 3)), 0),
                           ValueError, ["(3, 3, 2)", "(3, 3, 3)"]),
    "strings as x": (lambda: S.conv_forward(np.full((2, 5, 5, 3), "a"), w, b), TypeError, ["x", "dtype"]),
    "pool mode": (lambda: S.pool_forward(x, 2, 2, "min"), ValueError, ["mode", "'min'"]),
    "pool too large": (lambda: S.pool_forward(x, 6, 1), ValueError, ["pool size 6", "5"]),
    "pool x not 4-D": (lambda: S.pool_forward_naive(np.zeros((5, 5)), 2, 2), ValueError, ["x", "(5, 5)"]),
    "pool stride 0": (lambda: S.pool_forward(x, 2, 0), ValueError, ["stride"]),
    "pool dout shape": (lambda: S.pool_backward(np.zeros((2, 2, 2, 2)), S.pool_forward(x)[1]),
                        ValueError, ["dout", "(2, 2, 2, 3)"]),
    "dense x not 2-D": (lambda: S.dense_forward(x, np.zeros((75, 4)), b), ValueError,
                        ["x", "(2, 5, 5, 3)", "flatten"]),
    "dense D mismatch": (lambda: S.dense_forward(np.zeros((2, 5)), np.zeros((4, 3)), np.zeros(3)),
                         ValueError, ["(2, 5)", "(4, 3)"]),
    "labels out of range": (lambda: S.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3])),
                            ValueError, ["[0, 3)", "max 3"]),
    "negative label": (lambda: S.softmax_cross_entropy(np.zeros((2, 3)), np.array([-1, 0])),
                       ValueError, ["min -1"]),
    "float labels": (lambda: S.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0])),
                     TypeError, ["y", "integer"]),
    "labels length": (lambda: S.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2])),
                      ValueError, ["y", "(2,)", "(3,)"]),
    "scores not 2-D": (lambda: S.softmax_cross_entropy(np.zeros(3), np.array([0])), ValueError,
                       ["scores", "(3,)"]),
    "output_size filter too large": (lambda: S.output_size(3, 5), ValueError, ["5", "3"]),
    "im2col x not 4-D": (lambda: S.im2col(np.zeros((4, 4)), 2), ValueError, ["x", "(4, 4)"]),
    "col2im wrong cols": (lambda: S.col2im(np.zeros((3, 3)), (1, 4, 4, 1), 3), ValueError,
                          ["cols", "(4, 9)", "(3, 3)"]),
    "zero_pad negative": (lambda: S.zero_pad(x, -2), ValueError, ["pad", "-2"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_named(case):
    call, exception, words = CASES[case]
    with pytest.raises(exception) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
