"""A copy of the repository to run the README's commands in, and `make lab` running there.

Used by test_readme, test_lab and test_browser. The copy holds the files a fresh clone of the
working tree would (git's tracked and untracked-but-not-ignored files, as they are now), and
`.venv` is this checkout's environment copied as hard links (a second or so; commands only
read it), so nothing is installed again. Its editable install points at
this checkout; PYTHONPATH points every process in the copy (make, the JupyterLab server, its
kernels) at the copy's own packages instead: `imports_resolve_to` confirms it. The copy's
Makefile and pins are dated before the environment's stamp, as in a checkout where
`make setup` has run, so make does not reinstall anything into that environment.
"""
import contextlib
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
STAMP = ROOT / ".venv" / ".installed"
TOKEN = "course-test-token"
START_SECONDS = 180     # a bound on waiting for JupyterLab, never an assertion of speed


def copy_repository(target, venv=True):
    """The working tree's files (what a clone would hold) at target, with .venv (unless not venv)."""
    target = pathlib.Path(target)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():                      # a tracked file deleted in the work tree is skipped
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    if not venv:
        return target
    if subprocess.run(["cp", "-al", str(ROOT / ".venv"), str(target / ".venv")], capture_output=True).returncode:
        shutil.rmtree(target / ".venv", ignore_errors=True)       # another file system: a real copy
        shutil.copytree(ROOT / ".venv", target / ".venv", symlinks=True)
    made = STAMP.stat().st_mtime - 60
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        os.utime(target / name, (made, made))
    return target


def environment(copy, home, **extra):
    """The environment of commands run in the copy: its packages first, the data folder the
    tests use (the copy has no ../shared/data beside it), Jupyter's user folders (settings,
    remembered layouts, runtime files) in `home`, no display (so no browser opens), and none
    of an outer make's settings."""
    from coursekit.data import data_dir
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MAKEFLAGS", "MAKELEVEL")}
    if (data_dir() / "mnist").is_dir():
        env["COURSE_DATA_DIR"] = str(data_dir())
    home = pathlib.Path(home)
    home.mkdir(parents=True, exist_ok=True)
    env.update(PYTHONPATH=str(copy), JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_TOKEN=TOKEN, PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def imports_resolve_to(copy, env):
    """Where the copy's python imports the project's packages from (to compare with the copy)."""
    code = "import autograder, coursekit, solutions as s; print(*(m.__file__ for m in (autograder, coursekit, s)))"
    out = subprocess.run([str(copy / ".venv" / "bin" / "python"), "-c", code], cwd=copy, env=env,
                         check=True, capture_output=True, text=True).stdout.split()
    return [pathlib.Path(p).parents[1] for p in out]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port, path="/api/status"):
    """The HTTP status of a GET on the server (with the token), or None when nothing answers."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def stop(process, seconds=30):
    """SIGTERM to the process group this test started (make, and the server under it), then
    SIGKILL if it is still there. The server shuts its kernels down on SIGTERM."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def running(command, copy, env, log, ready):
    """Run `command` (a shell line) in the copy, its output to `log`, in a process group of
    its own; wait until ready() is true; stop it on leaving. Fails if it exits first."""
    with open(log, "wb") as out:
        process = subprocess.Popen(["bash", "-c", command], cwd=copy, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not ready():
            if process.poll() is not None:
                raise AssertionError(f"`{command}` exited ({process.returncode}) before it was ready:\n"
                                     f"{pathlib.Path(log).read_text(errors='replace')[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"`{command}` was not ready after {START_SECONDS} s:\n"
                                     f"{pathlib.Path(log).read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        yield process
    finally:
        stop(process)


@contextlib.contextmanager
def make_lab(copy, env, log, command="make lab"):
    """`make lab` in the copy on a free port, until JupyterLab answers HTTP on 127.0.0.1.
    Yields the port."""
    port = free_port()
    env = dict(env, PORT=str(port))
    with running(command, copy, env, log, lambda: answers(port) == 200):
        yield port
