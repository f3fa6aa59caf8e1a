"""Softmax and the softmax cross-entropy loss, computed stably.

scores: (N, M) unnormalised log-probabilities of M classes; y: (N,) ints in [0, M).
"""
import numpy as np

from ._validate import as_array, as_float, float_dtype, require_ndim


def _log_softmax(scores):
    """log softmax along the last axis; subtracting the max keeps exp from overflowing."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(scores):
    """Probabilities along the last axis: exp(s) / sum(exp(s)), stable for any scale.

    scores: (..., M). Returns probs: same shape and dtype; each row sums to 1.
    """
    scores = as_array("scores", scores)
    (scores,) = as_float((scores,), float_dtype(scores))
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against the labels, and its gradient.

    scores: (N, M); y: (N,) integer labels in [0, M).
    Returns loss: float, -mean_n log softmax(scores)[n, y[n]],
            dscores: (N, M) = (softmax(scores) - onehot(y)) / N, scores' dtype.
    """
    scores, y = as_array("scores", scores), np.asarray(y)
    require_ndim("scores", scores, "(N, M)")
    if y.shape != (scores.shape[0],):
        raise ValueError(f"y must have shape (N,) = ({scores.shape[0]},) to match scores "
                         f"{scores.shape}; got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels; got dtype {y.dtype}")
    N, M = scores.shape
    if N and (y.min() < 0 or y.max() >= M):
        raise ValueError(f"labels y must lie in [0, {M}) for scores {scores.shape}; "
                         f"got min {y.min()}, max {y.max()}")
    (scores,) = as_float((scores,), float_dtype(scores))
    log_probs = _log_softmax(scores)
    rows = np.arange(N)
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dscores /= N
    return float(loss), dscores
