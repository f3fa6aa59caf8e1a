"""The course notebooks through nbgrader's own Python API, on a temporary copy of the course.

Source notebooks are stored clean and well-formed; the release has stubs and no
solution or hidden test; the solved notebooks earn full marks, the untouched
release earns 0, and one broken exercise loses exactly its own points.
"""
import ast
import inspect
import time

import nbformat
import pytest

import solutions as S
from autograder.checks import CHECKS, NOTEBOOKS
from autograder.admin.classbuilder import build_class, released_notebook
from autograder.admin.course import (DEFAULT_ROOT, assignments, gradebook as course_gradebook, nbgrader_api,
                                     notebook_path)
from autograder.proof.answers import find
from autograder.proof.play import grade_with, notebook_with

ASSIGNMENTS = assignments()
# One bug of the proof's bank per notebook. 05's is in the loss value alone: training uses
# dscores, so the trained model is unaffected.
BROKEN = {
    "01-convolution": find("conv_forward_naive", "the bias forgotten"),
    "02-pooling": find("relu_forward", "the absolute value"),
    "03-backprop": find("pool_backward_naive", "average gradient divided by size"),
    "04-vectorization": find("conv_as_matrix", "flipped filter"),
    "05-mnist": find("softmax_cross_entropy", "the loss summed over the batch"),
}


def nbgrader_cells(nb, kind):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get(kind)]


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def source(request):
    return request.param, nbformat.read(notebook_path(DEFAULT_ROOT, request.param), as_version=4)


def test_source_is_stored_clean_and_well_formed(source):
    assignment, nb = source
    nbformat.validate(nb)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{cell.id} has outputs"
        if "nbgrader" in cell.metadata:
            assert cell.metadata["nbgrader"]["schema_version"] == 3


def test_graded_cells_match_their_checks(source):
    assignment, nb = source
    graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for c in nbgrader_cells(nb, "grade")}
    assert graded == {check.name: check.points for check in NOTEBOOKS[assignment]}
    for cell in nbgrader_cells(nb, "grade"):
        assert "### BEGIN HIDDEN TESTS" in cell.source and "grade(" in cell.source


def test_graded_functions_have_the_reference_signatures(source):
    assignment, nb = source
    for cell in nbgrader_cells(nb, "solution"):
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef) and node.name in CHECKS:
                reference = inspect.signature(getattr(S, node.name))
                names = [a.arg for a in node.args.args]
                assert names == list(reference.parameters), node.name
                defaults = [ast.literal_eval(d) for d in node.args.defaults]
                expected = [p.default for p in reference.parameters.values() if p.default is not p.empty]
                assert defaults == expected, node.name


STUDENTS = ("solution", "untouched", "broken", "deleted-cell")


@pytest.fixture(scope="module")
def course(tmp_path_factory, data_root):
    """A copy of the course with the release generated and four students per assignment
    autograded: the solution, the untouched release, one broken exercise, one deleted
    graded cell. Notebook 05 trains on MNIST, hence data_root."""
    def submissions(root):
        for assignment in ASSIGNMENTS:
            source = notebook_path(root, assignment)
            deleted = nbformat.read(source, as_version=4)
            deleted.cells = [c for c in deleted.cells if c.id != NOTEBOOKS[assignment][0].name]
            contents = [source.read_text(), released_notebook(root, assignment).read_text(),
                        nbformat.writes(notebook_with(BROKEN[assignment])), nbformat.writes(deleted)]
            for student, content in zip(STUDENTS, contents):
                yield student, assignment, content

    root = build_class(tmp_path_factory.mktemp("course") / "course", ASSIGNMENTS, submissions)
    api = nbgrader_api(root)
    seconds = {}
    for assignment in ASSIGNMENTS:
        for student in STUDENTS:
            start = time.perf_counter()
            result = api.autograde(assignment, student)
            assert result["success"], result["log"]
            seconds[student, assignment] = time.perf_counter() - start
    print("autograde seconds:", {f"{s}/{a}": round(t, 1) for (s, a), t in seconds.items()})
    return root


def scores(root, assignment, student):
    with course_gradebook(root) as gradebook:
        submission = gradebook.find_submission_notebook(
            notebook_path(root, assignment).stem, assignment, student)
        return {grade.name: grade.score for grade in submission.grades if grade.max_score}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_stubs_and_no_solution_or_hidden_test(course, assignment):
    root = course
    source = nbformat.read(notebook_path(root, assignment), as_version=4)
    release_path = released_notebook(root, assignment)
    release = nbformat.read(release_path, as_version=4)
    text = release_path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "autograder", "grade("):
        assert marker not in text, marker
    stubs = nbgrader_cells(release, "solution")
    assert len(stubs) == len(nbgrader_cells(source, "solution"))
    assert all("raise NotImplementedError()" in cell.source for cell in stubs)
    solutions, given = [], []
    for cell in source.cells:
        parts = cell.source.split("### BEGIN SOLUTION")
        given.append(parts[0])
        for part in parts[1:]:
            body, _, rest = part.partition("### END SOLUTION")
            solutions.extend(line.strip() for line in body.splitlines() if len(line.strip()) > 20)
            given.append(rest)
    given = "\n".join(given)
    for line in solutions:     # lines of code the notebook also gives (e.g. provided forwards) are fine
        if line not in given:
            assert line not in text, f"solution line in the release: {line}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_earns_full_marks(course, assignment):
    root = course
    expected = {check.name: check.points for check in NOTEBOOKS[assignment]}
    assert scores(root, assignment, "solution") == expected


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_earns_nothing(course, assignment):
    root = course
    assert set(scores(root, assignment, "untouched").values()) == {0.0}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_one_broken_exercise_loses_exactly_its_points(course, assignment):
    """...and gets the partial credit its hidden tests give: the visible tests in the same
    graded cell do not raise while nbgrader grades (a raise would make the cell 0)."""
    root = course
    bug = BROKEN[assignment]
    got = scores(root, assignment, "broken")
    hidden = {r.check.name: r.points for r in grade_with(assignment, [bug.source])}
    for check in NOTEBOOKS[assignment]:
        if check.name == bug.name:
            assert got[check.name] == hidden[check.name] < check.points
        else:
            assert got[check.name] == check.points, check.name


def release_with_answers(root, assignment, solved=None):
    """The release notebook with the answers of `solved` typed in (the model solution's by default)."""
    solved = solved or nbformat.read(notebook_path(root, assignment), as_version=4)
    answers = {c.id: c.source for c in nbgrader_cells(solved, "solution")}
    release = nbformat.read(released_notebook(root, assignment), as_version=4)
    for cell in nbgrader_cells(release, "solution"):
        cell.source = answers[cell.id]
    return release


def validate(root, assignment, nb=None):
    """What nbgrader's Validate button reports (its server extension runs this Validator) for
    nb saved in the release folder, beside the public cases (the untouched release when None)."""
    from nbgrader.validator import Validator
    folder = root / "release" / assignment
    path = folder / notebook_path(root, assignment).name
    if nb is not None:
        path = folder / f"validate-{path.name}"
        nbformat.write(nb, path)
    return Validator().validate(str(path))


def failed_exercises(results):
    return [failed["source"].split('visible_tests("')[1].split('"')[0] for failed in results.get("failed", [])]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_fails_an_untouched_release(course, assignment):
    results = validate(course, assignment)
    assert sorted(failed_exercises(results)) == sorted(c.name for c in NOTEBOOKS[assignment])
    assert all("not implemented yet" in failed["raw_error"] for failed in results["failed"])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_fails_a_known_mistake_on_its_exercise_alone(course, assignment):
    bug = BROKEN[assignment]
    results = validate(course, assignment, release_with_answers(course, assignment, notebook_with(bug)))
    assert failed_exercises(results) == [bug.name]
    if assignment == "01-convolution":      # the cause, in the words of the hidden tests' hint
        assert "the bias is missing" in " ".join(results["failed"][0]["raw_error"].split())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_passes_the_model_answers(course, assignment):
    assert validate(course, assignment, release_with_answers(course, assignment)) == {}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_deleted_test_cell_is_restored_and_graded(course, assignment):
    root = course
    expected = {check.name: check.points for check in NOTEBOOKS[assignment]}
    assert scores(root, assignment, "deleted-cell") == expected


def test_feedback_shows_hints_but_not_hidden_tests(course):
    root = course
    api = nbgrader_api(root)
    assignment = "01-convolution"
    result = api.generate_feedback(assignment, "broken")
    assert result["success"], result["log"]
    (html,) = (root / "feedback" / "broken" / assignment).glob("*.html")
    text = html.read_text()
    assert "hint: the bias is missing" in text                 # the case report reaches the student
    for hidden in ("BEGIN HIDDEN TESTS", "from autograder", "grade(&quot;", 'grade("'):
        assert hidden not in text, hidden


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solved_notebook_runs_without_any_error(course, assignment):
    root = course
    name = notebook_path(root, assignment).name
    executed = nbformat.read(root / "autograded" / "solution" / assignment / name, as_version=4)
    errors = [(cell.get("id"), output.get("ename"), output.get("evalue"))
              for cell in executed.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert errors == []


def test_mnist_notebook_runs_graded_without_the_test_split(held_out_data, monkeypatch):
    """As in the grading sandbox: graded (short training), the test files absent and held out.
    The graded cells are left out: their checks run in the grader, on the test digits."""
    from nbclient import NotebookClient
    nb = nbformat.read(notebook_path(DEFAULT_ROOT, "05-mnist"), as_version=4)
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    for name, value in {"COURSE_DATA_DIR": str(held_out_data), "NBGRADER_EXECUTION": "autograde",
                        "MPLBACKEND": "Agg"}.items():
        monkeypatch.setenv(name, value)
    NotebookClient(nb, timeout=600).execute()         # raises CellExecutionError on an error
    stderr = [out.text for cell in nb.cells if cell.cell_type == "code"
              for out in cell.outputs if out.get("name") == "stderr"]
    assert stderr == []                                # no warning either (a division by zero)
    printed = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs)
    assert "the test split is held out" in printed and "validation accuracy" in printed
