"""The hidden tests' checks: every check of the course by graded function name, and which
notebook grades which.

model (Check, Bug, seeds), scoring (a check's report and the excuse policy), cases and bugs
(case builders and families of known mistakes several checks share), and one module per
notebook. The comparisons and the diagnosis are coursekit.judging, shared with the visible
tests. May import solutions, coursekit, autograder.sandbox and autograder.verdict; never the
clean room, the reports or course administration.
"""
import importlib

# assignment -> its module of checks, in course order
MODULE_NAMES = {
    "01-convolution": "convolution",
    "02-pooling": "pooling",
    "03-backprop": "backprop",
    "04-vectorization": "vectorization",
    "05-mnist": "training",
}


def _present(names):
    """{assignment: module} of those modules that are here: a Gradescope bundle holds one
    assignment's checks alone (admin/gradescope.py)."""
    modules = {}
    for assignment, name in names.items():
        try:
            modules[assignment] = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise                       # a module that is here but fails to import
    return modules


MODULES = _present(MODULE_NAMES)

NOTEBOOKS = {assignment: module.CHECKS for assignment, module in MODULES.items()}

CHECKS = {check.name: check for checks in NOTEBOOKS.values() for check in checks}
