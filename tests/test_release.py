"""The release: notebooks 03-05 give earlier notebooks' answers in given cells (so they run),
and releasing one of them before those notebooks says so."""
from autograder.__main__ import main
from autograder.admin.course import DEFAULT_ROOT, answers_given, copy_course


def test_the_notebooks_that_give_earlier_answers_are_known():
    assert answers_given(DEFAULT_ROOT, "01-convolution") == {}
    given = answers_given(DEFAULT_ROOT, "03-backprop")
    assert set(given) == {"01-convolution", "02-pooling"} and "conv_forward_naive" in given["01-convolution"]


def test_releasing_out_of_order_warns_and_in_order_does_not(tmp_path, capsys):
    root = copy_course(tmp_path / "course")
    assert main(["--course", str(root), "release", "03-backprop"]) == 0
    warning = capsys.readouterr().err
    assert "warning: 03-backprop gives the answers of 01-convolution" in warning and "02-pooling" in warning
    assert main(["--course", str(root), "release", "01-convolution", "02-pooling", "03-backprop"]) == 0
    assert "warning" not in capsys.readouterr().err
