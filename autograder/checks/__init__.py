"""Every check of the course, by graded function name, and which notebook grades which."""
from . import backprop, convolution, pooling, training, vectorization

NOTEBOOKS = {
    "01-convolution": convolution.CHECKS,
    "02-pooling": pooling.CHECKS,
    "03-backprop": backprop.CHECKS,
    "04-vectorization": vectorization.CHECKS,
    "05-mnist": training.CHECKS,
}

CHECKS = {check.name: check for checks in NOTEBOOKS.values() for check in checks}
