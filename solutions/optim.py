"""Optimizers: SGD with momentum, and Adam. Both update parameters in place.

sgd_momentum is the update rule alone, as a pure function (graded in notebook 05).

Use: opt = Adam(model.parameters(), lr=1e-3); after model.backward(...),
opt.step(model.gradients()). Parameters and gradients are dicts with the same keys.
"""
import numpy as np


def sgd_momentum(w, dw, velocity, lr=0.01, momentum=0.9):
    """One step of SGD with momentum: velocity = momentum * velocity - lr * dw; w + velocity.

    w, dw, velocity: arrays of one shape. Returns (new w, new velocity); the inputs are
    left unchanged. momentum = 0 gives plain gradient descent.
    """
    velocity = momentum * velocity - lr * dw
    return w + velocity, velocity


class _Optimizer:
    def __init__(self, params, lr):
        if lr <= 0:
            raise ValueError(f"lr must be positive; got {lr}")
        self.params, self.lr = dict(params), lr
        self.state = {name: {} for name in self.params}

    def step(self, grads):
        """Update every parameter from its gradient; grads has the keys of params."""
        missing = self.params.keys() - grads.keys()
        if missing:
            raise ValueError(f"no gradient for parameters {sorted(missing)}: run backward first")
        for name, param in self.params.items():
            self.update(param, np.asarray(grads[name], dtype=param.dtype), self.state[name])


class SGD(_Optimizer):
    """v = momentum * v - lr * dw;  w += v   (plain SGD when momentum is 0)."""

    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, lr)
        self.momentum = momentum

    def update(self, param, grad, state):
        velocity = state.get("velocity", np.zeros_like(param))
        param[...], state["velocity"] = sgd_momentum(param, grad, velocity, self.lr, self.momentum)


class Adam(_Optimizer):
    """Adam: moving averages of the gradient (m) and its square (v), bias-corrected.

    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
    w -= lr * m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps)
    """

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(params, lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def update(self, param, grad, state):
        m = state.setdefault("m", np.zeros_like(param))
        v = state.setdefault("v", np.zeros_like(param))
        state["t"] = t = state.get("t", 0) + 1
        m *= self.beta1
        m += (1 - self.beta1) * grad
        v *= self.beta2
        v += (1 - self.beta2) * grad * grad
        m_hat = m / (1 - self.beta1 ** t)
        v_hat = v / (1 - self.beta2 ** t)
        param -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
