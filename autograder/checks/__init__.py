"""Every check of the course, by graded function name, and which notebook grades which."""
from . import backprop, convolution, pooling, training, vectorization

MODULES = {
    "01-convolution": convolution,
    "02-pooling": pooling,
    "03-backprop": backprop,
    "04-vectorization": vectorization,
    "05-mnist": training,
}

NOTEBOOKS = {assignment: module.CHECKS for assignment, module in MODULES.items()}

CHECKS = {check.name: check for checks in NOTEBOOKS.values() for check in checks}
