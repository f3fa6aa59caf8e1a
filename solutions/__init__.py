"""The reference numpy library of the course: every layer the notebooks teach.

Channels-last throughout: activations (N, H, W, C), conv weights (F, F, C_in, C_out).
Every layer is a pair of pure functions, *_forward -> (out, cache) and
*_backward(dout, cache) -> gradients in the order of the forward's inputs.
Every hidden test of the course compares a student's answer with these.
"""
from .activations import relu_backward, relu_forward
from .conv_matrix import conv_as_matrix
from .conv import (conv_backward, conv_backward_naive, conv_forward, conv_forward_naive,
                   conv_param_count, conv_single_step)
from .dense import dense_backward, dense_forward, flatten_backward, flatten_forward
from .gradcheck import numerical_gradient
from .im2col import col2im, im2col
from .losses import softmax, softmax_cross_entropy
from .model import AvgPool2D, Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential
from .network import network_backward, network_forward
from .optim import SGD, Adam, sgd_momentum
from .pool import (distribute_average, max_mask, pool_backward, pool_backward_naive, pool_forward,
                   pool_forward_naive)
from .windows import output_size, zero_pad

__all__ = [
    "output_size", "zero_pad", "conv_single_step", "conv_param_count", "conv_forward_naive", "conv_backward_naive",
    "conv_forward", "conv_backward", "pool_forward_naive", "max_mask", "distribute_average",
    "pool_backward_naive", "pool_forward",
    "pool_backward", "relu_forward", "relu_backward", "dense_forward", "dense_backward",
    "flatten_forward", "flatten_backward", "softmax", "softmax_cross_entropy", "im2col", "col2im",
    "numerical_gradient", "conv_as_matrix", "network_forward", "network_backward", "sgd_momentum",
    "Conv2D", "MaxPool2D", "AvgPool2D", "ReLU", "Flatten", "Dense",
    "Sequential", "SGD", "Adam",
]
