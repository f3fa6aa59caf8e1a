"""Reading a student's files without trusting them: links are not followed, special files
are not opened, and every read is bounded."""
import os

import pytest

from autograder.cleanroom.files import Missing, Refused, list_folder, open_folder, read_file, read_relative, read_submitted


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


@pytest.mark.parametrize("make, reason", [
    (lambda f, other: (f / "t.txt").mkdir(), "is a folder"),
    (lambda f, other: os.mkfifo(f / "t.txt"), "is a FIFO"),
    (lambda f, other: (f / "t.txt").symlink_to(other), "links are not followed"),
    (lambda f, other: os.truncate(_touch(f / "t.txt"), 100 * 2**20), "larger than 1000 bytes"),
    (lambda f, other: (f / "t.txt").write_bytes(b""), "is empty"),
    (lambda f, other: (f / "t.txt").write_bytes(b" \n\t"), "is empty"),
    (lambda f, other: (f / "t.txt").write_bytes(b"2026-12-01 \xff\xfe"), "not UTF-8"),
])
def test_one_routine_refuses_every_odd_file_with_its_reason(class_folder, no_hang, make, reason):
    root, secret = class_folder
    folder = root / "submitted" / "ada" / "02-pooling"
    make(folder, secret)
    fd = open_folder(root / "submitted", ["ada", "02-pooling"])
    try:
        with pytest.raises(Refused, match=reason):
            read_submitted(fd, "t.txt", 1000, text=True, nonempty=True)
    finally:
        os.close(fd)


def _touch(path):
    path.write_bytes(b"")
    return path


def test_no_link_is_followed_on_the_way_and_a_missing_file_is_told_apart(class_folder):
    root, _ = class_folder
    folder = root / "submitted" / "ada" / "02-pooling"
    (folder / "linked").symlink_to(folder / "data")
    fd = open_folder(root / "submitted", ["ada", "02-pooling"])
    try:
        assert read_submitted(fd, "data/weights.npy", 100, text=True) == "w" * 10
        with pytest.raises(Refused, match="not a folder") as refused:
            read_submitted(fd, "linked/weights.npy", 100)
        assert not isinstance(refused.value, Missing)
        with pytest.raises(Missing):
            read_submitted(fd, "nothing.txt", 100)
        with pytest.raises(Refused, match="not a path inside"):
            read_submitted(fd, "../02-pooling/pooling.ipynb", 100)
    finally:
        os.close(fd)


def test_a_fifo_is_never_opened(class_folder, no_hang):
    """A writer waiting on the FIFO would be let through if the grader opened it for reading."""
    import threading
    root, _ = class_folder
    folder = root / "submitted" / "ada" / "02-pooling"
    os.mkfifo(folder / "t.txt")
    writer = threading.Thread(target=lambda: os.close(os.open(folder / "t.txt", os.O_WRONLY)), daemon=True)
    writer.start()
    fd = open_folder(root / "submitted", ["ada", "02-pooling"])
    try:
        with pytest.raises(Refused, match="is a FIFO"):
            read_submitted(fd, "t.txt", 1000)
    finally:
        os.close(fd)
    writer.join(0.5)
    assert writer.is_alive()                    # still waiting for a reader: the grader opened nothing
    os.close(os.open(folder / "t.txt", os.O_RDONLY | os.O_NONBLOCK))
    writer.join(5)
