"""The student's toolkit for the course: comparing arrays and explaining the difference.

Nothing here answers a graded exercise: a student's environment has this package.
"""
from .compare import assert_close, explain_difference, relative_error

__all__ = ["assert_close", "explain_difference", "relative_error"]
