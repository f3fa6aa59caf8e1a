"""The bank of answers, one module per notebook (named after its checks module)."""
from . import backprop, convolution, pooling, training, vectorization  # noqa: F401
