"""The student's toolkit for the course. Nothing here answers a graded exercise.

- coursekit.compare: assert_close / explain_difference (how two arrays differ, in words),
  assert_shape,
  relative_error (the gradient-check yardstick)
- coursekit.data: load_mnist, load_fashion_mnist (verified IDX files), load_photo
- coursekit.train: minibatches, fit (progress bar, history), evaluate, predict
- coursekit.plots: learning curves, filters, feature maps, confusion matrix, mistakes
"""
from .compare import assert_close, assert_shape, explain_difference, relative_error

__all__ = ["assert_close", "assert_shape", "explain_difference", "relative_error"]
