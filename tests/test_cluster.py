"""`grade --scheduler`: a class graded on a real dask cluster (a scheduler and two worker
processes started with dask's own commands on 127.0.0.1) gets the local run's verdicts,
exactly; with one worker killed while it grades, every submission still gets exactly one
verdict, the same, and the killed worker's clean room is removed by the next run."""
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest

from autograder.admin.classroom import grade_class
from autograder.admin.cluster import grade_class_on_cluster
from autograder.cleanroom.runner import OWNER, RUN_PREFIX, leftovers, remove_abandoned_rooms
from autograder.limits import Limits
from autograder.proof import hostile

ASSIGNMENT = hostile.ASSIGNMENT
CLASS = ["model-solution", "untouched-release", "invalid-json", "no-notebook", "wrong-name", "deleted-cell",
         "returns-nan", "os-exit"]
SEED = 7
LIMITS = Limits(cell_seconds=hostile.CELL_SECONDS)
START_SECONDS = 120       # bounds on waiting for the cluster, never assertions of speed


def outcome(verdict):
    """What a verdict says, everything but where it was graded: status, reason, notes, and
    every exercise's points and cases."""
    return (verdict.student, verdict.status, verdict.reason, verdict.seed, verdict.notes,
            [(e.name, e.points, e.note, [(c.name, c.passed, c.message, c.hint, c.mistake) for c in e.cases])
             for e in verdict.exercises])


@pytest.fixture(scope="module")
def course(tmp_path_factory, sandbox):
    """The class, and its verdicts graded locally (two workers)."""
    students = [h for h in hostile.CORPUS if h.student in CLASS]
    root = hostile.build_class(tmp_path_factory.mktemp("class"), students)
    local = grade_class(root, ASSIGNMENT, workers=2, limits=LIMITS, progress=False, seed=SEED)
    return root, local


class Cluster:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1 (no nanny: a killed worker stays dead)."""

    def __init__(self, folder, workers=2):
        self.file = folder / "scheduler.json"
        common = ["--no-dashboard"]
        self.scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                                           "127.0.0.1", "--port", "0", "--scheduler-file", str(self.file), *common],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.address = self._wait(lambda: json.loads(self.file.read_text())["address"])
        self.workers = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", self.address,
                                          "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny", *common],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                        for _ in range(workers)]
        from distributed import Client
        self.client = Client(self.address)
        self.client.wait_for_workers(workers, timeout=START_SECONDS)

    def _wait(self, read):
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                return read()
            except (OSError, ValueError, KeyError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def close(self):
        if self.client.status == "closed":
            return
        self.client.close()
        for process in [*self.workers, self.scheduler]:
            process.terminate()            # a worker closes its clean room on the way out
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path)
    yield cluster
    cluster.close()


def test_the_cluster_gives_the_local_verdicts(course, cluster):
    root, local = course
    remote = grade_class_on_cluster(cluster.address, root, ASSIGNMENT, CLASS, LIMITS, SEED, progress=False)
    assert [outcome(v) for v in remote] == [outcome(v) for v in local]


def rooms_of(pids):
    """The clean rooms (run folder names) that these processes opened."""
    rooms = set()
    for folder in pathlib.Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*"):
        try:
            if int((folder / OWNER).read_text().split()[0]) in pids:
                rooms.add(folder.name)
        except (OSError, ValueError, IndexError):
            continue
    return rooms


def grading_workers(pid):
    """The grading processes (python -m autograder.cleanroom.runner) a dask worker started."""
    found = []
    for proc in os.listdir("/proc"):
        try:
            stat = open(f"/proc/{proc}/stat").read().rsplit(")", 1)[1].split()
            if int(stat[1]) == pid and b"autograder.cleanroom.runner" in open(f"/proc/{proc}/cmdline", "rb").read():
                found.append(int(proc))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_a_worker_killed_while_grading_costs_no_verdict(course, cluster):
    root, local = course
    victim, killed = cluster.workers[0], []

    def kill_while_grading():            # once it is grading a submission
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if grading_workers(victim.pid):
                os.kill(victim.pid, signal.SIGKILL)
                killed.append(victim.pid)
                return
            time.sleep(0.05)
    killer = threading.Thread(target=kill_while_grading)
    killer.start()
    remote = grade_class_on_cluster(cluster.address, root, ASSIGNMENT, CLASS, LIMITS, SEED, progress=False)
    killer.join()
    assert killed and victim.wait(timeout=10) == -signal.SIGKILL
    assert [v.student for v in remote] == sorted(CLASS)
    assert [outcome(v) for v in remote] == [outcome(v) for v in local]
    rooms = rooms_of({worker.pid for worker in cluster.workers})
    assert len(rooms) == 2                                   # one per dask worker
    cluster.close()                      # the living worker removes its own room
    removed = remove_abandoned_rooms()   # the killed one could not: the next run does
    assert set(removed) <= rooms and not [item for item in leftovers() for room in rooms if room in item]
