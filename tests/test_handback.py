"""admin/handback: what nbgrader's release_feedback needs goes beside each feedback page, read
as every file a student controls is read."""
import os

from autograder.admin.handback import copy_exchange_files


def submission(course, student, files):
    folder = course / "submitted" / student / "01-convolution"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    feedback = course / "feedback" / student / "01-convolution"
    feedback.mkdir(parents=True)
    (feedback / "convolution.html").write_text("<html></html>")
    return folder, feedback


def test_the_timestamp_and_the_secret_go_beside_the_page(tmp_path):
    _, feedback = submission(tmp_path, "ada", {"timestamp.txt": "2027-01-15 17:00:00.000000 UTC",
                                               "submission_secret.txt": "ab" * 64, "convolution.ipynb": "{}"})
    assert copy_exchange_files(tmp_path, "ada", "01-convolution") == ["timestamp.txt", "submission_secret.txt"]
    assert (feedback / "submission_secret.txt").read_text() == "ab" * 64
    assert not (feedback / "convolution.ipynb").exists()


def test_a_link_a_huge_file_or_none_is_not_copied(tmp_path):
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("another student's secret")
    folder, feedback = submission(tmp_path, "bob", {"timestamp.txt": "x" * 5000})
    os.symlink(secret, folder / "submission_secret.txt")
    assert copy_exchange_files(tmp_path, "bob", "01-convolution") == []
    assert sorted(p.name for p in feedback.iterdir()) == ["convolution.html"]


def test_no_feedback_page_no_copy(tmp_path):
    (tmp_path / "submitted" / "cy" / "01-convolution").mkdir(parents=True)
    assert copy_exchange_files(tmp_path, "cy", "01-convolution") == []
    assert not (tmp_path / "feedback").exists()
