"""The model answers of a source notebook, as a learner who got them right would type them."""

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def solution_blocks(nb):
    """{grade_id: the model answer's code, markers out} of a source notebook's (JSON dict's)
    solution cells."""
    answers = {}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            lines = "".join(cell["source"]).splitlines()
            answers[meta["grade_id"]] = "\n".join(line for line in lines if line.strip() not in MARKERS)
    return answers
