"""A convolution written as what it is: a fully connected layer whose weight matrix is
mostly zeros, and whose non-zero entries are the few filter weights, shared."""
import numpy as np

from ._validate import as_array, require_ndim, resolve_pad
from .windows import output_size


def conv_as_matrix(w, input_shape, stride=1, pad=0):
    """The matrix M with out[n].ravel() == M @ x[n].ravel() + np.tile(b, Ho*Wo).

    w: (F, F, C_in, C_out); input_shape: (H, W, C_in) of one example;
    stride: int >= 1; pad: int >= 0, "valid" or "same".
    Returns M: (Ho*Wo*C_out, H*W*C_in). Row (i, j, c) holds filter c placed on the
    window of output (i, j); padding positions read zeros, so they have no column.
    """
    w = as_array("w", w)
    require_ndim("w", w, "(F, F, C_in, C_out)")
    H, W, C = input_shape
    f, c_out = w.shape[0], w.shape[3]
    if w.shape[2] != C:
        raise ValueError(f"channel mismatch: input_shape {tuple(input_shape)} has C_in={C} "
                         f"but w {w.shape} expects C_in={w.shape[2]}")
    pad = resolve_pad(pad, f, stride)
    Ho, Wo = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    M = np.zeros((Ho, Wo, c_out, H, W, C), dtype=w.dtype)
    for i in range(Ho):
        for j in range(Wo):
            for p in range(f):
                for q in range(f):
                    r, s = i * stride + p - pad, j * stride + q - pad
                    if 0 <= r < H and 0 <= s < W:
                        M[i, j, :, r, s, :] = w[p, q].T         # (C_out, C_in)
    return M.reshape(Ho * Wo * c_out, H * W * C)
