"""The submission reader: bad files say why they cannot be graded, malformed cells are
repaired with a note, and the program follows nbgrader's rules for honest but unusual
notebooks (an edited unlocked cell, a scratch cell, an old format, many copies), in
bounded time. No kernel runs here: these tests read what build_program decides.
"""
import copy
import json
import time

import nbformat
import pytest

from autograder.admin.course import DEFAULT_ROOT, notebook_path
from autograder.cleanroom.submission import Unreadable, build_program, parse_notebook
from autograder.limits import Limits

RELU, POOL = "relu_forward_solution", "pool_forward_naive_solution"
IMPORTS, EXAMPLE = "cell-01", "cell-03"        # notebook 02's unlocked import cell and its first example
FIRST = "given, before the first exercise"     # how the check names those two cells


def source(assignment="02-pooling"):
    return json.loads(notebook_path(DEFAULT_ROOT, assignment).read_text())


APPENDED = f"cell {len(source()['cells']) + 1}"     # a cell the student adds at the end


def cell(nb, key):
    """The cell whose id is key (the source's ids are its grade_ids, else cell-NN)."""
    return next(c for c in nb["cells"] if c.get("id") == key)


def text(c):
    return "".join(c["source"])


def encode(nb):
    return json.dumps(nb).encode()


def codes(program):
    return [code for _, code in program.cells]


def labels(program):
    return [label for label, _ in program.cells]


def scratch(code):
    return {"cell_type": "code", "id": "scratch", "metadata": {}, "source": code, "outputs": [],
            "execution_count": None}


def strip_ids(nb):
    for c in nb["cells"]:
        c.pop("id", None)
    return nb


def strip_metadata(nb):
    for c in nb["cells"]:
        c["metadata"] = {}
    return strip_ids(nb)


# Reading --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, words", [
    (b"", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\xff", "binary content"),
    (b'{"cells": [', "not valid JSON"),
    (b"[1, 2]", "not a Jupyter notebook"),
    (b'{"nbformat": 4}', "not a Jupyter notebook"),
    (b'{"cells": {}}', "not a Jupyter notebook"),
    (b"[" * 100_000 + b"]" * 100_000, "could not be read as JSON"),
])
def test_a_file_that_is_no_notebook_is_unreadable_with_the_reason(raw, words):
    with pytest.raises(Unreadable, match=words):
        parse_notebook(raw, "pooling.ipynb")


@pytest.mark.parametrize("bound, content, words", [
    ("notebook_cells", {"cells": [{}] * 3}, "3 cells"),
    ("notebook_chars", {"cells": [{"cell_type": "code", "source": "x = 1\n" * 3}]}, "characters"),
])
def test_a_notebook_beyond_a_size_bound_is_unreadable(bound, content, words):
    with pytest.raises(Unreadable, match=words):
        parse_notebook(encode(content), "pooling.ipynb", Limits(**{bound: 2}))


def test_a_parsed_notebook_is_a_dict_with_notes_that_build_program_passes_on():
    nb = source()
    cell(nb, IMPORTS)["metadata"] = ["not", "a", "dict"]
    parsed = parse_notebook(b"\xef\xbb\xbf" + encode(nb), "pooling.ipynb")      # a BOM is fine
    number = [c["id"] for c in nb["cells"]].index(IMPORTS) + 1
    assert isinstance(parsed, dict) and parsed["cells"][number - 1]["metadata"] == {}
    assert parsed.notes == [f"cell {number}: its metadata was not a dictionary; it was ignored"]
    assert build_program(source(), parsed).notes[0] == parsed.notes[0]


def test_a_notebook_larger_than_the_limit_is_unreadable():
    with pytest.raises(Unreadable, match="larger than"):
        parse_notebook(encode({"cells": []}), "pooling.ipynb", Limits(notebook_bytes=4))


def test_nbformat_3_is_converted_and_graded_alike():
    # read as nbformat does (sources as text): its v3 downgrade cannot take JSON's line lists
    old = nbformat.writes(nbformat.convert(nbformat.reads(json.dumps(source()), as_version=4), 3), version=3)
    assert json.loads(old)["nbformat"] == 3
    parsed = parse_notebook(old.encode(), "pooling.ipynb")
    assert parsed["nbformat"] == 4 and "worksheets" not in parsed
    assert parsed.notes == ["pooling.ipynb was saved in nbformat 3 (cells in worksheets); it was converted "
                            "to nbformat 4"]
    program = build_program(source(), parsed)
    assert program.cells == build_program(source(), source()).cells


def test_an_nbformat_3_cell_the_converter_refuses_keeps_its_input():
    old = {"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1"}]}, "junk"]}
    parsed = parse_notebook(encode(old), "old.ipynb")
    assert [c["source"] for c in parsed["cells"]] == ["x = 1"]


@pytest.mark.parametrize("change, words", [
    (lambda c: c.update(metadata="x"), "its metadata was not a dictionary"),
    (lambda c: c["metadata"].update(nbgrader=["solution"]), "its nbgrader metadata was not a dictionary"),
    (lambda c: c["metadata"].update(nbgrader={"grade_id": ["a"]}), "grade_id was not text"),
    (lambda c: c.update(source=42), "its source was not text"),
    (lambda c: c.update(source=["x = 1\n", 2, None]), "items that are not text"),
    (lambda c: c.pop("cell_type"), "it had no cell type; it was taken as a code cell"),
    (lambda c: c.update(id=7), "its id was not text"),
    (lambda c: c.update(source="x = 1\x00"), "null bytes removed"),
    (lambda c: c.update(source="x = '\ud800'"), "not valid Unicode"),
])
def test_a_malformed_field_is_repaired_with_a_note(change, words):
    nb = source()
    number = [c["id"] for c in nb["cells"]].index(EXAMPLE) + 1
    change(cell(nb, EXAMPLE))
    parsed = parse_notebook(encode(nb), "pooling.ipynb")
    assert any(note.startswith(f"cell {number}: ") and words in note for note in parsed.notes), parsed.notes
    program = build_program(source(), parsed)
    assert all(isinstance(code.encode("utf-8"), bytes) for code in codes(program))


def test_a_cell_that_is_not_a_dict_is_left_out_and_the_others_keep_their_numbers():
    nb = source()
    nb["cells"][0] = "# 02 · Pooling"
    parsed = parse_notebook(encode(nb), "pooling.ipynb")
    assert parsed.notes == ["cell 1: it is not a cell but a str; it was left out"]
    assert "cell 12 (your relu_forward)" in labels(build_program(source(), parsed))


@pytest.mark.parametrize("content", [
    None, [], "text", {"cells": None}, {"cells": [None, 1, [], {}, {"cell_type": None}, {"metadata": []},
                                                   {"metadata": {"nbgrader": {"grade_id": {}}}}]},
    {"cells": [{"cell_type": "code", "source": {"a": 1}, "id": ["x"], "metadata": {"nbgrader": 3}}]},
    {"worksheets": [None, {"cells": None}, {"cells": [1, {"input": 5}, {"cell_type": "heading"}]}]},
    {"worksheets": "x"}, {"cells": [{"cell_type": "code", "source": "(" * 5000}]},
    {"cells": [{"cell_type": "code", "source": "-" * 50_000 + "1"}]},
])
def test_any_shape_of_input_gives_a_program_or_unreadable(content):
    try:
        program = build_program(source(), content)
    except Unreadable:
        return
    assert all(isinstance(code, str) for code in codes(program))


# What runs ------------------------------------------------------------------------------

def test_the_model_solution_runs_its_cells_but_no_test_cell():
    program = build_program(source(), source())
    assert program.notes == []
    assert labels(program) == [f"cell 2 ({FIRST})", f"cell 4 ({FIRST})", "cell 6 (your pool_forward_naive)",
                               "cell 8 (given, after pool_forward_naive)", "cell 10 (given, after pool_forward_naive)",
                               "cell 12 (your relu_forward)", "cell 14 (given, after relu_forward)",
                               "cell 16 (given, after relu_forward)", "cell 18 (given, after relu_forward)",
                               "cell 20 (given, after relu_forward)"]
    assert not any("BEGIN HIDDEN TESTS" in code for code in codes(program))


def test_an_edited_unlocked_cell_runs_as_the_student_wrote_it():
    nb = source()
    edited = text(cell(nb, IMPORTS)) + "\nfrom itertools import product\n"
    cell(nb, IMPORTS)["source"] = edited
    program = build_program(source(), nb)
    assert program.cells[0] == (f"cell 2 ({FIRST}, edited by you)", edited)
    assert program.notes == []


def test_an_edited_unlocked_cell_without_its_id_is_found_by_its_lines():
    nb = strip_ids(source())
    edited = text(nb["cells"][1]) + "\nfrom itertools import product\n"
    nb["cells"][1]["source"] = edited
    program = build_program(source(), nb)
    assert program.cells[0] == (f"cell 2 ({FIRST}, edited by you)", edited)
    assert program.notes == [f"cell 2: it was taken as your version of the cell {FIRST}"]


def test_a_deleted_unlocked_cell_runs_from_the_source():
    nb = source()
    nb["cells"].remove(cell(nb, EXAMPLE))
    program = build_program(source(), nb)
    assert (f"the cell {FIRST}", text(cell(source(), EXAMPLE))) in program.cells
    assert program.notes == [f"the cell {FIRST} was not found in your notebook; it was run as the assignment gives it"]


def test_a_locked_cell_is_restored_and_a_test_cell_left_out():
    original = source("03-backprop")
    nb = copy.deepcopy(original)
    cell(nb, "forward_passes")["source"] = "def zero_pad(x, pad):\n    return x\n"
    cell(nb, "relu_backward")["source"] = "relu_backward = lambda dout, cache: dout\n"
    program = build_program(original, nb)
    assert text(cell(original, "forward_passes")) in codes(program)
    assert not any("relu_backward = lambda" in code for code in codes(program))


def test_a_scratch_cell_that_mentions_a_definition_does_not_replace_the_answer():
    nb = source()
    nb["cells"].append(scratch("# my first try was\n# def relu_forward(x): return abs(x), (x,)\nprint(1)"))
    program = build_program(source(), nb)
    assert ("cell 12 (your relu_forward)", text(cell(nb, RELU))) in program.cells
    assert program.cells[-1] == (f"{APPENDED} (added by the student)", text(nb["cells"][-1]))
    assert program.notes == []


def test_without_metadata_a_solution_is_the_cell_that_defines_its_function():
    nb = strip_metadata(source())
    nb["cells"].insert(11, scratch("# def relu_forward(x): a comment, not a definition"))
    program = build_program(source(), nb)
    assert ("cell 13 (your relu_forward)", text(cell(source(), RELU))) in program.cells
    assert "cell 13 had lost its nbgrader metadata; it was matched to relu_forward_solution by the function " \
           "it defines" in program.notes
    assert ("cell 12 (added by the student)", text(nb["cells"][11])) in program.cells
    assert not any("BEGIN HIDDEN TESTS" in code for code in codes(program))      # test cells: by their text


def test_a_cell_that_does_not_parse_is_noted_and_runs_as_the_students_own():
    nb = strip_metadata(source())
    nb["cells"][11]["source"] = "def relu_forward(x):\n    return (x,\n"
    program = build_program(source(), nb)
    assert "cell 12 could not be parsed (SyntaxError at line 2: '(' was never closed), so it was not " \
           "matched to an exercise; it was run as your own cell" in program.notes
    assert ("cell 12 (added by the student)", nb["cells"][11]["source"]) in program.cells
    assert "the cell of relu_forward_solution is missing: no cell of your notebook was found for it" in program.notes


def test_one_cell_defining_two_solutions_runs_once():
    nb = strip_metadata(source())
    both = text(cell(source(), POOL)) + "\n" + text(cell(source(), RELU))
    nb["cells"][5]["source"], nb["cells"][11]["source"] = both, ""
    program = build_program(source(), nb)
    assert codes(program).count(both) == 1
    assert not any("missing" in note for note in program.notes)


def test_a_duplicated_solution_uses_the_last_copy():
    nb = source()
    nb["cells"].append(copy.deepcopy(cell(nb, RELU)))
    nb["cells"][-1]["source"] = "def relu_forward(x):\n    return x * (x > 0), (x,)\n"
    program = build_program(source(), nb)
    assert (f"{APPENDED} (your relu_forward)", nb["cells"][-1]["source"]) in program.cells
    assert f"{RELU} appears more than once; the last copy ({APPENDED}) was used" in program.notes


def test_a_cell_with_a_grade_id_the_assignment_lacks_runs_as_the_students_own():
    nb = source()
    nb["cells"].append({**scratch("helper = 1"), "metadata": {"nbgrader": {"grade_id": "last_year", "locked": True}}})
    program = build_program(source(), nb)
    assert program.cells[-1] == (f"{APPENDED} (added by the student)", "helper = 1")
    assert program.notes == [f"{APPENDED} has the nbgrader id 'last_year', which this assignment does not have; "
                             "that metadata was ignored"]


def test_an_added_cell_runs_after_the_cell_it_follows():
    nb = source()
    nb["cells"].insert(12, scratch("print(relu_forward(np.ones(2)))"))
    program = build_program(source(), nb)
    at = labels(program).index("cell 12 (your relu_forward)")
    assert program.cells[at + 1] == ("cell 13 (added by the student)", "print(relu_forward(np.ones(2)))")


# Bounded time ---------------------------------------------------------------------------

def with_copies(nb, copies, near=False):
    """nb with `copies` copies of the example cell after it: pasted (fresh ids) or, with near,
    edited copies without ids and the example itself gone."""
    at = nb["cells"].index(cell(nb, EXAMPLE))
    original = nb["cells"].pop(at) if near else nb["cells"][at]
    pasted = [{**copy.deepcopy(original), "id": f"copy-{k}"} for k in range(copies)]
    if near:
        pasted = [{key: value for key, value in c.items() if key != "id"} for c in pasted]
        for k, c in enumerate(pasted):
            c["source"] = text(c) + f"\nprint('copy {k}')"
    nb["cells"][at + (0 if near else 1):at + (0 if near else 1)] = pasted
    return nb


def test_250_pasted_copies_of_a_given_cell_run_as_the_students_cells():
    program = build_program(source(), with_copies(source(), 250), limits=Limits(build_seconds=1.0))
    assert labels(program).count(f"cell 4 ({FIRST})") == 1
    assert sum(label.endswith("(added by the student)") for label in labels(program)) == 250
    assert program.notes == []


def test_250_edited_copies_are_matched_once_and_the_rest_kept():
    program = build_program(source(), with_copies(source(), 250, near=True), limits=Limits(build_seconds=5.0))
    assert labels(program)[1] == f"cell 4 ({FIRST}, edited by you)"
    assert sum(label.endswith("(added by the student)") for label in labels(program)) == 249


def test_out_of_time_the_rest_is_kept_as_the_students_cells_with_a_note():
    program = build_program(source(), with_copies(source(), 250, near=True), limits=Limits(build_seconds=0))
    assert sum(label.endswith("(added by the student)") for label in labels(program)) == 250
    assert (f"the cell {FIRST}", text(cell(source(), EXAMPLE))) in program.cells
    assert program.notes[0].startswith("matching your cells with the assignment's took longer than the 0 s allowed")


def heavy():
    """A source of 40 long given cells and a student with none of them but 250 long cells,
    each a bit like all of them: every pair is compared (seconds of work without a budget)."""
    def long_cell(tag, lines=600):
        return {"cell_type": "code", "metadata": {}, "source": "\n".join(f"v{tag}_{i} = {i}" for i in range(lines))}
    source_nb = {"cells": [long_cell(f"s{k}") for k in range(40)]}
    student = {"cells": [long_cell(f"t{k}") for k in range(250)]}
    return source_nb, student


def test_matching_stays_within_its_budget():
    source_nb, student = heavy()
    budget = 0.2
    start = time.monotonic()
    program = build_program(source_nb, student, limits=Limits(build_seconds=budget))
    elapsed = time.monotonic() - start
    assert "took longer than the 0.2 s allowed" in program.notes[0]
    assert len(program.cells) == 40 + 250                  # the given cells from the source, and all of hers
    assert elapsed < 10 * budget, f"{elapsed:.2f} s for a budget of {budget} s"
