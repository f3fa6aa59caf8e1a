"""Read a submitted notebook, whatever state it is in, and decide what to run.

The program run in the student's kernel follows the source notebook: its given
cells come from the source (a student's edits to them are undone, as nbgrader
does for locked cells), its solution cells come from the student, and its
graded cells are left out (the checks run from the grader instead). A solution
cell is found by its grade_id, or, when its metadata was stripped, by the
function it defines. Cells the student added keep their place. Every repair is
noted, so the feedback can say what the grader did.
"""
import ast
import difflib
import json
import pathlib
from dataclasses import dataclass, field


class Unreadable(Exception):
    """The submission cannot be graded at all; the message says why."""


@dataclass
class Program:
    """What to run: (label, code) pairs in order, and notes on how they were chosen."""
    cells: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def _text(source):
    return "".join(source) if isinstance(source, list) else str(source or "")


def nbgrader_meta(cell):
    """A cell's nbgrader metadata ({} when it has none, or is not even a dict)."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    return (meta or {}).get("nbgrader") or {}


def find_notebook(folder, expected_name):
    """The notebook to grade in a submission folder, and a note when it is not the expected one."""
    folder = pathlib.Path(folder)
    expected = folder / expected_name
    if expected.is_file():
        return expected, None
    candidates = sorted(p for p in folder.glob("*.ipynb") if p.is_file()) if folder.is_dir() else []
    if not candidates:
        raise Unreadable(f"no notebook submitted (expected {expected_name})")
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        raise Unreadable(f"{expected_name} is missing and {len(candidates)} other notebooks were "
                         f"submitted ({names}): which one to grade is not clear")
    return candidates[0], f"graded {candidates[0].name}: the expected name is {expected_name}"


def read_notebook(path):
    """The notebook as a dict with a list of cells; Unreadable with the reason otherwise."""
    raw = pathlib.Path(path).read_bytes()
    if not raw.strip():
        raise Unreadable(f"{pathlib.Path(path).name} is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable(f"{pathlib.Path(path).name} is not a text file (binary content)") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable(f"{pathlib.Path(path).name} is not valid JSON ({error.msg} at line "
                         f"{error.lineno}, column {error.colno})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Unreadable(f"{pathlib.Path(path).name} is not a Jupyter notebook (it has no list of cells)")
    return nb


def _defined_names(code):
    """The functions a cell defines at its top level (what _defines looks for)."""
    try:
        return [node.name for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)]
    except SyntaxError:
        return []


def _defines(code, names):
    return any(f"def {name}(" in code for name in names)


def _solution_of(cell, code, solution_ids):
    """The grade_id of the solution cell a student cell fills: its own, or, when its metadata
    was stripped, that of the solution whose function it defines; None for any other cell."""
    meta = nbgrader_meta(cell)
    if meta.get("grade_id") in solution_ids:
        return meta["grade_id"]
    if meta or cell.get("cell_type") != "code":
        return None
    return next((g for g, (_, names) in solution_ids.items() if _defines(code, names)), None)


def build_program(source_nb, student_nb):
    """The (label, code) cells to run for a student's notebook; see the module docstring."""
    program = Program()
    source = [c for c in source_nb["cells"] if c.get("cell_type") == "code"]
    student = [c for c in student_nb["cells"] if isinstance(c, dict)]

    # Where each student cell goes: a source cell's index, or None for an extra cell.
    solution_ids = {}
    for index, cell in enumerate(source):
        if nbgrader_meta(cell).get("solution"):
            solution_ids[nbgrader_meta(cell)["grade_id"]] = (index, _defined_names(_text(cell["source"])))
    given = {index: _text(cell["source"]) for index, cell in enumerate(source)
             if not nbgrader_meta(cell).get("solution") and not nbgrader_meta(cell).get("grade")}

    chosen = {}                       # source index -> (student cell number, code)
    extras = {}                       # source index after which to run them -> [(number, code)]
    anchor = -1
    for number, cell in enumerate(student, start=1):
        code = _text(cell.get("source")).replace("\x00", "")
        if "\x00" in _text(cell.get("source")):
            program.notes.append(f"cell {number}: null bytes removed from its source")
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        match = _solution_of(cell, code, solution_ids)
        if match is not None:
            index = solution_ids[match][0]
            if grade_id is None:
                program.notes.append(f"cell {number} had lost its nbgrader metadata; it was matched "
                                     f"to {match} by the function it defines")
            if cell.get("cell_type") != "code":
                program.notes.append(f"cell {number} ({match}) was a {cell.get('cell_type')} cell; "
                                     f"it was run as code")
            if index in chosen:
                program.notes.append(f"{match} appears more than once; the last copy (cell {number}) "
                                     f"was used")
            chosen[index] = (number, code)
            anchor = index
        elif meta.get("grade") or meta.get("locked") or cell.get("cell_type") != "code":
            anchor = _anchor_of(meta.get("grade_id"), source, anchor)
        elif code.strip():
            match = _similar_given(code, given)
            if match is not None:
                anchor = match
            else:
                extras.setdefault(anchor, []).append((number, code))

    for number, code in extras.get(-1, []):
        program.cells.append((f"cell {number} (added by the student)", code))
    for index, cell in enumerate(source):
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            pass                                   # graded cells: the checks run from outside
        elif meta.get("solution"):
            if index in chosen:
                number, code = chosen[index]
                program.cells.append((f"cell {number} ({meta['grade_id']})", code))
            else:
                program.notes.append(f"the cell {meta['grade_id']} is missing: its functions are "
                                     f"not defined")
        else:
            program.cells.append((f"given cell {index + 1}", _text(cell["source"])))
        for number, code in extras.get(index, []):
            program.cells.append((f"cell {number} (added by the student)", code))
    return program


def _anchor_of(grade_id, source, current):
    for index, cell in enumerate(source):
        if grade_id and nbgrader_meta(cell).get("grade_id") == grade_id:
            return index
    return current


def _similar_given(code, given):
    """The given source cell this student cell is (an edited copy of), if any.

    Exact copies are found by lookup; difflib's full ratio (slow on long cells) runs
    only where its cheap upper bounds allow a match."""
    for index, text in given.items():
        if text == code:
            return index
    best, best_ratio = None, 0.6
    for index, text in given.items():
        matcher = difflib.SequenceMatcher(None, code, text, autojunk=False)
        if matcher.real_quick_ratio() > best_ratio and matcher.quick_ratio() > best_ratio:
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = index, ratio
    return best
