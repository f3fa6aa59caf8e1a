"""Control groups: memory, processes and CPU limited on a kernel's whole process tree.

A grading run makes one group of its own under the grader's group in each controller
(cgroup v1: memory, pids, cpu, cpuacct; v2: one tree); each kernel gets a child of it,
entered by the kernel's first process before it starts anything else, so every process
the kernel ever forks is counted. The run's group is removed when the run ends, with
any process left in it killed.
"""
import os
import pathlib
import signal
import time

ROOT = pathlib.Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")
V2_CONTROLLERS = ("memory", "pids", "cpu")


def _own_paths():
    """{controller: the grader's group path} from /proc/self/cgroup ("" for v2's one tree)."""
    paths = {}
    for line in pathlib.Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path.lstrip("/")
    return paths


def _write(path, value):
    with open(path, "w") as f:
        f.write(str(value))


def existing(prefix):
    """The groups named prefix... under the grader's own, in every controller."""
    own = _own_paths()
    return [group for controller, path in own.items() if controller in V1_CONTROLLERS or not controller
            for group in (ROOT / controller / path).glob(f"{prefix}*") if group.is_dir()]


class RunGroups:
    """The run's own groups, one per controller: create() says what could not be made."""

    def __init__(self, name):
        self.name = name
        self.bases = {}            # controller -> the run's group folder
        self.version = 2 if (ROOT / "cgroup.controllers").exists() else 1

    def _base(self, controller, own):
        if self.version == 1:
            return ROOT / controller / own.get(controller, "") / self.name
        return ROOT / own.get("", "") / self.name

    def attach(self):
        """Use the groups another process of the run created (they must exist)."""
        own = _own_paths()
        for controller in V1_CONTROLLERS if self.version == 1 else [""]:
            if self._base(controller, own).is_dir():
                self.bases[controller] = self._base(controller, own)

    def create(self):
        """Make the run's groups; returns the problems, one sentence each ([] when all work)."""
        own = _own_paths()
        problems = []
        if self.version == 1:
            for controller in V1_CONTROLLERS:
                base = self._base(controller, own)
                try:
                    base.mkdir()
                    self.bases[controller] = base
                except OSError as error:
                    problems.append(f"cgroup v1 {controller}: cannot create {base} ({error.strerror})")
            return problems
        base = self._base("", own)
        try:
            base.mkdir()
            self.bases[""] = base
            _write(base / "cgroup.subtree_control", " ".join(f"+{c}" for c in V2_CONTROLLERS))
        except OSError as error:
            problems.append(f"cgroup v2: cannot create {base} with the {', '.join(V2_CONTROLLERS)} "
                            f"controllers ({error.strerror})")
        return problems

    def kernel_group(self, key, limits):
        """A KernelGroup for one kernel, with its limits written."""
        return KernelGroup(self, key, limits)

    def remove(self):
        for base in self.bases.values():
            for child in [p for p in base.iterdir() if p.is_dir()]:
                _empty_and_remove(child)
            _empty_and_remove(base)
        self.bases = {}


class KernelGroup:
    """One kernel's groups: its memory, process count and CPU share and usage."""

    def __init__(self, run, key, limits):
        self.version = run.version
        self.folders = []
        self.cpu_usage_file = None
        for controller, base in run.bases.items():
            folder = base / key
            folder.mkdir()
            self.folders.append(folder)
            self._limit(controller, folder, limits)

    def _limit(self, controller, folder, limits):
        if self.version == 2:
            _write(folder / "memory.max", limits.memory_bytes)
            if (folder / "memory.swap.max").exists():
                _write(folder / "memory.swap.max", 0)
            _write(folder / "pids.max", limits.processes)
            self.cpu_usage_file = folder / "cpu.stat"
        elif controller == "memory":
            _write(folder / "memory.limit_in_bytes", limits.memory_bytes)
            if (folder / "memory.memsw.limit_in_bytes").exists():
                _write(folder / "memory.memsw.limit_in_bytes", limits.memory_bytes)
        elif controller == "pids":
            _write(folder / "pids.max", limits.processes)
        elif controller == "cpuacct":
            self.cpu_usage_file = folder / "cpuacct.usage"
        # cpu: the default share, the same as every other kernel's, whatever it forks

    def procs_files(self):
        """The files a process writes its pid to, to enter every group."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def cpu_seconds(self):
        """CPU time used by every process of the kernel so far (None when not measured)."""
        if self.cpu_usage_file is None:
            return None
        text = self.cpu_usage_file.read_text()
        if self.version == 1:
            return int(text) / 1e9
        fields = dict(line.split() for line in text.splitlines())
        return int(fields["usage_usec"]) / 1e6

    def out_of_memory(self):
        """Whether the kernel's memory limit made the system kill one of its processes."""
        for folder in self.folders:
            for name in ("memory.oom_control", "memory.events"):      # v1, v2
                path = folder / name
                if path.exists():
                    fields = dict(line.split()[:2] for line in path.read_text().splitlines() if line.strip())
                    if int(fields.get("oom_kill", 0)) > 0:
                        return True
        return False

    def remove(self):
        for folder in self.folders:
            _empty_and_remove(folder)
        self.folders = []


def _empty_and_remove(folder, seconds=5.0):
    """Kill every process in a group, then remove it (a group must be empty to go)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
        except OSError:
            pids = []
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
