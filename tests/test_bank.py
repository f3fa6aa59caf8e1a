"""The proof's bank of answers covers the course (make prove plays it; the demo and
test_notebooks take their bugs from it)."""
from collections import Counter

import pytest

from autograder.checks import CHECKS
from autograder.proof.answers import load

ANSWERS = load()


@pytest.mark.parametrize("name", CHECKS)
def test_every_graded_function_has_a_correct_answer_and_a_bug(name):
    kinds = Counter("correct" if answer.correct else "bug" for answer in ANSWERS if answer.name == name)
    assert kinds["correct"] and kinds["bug"], f"the bank has {dict(kinds)} for {name}"


def test_an_answer_is_found_by_its_function_and_what():
    twice = [key for key, count in Counter((a.name, a.what) for a in ANSWERS).items() if count > 1]
    assert twice == [], "answers.find cannot tell these apart"
