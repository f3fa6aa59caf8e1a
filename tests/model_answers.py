"""The model answers of a source notebook, as a learner who got them right would type them,
and the texts of a kit to look for them in."""
import json
import zipfile

from coursekit import wire
from coursekit.visible import PUBLIC_FILE

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


def solution_and_given(nb):
    """(the text between solution markers, the rest of the notebook's text) of a source
    notebook (JSON dict), line by line."""
    inside, outside = [], []
    for cell in nb["cells"]:
        within = False
        for line in "".join(cell["source"]).splitlines():
            text = line.strip()
            if text in MARKERS:
                within = text == MARKERS[0]
            elif text:
                (inside if within else outside).append(text)
    return "\n".join(inside), "\n".join(outside)


def secret_lines(nb, shown=""):
    """The lines of the notebook's model answers that its other cells (its given code, its
    explanations) and the text `shown` do not show, longer than a line any code might hold
    ("return grad" is in coursekit too)."""
    inside, outside = solution_and_given(nb)
    return {line for line in set(inside.splitlines()) if len(line) > 12 and line not in outside + shown}


def without_hints(records):
    """The visible tests' data with its hints taken out: the checks' feedback, which names the
    fix of a mistake it recognises (sometimes a line of code) and is shown when an answer is
    wrong, as the hidden tests show it. What is left (inputs, expected outputs, the comparison)
    must hold no line of an answer."""
    return {name: {**record, "hint": "", "mutation_hint": "",
                   "cases": [{**case, "mistakes": [output for _, output in case.get("mistakes", [])]}
                             for case in record["cases"]]}
            for name, record in records.items()}


def every_text(folder):
    """{name: text} of every file in folder, the wheel's members unpacked and the visible tests'
    data without its hints (bytes read as latin-1, so a binary file's strings are searched too)."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if path.name == PUBLIC_FILE:
            data = wire.encode(without_hints(wire.decode(path.read_bytes())))
            texts[str(path.relative_to(folder))] = data.decode("latin-1")
        elif path.suffix == ".whl":
            with zipfile.ZipFile(path) as wheel:
                texts.update({f"{path.name}/{m}": wheel.read(m).decode("latin-1") for m in wheel.namelist()})
        else:
            texts[str(path.relative_to(folder))] = path.read_bytes().decode("latin-1")
    return texts


def answer_all_but(notebook_path, answers, exercise):
    """A learner's work so far, written into their notebook: every answer in `answers`
    ({grade_id: source}) except the exercise's own (`<exercise>_solution`)."""
    nb = json.loads(notebook_path.read_text())
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers and grade_id != f"{exercise}_solution":
            cell["source"] = answers[grade_id]
    notebook_path.write_text(json.dumps(nb, indent=1))
