"""The visible tests: public cases judged in the student's kernel as the hidden tests judge.

Every answer of the proof bank is played against them: a correct answer passes, a bug fails
with the hint that names its cause, before the student submits anything."""
import contextlib
import io
import pytest

from autograder.checks import CHECKS, NOTEBOOKS
from autograder.proof.answers import load as load_answers
from autograder.proof.play import ASSIGNMENT_OF, namespace_with
from autograder.public import write_public_cases
from coursekit.visible import load_public, visible_tests

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
    """(what visible_tests printed, the exception it raised or None)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        try:
            visible_tests(name, fn, folder=folder)
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


def test_the_public_file_holds_every_exercise_with_a_reference(public):
    for assignment, checks in NOTEBOOKS.items():
        names = {c.name for c in checks if c.reference is not None}
        assert set(load_public(public[assignment])) == names


def test_public_cases_are_not_any_students_hidden_cases(public):
    from autograder.public import PUBLIC_SEED
    from autograder.runner import student_seed
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


def test_a_missing_public_file_says_where_it_comes_from(tmp_path):
    with pytest.raises(FileNotFoundError, match="make lab"):
        visible_tests("zero_pad", lambda x, pad: x, folder=tmp_path)
