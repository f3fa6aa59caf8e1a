"""Answers for notebook training."""
import numpy as np

from ..answers import bug, correct


# dense_forward ----------------------------------------------------------------------------------

@correct("np.dot, then the bias")
def dense_forward(x, w, b):
    """out = x @ w + b. x: (N, D); w: (D, M); b: (M,). Returns out: (N, M), cache: (x, w, b)."""
    out = np.dot(x, w)
    out += b
    return out, (x, w, b)


@correct("a loop over the examples")
def dense_forward(x, w, b):
    """out = x @ w + b. x: (N, D); w: (D, M); b: (M,). Returns out: (N, M), cache: (x, w, b)."""
    out = np.zeros((x.shape[0], w.shape[1]), dtype=x.dtype)
    for n in range(x.shape[0]):
        out[n] = x[n] @ w + b
    return out, (x, w, b)


@correct("einsum in float64")
def dense_forward(x, w, b):
    """out = x @ w + b. x: (N, D); w: (D, M); b: (M,). Returns out: (N, M), cache: (x, w, b)."""
    out = np.einsum("nd,dm->nm", x.astype(np.float64), w.astype(np.float64)) + b
    return out, (x, w, b)


@correct("two loops and a dot product per output")
def dense_forward(x, w, b):
    """out = x @ w + b. x: (N, D); w: (D, M); b: (M,). Returns out: (N, M), cache: (x, w, b)."""
    N, M = x.shape[0], w.shape[1]
    out = np.empty((N, M))
    for i in range(N):
        for j in range(M):
            out[i, j] = np.sum(x[i] * w[:, j]) + b[j]
    return out, (x, w, b)


@bug("the bias forgotten", hint="add the bias b")
def dense_forward(x, w, b):
    """out = x @ w + b. x: (N, D); w: (D, M); b: (M,). Returns out: (N, M), cache: (x, w, b)."""
    out = x @ w
    return out, (x, w, b)


@bug("w transposed", hint="not x @ w.T")
def dense_forward(x, w, b):
    """out = x @ w + b. x: (N, D); w: (D, M); b: (M,). Returns out: (N, M), cache: (x, w, b)."""
    out = x @ w.T + b
    return out, (x, w, b)


@bug("a loop that takes row j of w instead of column j", hint="not x @ w.T")
def dense_forward(x, w, b):
    """out = x @ w + b. x: (N, D); w: (D, M); b: (M,). Returns out: (N, M), cache: (x, w, b)."""
    N, M = x.shape[0], w.shape[1]
    out = np.zeros((N, M))
    for i in range(N):
        for j in range(M):
            out[i, j] = np.sum(x[i] * w[j]) + b[j]
    return out, (x, w, b)


@bug("W x + b with examples as columns: out is (M, N)", hint="not its transpose")
def dense_forward(x, w, b):
    """out = x @ w + b. x: (N, D); w: (D, M); b: (M,). Returns out: (N, M), cache: (x, w, b)."""
    out = w.T @ x.T + b[:, None]
    return out, (x, w, b)


@bug("the output allocated with np.zeros_like(x)", hint="not np.zeros_like(x)")
def dense_forward(x, w, b):
    """out = x @ w + b. x: (N, D); w: (D, M); b: (M,). Returns out: (N, M), cache: (x, w, b)."""
    out = np.zeros_like(x)
    for j in range(w.shape[1]):
        out[:, j] = x @ w[:, j] + b[j]
    return out, (x, w, b)


# dense_backward ---------------------------------------------------------------------------------

@bug("the loop over the batch stops one example early: range(N - 1)", hint="holds part of the batch only")
def dense_backward(dout, cache):
    x, w, b = cache
    dw, db = np.zeros_like(w), np.zeros_like(b)
    for n in range(len(x) - 1):
        dw += np.outer(x[n], dout[n])
        db += dout[n]
    return dout @ w.T, dw, db


@correct("np.dot and np.sum")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = np.dot(dout, w.T)
    dw = np.dot(x.T, dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


@correct("a loop accumulating over the examples")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for n in range(x.shape[0]):
        dx[n] = w @ dout[n]
        dw += np.outer(x[n], dout[n])
        db += dout[n]
    return dx, dw, db


@correct("einsum, in float64")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dout = dout.astype(np.float64)
    dx = np.einsum("nm,dm->nd", dout, w)
    dw = np.einsum("nd,nm->dm", x, dout)
    db = np.einsum("nm->m", dout)
    return dx, dw, db


@correct("transposes of transposes, db as ones @ dout")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = (w @ dout.T).T
    dw = (dout.T @ x).T
    db = np.ones(len(dout)) @ dout
    return dx, dw, db


@bug("db a mean over the batch", hint="not a mean")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = np.mean(dout, axis=0)
    return dx, dw, db


@bug("db summed over every axis", hint="db = dout.sum(axis=0)")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = np.sum(dout)
    return dx, dw, db


@bug("db summed over the wrong axis", hint="db = dout.sum(axis=0)")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout.sum(axis=1)
    return dx, dw, db


@bug("db kept as (1, M) with keepdims", hint="without keepdims")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = np.sum(dout, axis=0, keepdims=True)
    return dx, dw, db


@bug("db = dout, not summed", hint="adds up dout")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout
    return dx, dw, db


@bug("a loop that overwrites dw and db instead of accumulating", hint="use += in the loop")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = np.zeros_like(x)
    for n in range(len(x)):
        dx[n] = dout[n] @ w.T
        dw = np.outer(x[n], dout[n])
        db = dout[n]
    return dx, dw, db


@bug("a loop accumulating dw but overwriting db", hint="use += in the loop")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = dout @ w.T
    dw = np.zeros(w.shape)
    for n in range(len(x)):
        dw += np.outer(x[n], dout[n])
        db = dout[n]
    return dx, dw, db


@bug("dw divided by the batch size", hint="do not divide by N")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    N = x.shape[0]
    dx = dout @ w.T
    dw = x.T @ dout / N
    db = dout.sum(axis=0)
    return dx, dw, db


@bug("dw transposed: dout.T @ x", hint="not dout.T @ x")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = dout @ w.T
    dw = dout.T @ x
    db = dout.sum(axis=0)
    return dx, dw, db


@bug("every gradient divided by N, dx included", hint="not divided by N")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    N = len(dout)
    dx = dout @ w.T / N
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


@bug("dx with w instead of w.T", hint="dx = dout @ w.T")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = dout @ w
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


@bug("dx transposed: w @ dout.T", hint="not w @ dout.T")
def dense_backward(dout, cache):
    """dout: (N, M); cache: (x, w, b). Returns dx: (N, D), dw: (D, M), db: (M,)."""
    x, w, b = cache
    dx = w @ dout.T
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


# softmax_cross_entropy --------------------------------------------------------------------------

@correct("log-softmax with a one-hot matrix")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N, M = scores.shape
    onehot = np.eye(M)[y]
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.sum(onehot * log_p) / N
    dscores = (np.exp(log_p) - onehot) / N
    return float(loss), dscores


@correct("the loss left as numpy's float64 (a 0-d value, not a Python float)")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dscores = np.exp(log_p)
    dscores[np.arange(N), y] -= 1
    return -log_p[np.arange(N), y].mean(), dscores / N


@correct("probabilities first, a copy for the gradient")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = scores.shape[0]
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    dscores = dscores / N
    return float(loss), dscores


@correct("a loop over the examples, each row stabilised")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    loss = 0.0
    dscores = np.zeros_like(scores)
    for n in range(N):
        s = scores[n] - np.max(scores[n])
        p = np.exp(s) / np.sum(np.exp(s))
        loss += np.log(np.sum(np.exp(s))) - s[y[n]]
        dscores[n] = p
        dscores[n, y[n]] -= 1
    loss /= N
    dscores /= N
    return float(loss), dscores


@correct("scipy's logsumexp, computed in float64")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    from scipy.special import logsumexp
    s = scores.astype(np.float64)
    rows = np.arange(len(y))
    lse = logsumexp(s, axis=1)
    loss = np.mean(lse - s[rows, y])
    dscores = np.exp(s - lse[:, None])
    dscores[rows, y] -= 1
    dscores /= len(y)
    return float(loss), dscores


@bug("no maximum subtracted: exp overflows", hint="subtract each row's maximum before np.exp")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    p = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("log-sum-exp without the maximum: the log overflows to inf",
     hint="subtract each row's maximum before np.exp")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("the batch's single maximum subtracted", hint="each row's own maximum")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    e = np.exp(scores - np.max(scores))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("the maximum subtracted in place from the caller's scores", hint="changes the caller's scores")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(N), y]).mean()
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("dscores = p without a copy, the loss read afterwards", hint="makes no copy")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    dscores = p
    dscores[np.arange(N), y] -= 1
    dscores /= N
    loss = -np.mean(np.log(p[np.arange(N), y]))
    return float(loss), dscores


@bug("max and sum over axis 0 (the batch)", hint="softmax normalises each row")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    e = np.exp(scores - np.max(scores, axis=0))
    p = e / np.sum(e, axis=0)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("a 1-D softmax helper applied to the whole (N, M) array", hint="softmax works row by row")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    def softmax(z):
        e = np.exp(z - np.max(z))
        return e / np.sum(e)

    N = len(y)
    p = softmax(scores)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("each row shifted by its maximum, then one sum for the whole batch", hint="softmax works row by row")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum()
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("p[:, y] instead of p[np.arange(N), y]", hint="p[np.arange(N), y]")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[:, y]))
    dscores = p.copy()
    dscores[:, y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("the gradient not divided by N", hint="divide by the batch size")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    return float(loss), dscores


@bug("the gradient divided by the number of classes", hint="not by the number of classes")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= scores.shape[1]
    return float(loss), dscores


@bug("the one-hot labels never subtracted", hint="subtract 1 at each example's label")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p / N
    return float(loss), dscores


@bug("the loss summed over the batch", hint="the mean over the batch, not the sum")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.sum(log_probs[np.arange(N), y])
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("the minus of the loss forgotten", hint="the loss is -log p")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = np.mean(log_probs[np.arange(N), y])
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


@bug("the gradient's sign flipped: onehot - p", hint="not onehot - softmax")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N, M = scores.shape
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    onehot = np.zeros((N, M))
    onehot[np.arange(N), y] = 1
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = (onehot - p) / N
    return float(loss), dscores


@bug("the row maximum taken without keepdims", hint="keepdims=True")
def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against labels y, and its gradient.

    scores: (N, M); y: (N,) ints in [0, M). Returns loss: float, dscores: (N, M).
    """
    N = len(y)
    shifted = scores - scores.max(axis=1)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    return float(loss), dscores


# network_forward --------------------------------------------------------------------------------

@correct("FORWARD table, the output renamed")
def network_forward(x, layers):
    """x: the first layer's input; layers: [(kind, params)].
    Returns scores: the last layer's output, caches: [(kind, cache)] one per layer."""
    caches = []
    out = x
    for kind, params in layers:
        forward = FORWARD[kind]
        out, cache = forward(out, params)
        caches.append((kind, cache))
    x = out
    return x, caches


@correct("if/elif dispatch to the layer functions")
def network_forward(x, layers):
    """x: the first layer's input; layers: [(kind, params)].
    Returns scores: the last layer's output, caches: [(kind, cache)] one per layer."""
    caches = []
    for kind, params in layers:
        if kind == "conv":
            x, cache = conv_forward(x, params["w"], params["b"], params["stride"], params["pad"])
        elif kind == "relu":
            x, cache = relu_forward(x)
        elif kind == "pool":
            x, cache = pool_forward(x, params["size"], params["stride"], params["mode"])
        elif kind == "flatten":
            x, cache = flatten_forward(x)
        elif kind == "dense":
            x, cache = dense_forward(x, params["w"], params["b"])
        else:
            raise ValueError(f"unknown layer {kind}")
        caches.append((kind, cache))
    return x, caches


@correct("an index loop, caches as lists")
def network_forward(x, layers):
    """x: the first layer's input; layers: [(kind, params)].
    Returns scores: the last layer's output, caches: [(kind, cache)] one per layer."""
    caches = []
    for i in range(len(layers)):
        kind = layers[i][0]
        result = FORWARD[kind](x, layers[i][1])
        x = result[0]
        caches.append([kind, result[1]])
    return x, caches


@bug("the ReLU layers skipped", hint="every ('relu', {}) layer must be applied")
def network_forward(x, layers):
    """x: the first layer's input; layers: [(kind, params)].
    Returns scores: the last layer's output, caches: [(kind, cache)] one per layer."""
    caches = []
    for kind, params in layers:
        if kind == "relu":
            continue
        x, cache = FORWARD[kind](x, params)
        caches.append((kind, cache))
    return x, caches


@bug("pool_forward called without the layer's mode", hint="pass each pool layer its mode")
def network_forward(x, layers):
    """x: the first layer's input; layers: [(kind, params)].
    Returns scores: the last layer's output, caches: [(kind, cache)] one per layer."""
    caches = []
    for kind, params in layers:
        if kind == "pool":
            x, cache = pool_forward(x, params["size"], params["stride"])
        else:
            x, cache = FORWARD[kind](x, params)
        caches.append((kind, cache))
    return x, caches


@bug("caches without the kind of each layer", hint="keep (kind, cache)")
def network_forward(x, layers):
    """x: the first layer's input; layers: [(kind, params)].
    Returns scores: the last layer's output, caches: [(kind, cache)] one per layer."""
    caches = []
    for kind, params in layers:
        x, cache = FORWARD[kind](x, params)
        caches.append(cache)
    return x, caches


@bug("the params kept instead of the caches", hint="keep (kind, cache)")
def network_forward(x, layers):
    """x: the first layer's input; layers: [(kind, params)].
    Returns scores: the last layer's output, caches: [(kind, cache)] one per layer."""
    caches = []
    for kind, params in layers:
        x, _ = FORWARD[kind](x, params)
        caches.append((kind, params))
    return x, caches


@bug("every layer fed the network's input, x never updated", hint="each layer's output is the next one's input")
def network_forward(x, layers):
    """x: the first layer's input; layers: [(kind, params)].
    Returns scores: the last layer's output, caches: [(kind, cache)] one per layer."""
    caches = []
    for kind, params in layers:
        out, cache = FORWARD[kind](x, params)
        caches.append((kind, cache))
    return x, caches


@bug("caches inserted at the front, last layer first", hint="keep (kind, cache) for every layer, in order")
def network_forward(x, layers):
    """x: the first layer's input; layers: [(kind, params)].
    Returns scores: the last layer's output, caches: [(kind, cache)] one per layer."""
    caches = []
    for kind, params in layers:
        x, cache = FORWARD[kind](x, params)
        caches.insert(0, (kind, cache))
    return x, caches


# network_backward -------------------------------------------------------------------------------

@correct("grads built front to back with insert(0, ...)")
def network_backward(dscores, caches):
    """dscores: gradient w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the input, grads: [dict] one per layer, in layer order."""
    grads = []
    dout = dscores
    for kind, cache in reversed(caches):
        result = BACKWARD[kind](dout, cache)
        dout = result[0]
        if len(result) == 3:
            grads.insert(0, {"w": result[1], "b": result[2]})
        else:
            grads.insert(0, {})
    return dout, grads


@correct("an index loop from the last layer, grads preallocated")
def network_backward(dscores, caches):
    """dscores: gradient w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the input, grads: [dict] one per layer, in layer order."""
    grads = [{} for _ in caches]
    dout = dscores
    for i in range(len(caches) - 1, -1, -1):
        kind, cache = caches[i]
        if kind in ("conv", "dense"):
            dout, dw, db = BACKWARD[kind](dout, cache)
            grads[i] = {"w": dw, "b": db}
        else:
            (dout,) = BACKWARD[kind](dout, cache)
    return dout, grads


@correct("if/elif dispatch to the backward functions, then grads[::-1]")
def network_backward(dscores, caches):
    """dscores: gradient w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the input, grads: [dict] one per layer, in layer order."""
    grads = []
    dout = dscores
    for kind, cache in caches[::-1]:
        if kind == "dense":
            dout, dw, db = dense_backward(dout, cache)
            grads.append({"w": dw, "b": db})
        elif kind == "conv":
            dout, dw, db = conv_backward(dout, cache)
            grads.append({"w": dw, "b": db})
        elif kind == "relu":
            dout = relu_backward(dout, cache)
            grads.append({})
        elif kind == "pool":
            dout = pool_backward(dout, cache)
            grads.append({})
        else:
            dout = flatten_backward(dout, cache)
            grads.append({})
    grads = grads[::-1]
    return dout, grads


@bug("the grads list left in backward order", hint="reverse the list you built going backwards")
def network_backward(dscores, caches):
    """dscores: gradient w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the input, grads: [dict] one per layer, in layer order."""
    grads = []
    dout = dscores
    for kind, cache in reversed(caches):
        dout, *param_grads = BACKWARD[kind](dout, cache)
        grads.append(dict(zip(("w", "b"), param_grads)))
    return dout, grads


@bug("the gradients named dw and db", hint="name the gradients after their parameters")
def network_backward(dscores, caches):
    """dscores: gradient w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the input, grads: [dict] one per layer, in layer order."""
    grads = []
    dout = dscores
    for kind, cache in reversed(caches):
        dout, *param_grads = BACKWARD[kind](dout, cache)
        grads.append(dict(zip(("dw", "db"), param_grads)))
    grads.reverse()
    return dout, grads


@bug("no dict for the layers without parameters", hint="{} for relu, pool and flatten")
def network_backward(dscores, caches):
    """dscores: gradient w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the input, grads: [dict] one per layer, in layer order."""
    grads = []
    dout = dscores
    for kind, cache in reversed(caches):
        dout, *param_grads = BACKWARD[kind](dout, cache)
        if param_grads:
            grads.append({"w": param_grads[0], "b": param_grads[1]})
    grads.reverse()
    return dout, grads


@bug("the gradients zipped with ('b', 'w')", hint="zip their gradients with ('w', 'b')")
def network_backward(dscores, caches):
    """dscores: gradient w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the input, grads: [dict] one per layer, in layer order."""
    grads = []
    dout = dscores
    for kind, cache in reversed(caches):
        dout, *param_grads = BACKWARD[kind](dout, cache)
        grads.append(dict(zip(("b", "w"), param_grads)))
    grads.reverse()
    return dout, grads


@bug("the caches walked first to last", hint="from last to first")
def network_backward(dscores, caches):
    """dscores: gradient w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the input, grads: [dict] one per layer, in layer order."""
    grads = []
    dout = dscores
    for kind, cache in caches:
        dout, *param_grads = BACKWARD[kind](dout, cache)
        grads.append(dict(zip(("w", "b"), param_grads)))
    return dout, grads


@bug("dout never updated: every layer gets dscores", hint="each layer's dx being the next dout")
def network_backward(dscores, caches):
    """dscores: gradient w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the input, grads: [dict] one per layer, in layer order."""
    grads = []
    dout = dscores
    for kind, cache in reversed(caches):
        dx, *param_grads = BACKWARD[kind](dout, cache)
        grads.append(dict(zip(("w", "b"), param_grads)))
    grads.reverse()
    return dout, grads


# sgd_momentum -----------------------------------------------------------------------------------

@correct("the velocity first, w + velocity")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    v = momentum * velocity - lr * dw
    new_w = w + v
    return new_w, v


@correct("copies updated in place")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    velocity = velocity.copy()
    velocity *= momentum
    velocity -= lr * dw
    w = w.copy()
    w += velocity
    return w, velocity


@correct("written out as w + momentum * v - lr * dw")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    new_w = w + momentum * velocity - lr * dw
    return new_w, new_w - w


@correct("np.add and np.multiply, in float64")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    v = np.subtract(np.multiply(momentum, velocity, dtype=np.float64), np.multiply(lr, dw))
    return np.add(w, v), v


@bug("the velocity adds the step, w subtracts it", hint="the velocity subtracts the step")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    velocity = momentum * velocity + lr * dw
    return w - velocity, velocity


@bug("w moved by the old velocity", hint="then move w by the new velocity")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    new_w = w + velocity
    velocity = momentum * velocity - lr * dw
    return new_w, velocity


@bug("w - velocity: the step taken uphill", hint="the velocity already points downhill")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    velocity = momentum * velocity - lr * dw
    return w - velocity, velocity


@bug("the learning rate applied to the velocity, outside", hint="the learning rate scales dw inside")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    velocity = momentum * velocity - dw
    return w + lr * velocity, velocity


@bug("the velocity as a moving average (1 - momentum) * dw", hint="without (1 - momentum)")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    velocity = momentum * velocity + (1 - momentum) * dw
    w = w - lr * velocity
    return w, velocity


@bug("plain SGD, the velocity returned unchanged", hint="keep a velocity")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    return w - lr * dw, velocity


@bug("velocity and w updated in place", hint="do not change w, dw or velocity in place")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    velocity *= momentum
    velocity -= lr * dw
    w += velocity
    return w, velocity


@bug("never updates: w and the velocity returned as they came (the model stays at chance, and "
     "trained_model gets no points for it: tests/test_checks.py)", hint="come back unchanged")
def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum. Returns (new w, new velocity)."""
    return w, velocity


# trained_model ----------------------------------------------------------------------------------

@correct("the labels, one batch of 500 at a time")
def trained_model(images):
    """Class scores (N, 10) of the trained network for images (N, 28, 28, 1)."""
    labels = []
    for i in range(0, len(images), 500):
        scores, _ = network_forward(images[i:i + 500], layers)
        labels.append(scores.argmax(axis=1))
    return np.concatenate(labels)


@correct("softmax probabilities from one call")
def trained_model(images):
    """Class scores (N, 10) of the trained network for images (N, 28, 28, 1)."""
    scores, _ = network_forward(images, layers)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@correct("the Network adapter, batches stacked with np.vstack")
def trained_model(images):
    """Class scores (N, 10) of the trained network for images (N, 28, 28, 1)."""
    return np.vstack([model.forward(images[i:i + 256]) for i in range(0, len(images), 256)])


@bug("argmax over axis 0", hint="argmax over axis=1")
def trained_model(images):
    """Class scores (N, 10) of the trained network for images (N, 28, 28, 1)."""
    scores, _ = network_forward(images, layers)
    return scores.argmax(axis=0)


@bug("the batches stacked with np.array instead of joined", hint="join them with np.concatenate")
def trained_model(images):
    """Class scores (N, 10) of the trained network for images (N, 28, 28, 1)."""
    return np.array([network_forward(images[i:i + 500], layers)[0] for i in range(0, len(images), 500)])


@bug("a fresh, untrained network", hint="predict with the trained `layers`")
def trained_model(images):
    """Class scores (N, 10) of the trained network for images (N, 28, 28, 1)."""
    net = lenet(np.random.default_rng(0))
    return network_forward(images, net)[0]


@bug("return inside the loop: the first batch only", hint="one row of scores per image")
def trained_model(images):
    """Class scores (N, 10) of the trained network for images (N, 28, 28, 1)."""
    for i in range(0, len(images), 500):
        scores, _ = network_forward(images[i:i + 500], layers)
        return scores


@bug("network_forward's (scores, caches) returned whole", hint="return the scores only")
def trained_model(images):
    """Class scores (N, 10) of the trained network for images (N, 28, 28, 1)."""
    return network_forward(images, layers)
