"""Argument checks shared by the layers.

Every check raises ValueError or TypeError with a message that names the
argument and the shapes involved, so a mistake is reported where it is made
and never as an IndexError from deep inside a loop.
"""
import numbers

import numpy as np

PAD_STRINGS = ("valid", "same")
POOL_MODES = ("max", "avg")


def as_array(name, value):
    """`value` as a numpy array of numbers; TypeError naming `name` otherwise."""
    arr = np.asarray(value)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be an array of numbers; got dtype {arr.dtype}")
    return arr


def float_dtype(*arrays):
    """The floating dtype the inputs promote to (float32 stays float32; ints give float64)."""
    dtype = np.result_type(*arrays)
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def as_float(arrays, dtype):
    """Each array cast to `dtype`, without a copy where it already has it."""
    return [np.asarray(a).astype(dtype, copy=False) for a in arrays]


def require_ndim(name, arr, layout):
    """Check that `arr` has one dimension per letter group of `layout`, e.g. "(N, H, W, C)"."""
    ndim = layout.count(",") + 1
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D {layout}; got shape {arr.shape}")


def require_int(name, value, minimum):
    """Check that `value` is an integer (not a bool) of at least `minimum`; return it as int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return int(value)


def resolve_pad(pad, f, stride=1):
    """The pad as an int: an int >= 0 as it is, "valid" as 0, "same" as (f - 1) // 2.

    "same" keeps H and W unchanged, which needs an odd filter and stride 1.
    """
    if isinstance(pad, str):
        if pad not in PAD_STRINGS:
            raise ValueError(f"pad must be an int >= 0, 'valid' or 'same'; got {pad!r}")
        if pad == "valid":
            return 0
        if f % 2 == 0 or stride != 1:
            raise ValueError(
                f"pad='same' keeps the size only for an odd filter at stride 1; "
                f"got filter size {f}, stride {stride}")
        return (f - 1) // 2
    return require_int("pad", pad, 0)


def require_fits(name, f, n, pad, axis):
    """Check that a window of size `f` fits in `n` (+ 2 * pad) along `axis`."""
    if f > n + 2 * pad:
        raise ValueError(
            f"{name} {f} is larger than the padded input along {axis}: "
            f"{n} + 2*{pad} = {n + 2 * pad}")


def require_mode(mode):
    """Check that `mode` is a pooling mode."""
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}; got {mode!r}")


def require_cache(name, cache, length):
    """Check that a backward received a cache that starts with its forward's inputs."""
    if not isinstance(cache, tuple) or len(cache) < length:
        raise TypeError(
            f"{name} expects the cache its forward returned (a tuple of at least "
            f"{length} entries); got {type(cache).__name__}")


def require_shape(name, arr, shape):
    """Check that `arr` has exactly `shape` (used for upstream gradients)."""
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}; got {arr.shape}")
