"""A network as data: a list of layers, run forward and backward by two functions.

layers: list of (kind, params) with kind and params:
    "conv"    {"w": (F, F, C_in, C_out), "b": (C_out,), "stride": int, "pad": int}
    "relu"    {}
    "pool"    {"size": int, "stride": int, "mode": "max" | "avg"}
    "flatten" {}
    "dense"   {"w": (D, M), "b": (M,)}
The layer objects of model.py do the same with state; these functions keep none.
"""
from .activations import relu_backward, relu_forward
from .conv import conv_backward, conv_forward
from .dense import dense_backward, dense_forward, flatten_backward, flatten_forward
from .pool import pool_backward, pool_forward

FORWARD = {
    "conv": lambda x, p: conv_forward(x, p["w"], p["b"], p["stride"], p["pad"]),
    "relu": lambda x, p: relu_forward(x),
    "pool": lambda x, p: pool_forward(x, p["size"], p["stride"], p["mode"]),
    "flatten": lambda x, p: flatten_forward(x),
    "dense": lambda x, p: dense_forward(x, p["w"], p["b"]),
}
BACKWARD = {
    "conv": lambda dout, cache: conv_backward(dout, cache),
    "relu": lambda dout, cache: (relu_backward(dout, cache),),
    "pool": lambda dout, cache: (pool_backward(dout, cache),),
    "flatten": lambda dout, cache: (flatten_backward(dout, cache),),
    "dense": lambda dout, cache: dense_backward(dout, cache),
}


def network_forward(x, layers):
    """Run x through the layers in order.

    x: the first layer's input, e.g. (N, 28, 28, 1); layers: see the module docstring.
    Returns scores: the last layer's output, and caches: [(kind, cache)] one per layer.
    """
    caches = []
    for kind, params in layers:
        if kind not in FORWARD:
            raise ValueError(f"unknown layer kind {kind!r}; expected one of {sorted(FORWARD)}")
        x, cache = FORWARD[kind](x, params)
        caches.append((kind, cache))
    return x, caches


def network_backward(dscores, caches):
    """Run the gradient back through the layers, last to first.

    dscores: gradient of the loss w.r.t. the scores; caches: from network_forward.
    Returns dx: gradient w.r.t. the network's input, and grads: one dict per layer,
    {"w": dw, "b": db} for conv and dense layers, {} for the others.
    """
    grads = []
    dout = dscores
    for kind, cache in reversed(caches):
        dout, *param_grads = BACKWARD[kind](dout, cache)
        grads.append(dict(zip(("w", "b"), param_grads)))
    return dout, grads[::-1]
