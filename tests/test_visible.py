"""The visible tests: public cases judged in the student's kernel as the hidden tests judge.

Every answer of the proof bank is played against them: a correct answer passes, a bug fails
with the hint that names its cause, before the student submits anything."""
import contextlib
import io
import numpy as np
import pytest

from autograder.checks import CHECKS, NOTEBOOKS
from autograder.proof.answers import load as load_answers
from autograder.proof.play import ASSIGNMENT_OF, namespace_with
from autograder.admin.public import write_public_cases
from coursekit.visible import load_public, visible_tests
from two_mistakes import TWO_MISTAKES

ANSWERS = [a for a in load_answers() if CHECKS[a.name].reference is not None]


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """{assignment: folder holding its public file}."""
    root = tmp_path_factory.mktemp("public")
    folders = {}
    for assignment in NOTEBOOKS:
        folders[assignment] = root / assignment
        folders[assignment].mkdir()
        write_public_cases(folders[assignment], assignment)
    return folders


def run_visible(name, fn, folder):
    """(what visible_tests printed, the exception it raised or None); trained_model is given
    1,000 blank digits labelled 0 to 9 in turn."""
    printed = io.StringIO()
    given = {} if name != "trained_model" else {
        "inputs": (np.zeros((1000, 28, 28, 1), np.float32),), "labels": np.arange(1000) % 10}
    with contextlib.redirect_stdout(printed), np.errstate(all="ignore"):      # bugs divide by zero
        try:
            visible_tests(name, fn, folder=folder, **given)
        except Exception as error:      # noqa: BLE001 (the verdict is what it raised)
            return printed.getvalue(), error
    return printed.getvalue(), None


@pytest.mark.parametrize("answer", ANSWERS, ids=[f"{a.name}-{a.what}" for a in ANSWERS])
def test_a_bank_answer_gets_the_hidden_tests_verdict_and_hint(answer, public, request):
    assignment = ASSIGNMENT_OF[answer.notebook]
    if assignment == "05-mnist":
        request.getfixturevalue("data_root")      # the notebook loads MNIST
    fn = namespace_with(assignment, [answer.source])[answer.name]
    printed, error = run_visible(answer.name, fn, public[assignment])
    if answer.correct:
        assert error is None, f"a correct answer ({answer.what}) failed:\n{printed}{error}"
    else:
        assert error is not None, f"a bug ({answer.what}) passed the visible tests:\n{printed}"
        if isinstance(error, AssertionError):
            assert answer.hint in " ".join(str(error).split()), f"no hint names {answer.hint!r}:\n{error}"


def test_the_public_file_holds_every_exercise(public):
    for assignment, checks in NOTEBOOKS.items():
        assert set(load_public(public[assignment])) == {c.name for c in checks}


def test_a_trained_model_is_judged_on_the_notebooks_own_digits(public):
    """trained_model's public cases are thresholds: the notebook gives digits and labels."""
    labels = np.arange(1000) % 10
    digits = np.zeros((1000, 28, 28, 1), np.float32)
    right, per_class = (lambda images: np.eye(10)[labels]), (lambda images: np.eye(10)[labels].argmax(axis=0))
    folder = public["05-mnist"]
    assert run_visible("trained_model", right, folder)[1] is None
    printed, error = run_visible("trained_model", per_class, folder)
    assert "one label per image" in str(error)
    with pytest.raises(AssertionError, match="about chance"):
        visible_tests("trained_model", lambda images: np.zeros(1000), folder, inputs=(digits,), labels=labels)


def test_public_cases_are_not_any_students_hidden_cases(public):
    from autograder.checks.model import PUBLIC_SEED
    from autograder.cleanroom.runner import student_seed
    check = CHECKS["conv_forward_naive"]
    shown = load_public(public["01-convolution"])["conv_forward_naive"]["cases"]
    hidden = check.cases(student_seed(0, "a-student"))
    assert not any((s["args"][0] == h.args[0]).all() for s, h in zip(shown, hidden))
    assert all(student_seed(run, "x") < PUBLIC_SEED for run in range(100))


def test_a_stub_fails_and_says_so(public):
    def conv_forward_naive(x, w, b, stride=1, pad=0):
        raise NotImplementedError()
    printed, error = run_visible("conv_forward_naive", conv_forward_naive, public["01-convolution"])
    assert isinstance(error, AssertionError) and "not implemented yet" in str(error)
    assert "raise NotImplementedError()" in str(error)


def test_an_error_in_the_students_code_goes_through_with_the_case_named(public):
    def zero_pad(x, pad):
        return x[10]
    printed, error = run_visible("zero_pad", zero_pad, public["01-convolution"])
    assert isinstance(error, IndexError) and "raised an error on the public case 'pad 1'" in printed


def test_while_graded_visible_tests_do_nothing(public, monkeypatch):
    """nbgrader autograde (and the course's grader) sets NBGRADER_EXECUTION=autograde: the
    hidden tests in the same cell then give partial credit, which a raise would zero."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert run_visible("zero_pad", lambda x, pad: None, public["01-convolution"]) == ("", None)


def test_missing_public_cases_say_where_they_come_from(tmp_path):
    with pytest.raises(FileNotFoundError, match="the cell near the top of this notebook that registers them"):
        visible_tests("zero_pad", lambda x, pad: x, folder=tmp_path)


def test_public_cases_embedded_in_the_notebook_are_what_the_visible_tests_read(tmp_path, monkeypatch):
    """The released notebook's cell registers its public cases (data, packed as text): with
    nothing beside the notebook, the visible tests judge as they do from the file."""
    import coursekit.visible as V
    from autograder.admin.public import embed_public_cases, public_records
    monkeypatch.setattr(V, "_embedded", {})
    monkeypatch.chdir(tmp_path)                          # an empty folder: no public_cases.bin
    nb = embed_public_cases(nbformat_notebook(), "01-convolution")
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]   # before the first code cell
    source = nb.cells[1].source
    assert "register_public(" in source and "import solutions" not in source
    exec(compile(source, "<the release's cell>", "exec"), {})
    assert set(V.load_public()) == set(public_records("01-convolution"))
    visible_tests("zero_pad", lambda x, pad: np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0))))
    with pytest.raises(AssertionError, match="pad only the height and width axes"):
        visible_tests("zero_pad", lambda x, pad: np.pad(x, pad))
    with pytest.raises(ValueError, match="damaged"):
        V.register_public(V.pack_public({"a": 1})[:-8])


def nbformat_notebook():
    import nbformat
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A notebook"),
                                           nbformat.v4.new_code_cell("import numpy as np")])


def test_a_worked_example_that_fails_shows_the_students_call_not_the_helpers_frames(tmp_path):
    """assert_close and assert_shape in a given cell: the traceback ends in the student's cell."""
    import re

    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np\nfrom coursekit import assert_close, assert_shape\n"
                                          "def my_layer(x):\n    return 2 * x"),
                nbformat.v4.new_code_cell("assert_close(my_layer(np.ones(3)), np.ones(3), 'out')"),
                nbformat.v4.new_code_cell("assert_shape(my_layer(np.ones(3)), (2,), 'out')")]
    NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    tracebacks = [re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output.traceback)) for cell in nb.cells[1:]
                  for output in cell.outputs if output.output_type == "error"]
    assert len(tracebacks) == 2, tracebacks
    for text, call in zip(tracebacks, ("assert_close(my_layer", "assert_shape(my_layer")):
        assert call in text and "AssertionError: out" in text, text
        assert "compare.py" not in text and "explain_difference" not in text, text


def test_in_a_notebook_the_failure_shows_no_frame_of_the_helpers(public):
    """What the student (and nbgrader's Validate, which prints the same traceback) reads: the
    message, without coursekit's frames; the student's own error keeps the student's frame."""
    import re

    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np\nfrom coursekit import visible_tests\n"
                                          "def zero_pad(x, pad):\n    return np.pad(x, pad)\n"
                                          "def conv_single_step(a_slice, w, b):\n    return a_slice[100]"),
                nbformat.v4.new_code_cell('visible_tests("zero_pad")'),
                nbformat.v4.new_code_cell('visible_tests("conv_single_step")')]
    NotebookClient(nb, timeout=120, allow_errors=True,
                   resources={"metadata": {"path": str(public["01-convolution"])}}).execute()
    tracebacks = [re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output.traceback)) for cell in nb.cells[1:]
                  for output in cell.outputs if output.output_type == "error"]
    assert len(tracebacks) == 2 and not any("coursekit" in text for text in tracebacks), tracebacks
    assert tracebacks[0].startswith("VisibleTestFailure: zero_pad fails 4 of 5 public cases.")
    assert "pad only the height and width axes" in tracebacks[0]
    assert "return a_slice[100]" in tracebacks[1] and "IndexError" in tracebacks[1]


def test_two_mistakes_at_once_say_that_the_called_function_is_wrong_too(public):
    """A wrong zero_pad and a conv_forward_naive with its own mistake that calls it with other
    arguments than expected: no known mistake gives the sum of both, so the visible tests say
    which function it calls fails its own cases, rather than a cause that is not the one."""
    namespace = namespace_with("01-convolution", TWO_MISTAKES)
    printed, error = run_visible("conv_forward_naive", namespace["conv_forward_naive"], public["01-convolution"])
    message = " ".join(str(error).split())
    assert "Note: `zero_pad`, which conv_forward_naive calls, fails its own visible tests" in message, message
    right = namespace_with("01-convolution", TWO_MISTAKES[1:])
    printed, error = run_visible("conv_forward_naive", right["conv_forward_naive"], public["01-convolution"])
    assert "the bias is missing" in " ".join(str(error).split()) and "Note:" not in str(error), error
