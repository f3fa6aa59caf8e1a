"""The comparison helper's sentences, which students read in every failing test."""
import re

import numpy as np
import pytest

from coursekit import assert_close, assert_shape, explain_difference, relative_error


def test_equal_arrays_pass():
    assert explain_difference(np.ones((2, 3)), np.ones((2, 3))) is None
    assert_close(np.float32(1.0), 1.0)


@pytest.mark.parametrize("got, expected, words", [
    (None, np.ones(2), ["None", "return"]),
    ([1.0, 2.0], np.ones(2), ["numpy array", "list"]),
    (np.ones((2, 4, 4, 8)), np.ones((2, 3, 3, 8)), ["(2, 4, 4, 8)", "(2, 3, 3, 8)", "axis 1, 2"]),
    (np.ones((2, 8, 3, 3)), np.ones((2, 3, 3, 8)), ["swapped"]),
    (np.ones(3), np.ones((1, 3)), ["1 dimensions instead of 2"]),
    (np.array([1.0, np.nan]), np.ones(2), ["NaN", "index (1,)"]),
    (np.array([[1.0, 2.0], [3.0, 9.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]),
     ["1 of 4", "index (1, 1)", "got 9", "expected 4"]),
])
def test_difference_is_explained(got, expected, words):
    message = explain_difference(got, expected, "out")
    assert message is not None and message.startswith("out")
    for word in words:
        assert word in message, message


def test_nan_where_nan_is_expected_matches():
    assert explain_difference(np.array([np.nan, 1.0]), np.array([np.nan, 1.0])) is None
    assert explain_difference(np.float64("nan"), np.float64("nan")) is None
    assert "NaN" in explain_difference(np.array([np.nan]), np.array([1.0]))


def test_numbers_are_compared_as_numbers():
    assert explain_difference(5, 4, "size") == "size is 5 but should be 4"
    assert explain_difference(4.0, 4) is None


def test_dtype_is_checked_on_request():
    assert explain_difference(np.ones(2, np.float32), np.ones(2)) is None
    assert "float32" in explain_difference(np.ones(2, np.float32), np.ones(2), check_dtype=True)


def test_assert_close_raises_the_explanation():
    with pytest.raises(AssertionError, match="largest error 1"):
        assert_close(np.array([2.0]), np.array([1.0]))


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2)


def test_assert_shape():
    assert_shape(np.zeros((2, 3)), (2, 3))
    with pytest.raises(AssertionError, match=r"out has shape \(3, 2\) but should have shape \(2, 3\).*swapped"):
        assert_shape(np.zeros((3, 2)), (2, 3), "out")


@pytest.mark.parametrize("got, expected, words", [
    (5, 4, ["size is too large"]),                 # whole numbers: no amount (it would give 4 away)
    (4.5, 5.0, ["size is too small by 10%"]),
    (-1, 34944, ["size is too small, and of the wrong sign"]),   # the direction first, then the sign
    (-34944, 34944, ["size has the wrong sign"]),                 # only the sign: the size is right
    (-0.2, 0.3, ["size is too small, and of the wrong sign"]),    # a missing bias crossing zero
    (np.array([-2.0, -4.4]), np.array([-0.5, -1.1]), ["too large in size (too negative) by 300%"]),
    (np.array([-0.5, 1.0]), np.array([-1.0, 1.0]), ["too small in size (not negative enough) by 50%"]),
    (np.array([True, True]), np.array([True, False]), ["index (1,), is True where it should be False"]),
    (np.array([[1.0, 2.0], [3.0, 9.0]]), np.array([[1.0, 2.0], [3.0, 4.5]]),
     ["size differs at 1 of 4 entries", "the first, at index (1, 1), is too large by 100%"]),
    (np.array([0.5, 2.0, -3.0]), np.array([0.5, 1.5, 3.0]), ["2 of 3", "index (1,)", "too large by 33%"]),
    (np.ones((2, 3)), np.ones((3, 2)), ["shape (2, 3)", "(3, 2)", "swapped"]),
    (np.array([np.inf]), np.array([1.0]), ["NaN or infinite"]),
])
def test_a_hidden_case_says_how_the_answer_differs_but_not_what_it_should_be(got, expected, words):
    message = explain_difference(got, expected, "size", reveal=False)
    for word in words:
        assert word in message, message
    assert not re.search(r"(should be|expected) -?\d", message) and "34944" not in message
    assert "by" not in explain_difference(5, 4, reveal=False)


@pytest.mark.parametrize("got, words", [
    (np.array([1.0 + 0j, 2.0]), "returned complex values (dtype complex128)"),
    (1.0 + 0j, "returned complex values"),
    (np.array([True, False]), "returned True/False values"),
    (np.array(["1", "2"]), "returned text"),
    (np.array([1.0, None]), "returned Python objects"),
])
def test_values_that_are_not_real_numbers_fail_and_are_named(got, words):
    for reveal in (True, False):
        message = explain_difference(got, np.array([1.0, 2.0]) if np.ndim(got) else 1.0, "out", reveal=reveal)
        assert message is not None and words in message, message
    assert explain_difference(np.array([True]), np.array([True])) is None      # booleans where booleans belong


def test_where_one_number_is_asked_for_another_type_is_told_so():
    assert explain_difference([1.5], 2.5, "z") == "z should be one number (a float); got list"
    assert explain_difference((3,), 4, "count") == "count should be one number (an int); got tuple"
    assert "should be a numpy array; got list" in explain_difference([1.0, 2.0], np.ones(2), "out")


def test_quoted_text_is_one_line_within_the_limit():
    from coursekit.compare import QUOTE_LIMIT, quote
    assert quote("a\n  short   message") == "a short message"
    long = quote("x" * 1000)
    assert len(long) == QUOTE_LIMIT and long.endswith("...")
    named = explain_difference(type("A" * 500, (), {})(), np.ones(2), "out")
    assert len(named) < QUOTE_LIMIT + 40 and named.endswith("...")
