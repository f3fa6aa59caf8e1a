"""The confinement where no sandbox can start: the kernel as an unprivileged user of its own.

In a container without user namespaces (Gradescope's, or any unprivileged Docker
container) bubblewrap cannot start. There the grader, running as root, starts the kernel
as KERNEL_UID with no capability, no_new_privs and rlimits on memory, file size, CPU and
the user's processes (RLIMIT_NPROC counts every process of the user, so it stands in for
the process-count control group). This is Gradescope's own advice for untrusted code, and
it is allowed only where a probe, run as that user before any student code, proves it can
read none of the answers: the solutions, the grader and its checks, the course's sources
and the held-out test digits (the bundle's setup makes them root's alone).

What it does not give, against the sandbox: the kernel sees the rest of the file system
that any user may read, and may use the network. So that one student's kernel can reach
nothing of another's, only one submission at a time is graded this way on a machine (a
lock), every process of the user is killed when a kernel ends, and what the user left in
the folders every user may write is removed.
"""
import contextlib
import fcntl
import json
import os
import pathlib
import shutil
import signal
import subprocess
import time

from coursekit.compare import quote

KERNEL_UID = 65534                   # "nobody": the kernel's user, in the sandbox or not
LOCK = "/run/course-grader-kernel-user.lock"     # root's folder: no user can plant a link there
SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # every user may write there
PROBE_PATHS = 20_000                 # a bound on the paths the probe tries
PASSABLE = 0o711                     # a grader's folder the kernel's user passes through, never lists


def as_kernel_user():
    """The command prefix that becomes KERNEL_UID for good (root only)."""
    return ["setpriv", f"--reuid={KERNEL_UID}", f"--regid={KERNEL_UID}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]


def processes():
    """The pids of KERNEL_UID's live processes, as /proc lists them now (a zombie, dead
    already, waits for its parent)."""
    pids = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if (entry.stat().st_uid == KERNEL_UID
                        and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"):
                    pids.append(int(entry.name))
    return pids


_PROBE = """
import json, os, sys
status = dict(line.split(':', 1) for line in open('/proc/self/status'))
readable = []
for path in json.load(sys.stdin):
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, 'rb').close()
        readable.append(path)
    except OSError:
        pass
try:
    import coursekit
    library = ''
except Exception as error:
    library = repr(error)
print(json.dumps({'uid': os.getuid(), 'caps': int(status['CapEff'], 16),
                  'no_new_privs': int(status['NoNewPrivs']), 'readable': readable, 'library': library}))
"""


def problem(python, secrets):
    """Why the kernel cannot run here as KERNEL_UID without reading a secret, or "".
    python: the kernel's interpreter; secrets: files and folders it must not read
    (a folder's whole tree is tried)."""
    if os.geteuid() != 0:
        return "the grader is not root, so it cannot run the kernel as another user"
    missing = [tool for tool in ("setpriv", "prlimit") if not shutil.which(tool)]
    if missing:
        return f"{' and '.join(missing)} (util-linux) not installed: the kernel cannot run as another user"
    if processes():
        return f"uid {KERNEL_UID} already runs processes here: the kernel's user must be its own"
    paths = []
    for secret in map(pathlib.Path, secrets):
        if secret.exists():
            paths.append(secret)
            if secret.is_dir():
                paths += [p for _, p in zip(range(PROBE_PATHS), secret.rglob("*"))]
    try:
        done = subprocess.run(as_kernel_user() + [python, "-P", "-s", "-c", _PROBE], capture_output=True, text=True,
                              input=json.dumps(list(map(str, paths[:PROBE_PATHS]))), cwd="/", timeout=120,
                              env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        seen = json.loads(done.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError) as error:
        return f"the kernel's user could not be probed ({quote(error)})"
    finally:
        end_processes()
    if seen["uid"] != KERNEL_UID or seen["caps"] or not seen["no_new_privs"]:
        return (f"the kernel's user runs as uid {seen['uid']} with capabilities {seen['caps']:#x} and "
                f"no_new_privs {seen['no_new_privs']}")
    if seen["readable"]:
        shown = ", ".join(seen["readable"][:3]) + (", ..." if len(seen["readable"]) > 3 else "")
        return (f"uid {KERNEL_UID} can read {len(seen['readable'])} of the answers' files and folders ({shown}): "
                f"make them root's alone (chmod 700 the folder that holds them)")
    if seen["library"]:
        return f"uid {KERNEL_UID} cannot import the course's library coursekit ({seen['library']})"
    return ""


@contextlib.contextmanager
def one_at_a_time():
    """Hold the machine's lock of the kernel's user while one submission is graded."""
    fd = os.open(LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def end_processes(rounds=100):
    """Kill every process of KERNEL_UID (a student's daemons too): stop them all, then kill,
    until none is left."""
    for _ in range(rounds):
        pids = processes()
        if not pids:
            return
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, sig)
        time.sleep(0.01)
    raise RuntimeError(f"the processes of uid {KERNEL_UID} could not all be killed")


def remove_leftovers():
    """Remove what KERNEL_UID left in the folders every user may write (its processes ended)."""
    for folder in SHARED_FOLDERS:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_uid != KERNEL_UID:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)


def readable_copy(files, folder):
    """Copy files {relative path: host path} into folder, readable by every user and
    writable by root alone; returns folder."""
    folder = pathlib.Path(folder)
    folder.mkdir(mode=0o755)
    for relative, host in sorted(files.items()):
        target = folder / relative
        target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        shutil.copyfile(host, target)
        target.chmod(0o644)
    return folder
