"""A student on a shared exchange (a hub) attacks nbgrader's collect: a submission in another
student's name, and links and a FIFO in their own. Stock collect falls for the first;
the hub's collect (autograder.admin.exchange.OwnedCollect) for neither.

The students are real Unix accounts made here (random suffix) and removed after; each
submission folder belongs to the account that made it, as nbgrader's submit leaves it.
nbgrader runs as its command, as the instructor would (root here: it reads everything, so a
link would be followed if the copy followed links).
"""
import os
import pathlib
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile

import pytest

from accounts import add_account, needs, remove_account

from autograder.admin.exchange import copy_submission
from autograder.limits import Limits

ASSIGNMENT, NOTEBOOK, COURSE_ID = "01-convolution", "convolution.ipynb", "cnn-test-course"
EARLY, LATE = "2026-12-01 10:00:00.000000 UTC", "2026-12-01 11:00:00.000000 UTC"


@pytest.fixture(scope="module")
def students():
    needs(os.geteuid() == 0, "the exchange test needs root: it makes Unix accounts")
    needs(shutil.which("useradd"), "the exchange test needs useradd")
    suffix = secrets.token_hex(3)
    names = {"victim": f"ada{suffix}", "attacker": f"bob{suffix}", "absent": f"cy{suffix}"}
    try:
        for name in names.values():
            add_account(name)
        yield names
    finally:
        for name in names.values():
            remove_account(name)


def submission(inbound, owner, named, when, files):
    """A folder of inbound named as nbgrader's submit names it, for student `named`, made by
    the account `owner`: {relative path: bytes, or ("link", target), or "fifo"}."""
    folder = inbound / f"{named}+{ASSIGNMENT}+{when}+{secrets.token_hex(4)}"
    folder.mkdir()
    for relative, data in {"timestamp.txt": when.encode(), **files}.items():
        path = folder / relative
        if data == "fifo":
            os.mkfifo(path)
        elif isinstance(data, tuple):
            os.symlink(data[1], path)
        else:
            path.write_bytes(data)
        os.lchown(path, *owner)
    os.chown(folder, *owner)
    return folder


def ids(name):
    account = pwd.getpwnam(name)
    return account.pw_uid, account.pw_gid


def collect(course, exchange, plugin=None):
    """nbgrader collect, as the instructor runs it, with the hub's collect when plugin is given."""
    options = [f"--Exchange.root={exchange}", f"--CourseDirectory.root={course}",
               f"--CourseDirectory.course_id={COURSE_ID}"] + ([f"--ExchangeFactory.collect={plugin}"] if plugin else [])
    env = {**os.environ, "PATH": f"{pathlib.Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-m", "nbgrader", "collect", ASSIGNMENT, *options], cwd=course, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def class_exchange(students):
    """(course folder, exchange folder, inbound) where the victim submitted first, then the
    attacker submitted in the victim's name, in the name of a student who did not submit, and in their own, with links to the victim's
    work, a secret and /dev/zero and a FIFO among their files."""
    top = pathlib.Path(tempfile.mkdtemp(prefix="exchange-test-"))
    try:
        course, exchange = top / "course", top / "exchange"
        inbound = exchange / COURSE_ID / "inbound"
        inbound.mkdir(parents=True)
        course.mkdir()
        (top / "secret.txt").write_text("the instructor's answers\n")
        victim, attacker = ids(students["victim"]), ids(students["attacker"])
        own = submission(inbound, victim, students["victim"], EARLY, {NOTEBOOK: b"the victim's own work"})
        submission(inbound, attacker, students["victim"], LATE, {NOTEBOOK: b"the attacker's work"})
        submission(inbound, attacker, students["absent"], LATE, {NOTEBOOK: b"the attacker's work"})
        submission(inbound, attacker, students["attacker"], LATE, {
            NOTEBOOK: b"the attacker's work", "answers.txt": ("link", str(top / "secret.txt")),
            "zeros.bin": ("link", "/dev/zero"), "pipe": "fifo", "theirs.ipynb": ("link", str(own / NOTEBOOK))})
        yield course, exchange, inbound
    finally:
        shutil.rmtree(top)


def submitted(course, student):
    folder = course / "submitted" / student / ASSIGNMENT
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_stock_collect_takes_a_submission_made_in_another_students_name(students, class_exchange):
    course, exchange, inbound = class_exchange
    for path in inbound.glob(f"{students['attacker']}+*"):
        shutil.rmtree(path)                # its links would hang stock collect (it follows /dev/zero)
    done = collect(course, exchange)
    assert done.returncode == 0, done.stderr
    assert submitted(course, students["victim"])[NOTEBOOK] == b"the attacker's work"      # the attack works


def test_the_hubs_collect_takes_each_students_own_folder_and_no_link(students, class_exchange):
    course, exchange, _ = class_exchange
    done = collect(course, exchange, "autograder.admin.exchange.OwnedCollect")
    assert done.returncode == 0, done.stderr
    victim, attacker = submitted(course, students["victim"]), submitted(course, students["attacker"])
    assert victim == {NOTEBOOK: b"the victim's own work", "timestamp.txt": EARLY.encode()}
    assert attacker == {NOTEBOOK: b"the attacker's work", "timestamp.txt": LATE.encode()}
    assert not (course / "submitted" / students["absent"]).exists()
    assert "Not collected" in done.stderr and "links or special files" in done.stderr


def test_a_submission_is_copied_within_its_limits(tmp_path):
    source = tmp_path / "submission"
    source.mkdir()
    (source / NOTEBOOK).write_bytes(b"x" * 100)
    (source / "big.bin").write_bytes(b"y" * 5000)
    (source / ".ipynb_checkpoints").mkdir()
    (source / ".ipynb_checkpoints" / NOTEBOOK).write_bytes(b"old")
    left_out = copy_submission(source, tmp_path / "copy", ignore=[".ipynb_checkpoints"],
                               limits=Limits(notebook_bytes=1000, submission_files_bytes=1000))
    assert sorted(p.name for p in (tmp_path / "copy").rglob("*")) == [NOTEBOOK]
    assert len(left_out) == 1 and "big.bin" in left_out[0]
