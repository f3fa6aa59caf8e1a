"""The public cases of the visible tests, made at release time from the reference.

For every exercise: its check's cases drawn from PUBLIC_SEED (a seed no grading uses), each
with the reference's answer and the answers of the known mistakes that give another answer
there, and how answers are compared (an exercise judged on data the notebook gives, such as
trained_model, has no inputs here: see Check.public). They are written as data
(coursekit.wire) beside the notebook, where coursekit.visible reads them in the student's
kernel: the student sees the hidden tests' verdicts and hints before submitting, on other
values, and no reference code reaches the student's machine.

The release embeds them in the released notebook itself (EmbedPublicCases, a preprocessor
of nbgrader's generate_assignment, set in course/nbgrader_config.py): a cell near the top
registers them in the kernel, so a notebook moved, uploaded or copied alone still runs its
visible tests and validates. PUBLIC_FILE beside it is written too, for what reads a folder.
"""
import pathlib

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from coursekit import wire
from coursekit.visible import PUBLIC_FILE, pack_public


def public_record(check):
    """The data the visible tests of one check need (see coursekit.visible)."""
    from ..checks.model import PUBLIC_SEED      # here: nbgrader's configuration imports this module
    if check.public:
        cases = check.public()
    else:
        cases = [{"name": case.name, "args": case.args, "expected": expected,
                  "mistakes": list(check.mistakes(case, expected))}
                 for case in check.cases(PUBLIC_SEED) for expected in [check.expected(case)]]
    from ..checks.scoring import helpers
    called = sorted({name for case in check.cases(PUBLIC_SEED) for name in helpers(check, case)}) if check.uses else []
    return {"compare": check.compare.spec, "bug_compare": check.bug_compare.spec if check.bug_compare else None,
            "adapter": check.adapter, "hint": check.hint, "mutation_hint": check.mutation_hint, "cases": cases,
            "helpers": called}


def public_records(assignment):
    """{exercise name: public record} of an assignment's exercises."""
    from ..checks import NOTEBOOKS
    return {check.name: public_record(check) for check in NOTEBOOKS[assignment]}


def write_public_cases(folder, assignment):
    """Write PUBLIC_FILE for the assignment's exercises into folder; returns its path."""
    records = public_records(assignment)
    path = pathlib.Path(folder) / PUBLIC_FILE
    path.write_bytes(wire.encode(records))
    return path


TAG = "public-cases"        # the tag of the cell that embeds them

CELL_SOURCE = """\
# The visible tests' public cases: data the release made (inputs, expected answers and the
# answers of known mistakes; no code). Run this cell before the visible tests, and keep it.
from coursekit.visible import register_public
register_public(\"\"\"
{packed}
\"\"\")"""


def public_cell(assignment):
    """The code cell that registers the assignment's public cases in the student's kernel:
    read-only and folded in JupyterLab, tagged TAG."""
    return nbformat.v4.new_code_cell(
        CELL_SOURCE.format(packed=pack_public(public_records(assignment))),
        metadata={"tags": [TAG], "editable": False, "deletable": False, "jupyter": {"source_hidden": True}})


def embed_public_cases(nb, assignment):
    """nb with its public cell (a new one replaces an old one) before its first code cell."""
    cells = [c for c in nb.cells if TAG not in c.get("metadata", {}).get("tags", [])]
    first = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    nb.cells = cells[:first] + [public_cell(assignment)] + cells[first:]
    return nb


class EmbedPublicCases(NbGraderPreprocessor):
    """nbgrader generate_assignment's last step: the released notebook gets its public cases
    (embed_public_cases). An assignment without checks is left as it is."""

    def preprocess(self, nb, resources):
        from ..checks import NOTEBOOKS
        assignment = resources.get("nbgrader", {}).get("assignment")
        if assignment in NOTEBOOKS:
            embed_public_cases(nb, assignment)
        return nb, resources
