"""The confinement where no sandbox can start: the kernel as an unprivileged user of its own.

In a container without user namespaces (Gradescope's, or any unprivileged Docker
container) bubblewrap cannot start. There the grader, running as root, starts the kernel
as a uid of its own (KernelUser: one claimed from UIDS for that kernel alone) with no
capability, no_new_privs and rlimits on memory, file size, CPU and that uid's processes.
It is meant for a machine that holds one submission and nothing else (Gradescope's
container): `grade` and a cluster's workers refuse it unless the instructor accepts the
risk (runner.CleanRoom).

What the kernel may read is an allow-list, proven before any student code runs by a probe
(survey) that walks, as that user, everything it can reach: no file it can read may lie
outside the operating system's folders (SYSTEM), the Python environment, the course's
student package and its own folders. The same walk finds every folder it can write.

Where root can make namespaces (a chroot, a VM, a privileged container), the kernel gets a
network namespace of its own (no loopback, so no scheduler, no listener of the host) and a
mount namespace in which each folder it could write is a private memory-backed folder of
bounded size, or read-only where the grader's own folders lie inside it (isolate_argv).
Where it cannot (an unprivileged container), the room says so, and what that uid left in
the folders it can write is removed when its kernel ends. Clean-up ends exactly the
processes of the kernel's own uid, never another kernel's.
"""
import contextlib
import fcntl
import itertools
import json
import os
import pathlib
import random
import shutil
import signal
import stat
import subprocess
import sys
import time

from coursekit.compare import quote

KERNEL_UID = 65534                   # "nobody": the sandbox's user (bubblewrap's namespace is its own)
UIDS = range(0x5EED0000, 0x5EED0000 + 4096)   # the fallback's uids: each kernel claims one of its own
LOCKS = "/run"                       # root's folder: no user can plant a link there
LOCK = f"{LOCKS}/course-grader-kernel-user.lock"   # one submission at a time on a machine
PASSABLE = 0o711                     # a grader's folder the kernel's user passes through, never lists
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/var", "/run", "/boot",
          "/dev", "/proc", "/sys")   # the operating system's folders: readable, never walked for reading
NOT_WALKED = ("/proc", "/sys")       # no folder there is the kernel's to write
PROBE_ENTRIES = 2_000_000            # a bound on the entries the probe looks at
PROBE_PATHS = 20_000                 # a bound on the answers' paths it tries by name
PROBE_SECONDS = 120


def as_user(uid):
    """The command prefix that becomes uid for good, with no capability (root only)."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]


def processes(uid):
    """The pids of the live processes of uid (or of any uid in a range), as /proc lists them
    now (a zombie, dead already, waits for its parent)."""
    uids = uid if isinstance(uid, range) else (uid,)
    pids = []
    with os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    if (entry.stat(follow_symlinks=False).st_uid in uids and
                            open(f"/proc/{entry.name}/stat").read().rsplit(")", 1)[1].split()[0] not in "ZX"):
                        pids.append(int(entry.name))
    return pids


def end_processes(uid, rounds=100):
    """Kill every process of uid (a student's daemons too): stop them all, then kill, until
    none is left. Only the kernel's own uid: never another kernel's."""
    for _ in range(rounds):
        pids = processes(uid)
        if not pids:
            return
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, sig)
        time.sleep(0.01)
    raise RuntimeError(f"the processes of uid {uid} could not all be killed")


def remove_leftovers(uid, folders):
    """Remove what uid left in `folders` (those it could write, its processes ended), at any
    depth, without following a link."""
    for folder in folders:
        _remove_owned(folder, uid, depth=0)


def _remove_owned(folder, uid, depth):
    if depth > 32:
        return
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in list(entries):
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                is_folder = stat.S_ISDIR(info.st_mode)
                if info.st_uid == uid and is_folder:
                    shutil.rmtree(entry.path, ignore_errors=True)
                elif info.st_uid == uid:
                    os.unlink(entry.path)
                elif is_folder:
                    _remove_owned(entry.path, uid, depth + 1)


class KernelUser:
    """A uid of the fallback claimed for one kernel (a lock in LOCKS held while it is used):
    `uid`; on exit, its processes are ended and what it left in `writable` is removed.
    Claiming skips a uid another kernel holds or that still runs a process."""

    def __init__(self, writable=()):
        self.writable, self.uid, self.fd = list(writable), None, None

    def __enter__(self):
        for uid in random.sample(UIDS, len(UIDS)):
            fd = os.open(f"{LOCKS}/course-grader-uid-{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
                         | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            if processes(uid):           # left by a run killed outright: not ours to end here
                os.close(fd)
                continue
            self.uid, self.fd = uid, fd
            return self
        raise RuntimeError(f"every uid of {UIDS.start}..{UIDS.stop - 1} is in use")

    def __exit__(self, *exc):
        """End the uid's processes, remove what it left and release it (once; again: nothing)."""
        if self.fd is None:
            return
        try:
            end_processes(self.uid)
            remove_leftovers(self.uid, self.writable)
        finally:
            os.close(self.fd)
            self.fd = None


@contextlib.contextmanager
def one_at_a_time():
    """Hold the machine's lock of the fallback while one submission is graded."""
    fd = os.open(LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# The probe: what the kernel's user can read and write ---------------------------------------------

_WALK = """
import json, os, stat, sys, time
request = json.loads(sys.argv[1])
uid = request['uid']
os.setgroups([])
os.setresgid(uid, uid, uid)
os.setresuid(uid, uid, uid)          # root's capabilities go with it
allowed, system, not_walked = request['allowed'], request['system'], request['not_walked']
inside = lambda path, roots: any(path == r or path.startswith(r.rstrip('/') + '/') for r in roots)
readable, writable, seen, complete = [], [], 0, True
for path in request['known']:         # what root listed of the answers: reachable by name through a 0711 folder
    if os.access(path, os.R_OK):
        readable.append(path)
deadline = time.monotonic() + request['seconds']
stack = ['/']
while stack:
    folder = stack.pop()
    if os.access(folder, os.W_OK | os.X_OK):
        writable.append(folder)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        continue
    seen += len(entries)
    if seen > request['entries'] or time.monotonic() > deadline:
        complete = False
        break
    for entry in entries:
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            if not inside(entry.path, not_walked):
                stack.append(entry.path)
        elif stat.S_ISREG(mode) and not inside(entry.path, allowed + system) and os.access(entry.path, os.R_OK):
            readable.append(entry.path)
print(json.dumps({'readable': sorted(set(readable)), 'writable': sorted(writable), 'complete': complete}))
"""

_KERNEL = """
import json, os
status = dict(line.split(':', 1) for line in open('/proc/self/status'))
try:
    import coursekit
    library = ''
except Exception as error:
    library = repr(error)
print(json.dumps({'caps': int(status['CapEff'], 16), 'no_new_privs': int(status['NoNewPrivs']), 'library': library}))
"""


def walk(uid, allowed, secrets=()):
    """What uid can reach here, walked as uid: {"readable": the files it can read outside the
    allow-list (allowed + SYSTEM), "writable": the folders it can write, "complete": whether
    the walk saw everything}. The walk runs in this environment's interpreter, started as
    root and uid from its first step on, so it needs nothing uid could not read and sees what
    uid sees. secrets: files and folders whose every path (as root lists them, PROBE_PATHS at
    most) is also tried by name, as a folder uid may pass through but not list hides them
    from a walk. Raises OSError, subprocess.TimeoutExpired or ValueError when it fails."""
    known = []
    for secret in map(pathlib.Path, secrets):
        if secret.exists():
            known.append(secret)
            if secret.is_dir():
                known += itertools.islice(secret.rglob("*"), PROBE_PATHS)
    request = {"uid": uid, "allowed": sorted(map(str, allowed)), "system": list(SYSTEM),
               "known": list(map(str, known[:PROBE_PATHS])),
               "not_walked": list(NOT_WALKED), "entries": PROBE_ENTRIES, "seconds": PROBE_SECONDS}
    done = subprocess.run([sys.executable, "-P", "-s", "-c", _WALK, json.dumps(request)], capture_output=True,
                          text=True, cwd="/", timeout=PROBE_SECONDS + 60, env={"LANG": "C.UTF-8"})
    return json.loads(done.stdout)


def survey(python, uid, allowed, secrets=()):
    """walk(uid, allowed, secrets), with what the kernel's interpreter `python`, started as uid as a
    kernel is, reports: "caps", "no_new_privs" and "library" (why coursekit cannot be
    imported, or ""); or a sentence saying why uid could not be probed."""
    try:
        seen = walk(uid, allowed, secrets)
        kernel = subprocess.run(as_user(uid) + ["env", python, "-P", "-s", "-c", _KERNEL], capture_output=True,
                                text=True, cwd="/", timeout=120, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        if kernel.returncode != 0:
            return f"the kernel's user cannot run {python} ({quote(kernel.stderr.strip()) or 'no reason given'})"
        return {**seen, **json.loads(kernel.stdout)}
    except (OSError, subprocess.TimeoutExpired, ValueError) as error:
        return f"the kernel's user could not be probed ({quote(error)})"
    finally:
        end_processes(uid)


def problems(seen, secrets):
    """What the survey `seen` shows the fallback cannot be trusted with: sentences ([] when
    none). secrets: files and folders the readable files are named against first."""
    if isinstance(seen, str):
        return [seen]
    found = []
    if seen["caps"] or not seen["no_new_privs"]:
        found.append(f"the kernel's user runs with capabilities {seen['caps']:#x} and no_new_privs "
                     f"{seen['no_new_privs']}")
    if seen["readable"]:
        secret = [p for p in seen["readable"] if any(p == str(s) or p.startswith(f"{s}/") for s in secrets)]
        shown = ", ".join((secret + [p for p in seen["readable"] if p not in secret])[:3])
        found.append(f"the kernel's user can read {len(seen['readable'])} files outside what it may read "
                     f"({shown}{', ...' if len(seen['readable']) > 3 else ''}): make them root's alone "
                     f"(chmod 700 the folder that holds them)")
    if not seen["complete"]:
        found.append(f"the probe could not walk everything the kernel's user can reach (more than "
                     f"{PROBE_ENTRIES:,} entries or {PROBE_SECONDS} s)")
    if seen["library"]:
        found.append(f"the kernel's user cannot import the course's library coursekit ({quote(seen['library'])})")
    return found


def tools_problem():
    """Why the grader cannot run a kernel as another user here, or ""."""
    if os.geteuid() != 0:
        return "the grader is not root, so it cannot run the kernel as another user"
    missing = [tool for tool in ("setpriv", "prlimit") if not shutil.which(tool)]
    if missing:
        return f"{' and '.join(missing)} (util-linux) not installed: the kernel cannot run as another user"
    return ""


def namespaces_problem():
    """Why root cannot give the kernel a mount and network namespace of its own here, or ""."""
    if not shutil.which("unshare"):
        return "unshare (util-linux) is not installed"
    try:
        done = subprocess.run(["unshare", "--mount", "--net", "--propagation", "unchanged", "--", "true"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unshare failed ({quote(error)})"
    return "" if done.returncode == 0 else f"unshare cannot make namespaces here ({quote(done.stderr.strip())})"


def isolate_argv(writable, keep, size):
    """The command prefix that runs what follows in a network namespace of its own (no
    interface up) and a mount namespace where each folder of `writable` (the outermost
    ones) is a private memory-backed folder of `size` bytes, or read-only where a folder of
    `keep` (the grader's, holding the kernel's own memory-backed folders) lies inside it."""
    def within(path, folder):
        return path == folder or path.startswith(folder.rstrip("/") + "/")
    outermost = [f for f in writable if not any(o != f and within(f, o) for o in writable)]
    pairs = []
    for folder in sorted(outermost):
        pairs += ["ro" if any(within(k, folder) for k in keep) else "tmpfs", folder]
    script = ('mount --make-rprivate / 2>/dev/null; '     # a chroot's / is no mount point: then folder by folder
              'while [ "$1" != -- ]; do if [ "$1" = ro ]; then mount --rbind "$2" "$2" && '
              'mount --make-rprivate "$2" && mount -o remount,bind,ro "$2" || exit 96; else mount --bind "$2" "$2" '
              f'&& mount --make-private "$2" && mount -t tmpfs -o size={int(size)},mode=1777,nosuid,nodev tmpfs "$2" '
              '|| exit 96; fi; shift 2; done; shift; exec "$@"')
    return ["unshare", "--mount", "--net", "--propagation", "unchanged", "--", "sh", "-c", script, "sh", *pairs, "--"]


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
