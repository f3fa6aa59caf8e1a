"""A Jupyter kernel for one submission, in a sandbox, under limits on its whole process tree.

The kernel runs inside bubblewrap with no capabilities, as an unprivileged user
(KERNEL_UID when the grader is root), with no_new_privs, in its own process,
network, IPC and UTS namespaces, unable to make new ones. Its file system is an allow-list: the Python
environment, the student toolkit `coursekit`, the data files it may read, the
grader's read-only folder for it (harness, cases, the submission's files) and two
memory-backed folders of bounded size (its working folder and /tmp). Nothing else
of the host exists there: not the project, the course, other students' work or
the gradebook. Where bubblewrap cannot start, the kernel may instead run as a uid of its
own (user.py); unconfined only where the instructor accepted the risk.

Its processes are counted in control groups it enters before anything starts
(memory, process count, an equal CPU share); rlimits bound each process's address
space and file size. A cell is interrupted when it has used `cell_seconds` of CPU
(or `wall_factor` times that of wall clock). The grader talks to it over ZeroMQ
sockets in a folder of their own, connects once and never reconnects (so a socket
swapped for a link is never followed), caps every message it accepts, and reads
the checks' outcomes from a pipe, never from a file the kernel could have touched.
"""
import json
import os
import pathlib
import queue
import shutil
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import zmq

from coursekit import wire
from coursekit.data import HELD_OUT

from .. import PROJECT
from ..limits import Limits
from . import user
from .user import KERNEL_UID

SANDBOX, USER, UNCONFINED = "sandbox", "user", "unconfined"     # how a kernel is confined (user.py)
HOME = "/home/student"               # the kernel's working folder, inside the sandbox
LIBRARY = "/opt/course"              # where coursekit is seen, inside the sandbox
DATA = "/data"                       # where the data files are seen, inside the sandbox
LAUNCHER = PROJECT / "autograder" / "sandbox" / "launcher.py"   # the kernel's program, given as text
READABLE_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime")


class Folders:
    """The grader's folders for one submission's kernels, under `root` (made here, 0700):
    shared, read-only to the kernel (harness, cases, the submission's files); control,
    the grader's alone (kernel spec); a fresh ipc folder and connection file for each
    kernel started; home, the working folder when there is no sandbox. Every folder the
    kernel may write (ipc; home in USER) is memory-backed and bounded where the grader may
    mount (root): remove() unmounts and removes them all.

    confinement USER: the kernel runs as `uid` (user.KernelUser), reaching these folders on
    the host, so root and control may be passed through (not listed) and home is that
    user's; `isolate`, the command prefix of its namespaces (user.isolate_argv), or []."""

    def __init__(self, root, confinement=SANDBOX, limits=None, uid=KERNEL_UID, isolate=()):
        self.root = pathlib.Path(root)
        self.confinement, self.limits, self.uid, self.isolate = confinement, limits or Limits(), uid, list(isolate)
        passable = user.PASSABLE if confinement == USER else 0o700
        self.root.mkdir(mode=passable)
        self.mounts = []
        self.shared, self.control, self.home = self.root / "shared", self.root / "control", self.root / "home"
        self.shared.mkdir(mode=0o755)
        self.control.mkdir(mode=passable)
        self.home.mkdir(mode=0o700)
        if confinement == USER:
            self._private(self.home, self.limits.disk_bytes)
        self.starts = 0
        self.ipc = self.connection = None
        for name, line in (("passwd", f"student:x:{KERNEL_UID}:{KERNEL_UID}::{HOME}:/bin/sh\n"),
                           ("group", f"student:x:{KERNEL_UID}:\n")):
            self.write_shared(name, line.encode())

    def _private(self, folder, size):
        """Make folder the kernel's own: memory-backed and `size` bytes at most where root may
        mount, owned by its user where the grader is root."""
        if os.geteuid() != 0 or self.confinement == UNCONFINED:
            return
        owner = self.uid if self.confinement == USER else KERNEL_UID
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700,uid={owner},gid={owner},"
                               f"nosuid,nodev", "tmpfs", str(folder)], capture_output=True)
        if done.returncode == 0:
            self.mounts.append(folder)
        else:
            os.chown(folder, owner, owner)

    def write_shared(self, relative, data):
        """Write a file the kernel may read (parents made as needed)."""
        path = self.shared / relative
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o644)
        return path

    def fresh_ipc(self):
        """A new socket folder, the kernel's own, and a new connection file's path."""
        self.starts += 1
        self.ipc = self.root / f"ipc-{self.starts}"
        self.ipc.mkdir(mode=0o700)
        self._private(self.ipc, self.limits.ipc_bytes)
        self.connection = self.control / f"connection-{self.starts}.json"

    def remove(self):
        """Unmount the kernel's folders and remove everything under root."""
        unmount_below(self.root)
        shutil.rmtree(self.root, ignore_errors=True)


def unmount_below(folder):
    """Unmount every file system mounted at or below folder (lazily: a dead kernel's may be busy)."""
    folder = str(pathlib.Path(folder))
    try:
        lines = pathlib.Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return
    points = [line.split()[4].encode().decode("unicode_escape") for line in lines]
    for point in sorted((p for p in points if p == folder or p.startswith(folder + "/")), key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True)


DROPPED = object()       # what Kernel._take returns for a message it could not read


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


def _dirs_for(path):
    """bubblewrap arguments that make path's parents traversable (as the host may not)."""
    argv = []
    for parent in reversed(pathlib.PurePosixPath(path).parents):
        if str(parent) != "/":
            argv += ["--perms", "0755", "--dir", str(parent)]
    return argv


def _ro(path, inside=None):
    return _dirs_for(inside or path) + ["--ro-bind", str(path), str(inside or path)]


def python_executable():
    """This environment's interpreter as the sandbox sees it: under the environment's real
    folder, which python_paths() binds (an environment reached through a link is not there)."""
    executable = pathlib.Path(sys.executable)
    try:
        return str(pathlib.Path(sys.prefix).resolve() / executable.relative_to(sys.prefix))
    except ValueError:              # an interpreter outside its prefix: as it is
        return str(executable)


def python_paths():
    """The folders of the Python environment the kernel needs to see."""
    paths = {pathlib.Path(sys.prefix).resolve(), pathlib.Path(sys.base_prefix).resolve()}
    return sorted(p for p in paths if not p.is_relative_to("/usr"))      # /usr is bound whole


def sandbox_argv(folders, data_files, limits):
    """bubblewrap's arguments for a kernel whose grader-side folders are `folders`
    (shared: read-only, ipc: its sockets, connection: its connection file) and which may
    read data_files {path inside DATA: host path}."""
    root = os.geteuid() == 0
    argv = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "sandbox", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL"]
    if root:        # kept only for setpriv, which gives them up with the user
        argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
    # The memory-backed folders first: a bind made later may sit inside them (a venv in /tmp).
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(limits.disk_bytes), "--tmpfs", "/tmp",
             *_dirs_for(HOME), "--perms", "0700" if not root else "0777", "--size", str(limits.disk_bytes),
             "--tmpfs", HOME]
    argv += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        path = pathlib.Path("/") / name
        if path.is_symlink():
            argv += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            argv += ["--ro-bind", str(path), str(path)]
    for name in READABLE_ETC:
        if (pathlib.Path("/etc") / name).exists():
            argv += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    argv += ["--ro-bind", str(folders.shared / "passwd"), "/etc/passwd",
             "--ro-bind", str(folders.shared / "group"), "/etc/group"]
    for path in python_paths():
        argv += _ro(path)
    argv += _ro(PROJECT / "coursekit", f"{LIBRARY}/coursekit")
    for inside, host in sorted(data_files.items()):
        argv += _ro(host, f"{DATA}/{inside}")
    argv += _ro(folders.shared) + _ro(folders.connection)
    argv += _dirs_for(folders.ipc) + ["--bind", str(folders.ipc), str(folders.ipc), "--chdir", HOME]
    # No new user namespace inside (unshare and mount then fail), whoever starts the grader:
    # as root, the mounts are made with root's capabilities, then setpriv becomes KERNEL_UID
    # for good and a second bwrap, unprivileged, closes user namespaces.
    closed = ["--unshare-user", "--disable-userns"]
    if root:
        argv += [*user.as_user(KERNEL_UID), "bwrap", *closed, "--uid", str(KERNEL_UID), "--gid", str(KERNEL_UID),
                 "--bind", "/", "/", "--die-with-parent", "--"]
    else:
        argv[1:1] = closed
    return argv


def kernel_argv(folders, limits, data_files, procs_files=()):
    """The command that starts the kernel: enter the control groups, then
    [bwrap ... setpriv ... | setpriv ...] prlimit ... python -c <sandbox/launcher.py>."""
    enter = ["/bin/sh", "-c", 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 97; shift; done; '
                              'shift; exec "$@"', "sh", *procs_files, "--"]
    prlimit = ["prlimit", f"--as={limits.memory_bytes}", f"--fsize={limits.file_bytes}", "--core=0",
               f"--cpu={int(limits.submission_seconds * 2)}"]
    if folders.confinement == USER:        # every process of the user: no control group may count them
        prlimit.append(f"--nproc={limits.processes}")
    prlimit.append("--")
    # ipykernel polls the process that started it; inside the sandbox that is bwrap's init.
    # -P -s: neither the working folder nor a user site-packages on sys.path at start-up.
    python = ["env", "-u", "JPY_PARENT_PID", python_executable(), "-P", "-s", "-c", LAUNCHER.read_text(),
              "-f", str(folders.connection), "--HistoryManager.enabled=False"]
    prefix = {SANDBOX: lambda: sandbox_argv(folders, data_files, limits),
              USER: lambda: folders.isolate + user.as_user(folders.uid), UNCONFINED: list}[folders.confinement]()
    return enter + prefix + prlimit + python


def kernel_env(limits, results_fd, home, data_dir, confinement=SANDBOX):
    """A small, explicit environment: nothing of the grader's leaks in."""
    threads = str(limits.threads)
    env = {"PATH": f"{pathlib.Path(python_executable()).parent}:/usr/bin:/bin", "HOME": home,
           "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
           "NBGRADER_EXECUTION": "autograde", "OPENBLAS_NUM_THREADS": threads,
           "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "TQDM_DISABLE": "1",
           "MPLCONFIGDIR": f"{home}/.matplotlib", "IPYTHONDIR": f"{home}/.ipython",
           "COURSE_DATA_DIR": str(data_dir), wire.RESULTS_FD: str(results_fd),
           # glibc reserves 64 MB of address space per thread's arena: the limit on it (prlimit
           # --as) would count the kernel's idle threads, not the memory its cells use
           "MALLOC_ARENA_MAX": "2"}
    if confinement != UNCONFINED:       # no test digits in its data folder
        env[HELD_OUT] = "hidden"
    if confinement == SANDBOX:          # coursekit from its own place
        env["PYTHONPATH"] = LIBRARY
    if confinement == USER:             # its files in its own folder, not in the host's /tmp
        env["TMPDIR"] = str(home)
    return env


class Results:
    """The read end of the results pipe: frames kept by (token, index), at most
    limits.result_bytes of them at once; a frame over that is kept as its size alone."""

    def __init__(self, fd, limit):
        self.limit, self.frames, self.held = limit, {}, 0
        self.broken = ""
        self.arrived = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(os.fdopen(fd, "rb", buffering=0),),
                                       daemon=True)
        self.thread.start()

    def _read(self, pipe):
        with pipe:
            while True:
                header = _read_exactly(pipe, wire.FRAME.size)
                if header is None:
                    break
                magic, token, index, length = wire.FRAME.unpack(header)
                if magic != wire.MAGIC:
                    self._keep(None, None, "something other than the grader wrote to the results pipe")
                    while pipe.read(1 << 16):     # drained, so the kernel never blocks on it
                        pass
                    break
                too_large = length > self.limit - self.held
                payload = _skip(pipe, length) if too_large else _read_exactly(pipe, length)
                if payload is None:
                    break
                self._keep((token, index), b"" if too_large else payload,
                           f"its result is larger than {self.limit // 2**20} MB" if too_large else "")

    def _keep(self, key, payload, problem):
        with self.arrived:
            if key is None:
                self.broken = problem
            else:
                self.frames[key] = (payload, problem)
                self.held += len(payload)
            self.arrived.notify_all()

    def collect(self, token, count, seconds):
        """[(payload bytes, problem)] for indices 0..count-1 of token's frames, waiting up
        to `seconds` for its END frame; a missing frame is (None, why)."""
        deadline = time.monotonic() + seconds
        with self.arrived:
            while (token, wire.END) not in self.frames and not self.broken and self.thread.is_alive():
                if not self.arrived.wait(max(deadline - time.monotonic(), 0)) and time.monotonic() > deadline:
                    break
            found = [self.frames.pop((token, i), None) for i in range(count)]
            stale = [key for key in self.frames if key[0] == token]
            for key in stale:
                self.frames.pop(key)
            self.held = sum(len(p) for p, _ in self.frames.values())
        missing = self.broken or "no result came back"
        return [frame if frame is not None else (None, missing) for frame in found]


def _is_socket(path):
    try:
        return stat.S_ISSOCK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _read_exactly(pipe, length):
    chunks, left = [], length
    while left:
        chunk = pipe.read(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _skip(pipe, length):
    while length:
        chunk = pipe.read(min(length, 1 << 20))
        if not chunk:
            return None
        length -= len(chunk)
    return b""


class SandboxKernel:
    """One kernel, started in `folders` (a Folders) under `group` (a
    cgroup.KernelGroup, or None where the machine has none). Use as a context
    manager; execute() runs code; results collects the checks' outcomes."""

    def __init__(self, folders, limits=None, data_dir=None, data_files=None, group=None):
        """data_files {path inside the data folder: host path}: what the sandbox shows of
        data_dir (in the other confinements the kernel reads data_dir itself: for USER, a
        copy of data_files)."""
        self.folders = folders
        self.limits = limits or Limits()
        self.data_dir, self.data_files = data_dir, data_files or {}
        self.group = group
        self.manager = self.client = self.results = None
        self.deadline = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()

    def start(self):
        self.launch()
        self.connect()

    def launch(self):
        """Start the kernel's process, without waiting for it (connect waits). The process
        dies with the thread that calls this (bubblewrap's --die-with-parent): call it from
        the thread that outlives the kernel."""
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        self.folders.fresh_ipc()
        procs = self.group.procs_files() if self.group else []
        spec_dir = self.folders.control / "kernelspec" / "sandbox"
        spec_dir.mkdir(parents=True, exist_ok=True)
        (spec_dir / "kernel.json").write_text(json.dumps({
            "argv": kernel_argv(self.folders, self.limits, self.data_files, procs),
            "display_name": "sandbox", "language": "python", "interrupt_mode": "message"}))
        context = zmq.Context()
        # Connect once: a socket the kernel swaps for a link is never followed.
        context.setsockopt(zmq.RECONNECT_IVL, -1)
        context.setsockopt(zmq.MAXMSGSIZE, self.limits.message_bytes)
        context.setsockopt(zmq.RCVHWM, 16)
        context.setsockopt(zmq.SNDTIMEO, 10_000)      # a dead kernel's socket never blocks a send
        context.setsockopt(zmq.LINGER, 0)
        self.context = context
        specs = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)], ensure_native_kernel=False)
        self.manager = KernelManager(kernel_name="sandbox", kernel_spec_manager=specs, transport="ipc",
                                     ip=str(self.folders.ipc / "kernel"), context=context,
                                     connection_file=str(self.folders.connection))
        self.manager.write_connection_file()
        self.folders.connection.chmod(0o644)      # the kernel's user reads it through its bind
        sandboxed = self.folders.confinement == SANDBOX
        home = HOME if sandboxed else self.folders.home
        data_dir = DATA if sandboxed else (self.data_dir or "")
        read_end, write_end = os.pipe()
        try:
            self.manager.start_kernel(env=kernel_env(self.limits, write_end, home, data_dir,
                                                     self.folders.confinement),
                                      cwd=str(self.folders.ipc if sandboxed else home), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                      pass_fds=(write_end,))
        finally:
            os.close(write_end)
        self.results = Results(read_end, self.limits.result_bytes)

    def connect(self):
        """Wait until the launched kernel is up and connect to it (any thread may)."""
        self._wait_for_sockets()
        self.client = self.manager.client(context=self.context)
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        # A message over message_bytes cuts the output connection (and it is never remade).
        self.output_monitor = self.client.iopub_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        self.output_lost = False
        self.dropped = 0                # messages of the running cell that could not be read
        self.deadline = self.deadline or time.monotonic() + self.limits.submission_seconds

    def _wait_for_sockets(self, seconds=60):
        """Wait until the kernel has made its five sockets (then connecting succeeds at once)."""
        info = self.manager.get_connection_info()
        names = [f"kernel-{info[key]}" for key in
                 ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
        deadline = time.monotonic() + seconds
        while not all(_is_socket(self.folders.ipc / name) for name in names):
            if time.monotonic() > deadline or not self.manager.is_alive():
                raise RuntimeError("the kernel did not start")
            time.sleep(0.02)

    @property
    def alive(self):
        return self.manager is not None and self.manager.is_alive()

    def seconds_left(self):
        return self.deadline - time.monotonic()

    def _cpu(self):
        return self.group.cpu_seconds() if self.group else None

    def execute(self, code, cpu_seconds=None):
        """Run code; interrupt it once it has used cpu_seconds of CPU (the cell limit by
        default), wall_factor times that of wall clock, or the submission's time."""
        cpu_limit = cpu_seconds or self.limits.cell_seconds
        wall = min(cpu_limit * self.limits.wall_factor, max(self.seconds_left(), 0.0))
        if wall <= 0:
            return Execution("timeout", "the submission's time limit was reached before this ran")
        start, cpu_start = time.monotonic(), self._cpu()
        try:
            msg_id = self.client.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        except zmq.ZMQError:
            self.kill()
            return Execution("died", self._death())
        result, kept = Execution("ok"), []
        self.dropped = 0
        while True:
            self._drain_output(msg_id, result, kept)
            reply = self._take(self.client.shell_channel.get_msg, 0.1)
            if isinstance(reply, dict) and reply["parent_header"].get("msg_id") == msg_id:
                content = reply["content"]
                if content.get("status") == "error":
                    result.status = "error"
                    result.error = ": ".join(str(part) for part in (content.get("ename"), content.get("evalue")) if part)
                break
            cpu_used = self._cpu() - cpu_start if cpu_start is not None else None
            if time.monotonic() - start > wall or (cpu_used is not None and cpu_used > cpu_limit):
                return self._interrupt(msg_id, result, cpu_limit)
            if not self.alive:
                result.status, result.error = "died", self._death()
                break
        self._drain_output(msg_id, result, kept, until_idle=0.5)
        if self.dropped:
            result.notes.append(f"the kernel sent {self.dropped} message(s) that could not be read (a forked "
                                f"process writing on its connection?); they were left out")
        if result.status != "died" and self.alive and self._output_cut():
            result.notes.append(f"printed more than {self.limits.message_bytes // 2**20} MB at once: the "
                                f"rest of this kernel's output was not read")
        result.output = "".join(kept)
        if result.output_bytes > self.limits.output_bytes:
            result.notes.append(f"printed {result.output_bytes:,} characters; only the first "
                                f"{self.limits.output_bytes:,} were kept")
        return result

    def _drain_output(self, msg_id, result, kept, until_idle=0.0):
        """Take the output messages waiting (or, with until_idle, wait that long for the
        cell's idle status), counting every character and keeping the first output_bytes."""
        deadline = time.monotonic() + until_idle
        while True:
            msg = self._take(self.client.get_iopub_msg, max(deadline - time.monotonic(), 0) or 0.001)
            if msg is None:
                return
            if msg is DROPPED or msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind in ("stream", "execute_result", "display_data"):
                data = content.get("data")
                text = content.get("text") or (data.get("text/plain", "") if isinstance(data, dict) else "")
                text = text if isinstance(text, str) else str(text)
                room = self.limits.output_bytes - result.output_bytes
                if room > 0:
                    kept.append(text[:room])
                result.output_bytes += len(text)
            elif kind == "status" and content.get("execution_state") == "idle" and until_idle:
                return

    def _take(self, get, timeout):
        """The next message of a channel (its get_msg), None when none came within timeout, or
        DROPPED (and counted) when what came is no message the grader can read: the kernel
        controls what it sends (a forked child's frames interleaved with its parent's fail
        their signature; code in the kernel can sign a message of any shape with its key)."""
        try:
            msg = get(timeout=timeout)
        except queue.Empty:
            return None
        except Exception:           # what a kernel sent that does not deserialize, whatever it raises
            msg = None
        if not (isinstance(msg, dict) and isinstance(msg.get("parent_header"), dict)
                and isinstance(msg.get("content"), dict) and isinstance(msg.get("msg_type"), str)):
            self.dropped += 1
            return DROPPED
        return msg

    def _output_cut(self):
        """Whether the output connection was cut since the last call (once per kernel)."""
        if not self.output_lost and self.output_monitor.poll(0):
            self.output_lost = True
            return True
        return False

    def _death(self):
        if self.group is not None and self.group.out_of_memory():
            return (f"the kernel was stopped: it used more than {self.limits.memory_bytes // 2**30} GB "
                    f"of memory")
        return "the kernel died (crash, os._exit or a limit)"

    def _interrupt(self, msg_id, result, cpu_limit):
        """Interrupt a cell that ran too long; if it will not stop, kill the kernel.
        (The client's control channel: the manager's connected before the kernel was up.)"""
        try:
            self.client.control_channel.send(self.client.session.msg("interrupt_request", {}))
        except zmq.ZMQError:
            pass
        grace = time.monotonic() + 5
        while time.monotonic() < grace:
            reply = self._take(self.client.shell_channel.get_msg, 0.5)
            if isinstance(reply, dict) and reply["parent_header"].get("msg_id") == msg_id:
                return Execution("timeout", f"stopped after {cpu_limit:.0f} s (an endless loop?)",
                                 result.output_bytes)
        self.kill()
        return Execution("died", f"did not stop within {cpu_limit:.0f} s, even when interrupted; the "
                                 f"kernel was stopped", result.output_bytes)

    def kill(self):
        if self.manager is not None and self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)
        if self.folders.confinement == USER:     # its daemons too: no namespace ends them
            user.end_processes(self.folders.uid)

    def shutdown(self):
        try:
            if self.client is not None:
                self.client.stop_channels()
            self.kill()
        finally:
            if self.manager is not None:
                self.context.destroy(linger=0)
