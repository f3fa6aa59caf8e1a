"""Who copied (autograder/admin/similarity.py), on a class of 02-pooling that is read, never
graded: a pair who copied (the demo's copied-a and its renamed copy copied-b), two honest
answers in other styles (the proof's bank), the model solution, the untouched release, an
invalid notebook and a notebook that is a link to copied-a's."""
import csv
import json
import os

import nbformat
import pytest

from autograder.admin import copied, similarity
from autograder.admin.classbuilder import build_class, released_notebook
from autograder.admin.course import notebook_path
from autograder.proof.answers import find
from autograder.proof.play import notebook_with

ASSIGNMENT = "02-pooling"
HONEST = {
    "honest-loops": find("pool_forward_naive", "loops over n, i, j, c, with if/else on the mode and a float64 out"),
    "honest-windows": find("pool_forward_naive", "sliding_window_view, every `stride`-th window, no loop"),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    def submissions(root):
        release = released_notebook(root, ASSIGNMENT).read_text()
        yield "copied-a", ASSIGNMENT, copied.honest(release, ASSIGNMENT)
        yield "copied-b", ASSIGNMENT, copied.disguised(release, ASSIGNMENT)
        for student, answer in HONEST.items():
            yield student, ASSIGNMENT, nbformat.writes(notebook_with(answer))
        yield "model-solution", ASSIGNMENT, notebook_path(root, ASSIGNMENT).read_text()
        yield "untouched-release", ASSIGNMENT, release
        yield "broken-json", ASSIGNMENT, release[: len(release) // 2]
    root = build_class(tmp_path_factory.mktemp("similarity") / "course", [ASSIGNMENT], submissions)
    name = notebook_path(root, ASSIGNMENT).name
    linked = root / "submitted" / "linked" / ASSIGNMENT
    linked.mkdir(parents=True)
    os.symlink(root / "submitted" / "copied-a" / ASSIGNMENT / name, linked / name)
    return root


@pytest.fixture(scope="module")
def result(course):
    return similarity.compare_class(course, ASSIGNMENT)


def involves(pair, student):
    return student in (pair.student_a, pair.student_b)


def test_the_copy_disguised_its_names_and_comments(course):
    release = released_notebook(course, ASSIGNMENT).read_text()
    honest, disguised = copied.honest(release, ASSIGNMENT), copied.disguised(release, ASSIGNMENT)
    assert "patch" in honest and "patch" not in disguised and "region" in disguised
    comments = [json.dumps(comment)[1:-1] for comment in copied.REWORDED]     # as the JSON holds them
    assert [c for c in comments if c in honest] and not [c for c in comments if c in disguised]


def test_the_copied_pair_ranks_first_and_is_flagged(result):
    first = result.pairs[0]
    assert (first.student_a, first.student_b) == ("copied-a", "copied-b")
    assert first.flagged and first.similarity > 0.9 and first.matched > similarity.MIN_OWN


def test_honest_answers_are_compared_and_not_flagged(result):
    honest = [pair for pair in result.pairs if not (involves(pair, "copied-a") and involves(pair, "copied-b"))]
    assert {student for pair in honest for student in (pair.student_a, pair.student_b)} == {
        "copied-a", "copied-b", *HONEST}
    assert not [pair for pair in honest if pair.flagged]
    assert [pair.similarity for pair in result.pairs] == sorted((pair.similarity for pair in result.pairs),
                                                                reverse=True)


def test_the_model_answer_and_the_release_are_not_compared(result):
    assert {"model-solution", "untouched-release"} <= set(result.not_compared)
    assert not [pair for pair in result.pairs if involves(pair, "model-solution") or involves(pair, "untouched-release")]


def test_the_model_answer_handed_in_is_named_and_flagged_for_review_with_the_copies(result):
    assert list(result.model_answers) == ["model-solution"]           # not the untouched release
    flags = similarity.review_flags(result)
    assert sorted(flags) == ["copied-a", "copied-b", "model-solution"]
    assert "alike with copied-b's" in flags["copied-a"] and "alike with the model answer" in flags["model-solution"]
    assert "the model answer handed in by model-solution" in "\n".join(similarity.summary_lines(result))


def test_an_unreadable_submission_is_skipped_and_reported(result):
    assert "not valid JSON" in result.skipped["broken-json"]
    assert not [pair for pair in result.pairs if involves(pair, "broken-json")]
    assert any(line.startswith("skipped broken-json: ") for line in similarity.summary_lines(result))


def test_a_linked_notebook_is_not_followed(result):
    assert "no notebook submitted" in result.skipped["linked"]
    assert not [pair for pair in result.pairs if involves(pair, "linked")]


def test_the_csv_and_the_summary(result, tmp_path):
    out = tmp_path / ASSIGNMENT
    out.mkdir()
    (out / "summary.txt").write_text("the class table\n")
    text = similarity.write_similarity(result, tmp_path)
    rows = list(csv.reader((out / "similarity.csv").open()))
    assert rows[0] == ["student_a", "student_b", "similarity", "matched_tokens", "flagged"]
    assert rows[1][:2] == ["copied-a", "copied-b"] and rows[1][4] == "yes"
    assert [row[4] for row in rows[2:]] == ["no"] * (len(rows) - 2)
    summary = (out / "summary.txt").read_text()
    assert summary.startswith("the class table\n") and summary.endswith(text)
    assert "1 of" in text and "copied-a  copied-b" in text and "untouched-release" in text
