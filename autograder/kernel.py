"""A Jupyter kernel for one submission, in a sandbox, under resource limits.

The kernel runs inside bubblewrap when it is installed: no network, a private
process tree, and a file system where the project (with `solutions` and
`autograder`), the course (sources, gradebook, other students' work) and every
other home are hidden; what it sees is the Python environment, the student
toolkit `coursekit`, the data folder (read-only) and its own working folder.
On top of that: limits on address space, CPU time and file size (prlimit), a
process count (cgroup v1 pids controller, where this machine has one), a time
limit per cell with interrupt, and the caller's wall clock.
It talks to the grader over Unix sockets in the working folder (IPC transport).
"""
import json
import os
import pathlib
import queue
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parents[1]
PIDS_CGROUP = pathlib.Path("/sys/fs/cgroup/pids")


@dataclass
class Limits:
    """Resource limits of one kernel. Sizes in bytes, times in seconds."""
    cell_seconds: float = 60.0            # one cell (or one check) before it is interrupted
    submission_seconds: float = 300.0     # the whole submission, wall clock
    memory_bytes: int = 4 * 2**30         # address space
    cpu_seconds: int = 600                # CPU time of the kernel process
    file_bytes: int = 256 * 2**20         # largest file it may write
    processes: int = 64                   # processes and threads (cgroup pids.max)
    output_bytes: int = 2 * 2**20         # output kept per cell; more is dropped and noted
    threads: int = 1                      # BLAS threads per kernel (workers share the cores)


@dataclass
class Execution:
    """How one piece of code ran: status is "ok", "error", "timeout" or "died"."""
    status: str
    error: str = ""
    output_bytes: int = 0
    output: str = ""
    notes: list = field(default_factory=list)


def sandbox_available():
    return shutil.which("bwrap") is not None


def _sandbox_argv(folder, data_dir, hide=()):
    """bubblewrap's arguments: everything read-only, the project, the course and homes hidden,
    then the environment, coursekit, the data and the working folder put back."""
    python_env = pathlib.Path(sys.prefix)
    argv = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session"]
    hidden = {ROOT, pathlib.Path.home(), pathlib.Path("/home"), *map(pathlib.Path, hide)}
    for path in sorted(hidden):
        if path.exists():
            argv += ["--tmpfs", str(path)]
    for path in (python_env, ROOT / "coursekit", pathlib.Path(sys.base_prefix)):
        argv += ["--ro-bind", str(path), str(path)]
    if data_dir:
        argv += ["--ro-bind", str(data_dir), str(data_dir)]
    argv += ["--bind", str(folder), str(folder), "--chdir", str(folder)]
    return argv


def kernel_argv(folder, limits, data_dir=None, hide=()):
    """The command that starts the kernel: [bwrap ...] prlimit ... python -m ipykernel_launcher."""
    prlimit = ["prlimit", f"--as={limits.memory_bytes}", f"--cpu={limits.cpu_seconds}",
               f"--fsize={limits.file_bytes}", "--core=0", "--"]
    # ipykernel polls the process that started it; inside the sandbox that is bwrap's init.
    python = ["env", "-u", "JPY_PARENT_PID", sys.executable, "-m", "ipykernel_launcher",
              "-f", "{connection_file}", "--HistoryManager.enabled=False"]
    prefix = _sandbox_argv(folder, data_dir, hide) if sandbox_available() else []
    return prefix + prlimit + python


def kernel_env(folder, limits, data_dir=None):
    """A small, explicit environment: nothing of the grader's leaks in."""
    threads = str(limits.threads)
    env = {"PATH": f"{pathlib.Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(folder),
           "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
           "NBGRADER_EXECUTION": "autograde", "OPENBLAS_NUM_THREADS": threads,
           "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "TQDM_DISABLE": "1",
           "MPLCONFIGDIR": str(folder / ".matplotlib"), "IPYTHONDIR": str(folder / ".ipython")}
    if data_dir:
        env["COURSE_DATA_DIR"] = str(data_dir)
    return env


class SandboxKernel:
    """One kernel in its own folder. Use as a context manager; execute() runs code."""

    def __init__(self, folder, limits=None, data_dir=None, hide=()):
        self.folder = pathlib.Path(folder).resolve()
        self.limits = limits or Limits()
        self.data_dir = data_dir
        self.hide = hide
        self.manager = self.client = self.cgroup = None
        self.deadline = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()

    def start(self):
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        spec_dir = self.folder / ".kernelspec" / "sandbox"
        spec_dir.mkdir(parents=True, exist_ok=True)
        (spec_dir / "kernel.json").write_text(json.dumps({
            "argv": kernel_argv(self.folder, self.limits, self.data_dir, self.hide), "display_name": "sandbox",
            "language": "python", "interrupt_mode": "message"}))
        specs = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)], ensure_native_kernel=False)
        self.manager = KernelManager(kernel_name="sandbox", kernel_spec_manager=specs, transport="ipc",
                                     ip=str(self.folder / ".ipc"),
                                     connection_file=str(self.folder / ".kernel.json"))
        self.manager.start_kernel(env=kernel_env(self.folder, self.limits, self.data_dir),
                                  cwd=str(self.folder), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        self._limit_processes()
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.deadline = self.deadline or time.monotonic() + self.limits.submission_seconds

    def _limit_processes(self):
        """Put the kernel's process tree in a pids cgroup, where the machine allows it."""
        if not (PIDS_CGROUP / "cgroup.procs").exists() or not os.access(PIDS_CGROUP, os.W_OK):
            return
        try:
            self.cgroup = PIDS_CGROUP / f"cnn-course-{os.getpid()}-{id(self)}"
            self.cgroup.mkdir(exist_ok=True)
            (self.cgroup / "pids.max").write_text(str(self.limits.processes))
            (self.cgroup / "cgroup.procs").write_text(str(self.manager.provisioner.pid))
        except OSError:
            self.cgroup = None

    @property
    def alive(self):
        return self.manager is not None and self.manager.is_alive()

    def seconds_left(self):
        return self.deadline - time.monotonic()

    def execute(self, code, timeout=None):
        """Run code; interrupt it after timeout (the cell limit) or when the wall clock runs out."""
        timeout = min(timeout or self.limits.cell_seconds, max(self.seconds_left(), 0.0))
        start = time.monotonic()
        if timeout <= 0:
            return Execution("timeout", "the submission's time limit was reached before this ran")
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        result = Execution("ok")
        kept = []
        while True:
            remaining = start + timeout - time.monotonic()
            if remaining <= 0:
                return self._interrupt(msg_id, result, timeout)
            try:
                msg = self.client.get_iopub_msg(timeout=min(remaining, 1.0))
            except queue.Empty:
                if not self.alive:
                    result.status, result.error = "died", "the kernel died (crash, os._exit or a limit)"
                    break
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" or kind in ("execute_result", "display_data"):
                text = content.get("text") or str(content.get("data", {}).get("text/plain", ""))
                result.output_bytes += len(text)
                if result.output_bytes <= self.limits.output_bytes:
                    kept.append(text)
            elif kind == "error":
                result.status = "error"
                result.error = f"{content.get('ename')}: {content.get('evalue')}"
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        result.output = "".join(kept)
        if result.output_bytes > self.limits.output_bytes:
            result.notes.append(f"printed {result.output_bytes:,} characters; only the first "
                                f"{self.limits.output_bytes:,} were kept")
        return result

    def _interrupt(self, msg_id, result, timeout):
        """Interrupt a cell that ran too long; if it will not stop, kill the kernel."""
        self.manager.interrupt_kernel()
        grace = time.monotonic() + 5
        while time.monotonic() < grace:
            try:
                msg = self.client.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                continue
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"):
                return Execution("timeout", f"stopped after {timeout:.0f} s (an endless loop?)",
                                 result.output_bytes)
        self.kill()
        return Execution("died", f"did not stop within {timeout:.0f} s, even when interrupted; the "
                                 f"kernel was stopped", result.output_bytes)

    def kill(self):
        if self.manager is not None and self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)

    def shutdown(self):
        try:
            if self.client is not None:
                self.client.stop_channels()
            self.kill()
        finally:
            if self.cgroup is not None:
                try:
                    self.cgroup.rmdir()
                except OSError:
                    pass
