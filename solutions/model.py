"""Layer objects and a Sequential model over the functional layers.

Each layer keeps its parameters in `params` and, after backward, their gradients
in `grads` (same keys, same shapes); forward stores the cache its backward needs.
The functions in conv, pool, dense, activations do all the arithmetic.
"""
import numpy as np

from .activations import relu_backward, relu_forward
from .conv import conv_backward, conv_forward
from .dense import dense_backward, dense_forward, flatten_backward, flatten_forward
from .pool import pool_backward, pool_forward


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


class Layer:
    """Base class: a layer without parameters."""

    def __init__(self):
        self.params, self.grads, self.cache = {}, {}, None

    def forward(self, x):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def __repr__(self):
        return type(self).__name__ + "()"


class Conv2D(Layer):
    """Convolution with C_out filters of size F x F x C_in, He-initialised.

    x: (N, H, W, C_in) -> (N, Ho, Wo, C_out). params: w (F, F, C_in, C_out), b (C_out,).
    """

    def __init__(self, c_in, c_out, size, stride=1, pad=0, seed=None, dtype=np.float32):
        super().__init__()
        scale = np.sqrt(2.0 / (size * size * c_in))
        w = _rng(seed).normal(0.0, scale, (size, size, c_in, c_out))
        self.params = {"w": w.astype(dtype), "b": np.zeros(c_out, dtype)}
        self.stride, self.pad = stride, pad

    def forward(self, x):
        out, self.cache = conv_forward(x, self.params["w"], self.params["b"], self.stride, self.pad)
        return out

    def backward(self, dout):
        dx, self.grads["w"], self.grads["b"] = conv_backward(dout, self.cache)
        return dx

    def __repr__(self):
        f, _, c_in, c_out = self.params["w"].shape
        return f"Conv2D({c_in}, {c_out}, size={f}, stride={self.stride}, pad={self.pad!r})"


class _Pool2D(Layer):
    mode = None

    def __init__(self, size=2, stride=2):
        super().__init__()
        self.size, self.stride = size, stride

    def forward(self, x):
        out, self.cache = pool_forward(x, self.size, self.stride, self.mode)
        return out

    def backward(self, dout):
        return pool_backward(dout, self.cache)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size}, stride={self.stride})"


class MaxPool2D(_Pool2D):
    """Max pooling. (N, H, W, C) -> (N, Ho, Wo, C)."""
    mode = "max"


class AvgPool2D(_Pool2D):
    """Average pooling. (N, H, W, C) -> (N, Ho, Wo, C)."""
    mode = "avg"


class ReLU(Layer):
    """max(0, x), elementwise; any shape."""

    def forward(self, x):
        out, self.cache = relu_forward(x)
        return out

    def backward(self, dout):
        return relu_backward(dout, self.cache)


class Flatten(Layer):
    """(N, H, W, C) -> (N, H*W*C)."""

    def forward(self, x):
        out, self.cache = flatten_forward(x)
        return out

    def backward(self, dout):
        return flatten_backward(dout, self.cache)


class Dense(Layer):
    """Fully connected layer, He-initialised. (N, D) -> (N, M). params: w (D, M), b (M,)."""

    def __init__(self, d_in, d_out, seed=None, dtype=np.float32):
        super().__init__()
        w = _rng(seed).normal(0.0, np.sqrt(2.0 / d_in), (d_in, d_out))
        self.params = {"w": w.astype(dtype), "b": np.zeros(d_out, dtype)}

    def forward(self, x):
        out, self.cache = dense_forward(x, self.params["w"], self.params["b"])
        return out

    def backward(self, dout):
        dx, self.grads["w"], self.grads["b"] = dense_backward(dout, self.cache)
        return dx

    def __repr__(self):
        return "Dense({}, {})".format(*self.params["w"].shape)


class Sequential:
    """Layers applied in order; backward runs them in reverse.

    parameters() and gradients() name every array "<layer index>.<name>" ("0.w", "0.b", ...),
    the keys the optimizers use. Parameters are the layers' own arrays, updated in place.
    """

    def __init__(self, *layers):
        self.layers = list(layers)

    def forward(self, x):
        """x: the first layer's input, e.g. (N, H, W, C). Returns the last layer's output."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    __call__ = forward

    def backward(self, dout):
        """dout: gradient of the loss w.r.t. the output. Returns dx; fills every layer's grads."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def parameters(self):
        return {f"{i}.{name}": value for i, layer in enumerate(self.layers)
                for name, value in layer.params.items()}

    def gradients(self):
        return {f"{i}.{name}": layer.grads[name] for i, layer in enumerate(self.layers)
                for name in layer.params}

    def num_parameters(self):
        return sum(p.size for p in self.parameters().values())

    def __repr__(self):
        inner = "".join(f"\n  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"
