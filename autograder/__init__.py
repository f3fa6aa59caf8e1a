"""The course's grading, by role (ARCHITECTURE.md draws it):

    checks/      the hidden tests' checks: cases, references, comparisons, known mistakes, scores
    sandbox/     what runs beside student code (a leaf: standard library, numpy, coursekit)
    cleanroom/   one submission graded in a sandboxed kernel under limits
    reports/     verdicts turned into the files people read (one module per format)
    admin/       the nbgrader course: release, grade a class, Gradescope, the demo
    proof/       evidence that the checks are right: the bank of answers, the hostile class

limits.py (every limit) and verdict.py (what grading concludes) are shared by all of them.
In a notebook's hidden tests: `from autograder.notebook import grade; grade("conv_forward_naive")`.
"""
import pathlib

PROJECT = pathlib.Path(__file__).resolve().parents[1]    # the course's repository (or bundle) root
