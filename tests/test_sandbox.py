"""The kernel sandbox: what student code can and cannot reach, and the limits it runs under."""
import pytest

from autograder.course import DEFAULT_ROOT
from autograder.kernel import Limits, SandboxKernel


@pytest.fixture(scope="module")
def kernel(tmp_path_factory, sandbox):
    if not sandbox:
        pytest.skip("bubblewrap is not installed")
    limits = Limits(cell_seconds=5, memory_bytes=3 * 2**30, file_bytes=2**20)
    with SandboxKernel(tmp_path_factory.mktemp("sandbox"), limits, hide=[DEFAULT_ROOT]) as k:
        yield k


@pytest.mark.parametrize("code, error", [
    ("import solutions", "ModuleNotFoundError"),
    ("import autograder", "ModuleNotFoundError"),
    (f"open({str(DEFAULT_ROOT / 'nbgrader_config.py')!r})", "FileNotFoundError"),
    ("import socket; socket.create_connection(('127.0.0.1', 22), timeout=2)", "ConnectionRefusedError"),
    ("import numpy; numpy.ones(2**30)", "MemoryError"),
    ("open('big.bin', 'wb').write(b'x' * 2**21)", "File too large"),
])
def test_walls_and_limits(kernel, code, error):
    result = kernel.execute(code)
    assert result.status == "error" and error in result.error, (result.status, result.error)


def test_student_tools_and_own_folder_work(kernel):
    result = kernel.execute("import numpy, coursekit; open('notes.txt', 'w').write('ok'); "
                            "print(open('notes.txt').read(), numpy.__version__)")
    assert result.status == "ok" and result.output.startswith("ok")


def test_an_endless_cell_is_interrupted_and_the_kernel_lives_on(kernel):
    assert kernel.execute("while True: pass").status == "timeout"
    assert kernel.execute("print(1 + 1)").output.strip() == "2"
