"""The student's toolkit for the course. Nothing here answers a graded exercise.

- coursekit.compare: assert_close / explain_difference (how two arrays differ, in words),
  assert_shape,
  relative_error (the gradient-check yardstick)
- coursekit.visible: visible_tests (an exercise's public cases, with the hidden tests' hints;
  coursekit.judging and coursekit.calling are what it shares with the grader)
- coursekit.data: load_mnist, load_fashion_mnist (verified IDX files), load_photo
- coursekit.wire: values as bytes (JSON and raw arrays): the grader's pipe to a sandboxed
  kernel, and the file of public cases beside each release notebook
- coursekit.train: minibatches, fit (progress bar, history), evaluate, predict
- coursekit.own_layers: notebook 05's switch to train with the learner's own layers, each
  compared with the provided one first
- coursekit.plots: learning curves, filters, feature maps, confusion matrix, mistakes, each
  shown with its text alternative (show), in palettes safe for colour-vision deficiencies
"""
from .compare import assert_close, assert_shape, explain_difference, relative_error
from .visible import visible_tests

__all__ = ["assert_close", "assert_shape", "explain_difference", "relative_error", "visible_tests"]
