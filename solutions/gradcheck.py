"""Numerical gradients by centred differences, the yardstick for every backward pass."""
import numpy as np


def numerical_gradient(f, x, dout=None, h=1e-5):
    """Gradient of sum(f(x) * dout) with respect to x, one entry at a time.

    df/dx[i] ~ (f(x + h e_i) - f(x - h e_i)) / (2h); its error shrinks like h**2.
    f: callable taking x and returning a scalar or an array; x: float array of any
    shape, changed in place during the call and restored exactly (also if f raises);
    dout: array of f(x)'s shape, the upstream gradient (ones when None).
    Returns grad: x's shape and dtype.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float numpy array (it is nudged in place); got "
                        f"{type(x).__name__}" + (f" of {x.dtype}" if isinstance(x, np.ndarray) else ""))
    grad = np.zeros_like(x)
    flat, flat_grad = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so that it can be nudged in place")

    def weighted(value):
        value = np.asarray(value, dtype=np.float64)
        return value.sum() if dout is None else np.sum(value * dout)

    for i in range(flat.size):
        original = flat[i]
        try:
            flat[i] = original + h
            plus = weighted(f(x))
            flat[i] = original - h
            minus = weighted(f(x))
        finally:
            flat[i] = original
        flat_grad[i] = (plus - minus) / (2 * h)
    return grad
