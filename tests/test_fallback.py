"""The clean room at its edges, attacked as root: the no-bubblewrap fallback (a uid of its
own per kernel, an allow-list proven by a walk, refused outside a one-submission machine)
and the kernel's writable folders, memory-backed and bounded. The fallback's kernels
themselves are graded in a Gradescope-like image (tests/test_gradescope.py): on this
machine the interpreter lies under /root, where no other user may go."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import pytest

from autograder.cleanroom import runner, user
from autograder.cleanroom.kernel import KERNEL_UID
from autograder.proof import hostile

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="only root runs a kernel as another user")


def sleeper(uid):
    """A process of uid's, once it runs as uid."""
    process = subprocess.Popen(user.as_user(uid) + ["sleep", "600"], start_new_session=True)
    deadline = time.monotonic() + 30
    while process.pid not in user.processes(uid) and time.monotonic() < deadline:
        time.sleep(0.01)
    return process


def test_each_kernel_ends_its_own_processes_and_no_others():
    """Two kernels of the fallback, and a sandboxed kernel of another run (uid 65534): ending
    one kernel's processes leaves the others running (they were once all killed together)."""
    with user.KernelUser() as first, user.KernelUser() as second:
        assert first.uid != second.uid and {first.uid, second.uid} <= set(user.UIDS)
        theirs = [sleeper(first.uid), sleeper(KERNEL_UID)]
        mine = sleeper(second.uid)
        try:
            second.__exit__()
            assert mine.wait(timeout=10) == -9
            assert all(p.poll() is None for p in theirs)
            assert user.processes(second.uid) == [] and theirs[0].pid in user.processes(first.uid)
        finally:
            for process in theirs:
                process.kill()
                process.wait()


def test_a_uid_another_kernel_holds_is_never_claimed_twice():
    with user.KernelUser() as held:
        claimed = []
        for _ in range(20):
            with user.KernelUser() as other:
                claimed.append(other.uid)
        assert held.uid not in claimed


@pytest.fixture
def planted():
    """A folder any user may reach, holding a file any user may read and a folder any user
    may write, as another class's work or a shared scratch folder would be."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="fallback-probe-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        (folder / "other-class").mkdir(mode=0o755)
        (folder / "other-class" / "answers.ipynb").write_text("{}")
        (folder / "other-class" / "answers.ipynb").chmod(0o644)
        (folder / "scratch").mkdir()
        (folder / "scratch").chmod(0o1777)
        (folder / "private").mkdir(mode=0o700)
        (folder / "private" / "key").write_text("secret")
        (folder / "passable").mkdir()
        (folder / "passable").chmod(0o711)          # passed through, never listed: a bundle's root
        (folder / "passable" / "solutions.py").write_text("answers")
        (folder / "passable" / "solutions.py").chmod(0o644)
        yield folder
    finally:
        shutil.rmtree(folder)


def test_the_probe_walks_what_the_user_can_read_and_write(planted):
    """No list of known names: what the kernel's user can read outside the allow-list is found
    by walking, and so is every folder it can write."""
    with user.KernelUser() as probe:
        seen = user.walk(probe.uid, allowed=[])
        assert str(planted / "other-class" / "answers.ipynb") in seen["readable"]
        assert str(planted / "private" / "key") not in seen["readable"]
        assert {str(planted / "scratch"), "/tmp"} <= set(seen["writable"])
        allowed = user.walk(probe.uid, allowed=[planted])
        assert not any(path.startswith(str(planted)) for path in allowed["readable"])
        hidden = planted / "passable" / "solutions.py"       # no walk finds it: the answers are tried by name
        assert str(hidden) not in seen["readable"]
        assert str(hidden) in user.walk(probe.uid, allowed=[], secrets=[planted / "passable"])["readable"]
    problems = user.problems({**seen, "caps": 0, "no_new_privs": 1, "library": ""}, [planted / "other-class"])
    assert any(str(planted / "other-class" / "answers.ipynb") in p for p in problems)


def clean_survey(python, uid, allowed, secrets=()):
    """A survey as if every file had been made root's alone (chmod 700)."""
    return {"readable": [], "writable": ["/tmp"], "complete": True, "caps": 0, "no_new_privs": 1, "library": ""}


def test_grade_never_falls_back_silently_whatever_was_chmodded(monkeypatch, tmp_path):
    """Where bubblewrap cannot start, grade (and a cluster's worker, which opens the same
    room) refuses the fallback unless the risk is accepted, even when the probe finds nothing:
    it is for a machine that holds one submission (Gradescope's container)."""
    monkeypatch.setattr(runner, "sandbox_available", lambda: False)
    monkeypatch.setattr(user, "survey", clean_survey)
    with pytest.raises(runner.Unprotected, match="one submission and nothing else"):
        with runner.CleanRoom(quiet=True):
            pass
    with runner.CleanRoom(quiet=True, accept_risk=True) as accepted:
        assert accepted.confinement == runner.USER and accepted.problems
    with runner.CleanRoom(quiet=True, single_submission=True) as container:
        assert container.confinement == runner.USER and container.problems == []
        if not user.namespaces_problem():
            argv = container.isolate_argv()
            assert argv[:3] == ["unshare", "--mount", "--net"]
            assert argv[argv.index("/tmp") - 1] == "ro"        # the room lies in /tmp: read-only, not hidden


def test_a_kernel_in_its_namespaces_has_no_network_and_private_folders(tmp_path):
    """The fallback's namespaces, as a kernel gets them: no loopback listener of the host can
    be reached, and what it writes in a shared folder stays in its own memory-backed copy."""
    if user.namespaces_problem():
        pytest.skip(f"root cannot make namespaces here: {user.namespaces_problem()}")
    import socket
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    keep = tempfile.mkdtemp(prefix="fallback-room-", dir="/tmp")
    left = f"/dev/shm/left-by-a-kernel-{os.getpid()}"
    code = (f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            f"    print('reached')\nexcept OSError as error:\n    print('unreachable', error.errno)\n"
            f"open({left!r}, 'w').write('for the next student')\n"
            f"try:\n    open('/tmp/planted', 'w')\nexcept OSError as error:\n    print('tmp', error.errno)\n")
    try:
        with user.KernelUser() as kernel:
            argv = user.isolate_argv(["/tmp", "/dev/shm"], [keep], 2**20) + user.as_user(kernel.uid)
            done = subprocess.run(argv + ["/usr/bin/python3", "-c", code], capture_output=True, text=True,
                                  timeout=60)
        assert done.returncode == 0, done.stderr
        assert "unreachable" in done.stdout and "tmp 30" in done.stdout       # EROFS
        with pytest.raises(socket.timeout):
            listener.accept()
        assert not os.path.exists(left) and not os.path.exists("/tmp/planted")
    finally:
        listener.close()
        os.rmdir(keep)


def test_the_kernel_cannot_fill_the_disk_through_its_socket_folder(tmp_path, sandbox):
    """The kernel's socket folder is writable (it makes its sockets there): it is memory-backed
    and bounded, so a cell that writes 20 MB there is refused and costs nothing else (it once
    took 3 GB of the host's disk)."""
    if not sandbox:
        pytest.skip("the sandbox is needed")
    from autograder.admin.course import notebook_path
    fill = ("import json, os, sys\n"
            "ipc = os.path.dirname(json.load(open(sys.argv[sys.argv.index('-f') + 1]))['ip'])\n"
            "try:\n    with open(os.path.join(ipc, 'fill'), 'wb') as f:\n"
            "        for _ in range(20):\n            f.write(b'x' * 2**20)\n    filled = True\n"
            "except OSError:\n    filled = False\n"
            "assert not filled, 'wrote 20 MB in the socket folder'\n")
    source = json.loads(notebook_path(runner.DEFAULT_ROOT, hostile.ASSIGNMENT).read_text())
    source["cells"].insert(1, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                               "source": fill})
    notebook = tmp_path / hostile.NOTEBOOK
    notebook.write_text(json.dumps(source))
    verdict = runner.grade_submission(runner.DEFAULT_ROOT, hostile.ASSIGNMENT, "filler", notebook)
    assert verdict.graded and verdict.score == verdict.max_score, verdict.notes
    assert not any("AssertionError" in note for note in verdict.notes), verdict.notes
