"""Read a submitted notebook, whatever state it is in, and decide what to run.

Reading (parse_notebook) turns the file's bytes into a well-formed nbformat 4
notebook or says why it cannot (Unreadable): an old nbformat 3 file is converted,
and malformed cells are repaired (a note for each repair).

The program run in the student's kernel (build_program) follows the source
notebook, cell by cell, as stock nbgrader would:
- a solution cell runs as the student wrote it;
- an unlocked given cell runs as the student left it; one the student deleted runs
  as the source has it;
- a locked cell runs as the source has it (nbgrader restores those);
- a graded test cell is left out (the checks run from the grader instead);
- a cell the student added runs after the matched cell it follows.

Which student cell stands for which source cell is decided in three passes,
cheapest first, each only over the cells the passes before left unmatched:
1. exact keys: nbgrader's grade_id, then the cell's id (kept by Jupyter since
   nbformat 4.5), then the exact text of a given, locked or graded cell;
2. a solution cell no key found is filled by the cells that define its functions
   at top level (the code is parsed, never searched as text);
3. a given, locked or graded cell still unmatched is matched by similarity (the
   share of lines in common) with the cells between the same matched neighbours.
Passes 2 and 3 stop when the time budget runs out; what is left is kept as the
student's own cells, where they were, and a note says so. Size bounds on the
file, the number of cells and the code keep everything before that linear.

answers gives the student's answers alone (the cells matched to solution cells), which
the formgrader's notebook shows and the similarity report compares.
"""
import ast
import json
import time
from collections import Counter
from dataclasses import dataclass, field

from ..limits import Limits

SIMILAR = 0.6                     # share of lines in common that makes a cell an edited copy


class Unreadable(Exception):
    """The submission cannot be graded at all; the message says why."""


class Notebook(dict):
    """A notebook as read and repaired: its nbformat 4 content, and `notes`, one per repair."""

    def __init__(self, content, notes=()):
        super().__init__(content)
        self.notes = list(notes)


@dataclass
class Program:
    """What to run: (label, code) pairs in order, and notes on how they were chosen."""
    cells: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, label, code):
        """Run `code` under `label`, unless there is nothing to run."""
        if code.strip():
            self.cells.append((label, code))


def nbgrader_meta(cell):
    """A cell's nbgrader metadata ({} when it has none, or it is malformed)."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


# Reading ------------------------------------------------------------------------------

def parse_notebook(raw, name, limits=Limits()):
    """The notebook in `raw` (a file's bytes, named `name` in messages) as a Notebook: its
    nbformat 4 content, repaired, with a note per repair in .notes (build_program passes them
    on in Program.notes). Unreadable with the reason when it is not a notebook at all or is
    beyond the limits' bounds on a notebook."""
    if len(raw) > limits.notebook_bytes:
        raise Unreadable(f"{name} is larger than {limits.notebook_bytes // 2**20} MB, more than the grader reads")
    if not raw.strip():
        raise Unreadable(f"{name} is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(f"{name} is not a text file (binary content)") from None
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable(f"{name} is not valid JSON ({error.msg}; line {error.lineno}, "
                         f"column {error.colno})") from None
    except (ValueError, RecursionError) as error:     # e.g. nesting or an integer too deep or long
        raise Unreadable(f"{name} could not be read as JSON ({type(error).__name__})") from None
    return _repair(content, name, limits)


def _repair(content, name="the notebook", limits=Limits()):
    """`content` (a notebook's JSON) as a well-formed nbformat 4 Notebook: nbformat 3 converted,
    every cell a dict with a cell_type, a source string, a metadata dict, and nbgrader metadata,
    grade_id and id of the right types or absent. A Notebook is returned as it is."""
    if isinstance(content, Notebook):
        return content
    if not isinstance(content, dict):
        raise Unreadable(f"{name} is not a Jupyter notebook (it has no list of cells)")
    cells, notes = content.get("cells"), []
    old = not isinstance(cells, list) and isinstance(content.get("worksheets"), list)
    if old:
        cells = _worksheet_cells(content["worksheets"])
        version = content.get("nbformat")
        version = f"nbformat {version}" if isinstance(version, int) else "an old nbformat"
        notes.append(f"{name} was saved in {version} (cells in worksheets); it was converted to nbformat 4")
    if not isinstance(cells, list):
        raise Unreadable(f"{name} is not a Jupyter notebook (it has no list of cells)")
    if len(cells) > limits.notebook_cells:
        raise Unreadable(f"{name} has {len(cells):,} cells, more than the {limits.notebook_cells:,} the grader reads")
    repaired = []
    for number, cell in enumerate(cells, start=1):
        cell, problems = _repair_cell(_upgrade_cell(cell) if old else cell)
        repaired.append(cell)
        notes += [f"cell {number}: {problem}" for problem in problems]
    if sum(len(cell["source"]) for cell in repaired) > limits.notebook_chars:
        raise Unreadable(f"{name} holds more than {limits.notebook_chars:,} characters of cell sources, "
                         f"more than the grader reads")
    kept = {key: value for key, value in content.items() if key != "worksheets"}
    if old:
        kept.update(nbformat=4, nbformat_minor=5)
    return Notebook({**kept, "cells": repaired}, notes)


def _worksheet_cells(worksheets):
    """The cells of nbformat 3's worksheets, in one list (as nbformat's converter flattens them)."""
    cells = []
    for sheet in worksheets:
        sheet_cells = sheet.get("cells") if isinstance(sheet, dict) else None
        cells += sheet_cells if isinstance(sheet_cells, list) else []
    return cells


def _upgrade_cell(cell):
    """An nbformat 3 cell as nbformat 4, by nbformat's own cell converter. Cell by cell, because
    its whole-notebook converter validates the file first (slow on a large one) and stops at the
    first odd cell; an odd cell keeps its `input` as source and is left to _repair_cell."""
    import nbformat            # here: importing it costs seconds (jsonschema), and few need it
    from nbformat.v4.convert import upgrade_cell
    try:
        return upgrade_cell(nbformat.from_dict(cell))
    except Exception:  # nbformat's converter assumes a valid cell; this one is not
        return {**cell, "source": cell.get("input")} if isinstance(cell, dict) and "input" in cell else cell


def _repair_cell(cell):
    """The cell made well-formed (a new dict; an empty raw cell in place of one that is not a
    dict, so the cells after it keep their numbers) and what was repaired."""
    if not isinstance(cell, dict):
        return ({"cell_type": "raw", "source": "", "metadata": {}},
                [f"it is not a cell but a {type(cell).__name__}; it was left out"])
    problems = []
    metadata = _metadata(cell.get("metadata", {}), problems)
    repaired = {**cell, "metadata": metadata, "cell_type": _cell_type(cell, metadata, problems),
                "source": _source(cell.get("source"), problems)}
    if "id" in cell and not isinstance(cell["id"], str):
        del repaired["id"]
        problems.append("its id was not text; it was ignored")
    return repaired, problems


def _metadata(metadata, problems):
    """Cell metadata as a dict, its nbgrader part a dict and its grade_id text, or left out."""
    if not isinstance(metadata, dict):
        problems.append("its metadata was not a dictionary; it was ignored")
        return {}
    nbgrader = metadata.get("nbgrader", {})
    if not isinstance(nbgrader, dict):
        problems.append("its nbgrader metadata was not a dictionary; it was ignored")
        return {key: value for key, value in metadata.items() if key != "nbgrader"}
    if "grade_id" in nbgrader and not isinstance(nbgrader["grade_id"], str):
        problems.append("its nbgrader grade_id was not text; it was ignored")
        nbgrader = {key: value for key, value in nbgrader.items() if key != "grade_id"}
        return {**metadata, "nbgrader": nbgrader}
    return metadata


def _cell_type(cell, metadata, problems):
    """The cell's type; one with none is taken as nbgrader recorded it, or else as code."""
    cell_type = cell.get("cell_type")
    if isinstance(cell_type, str):
        return cell_type
    recorded = metadata.get("nbgrader", {}).get("cell_type")
    cell_type = recorded if isinstance(recorded, str) else "code"
    problems.append(f"it had no cell type; it was taken as a {cell_type} cell")
    return cell_type


def _source(source, problems):
    """A cell's source as one string: lists joined, anything else empty; null bytes removed and
    unpaired surrogates (not encodable, so not runnable) replaced."""
    if isinstance(source, list) and not all(isinstance(line, str) for line in source):
        problems.append("its source held items that are not text; they were left out")
        source = [line for line in source if isinstance(line, str)]
    if isinstance(source, list):
        source = "".join(source)
    elif not isinstance(source, str):
        problems.append("its source was not text; it was taken as empty")
        source = ""
    if "\x00" in source:
        problems.append("null bytes removed from its source")
        source = source.replace("\x00", "")
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        problems.append("characters that are not valid Unicode were replaced by '?' in its source")
        source = source.encode("utf-8", "replace").decode("utf-8")
    return source


# Matching -----------------------------------------------------------------------------

@dataclass
class _Cell:
    """A code or other cell, as matching sees it. number: its place in its notebook, from 1,
    text cells included (as a learner counts them on screen); kind (source cells only):
    "solution", "graded", "locked" or "given"; title (source cells only): how a learner finds
    it, by the exercise it is or follows ("your conv_forward_naive", "given, after zero_pad")."""
    number: int
    type: str
    code: str
    grade_id: str = None
    id: str = None
    kind: str = ""
    title: str = ""


def _cells(notebook):
    return [_Cell(number, cell["cell_type"], cell["source"], nbgrader_meta(cell).get("grade_id"), cell.get("id"))
            for number, cell in enumerate(notebook["cells"], start=1)]


def _kind(meta):
    """What nbgrader does with a source cell of this metadata (see the module docstring)."""
    if meta.get("solution"):
        return "solution"
    if meta.get("grade"):
        return "graded"
    return "locked" if meta.get("locked") else "given"


def _slots(source_nb):
    """The source notebook's code cells, each with its kind: the places of the program."""
    cells = _repair(source_nb, "the assignment's notebook")["cells"]
    slots = [_Cell(number, "code", cell["source"], nbgrader_meta(cell).get("grade_id"), cell.get("id"),
                   _kind(nbgrader_meta(cell)))
             for number, cell in enumerate(cells, start=1) if cell["cell_type"] == "code"]
    exercise = ""
    for slot in slots:
        if slot.kind == "solution":
            exercise = ", ".join(sorted(_defined_names(slot.code)[0])) or slot.grade_id
            slot.title = f"your {exercise}"
        elif slot.kind == "graded":
            slot.title = f"the test cell of {slot.grade_id}"
        else:
            slot.title = f"given, after {exercise}" if exercise else "given, before the first exercise"
    return slots


def course_imports(source_nb):
    """The modules the source notebook's given and locked cells import at their top level,
    sorted: what a kernel may import before the submission is known (the course's imports)."""
    modules = set()
    for slot in _slots(source_nb):
        if slot.kind not in ("given", "locked"):
            continue
        for node in _parse(slot.code)[0]:
            if isinstance(node, ast.Import):
                modules |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module)
    return sorted(modules)


def _parse(code):
    """`code`'s top-level statements, and why it could not be parsed ("" when it could)."""
    try:
        return ast.parse(code).body, ""
    except SyntaxError as error:
        return [], f"SyntaxError at line {error.lineno}: {error.msg}"
    except (ValueError, RecursionError, MemoryError) as error:    # MemoryError: nested too deep
        return [], f"{type(error).__name__}: too complex to parse"


def _defined_names(code):
    """The functions and classes `code` defines at its top level, and why it could not be
    parsed ("" when it could)."""
    body, why = _parse(code)
    return {node.name for node in body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}, why


def _lines(code):
    return Counter(line.strip() for line in code.splitlines() if line.strip())


def _similarity(a, b):
    """The share of lines two cells have in common (line Counters; order ignored, so linear)."""
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


SIMILAR_NOTES = {                 # what a match by similarity means for the student, by kind
    "given": "it was taken as your version of the cell {title}",
    "locked": "it was taken for the locked cell {title}, which runs as the assignment gives it",
    "graded": "it was taken for {title}, which the grader runs itself",
}


class _Match:
    """Which student cell stands for which source cell (slot).

    filled: slot index -> the student cell run in its place (solution and given slots);
    placed: student cell number -> the slot index it stands for, run or not (locked and
    graded slots run from the source, or not at all); notes: what the student should know.
    """

    def __init__(self, slots, cells, limits):
        self.slots, self.cells, self.limits = slots, cells, limits
        self.deadline = time.monotonic() + max(limits.build_seconds, 0.0)
        self.filled, self.placed, self.notes, self.timed_out = {}, {}, [], False

    def unplaced(self, code_only=False):
        """Cells not matched yet (with code_only: non-empty code cells small enough to compare)."""
        return [cell for cell in self.cells if cell.number not in self.placed and (
            not code_only or (cell.type == "code" and cell.code.strip()
                              and len(cell.code) <= self.limits.matched_cell_chars))]

    def out_of_time(self):
        if time.monotonic() < self.deadline:
            return False
        if not self.timed_out:
            self.notes.append(f"matching your cells with the assignment's took longer than the "
                              f"{self.limits.build_seconds:g} s allowed; the cells not compared yet were run as "
                              f"your own cells, where they are")
        self.timed_out = True
        return True

    def claim(self, index, cell, how):
        """Let `cell` stand for slot `index`: always for locked and graded slots, the last such
        cell for a solution, the first code cell for a given slot. Whether it did."""
        slot = self.slots[index]
        if slot.kind == "given" and (index in self.filled or cell.type != "code"):
            return False
        if slot.kind == "solution":
            self._note_solution(slot, cell, how, index in self.filled)
        if slot.kind in ("solution", "given"):
            self.filled[index] = cell
        self.placed[cell.number] = index
        return True

    def _note_solution(self, slot, cell, how, again):
        if how != "its grade_id":
            self.notes.append(f"cell {cell.number} had lost its nbgrader metadata; it was matched to "
                              f"{slot.grade_id} by {how}")
        if cell.type != "code":
            self.notes.append(f"cell {cell.number} ({slot.grade_id}) was a {cell.type} cell; it was run as code")
        if again:
            self.notes.append(f"{slot.grade_id} appears more than once; the last copy (cell {cell.number}) was used")

    def by_keys(self):
        """Pass 1: grade_id, then id, then the exact text of a cell that is not a solution."""
        for how, key, table in self._key_tables():
            for cell in self.unplaced():
                if key(cell) in table:
                    self.claim(table[key(cell)], cell, how)
        known = {slot.grade_id for slot in self.slots}
        for cell in self.cells:
            if cell.grade_id is not None and cell.grade_id not in known:
                self.notes.append(f"cell {cell.number} has the nbgrader id {cell.grade_id[:80]!r}, which this "
                                  f"assignment does not have; that metadata was ignored")

    def _key_tables(self):
        """For each exact key, in order: (how it matches, a student cell's key, key -> slot index)."""
        by_grade_id = {slot.grade_id: index for index, slot in enumerate(self.slots) if slot.grade_id}
        by_id = {slot.id: index for index, slot in enumerate(self.slots) if slot.id}
        by_text = {}
        for index, slot in enumerate(self.slots):
            if slot.kind != "solution" and slot.code.strip():
                by_text.setdefault(slot.code, index)          # the first of identical cells
        return [("its grade_id", lambda cell: cell.grade_id, by_grade_id),
                ("its id", lambda cell: cell.id, by_id),
                ("its text", lambda cell: cell.code if cell.type == "code" else None, by_text)]

    def by_definitions(self):
        """Pass 2: a solution still unmatched takes the cells that define one of its functions."""
        wanted = {index: _defined_names(slot.code)[0] for index, slot in enumerate(self.slots)
                  if slot.kind == "solution" and index not in self.filled}
        if not wanted:
            return
        for cell in self.unplaced(code_only=True):
            if self.out_of_time():
                return
            names, error = _defined_names(cell.code)
            if error:
                self.notes.append(f"cell {cell.number} could not be parsed ({error}), so it was not matched to "
                                  f"an exercise; it was run as your own cell")
            for index, functions in wanted.items():
                if names & functions:
                    self.claim(index, cell, "the function it defines")

    def by_similarity(self):
        """Pass 3: a cell still unmatched takes the most similar unmatched given, locked or graded
        slot between the slots of its matched neighbours, if similar enough."""
        bounds = self._neighbours()
        taken = set(self.placed.values())
        slot_lines = {}
        for cell in self.unplaced(code_only=True):
            low, high = bounds[cell.number]
            best, best_share, mine = None, 0.0, None
            for index in range(low + 1, high):
                if self.out_of_time():
                    return
                if self.slots[index].kind == "solution" or index in taken:
                    continue
                if index not in slot_lines:
                    slot_lines[index] = _lines(self.slots[index].code)
                mine = mine or _lines(cell.code)
                share = _similarity(mine, slot_lines[index])
                if share >= SIMILAR and share > best_share:
                    best, best_share = index, share
            if best is not None and self.claim(best, cell, "similarity"):
                taken.add(best)
                self.notes.append(f"cell {cell.number}: " + SIMILAR_NOTES[self.slots[best].kind].format(
                    title=self.slots[best].title))

    def _neighbours(self):
        """For each unmatched cell, the slot indices of the nearest matched cells before and after it."""
        bounds, low = {}, -1
        for cell in self.cells:
            if cell.number in self.placed:
                low = self.placed[cell.number]
            else:
                bounds[cell.number] = [low, len(self.slots)]
        high = len(self.slots)
        for cell in reversed(self.cells):
            if cell.number in self.placed:
                high = self.placed[cell.number]
            else:
                bounds[cell.number][1] = high
        return bounds


# The program --------------------------------------------------------------------------

def build_program(source_nb, student_nb, limits=Limits()):
    """The (label, code) cells to run for a student's notebook (see the module docstring),
    matching cells within limits.build_seconds. Either notebook may be a Notebook (from
    parse_notebook) or any JSON dict (repaired here); its repair notes start Program.notes. Raises only Unreadable."""
    student, match = _matched(source_nb, student_nb, limits)
    slots, cells = match.slots, match.cells
    program = Program(notes=student.notes + match.notes)
    extras = _extras(cells, match.placed)
    _add_extras(program, extras, -1)
    emitted = set()
    for index, slot in enumerate(slots):
        _add_slot(program, slot, match.filled.get(index), emitted)
        _add_extras(program, extras, index)
    return program


def answers(source_nb, student_nb, limits=Limits()):
    """{grade_id of each solution cell of the source: the code of the student's cell in its
    place, or None where none was found}, in the source's order, matched as build_program
    matches them. Raises only Unreadable."""
    _, match = _matched(source_nb, student_nb, limits)
    return {slot.grade_id: match.filled[i].code if i in match.filled else None
            for i, slot in enumerate(match.slots) if slot.kind == "solution"}


def _matched(source_nb, student_nb, limits):
    """The student's notebook repaired, and the _Match of its cells with the source's."""
    student = _repair(student_nb)
    match = _Match(_slots(source_nb), _cells(student), limits)
    match.by_keys()
    match.by_definitions()
    match.by_similarity()
    return student, match


def _extras(cells, placed):
    """The student's own code cells, by the slot index of the matched cell before them (-1: none)."""
    extras, anchor = {}, -1
    for cell in cells:
        if cell.number in placed:
            anchor = placed[cell.number]
        elif cell.type == "code" and cell.code.strip():
            extras.setdefault(anchor, []).append(cell)
    return extras


def _add_extras(program, extras, index):
    for cell in extras.get(index, []):
        program.add(f"cell {cell.number} (added by the student)", cell.code)


def _add_slot(program, slot, cell, emitted):
    """What runs in one source cell's place: the student's cell, the source's, or nothing."""
    if slot.kind == "graded":
        return                                          # the checks run from the grader
    if slot.kind == "locked" or (slot.kind == "given" and cell is None):
        if slot.kind == "given" and slot.code.strip():
            program.notes.append(f"the cell {slot.title} was not found in your notebook; it was run as "
                                 f"the assignment gives it")
        program.add(f"cell {cell.number} ({slot.title})" if cell else f"the cell {slot.title}", slot.code)
    elif slot.kind == "given":
        program.add(f"cell {cell.number} ({slot.title}" + (")" if cell.code == slot.code else ", edited by you)"),
                    cell.code)
    elif cell is None:
        program.notes.append(f"the cell of {slot.grade_id} is missing: no cell of your notebook was found for it")
    elif cell.number not in emitted:                    # a cell defining two solutions runs once
        emitted.add(cell.number)
        program.add(f"cell {cell.number} ({slot.title})", cell.code)
