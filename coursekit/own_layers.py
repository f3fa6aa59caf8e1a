"""Train notebook 05's network with the learner's own layers from notebooks 02-04, checked first.

Notebook 05 gives vectorized layers in a read-only cell. A learner who wants the network to
run on their own code pastes their functions into the cell under it and sets
USE_MY_LAYERS = True; `choose_layers` then compares each pasted layer with the provided one
on small inputs and keeps it only when forward and backward agree, saying why otherwise.
It holds no layer of its own: both sides of every comparison come from the notebook.

The provided conv_forward calls im2col by name, looked up in the notebook's globals, where a
pasted im2col replaces the provided one: compared as they are, a pasted helper would sit on
both sides and agree with itself. So the comparison uses copies of the provided functions bound
to one another (`bind_provided`), whatever the notebook's globals hold.
"""
import time
import types

import numpy as np

from .compare import explain_difference

# layer -> (forward, backward) names, as notebooks 02-04 and the provided cell spell them
PAIRS = {"conv": ("conv_forward", "conv_backward"),
         "pool": ("pool_forward", "pool_backward"),
         "relu": ("relu_forward", "relu_backward")}
HELPERS = ("zero_pad", "output_size", "im2col", "col2im")   # what a pasted conv_forward may call
LOOP_POOLING = ("pool_forward_naive", "pool_backward_naive")


def _cases(kind, rng):
    """(forward arguments, description) of the small inputs a layer is compared on, float64 and
    float32, with the settings the network uses."""
    if kind == "conv":
        for shape, f, stride, pad in [((2, 9, 8, 1), 5, 1, 2), ((2, 9, 8, 3), 5, 1, 0), ((1, 7, 6, 2), 3, 2, 1)]:
            x = rng.standard_normal(shape)
            w, b = rng.standard_normal((f, f, shape[3], 4)), rng.standard_normal(4)
            yield (x, w, b, stride, pad), f"x {shape}, {f}x{f} filters, stride {stride}, pad {pad}"
        x, w, b = rng.standard_normal((2, 8, 8, 2)), rng.standard_normal((5, 5, 2, 3)), rng.standard_normal(3)
        yield tuple(a.astype(np.float32) for a in (x, w, b)) + (1, 2), "float32, 5x5 filters, pad 2"
    elif kind == "pool":
        for shape in [(2, 8, 6, 3), (1, 10, 10, 2)]:
            yield (rng.standard_normal(shape), 2, 2, "max"), f"max pooling 2x2, stride 2, x {shape}"
        yield (rng.standard_normal((2, 6, 6, 2)).astype(np.float32), 2, 2, "max"), "float32 max pooling"
    else:
        yield (rng.standard_normal((2, 5, 4, 3)),), "x (2, 5, 4, 3)"
        yield (rng.standard_normal((3, 7)).astype(np.float32),), "float32 x (3, 7)"


def bind_provided(provided):
    """{name: copy of the function} where each provided function calls the provided ones.

    provided: {name: function}. A copy runs the same code with a snapshot of its globals in
    which every name of `provided` is the (bound) provided function, so a function pasted later
    under the same name, such as a learner's im2col, is not the one the provided conv_forward
    calls. Anything that is not a plain Python function is kept as it is.
    """
    scopes, bound = {}, {}
    for name, f in provided.items():
        if not isinstance(f, types.FunctionType):
            bound[name] = f
            continue
        scope = scopes.setdefault(id(f.__globals__), dict(f.__globals__))
        copy = types.FunctionType(f.__code__, scope, f.__name__, f.__defaults__, f.__closure__)
        copy.__kwdefaults__, copy.__doc__ = f.__kwdefaults__, f.__doc__
        copy.__dict__.update(f.__dict__)
        bound[name] = copy
    for scope in scopes.values():
        scope.update(bound)
    return bound


def _as_tuple(grads):
    return grads if isinstance(grads, tuple) else (grads,)


def compare_layer(kind, mine, provided, seed=0):
    """None when the pair mine = (forward, backward) agrees with provided on small inputs, else
    one sentence saying where it first differs. Each forward's cache goes to its own backward."""
    rng = np.random.default_rng(seed)
    forward, backward = mine
    for args, where in _cases(kind, rng):
        expected, expected_cache = provided[0](*args)
        try:
            out, cache = forward(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        except NameError as error:
            return f"{PAIRS[kind][0]} raised NameError: {error}: paste the functions it calls too ({where})"
        except Exception as error:                       # noqa: BLE001 -- any failure is reported
            return f"{PAIRS[kind][0]} raised {type(error).__name__}: {error} ({where})"
        problem = explain_difference(out, expected, f"{PAIRS[kind][0]}'s output ({where})", check_dtype=True)
        if problem:
            return problem
        dout = rng.standard_normal(np.shape(expected)).astype(expected.dtype)
        wanted = _as_tuple(provided[1](dout, expected_cache))
        try:
            got = _as_tuple(backward(dout.copy(), cache))
        except Exception as error:                       # noqa: BLE001
            return f"{PAIRS[kind][1]} raised {type(error).__name__}: {error} ({where})"
        if len(got) != len(wanted):
            return f"{PAIRS[kind][1]} returned {len(got)} gradients; expected {len(wanted)} ({where})"
        names = ("dx", "dw", "db")
        for name, g, e in zip(names, got, wanted):
            problem = explain_difference(g, e, f"{PAIRS[kind][1]}'s {name} ({where})", check_dtype=True)
            if problem:
                return problem
    return None


def seconds_per_batch(forward, backward, repeat=3):
    """Fastest of `repeat` timings of forward and backward of the network's first conv layer
    (5x5, 6 filters, pad 2) on a batch of 64 digits, in seconds: measured here, never typed."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 28, 28, 1)).astype(np.float32)
    w, b = (rng.standard_normal((5, 5, 1, 6)) * 0.1).astype(np.float32), np.zeros(6, np.float32)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out, cache = forward(x, w, b, 1, 2)
        backward(np.ones_like(out), cache)
        best = min(best, time.perf_counter() - start)
    return best


def choose_layers(namespace, provided, use_mine):
    """Decide, layer by layer, which functions the network uses, and put them in namespace.

    namespace: the notebook's globals(); provided: {name: function} of the provided cell;
    use_mine: the USE_MY_LAYERS flag. With use_mine False every provided function is put back
    (whatever was pasted is ignored). With use_mine True, a layer whose forward and backward
    were both pasted (they are not the provided functions) is compared with the provided
    layer and kept when it agrees; otherwise the provided layer is put back, with the reason.
    Returns {layer: "yours" or "provided"}.
    """
    reference = bind_provided(provided)     # the provided layers on the provided helpers, always
    if not use_mine:
        namespace.update(provided)
        print("USE_MY_LAYERS is False: the network uses the provided layers.")
        return {kind: "provided" for kind in PAIRS}
    chosen = {}
    for kind, names in PAIRS.items():
        mine = tuple(namespace.get(name) for name in names)
        pasted = [name for name, f in zip(names, mine) if f is not None and f is not provided[name]]
        if not pasted:
            chosen[kind] = "provided"
            if kind == "conv":     # the provided conv calls the helpers: the provided ones, then
                namespace.update({h: provided[h] for h in HELPERS if h in provided})
            print(f"{kind}: none of {', '.join(names)} pasted: the provided {kind} layer is used.")
            if kind == "pool" and any(name in namespace for name in LOOP_POOLING):
                print("      (pool_forward_naive and pool_backward_naive loop over every number: about a thousand "
                      "times slower\n       than the provided pooling, an hour per epoch. To train with your own "
                      "pooling, vectorize\n       them as pool_forward and pool_backward, looping over the "
                      "positions inside a window.)")
            continue
        if len(pasted) < 2:
            missing = [name for name in names if name not in pasted][0]
            problem = f"{missing} is missing: paste both functions of the layer"
        else:
            problem = compare_layer(kind, mine, tuple(reference[name] for name in names))
        if problem:
            chosen[kind] = "provided"
            namespace.update({name: provided[name] for name in names})
            if kind == "conv":
                namespace.update({h: provided[h] for h in HELPERS if h in provided})
            print(f"{kind}: NOT USING YOURS: {problem}.\n      The provided {kind} layer is used instead.")
        else:
            chosen[kind] = "yours"
            print(f"{kind}: yours ({' and '.join(names)} agree with the provided layer on small inputs).")
            if kind == "conv":
                yours, theirs = seconds_per_batch(*mine), seconds_per_batch(*(reference[n] for n in names))
                print(f"      measured now, forward and backward of the first conv layer on 64 digits: "
                      f"yours {yours * 1e3:.0f} ms, the provided layer {theirs * 1e3:.0f} ms.")
    return chosen
