"""Checks of notebook 05 (a CNN on MNIST): dense_forward, dense_backward,
softmax_cross_entropy, network_forward, network_backward, sgd_momentum, trained_model."""
import numpy as np

import solutions as S

from coursekit.judging import Case, Comparison

from .bugs import PARTS, dense_partial_batch_bugs
from .cases import backward_cases
from .model import Bug, Check, case_rng


def dense_cases(seed=0):
    rng = case_rng(501, seed)
    specs = [((4, 3), 2, "4 examples, 3 -> 2"), ((1, 6), 5, "batch of 1"), ((7, 10), 10, "square weights"),
             ((3, 5), 1, "one output unit"), ((5, 4), 3, "float32 input")]
    cases = []
    for (n, d), m, name in specs:
        dtype = np.float32 if "float32" in name else np.float64
        cases.append(Case(name, tuple(rng.standard_normal(s).astype(dtype) for s in ((n, d), (d, m), (m,)))))
    return cases


def _zeros_like_x(x, w, b):
    """out = np.zeros_like(x) filled column by column: (N, D) with zeros past column M."""
    out = np.zeros_like(x)
    out[:, :w.shape[1]] = x @ w + b
    return out


dense_forward = Check(
    "dense_forward", 1, S.dense_forward, dense_cases, Comparison("forward", ("x", "w", "b")),
    bugs=[Bug("add the bias b", lambda x, w, b: x @ w),
          Bug("w has shape (D, M): out = x @ w, not x @ w.T", lambda x, w, b: x @ w.T + b),
          Bug("out has shape (N, M), one row per example: x @ w + b, not its transpose (w.T @ x.T)",
              lambda x, w, b: (x @ w + b).T),
          Bug("out has shape (N, M): create it with np.zeros((N, M)), not np.zeros_like(x), which is (N, D)",
              _zeros_like_x)],
    bug_compare=Comparison("out"), hint="a matrix product of x (N, D) and w (D, M), plus b on every row; the cache holds the "
         "forward's inputs")


def dense_backward_cases(seed=0):
    return backward_cases(dense_cases(seed), S.dense_forward, case_rng(502, seed))


dense_backward = Check(
    "dense_backward", 2, S.dense_backward, dense_backward_cases, Comparison("tuple", ("dx", "dw", "db")),
    bugs=[Bug("db sums dout over the batch (axis 0), not a mean",
              lambda dout, cache: (None, None, dout.mean(axis=0))),
          Bug("db = dout.sum(axis=0): sum over the batch axis only, one entry per output unit",
              lambda dout, cache: (None, None, dout.sum())),
          Bug("db = dout.sum(axis=0): sum over the batch axis only, one entry per output unit",
              lambda dout, cache: (None, None, dout.sum(axis=1))),
          Bug("db has b's shape (M,): db = dout.sum(axis=0), without keepdims=True",
              lambda dout, cache: (None, None, dout.sum(axis=0, keepdims=True))),
          Bug("db = dout.sum(axis=0): b is added to every example, so its gradient adds up dout "
              "over the batch", lambda dout, cache: (None, None, dout)),
          Bug("db adds up dout[n] of every example: use += in the loop (or dout.sum(axis=0))",
              lambda dout, cache: (None, None, dout[-1])),
          Bug("dw = x.T @ dout is a sum over the batch: do not divide by N",
              lambda dout, cache: (None, cache[0].T @ dout / len(dout), None)),
          Bug("dw = x.T @ dout has w's shape (D, M), not dout.T @ x",
              lambda dout, cache: (None, dout.T @ cache[0], None)),
          Bug("dw adds up the outer product of x[n] and dout[n] over every example: use += in the loop "
              "(or x.T @ dout)", lambda dout, cache: (None, np.outer(cache[0][-1], dout[-1]), None)),
          Bug("dx = dout @ w.T, not divided by N: dout already carries the loss's 1 / N",
              lambda dout, cache: (dout @ cache[1].T / len(dout), None, None)),
          Bug("dx = dout @ w.T (N, D): w is (D, M)",
              lambda dout, cache: (dout @ cache[1], None, None)),
          Bug("dx = dout @ w.T has x's shape (N, D), not w @ dout.T",
              lambda dout, cache: (cache[1] @ dout.T, None, None))]
    # the rest of the part-of-the-batch family (the last example alone is named above, as += in a loop)
    + dense_partial_batch_bugs([part for part in PARTS if part != (-1, None)]),
    bug_compare=Comparison("given", ("dx", "dw", "db")),
    hint="the gradients of a matrix product: dx and dw each pair dout with the other factor, "
         "transposed to fit the shapes; db adds dout up over the batch")


def loss_cases(seed=0):
    rng = case_rng(503, seed)
    cases = [Case("4 examples, 3 classes", (rng.standard_normal((4, 3)), np.array([0, 2, 1, 2]))),
             Case("10 classes, scaled scores", (rng.standard_normal((6, 10)) * 5, rng.integers(0, 10, 6))),
             Case("batch of 1", (rng.standard_normal((1, 5)), np.array([3]))),
             Case("scores of 1000: must not overflow",
                  (np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 990.0]]), np.array([0, 2]))),
             Case("float32 input", (rng.standard_normal((5, 4)).astype(np.float32), np.array([0, 1, 2, 3, 0]))),
             # exp(700) does not overflow yet, but exp(-100 - 700) underflows to 0: only a
             # maximum taken row by row keeps every row finite
             Case("rows far apart: each row its own maximum",
                  (np.array([[700.0, 699.0, 698.0], [-100.0, -101.0, -102.0]]), np.array([0, 1])))]
    return cases


def _with_p(p, y):
    """(loss, dscores) from the probabilities p."""
    rows = np.arange(len(y))
    d = p.copy()
    d[rows, y] -= 1
    return -np.mean(np.log(p[rows, y])), d / len(y)


def _unstable(scores, y):
    """np.exp(scores) without subtracting the maximum: exp(1000) overflows."""
    return _with_p(np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True), y)


def _global_max(scores, y):
    """The batch's single maximum subtracted: rows far below it underflow to 0 / 0."""
    e = np.exp(scores - scores.max())
    return _with_p(e / e.sum(axis=1, keepdims=True), y)


def _not_copied(scores, y):
    """dscores = p (no copy): subtracting 1 at the labels changes p before the loss reads it."""
    p = S.softmax(scores)
    return -np.mean(np.log(p[np.arange(len(y)), y] - 1)), S.softmax_cross_entropy(scores, y)[1]


def _column_softmax(scores, y):
    """max and sum over axis 0 (the batch) instead of axis 1 (the classes)."""
    e = np.exp(scores - scores.max(axis=0))
    return _with_p(e / e.sum(axis=0), y)


def _softmax_of_all(scores, y):
    """A softmax over the whole (N, M) array: one sum for the batch, not one per row."""
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return _with_p(e / e.sum(), y)


def _softmax_of_all_global_max(scores, y):
    """A 1-D softmax applied to the (N, M) array: its maximum and its sum over everything."""
    e = np.exp(scores - scores.max())
    return _with_p(e / e.sum(), y)


def _every_label_loss(scores, y):
    """p[:, y] is (N, N): every example's probabilities of all N labels."""
    return -np.mean(np.log(S.softmax(scores)[:, y])), None


def _every_label_grad(scores, y):
    """dscores[:, y] -= 1 subtracts 1 in the columns of all the labels, in every row."""
    d = S.softmax(scores)
    d[:, y] -= 1
    return None, d / len(y)


softmax_cross_entropy = Check(
    "softmax_cross_entropy", 2, S.softmax_cross_entropy, loss_cases, Comparison("loss"),
    bugs=[Bug("dscores = p makes no copy: subtracting 1 at the labels changes p before the loss "
              "reads it; compute the loss first, or use p.copy()", _not_copied),
          Bug("subtract each row's own maximum (axis=1, keepdims=True), not the batch's: "
              "a row far below the batch's maximum underflows to 0 / 0", _global_max),
          Bug("subtract each row's maximum before np.exp: exp(1000) overflows to inf", _unstable),
          Bug("softmax normalises each row (axis=1, keepdims=True): one example's probabilities "
              "sum to 1, not one class's over the batch", _column_softmax),
          Bug("softmax works row by row: sum the exponentials with axis=1, keepdims=True, "
              "so each example's probabilities sum to 1", _softmax_of_all),
          Bug("softmax works row by row: sum the exponentials with axis=1, keepdims=True, "
              "so each example's probabilities sum to 1", _softmax_of_all_global_max),
          Bug("p[:, y] is an (N, N) table: use p[np.arange(N), y], one probability per example",
              _every_label_loss),
          Bug("p[:, y] is an (N, N) table: use p[np.arange(N), y], one probability per example",
              _every_label_grad),
          Bug("dscores is (softmax - onehot) / N: divide by the batch size",
              lambda s, y: (None, S.softmax_cross_entropy(s, y)[1] * len(y))),
          Bug("divide by N = scores.shape[0], the batch size, not by the number of classes",
              lambda s, y: (None, S.softmax_cross_entropy(s, y)[1] * len(y) / s.shape[1])),
          Bug("dscores = (p - onehot(y)) / N: subtract 1 at each example's label",
              lambda s, y: (None, S.softmax(s) / len(y))),
          Bug("the loss is the mean over the batch, not the sum",
              lambda s, y: (S.softmax_cross_entropy(s, y)[0] * len(y), None)),
          Bug("the loss is -log p: minus the mean log-probability of the labels (it is never negative)",
              lambda s, y: (-S.softmax_cross_entropy(s, y)[0], None)),
          Bug("the gradient is softmax - onehot (divided by N), not onehot - softmax",
              lambda s, y: (None, -S.softmax_cross_entropy(s, y)[1]))],
    bug_compare=Comparison("match_loss"),
    mutation_hint="scores -= ... changes the caller's scores: write shifted = scores - "
                  "scores.max(axis=1, keepdims=True) instead",
    hint="softmax row by row (each row's maximum subtracted first, keepdims=True); the loss the mean"
         " of minus the log-probability of each example's label; dscores the probabilities less one "
         "at the labels, over N")


def network_layers(rng, dtype=np.float64):
    """A small CONV-RELU-POOL-CONV-RELU-POOL-FLATTEN-DENSE network for (N, 8, 8, 1) inputs."""
    def normal(*shape):
        return rng.standard_normal(shape).astype(dtype)
    return [("conv", {"w": normal(3, 3, 1, 4), "b": normal(4), "stride": 1, "pad": 1}), ("relu", {}),
            ("pool", {"size": 2, "stride": 2, "mode": "max"}),
            ("conv", {"w": normal(3, 3, 4, 3), "b": normal(3), "stride": 1, "pad": 0}), ("relu", {}),
            ("pool", {"size": 2, "stride": 2, "mode": "avg"}),
            ("flatten", {}), ("dense", {"w": normal(3, 5), "b": normal(5)})]


def _pools_told_apart(rng, batch):
    """(x, network_layers) drawn again until taking every pool as a max pool changes the
    scores (a ReLU can zero a whole window, where max and average agree): a pool given the
    wrong mode then shows on the case, whatever the seed."""
    while True:
        x, layers = rng.standard_normal((batch, 8, 8, 1)), network_layers(rng)
        if not np.allclose(_max_pools(x, layers), S.network_forward(x, layers)[0]):
            return x, layers


def network_cases(seed=0):
    rng = case_rng(504, seed)
    cases = [Case("CONV-RELU-POOL x2, FLATTEN, DENSE", _pools_told_apart(rng, 3)),
             Case("batch of 1", _pools_told_apart(rng, 1)),
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


def _skip_relu(x, layers):
    return S.network_forward(x, [(k, p) for k, p in layers if k != "relu"])[0]


def _max_pools(x, layers):
    """pool_forward called without the layer's mode: every pool takes the maximum."""
    return S.network_forward(x, [(k, dict(p, mode="max") if k == "pool" else p) for k, p in layers])[0]


def _dense_inputs(x, layers):
    """The calls network_forward makes to dense_forward: (x, w, b) of every dense layer."""
    return {"dense_forward": [cache for kind, cache in S.network_forward(x, layers)[1] if kind == "dense"]}


network_forward = Check(
    "network_forward", 2, S.network_forward, network_cases, Comparison("scores"), uses=_dense_inputs,
    bugs=[Bug("every ('relu', {}) layer must be applied too", _skip_relu),
          Bug("pass each pool layer its mode ('max' or 'avg'), or call FORWARD[kind](x, params)",
              _max_pools)],
    bug_compare=Comparison("out"),
    hint="each layer's output is the next one's input: run FORWARD[kind] with each (kind, params) in"
         " order, and keep (kind, cache) for every layer, in order")


def network_backward_cases(seed=0):
    return backward_cases(network_cases(seed), S.network_forward, case_rng(505, seed))


def _grads_reversed(dscores, caches):
    dx, grads = S.network_backward(dscores, caches)
    return dx, grads[::-1]


def _grads_renamed(dscores, caches):
    dx, grads = S.network_backward(dscores, caches)
    return dx, [{"d" + name: value for name, value in g.items()} for g in grads]


def _grads_of_parameters_only(dscores, caches):
    dx, grads = S.network_backward(dscores, caches)
    return dx, [g for g in grads if g]


def _grads_swapped(dscores, caches):
    dx, grads = S.network_backward(dscores, caches)
    return dx, [{"w": g["b"], "b": g["w"]} if g else {} for g in grads]


def _dense_douts(dscores, caches):
    """The calls network_backward makes to dense_backward: (dout, cache) of every dense layer."""
    calls, dout = [], dscores
    for kind, cache in reversed(caches):
        if kind == "dense":
            calls.append((dout, cache))
        dout = S.network_backward(dout, [(kind, cache)])[0]
    return {"dense_backward": calls}


network_backward = Check(
    "network_backward", 3, S.network_backward, network_backward_cases, Comparison("network_grads"),
    uses=_dense_douts,
    bugs=[Bug("grads[i] belongs to layers[i]: reverse the list you built going backwards",
              _grads_reversed),
          Bug("name the gradients after their parameters: {'w': dw, 'b': db}", _grads_renamed),
          Bug("one dict per layer: {} for relu, pool and flatten, which have no parameters",
              _grads_of_parameters_only),
          Bug("the backward functions return (dx, dw, db): zip their gradients with ('w', 'b'), "
              "in that order", _grads_swapped)],
    hint="go through caches from last to first with BACKWARD[kind], each layer's dx being the next "
         "dout; keep {'w': dw, 'b': db} for conv and dense layers, {} for the others, in the order "
         "of the layers")


def sgd_cases(seed=0):
    rng = case_rng(506, seed)
    cases = []
    for shape, lr, momentum, name in (((3, 4), 0.1, 0.9, "momentum 0.9"), ((5,), 0.01, 0.0, "plain SGD"),
                                      ((2, 2, 3), 0.5, 0.5, "momentum 0.5"), ((4,), 0.05, 0.99, "momentum 0.99")):
        cases.append(Case(name, (rng.standard_normal(shape), rng.standard_normal(shape), rng.standard_normal(shape),
                                 lr, momentum)))
    return cases


sgd_momentum = Check(
    "sgd_momentum", 1, S.sgd_momentum, sgd_cases, Comparison("tuple", ("w", "velocity")),
    bugs=[Bug("the velocity subtracts the step: the gradient points uphill, so lr times dw is taken away "
              "from what the velocity keeps",
              lambda w, dw, v, lr, m: (w - (m * v + lr * dw), m * v + lr * dw)),
          Bug("update the velocity first, then move w by the new velocity",
              lambda w, dw, v, lr, m: (w + v, m * v - lr * dw)),
          Bug("w moves by adding the velocity: the velocity already points downhill",
              lambda w, dw, v, lr, m: (w - (m * v - lr * dw), m * v - lr * dw)),
          Bug("the learning rate scales dw inside the velocity, not the velocity as a whole",
              lambda w, dw, v, lr, m: (w + lr * (m * v - dw), m * v - dw)),
          Bug("the velocity is not an average of gradients: its step is the plain gradient step, "
              "without (1 - momentum)",
              lambda w, dw, v, lr, m: (w - lr * (m * v + (1 - m) * dw), m * v + (1 - m) * dw)),
          Bug("keep a velocity: it keeps momentum times its old value and takes this step; w moves by it, "
              "and both come back",
              lambda w, dw, v, lr, m: (w - lr * dw, v)),
          Bug("w and the velocity come back unchanged: compute the new velocity, move w by it, and return "
              "both", lambda w, dw, v, lr, m: (w, v))],
    mutation_hint="return new arrays; do not change w, dw or velocity in place (velocity *= ..., "
                  "w += ... do)",
    hint="the velocity keeps momentum times its old value and takes the gradient step (lr times dw, "
         "downhill); then w moves by the new velocity, and both come back")


# trained_model ---------------------------------------------------------------------------------

HELD_OUT = 1000          # test digits drawn from the seed: the notebook never trains on test digits
THRESHOLDS = (0.5, 0.7, 0.8, 0.85)


def trained_model_cases(seed=0):
    """HELD_OUT digits of MNIST's test split, drawn from the seed. The grader reads them here;
    a graded kernel has no test split to read (coursekit.data, COURSE_HELD_OUT)."""
    from coursekit.data import read_split
    images, labels = read_split("mnist", "t10k")
    chosen = np.sort(case_rng(507, seed).choice(len(images), HELD_OUT, replace=False))
    x, y = images[chosen], labels[chosen]
    return [Case(f"held-out accuracy at least {t:.0%} on {HELD_OUT} test digits", (x,), expected=(y, t))
            for t in THRESHOLDS]


def trained_model_public():
    """The public cases of trained_model, without their digits: the notebook gives its own
    validation digits and labels (coursekit.visible), each case one threshold."""
    return [{"name": f"accuracy at least {t:.0%}", "args": None, "expected": t,
             "mistakes": [(bug.hint, bug.output(None)) for bug in trained_model.bugs]} for t in THRESHOLDS]


trained_model = Check(
    "trained_model", 3, None, trained_model_cases, Comparison("accuracy"), public=trained_model_public,
    bugs=[Bug("trained_model returns nothing: return the scores (or the labels)", lambda images: "nothing"),
          Bug("network_forward returns (scores, caches): return the scores only",
              lambda images: "scores and caches"),
          Bug("argmax over axis=1, the classes: one label per image (axis=0 gives one per class)",
              lambda images: "labels per class"),
          Bug("one row of scores per image: run every batch, then join them with np.concatenate",
              lambda images: "not one row each"),
          Bug("return one array: the scores (N, 10) of every image, or their labels (N,)",
              lambda images: "other form"),
          Bug("about chance (10%): predict with the trained `layers`, on the images as given "
              "(already scaled to [0, 1])", lambda images: "chance")],
    bug_compare=Comparison("shows"),
    hint="train longer, or check the learning rate: the loss should fall steadily",
    builds_on=("dense_forward", "dense_backward", "softmax_cross_entropy", "network_forward",
               "network_backward", "sgd_momentum"))

CHECKS = [dense_forward, dense_backward, softmax_cross_entropy, network_forward, network_backward,
          sgd_momentum, trained_model]
