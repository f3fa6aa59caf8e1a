"""Reading a student's files without trusting them: links are not followed, special files
are not opened, and every read is bounded."""
import os

import pytest

from autograder.cleanroom.files import Refused, list_folder, open_folder, read_file, read_relative


@pytest.fixture
def class_folder(tmp_path):
    """submitted/<student>/02-pooling with a notebook, a helper file, and a secret beside it."""
    secret = tmp_path / "gradebook.db"
    secret.write_bytes(b"grades")
    folder = tmp_path / "submitted" / "ada" / "02-pooling"
    folder.mkdir(parents=True)
    (folder / "pooling.ipynb").write_text("{}")
    (folder / "data").mkdir()
    (folder / "data" / "weights.npy").write_bytes(b"w" * 10)
    return tmp_path, secret


def test_a_folder_is_listed_and_read(class_folder):
    root, _ = class_folder
    fd = open_folder(root / "submitted", ["ada", "02-pooling"])
    try:
        listing = list_folder(fd, max_files=10)
        assert listing.notebooks == ["pooling.ipynb"] and listing.others == ["data/weights.npy"]
        assert read_relative(fd, "data/weights.npy", 100) == b"w" * 10
    finally:
        os.close(fd)


def test_links_and_special_files_are_never_followed(class_folder):
    root, secret = class_folder
    folder = root / "submitted" / "ada" / "02-pooling"
    (folder / "pooling.ipynb").unlink()
    (folder / "pooling.ipynb").symlink_to(secret)
    (folder / "linked-dir").symlink_to(root)
    os.mkfifo(folder / "pipe")
    fd = open_folder(root / "submitted", ["ada", "02-pooling"])
    try:
        listing = list_folder(fd, max_files=10)
        assert listing.notebooks == [] and listing.others == ["data/weights.npy"]
        assert "3 links or special files" in listing.notes[0]
        with pytest.raises(Refused, match="links are not followed"):
            read_file(fd, "pooling.ipynb", 100)
        with pytest.raises(Refused):
            read_file(fd, "pipe", 100)              # opened without blocking, then refused
    finally:
        os.close(fd)


def test_a_linked_student_folder_is_refused(class_folder):
    root, _ = class_folder
    (root / "submitted" / "mallory").symlink_to(root / "submitted" / "ada")
    with pytest.raises(Refused, match="not a folder"):
        open_folder(root / "submitted", ["mallory", "02-pooling"])


def test_reads_and_listings_are_bounded(class_folder):
    root, _ = class_folder
    folder = root / "submitted" / "ada" / "02-pooling"
    for i in range(5):
        (folder / f"extra{i}.txt").write_text("x")
    fd = open_folder(root / "submitted", ["ada", "02-pooling"])
    try:
        with pytest.raises(Refused, match="larger than"):
            read_file(fd, "pooling.ipynb", 1)
        listing = list_folder(fd, max_files=3)
        assert len(listing.notebooks) + len(listing.others) == 3 and "more than 3 files" in listing.notes[-1]
    finally:
        os.close(fd)
