"""Checks of notebook 05 (a CNN on MNIST): dense_forward, dense_backward,
softmax_cross_entropy, network_forward, network_backward, sgd_momentum, trained_model."""
import numpy as np

import solutions as S

from ..check import Bug, Case, Check, compare_forward, compare_out, compare_tuple, compare_value


def dense_cases():
    rng = np.random.default_rng(501)
    specs = [((4, 3), 2, "4 examples, 3 -> 2"), ((1, 6), 5, "batch of 1"), ((7, 10), 10, "square weights"),
             ((3, 5), 1, "one output unit"), ((5, 4), 3, "float32 input")]
    cases = []
    for (n, d), m, name in specs:
        dtype = np.float32 if "float32" in name else np.float64
        cases.append(Case(name, tuple(rng.standard_normal(s).astype(dtype) for s in ((n, d), (d, m), (m,)))))
    return cases


dense_forward = Check(
    "dense_forward", 1, S.dense_forward, dense_cases, compare_forward(("x", "w", "b")),
    bugs=[Bug("add the bias b", lambda x, w, b: x @ w),
          Bug("w has shape (D, M): out = x @ w, not x @ w.T", lambda x, w, b: x @ w.T + b)],
    bug_compare=compare_out, hint="out = x @ w + b; cache = (x, w, b)")


def dense_backward_cases():
    rng = np.random.default_rng(502)
    return [Case(c.name, (rng.standard_normal((c.args[0].shape[0], c.args[1].shape[1])).astype(c.args[0].dtype),
                          (c.args[0], c.args[1], c.args[2])))
            for c in dense_cases()]


dense_backward = Check(
    "dense_backward", 2, S.dense_backward, dense_backward_cases, compare_tuple(("dx", "dw", "db")),
    bugs=[Bug("db sums dout over the batch (axis 0), not a mean",
              lambda dout, cache: (dout @ cache[1].T, cache[0].T @ dout, dout.mean(axis=0))),
          Bug("dw = x.T @ dout is a sum over the batch: do not divide by N",
              lambda dout, cache: (dout @ cache[1].T, cache[0].T @ dout / len(dout), dout.sum(axis=0))),
          Bug("dx = dout @ w.T (N, D): w is (D, M)",
              lambda dout, cache: (dout @ cache[1], cache[0].T @ dout, dout.sum(axis=0)))],
    hint="dx = dout @ w.T; dw = x.T @ dout; db = dout.sum(axis=0)")


def loss_cases():
    rng = np.random.default_rng(503)
    cases = [Case("4 examples, 3 classes", (rng.standard_normal((4, 3)), np.array([0, 2, 1, 2]))),
             Case("10 classes, scaled scores", (rng.standard_normal((6, 10)) * 5, rng.integers(0, 10, 6))),
             Case("batch of 1", (rng.standard_normal((1, 5)), np.array([3]))),
             Case("scores of 1000: must not overflow",
                  (np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 990.0]]), np.array([0, 2]))),
             Case("float32 input", (rng.standard_normal((5, 4)).astype(np.float32), np.array([0, 1, 2, 3, 0])))]
    return cases


def compare_loss(got, expected, case):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"should return (loss, dscores); got {type(got).__name__}"
    message = compare_value(got[0], expected[0], case, "loss")
    return message or compare_value(got[1], expected[1], case, "dscores")


def _unstable(scores, y):
    with np.errstate(all="ignore"):
        p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(p[np.arange(len(y)), y]))
        d = p.copy()
        d[np.arange(len(y)), y] -= 1
        return loss, d / len(y)


softmax_cross_entropy = Check(
    "softmax_cross_entropy", 2, S.softmax_cross_entropy, loss_cases, compare_loss,
    bugs=[Bug("subtract each row's maximum before np.exp: exp(1000) overflows to inf", _unstable),
          Bug("dscores is (softmax - onehot) / N: divide by the batch size",
              lambda s, y: (lambda r: (r[0], r[1] * len(y)))(S.softmax_cross_entropy(s, y))),
          Bug("the loss is the mean over the batch, not the sum",
              lambda s, y: (lambda r: (r[0] * len(y), r[1]))(S.softmax_cross_entropy(s, y))),
          Bug("the gradient is softmax - onehot (divided by N), not onehot - softmax",
              lambda s, y: (lambda r: (r[0], -r[1]))(S.softmax_cross_entropy(s, y)))],
    hint="p = softmax(scores); loss = -mean(log p[n, y[n]]); dscores = (p - onehot(y)) / N")


def network_layers(rng, dtype=np.float64):
    """A small CONV-RELU-POOL-CONV-RELU-POOL-FLATTEN-DENSE network for (N, 8, 8, 1) inputs."""
    def normal(*shape):
        return rng.standard_normal(shape).astype(dtype)
    return [("conv", {"w": normal(3, 3, 1, 4), "b": normal(4), "stride": 1, "pad": 1}), ("relu", {}),
            ("pool", {"size": 2, "stride": 2, "mode": "max"}),
            ("conv", {"w": normal(3, 3, 4, 3), "b": normal(3), "stride": 1, "pad": 0}), ("relu", {}),
            ("pool", {"size": 2, "stride": 2, "mode": "avg"}),
            ("flatten", {}), ("dense", {"w": normal(3, 5), "b": normal(5)})]


def network_cases():
    rng = np.random.default_rng(504)
    cases = [Case("CONV-RELU-POOL x2, FLATTEN, DENSE", (rng.standard_normal((3, 8, 8, 1)), network_layers(rng))),
             Case("batch of 1", (rng.standard_normal((1, 8, 8, 1)), network_layers(rng))),
             Case("dense layers only", (rng.standard_normal((4, 6)),
                                        [("dense", {"w": rng.standard_normal((6, 5)), "b": rng.standard_normal(5)}),
                                         ("relu", {}),
                                         ("dense", {"w": rng.standard_normal((5, 3)), "b": rng.standard_normal(3)})])),
             Case("stride 2 conv, overlapping pool",
                  (rng.standard_normal((2, 9, 9, 1)),
                   [("conv", {"w": rng.standard_normal((3, 3, 1, 2)), "b": rng.standard_normal(2), "stride": 2, "pad": 1}),
                    ("relu", {}), ("pool", {"size": 3, "stride": 2, "mode": "max"}), ("flatten", {}),
                    ("dense", {"w": rng.standard_normal((4 * 2, 3)), "b": rng.standard_normal(3)})]))]
    return cases


def compare_scores(got, expected, case):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"should return (scores, caches); got {type(got).__name__}"
    message = compare_value(got[0], expected[0], case, "scores")
    if message is None and (not isinstance(got[1], (list, tuple)) or len(got[1]) != len(case.args[1])):
        return f"caches should hold one entry per layer ({len(case.args[1])})"
    return message


def _skip_relu(x, layers):
    return S.network_forward(x, [(k, p) for k, p in layers if k != "relu"])[0]


network_forward = Check(
    "network_forward", 2, S.network_forward, network_cases, compare_scores,
    bugs=[Bug("every ('relu', {}) layer must be applied too", _skip_relu)],
    bug_compare=compare_out,
    hint="x, cache = <that layer's forward>(x, **params) for each (kind, params) in order; "
         "keep (kind, cache) for every layer")


def network_backward_cases():
    rng = np.random.default_rng(505)
    cases = []
    for case in network_cases():
        scores, caches = S.network_forward(*case.args)
        cases.append(Case(case.name, (rng.standard_normal(scores.shape), caches)))
    return cases


def compare_network_grads(got, expected, case):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"should return (dx, grads); got {type(got).__name__}"
    message = compare_value(got[0], expected[0], case, "dx")
    if message:
        return message
    grads, reference = got[1], expected[1]
    if not isinstance(grads, (list, tuple)) or len(grads) != len(reference):
        return f"grads should hold one dict per layer ({len(reference)}), in the order of the layers"
    for i, (g, r) in enumerate(zip(grads, reference)):
        if not isinstance(g, dict) or set(g) != set(r):
            return f"grads[{i}] should be a dict with keys {sorted(r) or '{}'} (layer {case.args[1][i][0]!r})"
        for name in r:
            message = compare_value(g[name], r[name], case, f"grads[{i}][{name!r}]")
            if message:
                return message
    return None


def _grads_reversed(dscores, caches):
    dx, grads = S.network_backward(dscores, caches)
    return dx, grads[::-1]


network_backward = Check(
    "network_backward", 3, S.network_backward, network_backward_cases, compare_network_grads,
    bugs=[Bug("grads[i] belongs to layers[i]: reverse the list you built going backwards",
              _grads_reversed)],
    hint="go through caches from last to first: dout, *param_grads = <that layer's backward>(dout, cache)")


def sgd_cases():
    rng = np.random.default_rng(506)
    cases = []
    for shape, lr, momentum, name in (((3, 4), 0.1, 0.9, "momentum 0.9"), ((5,), 0.01, 0.0, "plain SGD"),
                                      ((2, 2, 3), 0.5, 0.5, "momentum 0.5"), ((4,), 0.05, 0.99, "momentum 0.99")):
        cases.append(Case(name, (rng.standard_normal(shape), rng.standard_normal(shape), rng.standard_normal(shape),
                                 lr, momentum)))
    return cases


sgd_momentum = Check(
    "sgd_momentum", 1, S.sgd_momentum, sgd_cases, compare_tuple(("w", "velocity")),
    bugs=[Bug("the velocity subtracts the step: velocity = momentum * velocity - lr * dw",
              lambda w, dw, v, lr, m: (w - (m * v + lr * dw), m * v + lr * dw)),
          Bug("update the velocity first, then move w by the new velocity",
              lambda w, dw, v, lr, m: (w + v, m * v - lr * dw))],
    mutation_hint="return new arrays; do not change w, dw or velocity in place",
    hint="velocity = momentum * velocity - lr * dw; w = w + velocity")


# trained_model ---------------------------------------------------------------------------------

HELD_OUT = 1000          # the first test images: never used for training in the notebook
THRESHOLDS = (0.5, 0.7, 0.8, 0.85)


def trained_model_cases():
    from coursekit.data import fetch, read_idx
    images = read_idx(fetch("mnist", "t10k-images-idx3-ubyte.gz"), "images")[:HELD_OUT]
    x = (images[..., None] / np.float32(255)).astype(np.float32)
    y = read_idx(fetch("mnist", "t10k-labels-idx1-ubyte.gz"), "labels")[:HELD_OUT].astype(np.int64)
    return [Case(f"held-out accuracy at least {t:.0%} on {HELD_OUT} test digits", (x,), expected=(y, t))
            for t in THRESHOLDS]


def compare_accuracy(got, expected, case):
    labels, threshold = expected
    got = np.asarray(got)
    if got.shape not in ((len(labels),), (len(labels), 10)):
        return f"should return scores (N, 10) or labels (N,) for N = {len(labels)}; got shape {got.shape}"
    predicted = got.argmax(axis=1) if got.ndim == 2 else got
    accuracy = float(np.mean(predicted == labels))
    if accuracy < threshold:
        return f"accuracy {accuracy:.1%}, below {threshold:.0%}"
    return None


trained_model = Check(
    "trained_model", 3, None, trained_model_cases, compare_accuracy,
    hint="train longer, or check the learning rate: the loss should fall steadily")

CHECKS = [dense_forward, dense_backward, softmax_cross_entropy, network_forward, network_backward,
          sgd_momentum, trained_model]
