"""im2col and col2im: the layout of the windows matrix, and col2im as im2col's adjoint."""
import numpy as np
import pytest

import solutions as S
from coursekit import assert_close

CASES = [((2, 5, 6, 3), 3, 1, 0), ((1, 7, 5, 2), 3, 2, 1), ((2, 6, 6, 1), 5, 1, 2),
         ((1, 4, 4, 2), 1, 1, 0), ((1, 9, 8, 1), 2, 3, 1)]


@pytest.mark.parametrize("x_shape, f, stride, pad", CASES)
def test_each_row_is_one_window_in_i_j_c_order(x_shape, f, stride, pad, rng):
    x = rng.standard_normal(x_shape)
    cols = S.im2col(x, f, stride, pad)
    xp = S.zero_pad(x, pad)
    N, H, W, C = x_shape
    Ho, Wo = S.output_size(H, f, stride, pad), S.output_size(W, f, stride, pad)
    assert cols.shape == (N * Ho * Wo, f * f * C)
    row = 0
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                window = xp[n, i * stride:i * stride + f, j * stride:j * stride + f, :]
                assert_close(cols[row], window.reshape(-1), f"row {row}")
                row += 1


@pytest.mark.parametrize("x_shape, f, stride, pad", CASES)
def test_col2im_is_the_adjoint_of_im2col(x_shape, f, stride, pad, rng):
    # <im2col(x), c> == <x, col2im(c)> for every x and c defines the adjoint.
    x = rng.standard_normal(x_shape)
    cols = S.im2col(x, f, stride, pad)
    c = rng.standard_normal(cols.shape)
    back = S.col2im(c, x_shape, f, stride, pad)
    assert back.shape == x_shape
    assert np.sum(cols * c) == pytest.approx(np.sum(x * back), rel=1e-12)


def test_col2im_counts_how_often_each_pixel_is_used():
    cols = S.im2col(np.ones((1, 4, 4, 1)), 3, 1, 0)
    counts = S.col2im(np.ones_like(cols), (1, 4, 4, 1), 3, 1, 0)[0, :, :, 0]
    assert_close(counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])


def test_alexnet_first_layer_sizes():
    cols = S.im2col(np.zeros((1, 227, 227, 3), np.float32), 11, 4, 0)
    assert cols.shape == (55 * 55, 11 * 11 * 3) == (3025, 363)
    assert cols.dtype == np.float32
