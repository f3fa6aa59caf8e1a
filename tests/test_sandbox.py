"""The kernel sandbox attacked from inside: what student code can reach, what it may do,
and the limits on its whole process tree. Runs as root on CI (as Docker and Gradescope
run the grader), where every protection must hold."""
import contextlib
import os
import pathlib

import pytest

from autograder.cleanroom import cgroup
from autograder.cleanroom.kernel import PROJECT, Folders, SandboxKernel, python_paths
from autograder.limits import MiB, Limits
from autograder.cleanroom.runner import _data_files

LIMITS = Limits(cell_seconds=5, memory_bytes=1024 * MiB, disk_bytes=8 * MiB, file_bytes=4 * MiB,
                processes=32)


@pytest.fixture(scope="module")
def groups(tmp_path_factory, sandbox):
    if not sandbox:
        pytest.skip("bubblewrap is not installed")
    run = cgroup.RunGroups(f"test-{os.getpid()}")
    problems = run.create()
    if problems and os.environ.get("CI"):
        pytest.fail(f"cgroups are required on CI: {problems}")
    yield run
    run.remove()


@contextlib.contextmanager
def sandboxed_kernel(folder, groups):
    folders = Folders(folder)
    data = os.environ.get("COURSE_DATA_DIR")
    group = groups.kernel_group(folder.name, LIMITS) if groups.bases else None
    try:
        with SandboxKernel(folders, LIMITS, data, _data_files(data), group) as k:
            yield k
    finally:
        if group:
            group.remove()
        folders.remove()            # its memory-backed folders are mounts: unmounted, not left behind


@pytest.fixture(scope="module")
def kernel(tmp_path_factory, groups):
    with sandboxed_kernel(tmp_path_factory.mktemp("room") / "kernel", groups) as k:
        yield k


def run(kernel, code):
    result = kernel.execute(code)
    assert result.status == "ok", (result.status, result.error)
    return result.output.strip()


def test_no_privilege(kernel):
    status = dict(line.split(":", 1) for line in run(kernel, "print(open('/proc/self/status').read())")
                  .splitlines() if ":" in line)
    assert int(status["CapEff"], 16) == 0 and int(status["CapBnd"], 16) == 0
    assert int(status["Uid"].split()[0]) != 0 and int(status["NoNewPrivs"]) == 1


@pytest.mark.parametrize("attack", [
    "import os; os.chroot('/tmp')",
    "import os; os.setuid(0)",
    "import ctypes; assert ctypes.CDLL(None, use_errno=True).unshare(0x10000000) == 0, 'unshare user'",
    "import ctypes; assert ctypes.CDLL(None, use_errno=True).unshare(0x00020000) == 0, 'unshare mount'",
    "import ctypes; assert ctypes.CDLL(None, use_errno=True).mount(b'/', b'/tmp', None, 0x1000, None) == 0, 'mount'",
    "import ctypes; assert ctypes.CDLL(None, use_errno=True).ptrace(16, 1, 0, 0) == 0, 'ptrace'",
    "import subprocess; subprocess.run(['mount', '-t', 'tmpfs', 'x', '/tmp'], check=True, capture_output=True)",
    "import subprocess; subprocess.run(['unshare', '-U', 'true'], check=True, capture_output=True)",
])
def test_privileged_operations_fail(kernel, attack):
    result = kernel.execute(attack)
    assert result.status == "error", f"{attack!r} succeeded"


def test_the_kernel_sees_an_allow_list(kernel):
    """A walk of the whole file system finds none of the course's notebooks, answers, grader,
    gradebook or held-out digits (nbgrader's own packaged examples are no secret)."""
    secrets = sorted({"solutions", "autograder", "gradebook.db", "nbgrader_config.py", "t10k-labels-idx1-ubyte.gz",
                      *(p.name for p in (PROJECT / "course" / "source").glob("*/*.ipynb"))})
    found = run(kernel, f"""
import os
hits = []
for top, dirs, files in os.walk('/', onerror=lambda e: None):
    if top.startswith(('/proc', '/sys', '/dev')) or '/site-packages/nbgrader' in top:
        dirs[:] = []
        continue
    hits += [os.path.join(top, name) for name in dirs + files if name in {secrets!r}]
print(hits)
print(sorted(os.listdir('/')))""").splitlines()
    assert found[0] == "[]", found[0]
    assert set(eval(found[1])) <= {"bin", "sbin", "lib", "lib32", "lib64", "usr", "etc", "proc", "dev", "tmp",
                                   "home", "opt", "data", *{pathlib.Path(p).parts[1] for p in (
                                       PROJECT, kernel.folders.root, *python_paths())}}
    assert run(kernel, "import numpy, coursekit; print(coursekit.__file__)").startswith("/opt/course")


@pytest.mark.parametrize("code, error", [
    ("import solutions", "ModuleNotFoundError"),
    ("import autograder", "ModuleNotFoundError"),
    (f"open({str(PROJECT / 'course' / 'nbgrader_config.py')!r})", "FileNotFoundError"),
    ("import socket; socket.create_connection(('127.0.0.1', 22), timeout=2)", "OSError"),
    ("import numpy; numpy.ones(2**30)", "MemoryError"),
    ("open('big.bin', 'wb').write(b'x' * 8 * 2**20)", "File too large"),
    *((f"import glob, os\ntry:\n    for i in range(4):\n        open(f'{folder}part{{i}}', 'wb').write(b'x' * 3 * 2**20)\n"
       f"finally:\n    [os.remove(p) for p in glob.glob('{folder}part*')]", "No space left") for folder in ("", "/tmp/")),
    ("open('/etc/hostname', 'w')", "OSError"),
])
def test_walls_and_limits(kernel, code, error):
    result = kernel.execute(code)
    assert result.status == "error" and (error in result.error or error == "OSError"), (result.status, result.error)


def test_the_process_limit_holds_for_the_whole_tree(kernel):
    output = run(kernel, """
import os, time
children = []
try:
    for _ in range(200):
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        children.append(pid)
except OSError as error:
    print(len(children), type(error).__name__)
for pid in children:
    os.kill(pid, 9)
    os.waitpid(pid, 0)""")
    assert output and int(output.split()[0]) < LIMITS.processes, output


def test_memory_is_limited_for_the_whole_tree(tmp_path, groups):
    """Each process may stay under its own address-space limit; together they may not."""
    with sandboxed_kernel(tmp_path / "memory", groups) as kernel:
        result = kernel.execute("""
import subprocess, sys, time
hog = "block = bytearray(400 * 2**20)\\nfor i in range(0, len(block), 4096): block[i] = 1\\nimport time; time.sleep(60)"
children = [subprocess.Popen([sys.executable, "-c", hog]) for _ in range(4)]
time.sleep(8)
print(sum(child.poll() is None for child in children))
for child in children:
    child.kill()""")
    if result.status == "died":        # the kernel itself was chosen by the OOM killer
        assert "memory" in result.error
    else:
        assert int(result.output.split()[-1]) < 4, result.output


def test_a_cell_may_use_most_of_the_memory_limit(tmp_path, groups):
    """The address-space limit counts what cells allocate, not what glibc reserves for the
    kernel's idle threads (64 MB each, without MALLOC_ARENA_MAX)."""
    with sandboxed_kernel(tmp_path / "most", groups) as kernel:
        used = int(LIMITS.memory_bytes * 0.6)
        assert run(kernel, f"import numpy; block = numpy.ones({used // 8}); print(block.sum())") == f"{used // 8}.0"


def test_student_tools_and_own_folder_work(kernel):
    output = run(kernel, "import numpy, coursekit; open('notes.txt', 'w').write('ok'); "
                         "print(open('notes.txt').read(), numpy.__version__)")
    assert output.startswith("ok")


def test_an_endless_cell_is_interrupted_and_the_kernel_lives_on(kernel):
    assert kernel.execute("while True: pass").status == "timeout"
    assert run(kernel, "print(1 + 1)") == "2"


def test_a_sleeping_cell_is_stopped_by_the_wall_clock(kernel):
    result = kernel.execute("import time; time.sleep(3600)")
    assert result.status == "timeout"
    assert run(kernel, "print(2 + 2)") == "4"


def test_the_grader_holds_a_bounded_part_of_what_the_kernel_prints(kernel):
    """200 MB printed from a thread, in 1 MB lines: every character is counted, the first
    output_bytes are kept, the grader's own memory grows by a fraction of it, and the kernel
    lives on. (Unpaced, ipykernel held a flood in memory until the kernel died of it, the
    output lost: sandbox/launcher.py.)"""
    import resource
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result = kernel.execute("import threading\n"
                            "flood = threading.Thread(target=lambda: [print('x' * 2**20) for _ in range(200)])\n"
                            "flood.start(); flood.join()")
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    assert result.status == "ok", result.error
    assert result.output_bytes == 200 * (2**20 + 1)
    assert result.output == (("x" * 2**20 + "\n") * 2)[:LIMITS.output_bytes]
    assert any("only the first" in note for note in result.notes)
    assert grown < 100 * 2**20, f"the grader grew by {grown / 2**20:.0f} MB"
    assert run(kernel, "print(3 + 3)") == "6"


def test_messages_the_grader_cannot_read_are_left_out_and_noted(kernel):
    """The kernel controls what it sends: frames that fail their signature (as a forked
    child's interleaved with its parent's do) and messages it signs itself in any shape cost
    only those messages, never the grader (it raised "Invalid Signature" on a fork bomb)."""
    result = kernel.execute("""
kernel = get_ipython().kernel
kernel.iopub_socket.send_multipart([b"stream", b"<IDS|MSG>", b"0" * 64, b"{}", b"{}", b"{}", b"{}"])
kernel.iopub_socket.send_multipart([b"no delimiter at all"])
shapeless = kernel.session.msg("stream", content={"name": "stdout", "text": "never read"})
shapeless["parent_header"] = ["not", "a", "header"]
kernel.session.send(kernel.iopub_socket, shapeless)
kernel.session.send(kernel.iopub_socket, "stream", content={"name": "stdout", "text": 12345}, parent=kernel.get_parent())
print("after")""")
    assert result.status == "ok", result.error
    assert "12345" in result.output and "after" in result.output and "never read" not in result.output
    assert any("3 message(s) that could not be read" in note for note in result.notes), result.notes
    assert run(kernel, "print(5 + 5)") == "10"


def test_one_long_print_keeps_its_beginning(kernel):
    result = kernel.execute(f"print('ab' * {LIMITS.output_bytes})")
    assert result.status == "ok" and result.output_bytes == 2 * LIMITS.output_bytes + 1
    assert result.output == "ab" * (LIMITS.output_bytes // 2)


def test_an_environment_reached_through_a_link_starts_a_kernel(tmp_path, groups, monkeypatch):
    """A learner's .venv may be a link to the real one: the sandbox binds the real folder, so
    the kernel must be started from there, not from the link."""
    import sys
    link = tmp_path / "linked-env"
    link.symlink_to(pathlib.Path(sys.prefix).resolve())
    monkeypatch.setattr(sys, "prefix", str(link))
    monkeypatch.setattr(sys, "executable", str(link / pathlib.Path(sys.executable).relative_to(
        pathlib.Path(sys.executable).parents[1])))
    with sandboxed_kernel(tmp_path / "linked-kernel", groups) as k:     # the module's kernel is "kernel"
        assert run(k, "print(6 * 7)") == "42"
