"""The course's grading: checks behind the hidden tests, and the runner around nbgrader.

In a notebook's hidden tests: `from autograder.notebook import grade; grade("conv_forward_naive")`.
"""
