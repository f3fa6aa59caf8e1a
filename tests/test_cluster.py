"""`grade --scheduler`: a class graded on a real dask cluster (a scheduler and two worker
processes started with dask's own commands on 127.0.0.1, secured with TLS certificates the
test makes) gets the local run's verdicts, exactly; with one worker killed while it grades,
every submission still gets exactly one verdict, the same, and the killed worker's clean room
is removed by the next run. A client without the cluster's certificate cannot reach the
scheduler or a worker; a plain tcp:// cluster is refused, by grade and by its workers; the
rooms of workers their nanny restarts, and of a cluster closed, are removed."""
import json
import os
import pathlib
import signal
import ssl
import socket
import subprocess
import sys
import tempfile
import threading
import time

import dask
import pytest
from distributed import Client, Security

from autograder.__main__ import main
from autograder.admin.classroom import grade_class
from autograder.admin.cluster import Unsecured, cluster_security, grade_class_on_cluster, grade_task
from autograder.cleanroom.runner import OWNER, RUN_PREFIX, leftovers, remove_abandoned_rooms, student_seed
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


def certificates(folder):
    """The cluster's TLS files, made in folder as an instructor makes them (the CA
    certificate, a certificate and its key, the key its owner's alone): a dict of paths by
    dask's option names (tls_ca_file, tls_cert, tls_key)."""
    made = Security.temporary()           # one self-signed certificate, the CA of every role
    folder.mkdir(mode=0o700)
    files = {"tls_ca_file": made.tls_ca_file, "tls_cert": made.tls_scheduler_cert,
             "tls_key": made.tls_scheduler_key}
    paths = {}
    for name, text in files.items():
        paths[name] = folder / f"{name}.pem"
        paths[name].touch(mode=0o600)
        paths[name].write_text(text)
    return paths


def options(tls):
    """dask's command-line options for the TLS files."""
    return [item for name, path in tls.items() for item in (f"--{name.replace('_', '-')}", str(path))]


def instructor_security(tls):
    """The distributed.Security of a client holding the cluster's certificate."""
    return Security(require_encryption=True, tls_ca_file=str(tls["tls_ca_file"]),
                    tls_client_cert=str(tls["tls_cert"]), tls_client_key=str(tls["tls_key"]))


class Cluster:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1, secured with the TLS files
    `tls` (certificates()) or plain tcp (tls None); with nanny False a killed worker stays dead."""

    def __init__(self, folder, workers=2, tls=None, nanny=False):
        self.file = folder / "scheduler.json"
        common = ["--no-dashboard", *options(tls or {})]
        self.scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                                           "127.0.0.1", "--port", "0", "--scheduler-file", str(self.file),
                                           "--protocol", "tls" if tls else "tcp", *common],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.address = self._wait(lambda: json.loads(self.file.read_text())["address"])
        self.workers = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", self.address,
                                          "--host", "127.0.0.1", "--nthreads", "1",
                                          "--nanny" if nanny else "--no-nanny", *common],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                        for _ in range(workers)]
        self.security = instructor_security(tls) if tls else None
        self.client = Client(self.address, security=self.security)
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

    def worker_pids(self):
        """The pids of the processes that run the dask workers now (under their nanny, if any)."""
        return set(self.client.run(os.getpid).values())

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
def tls(tmp_path):
    """The cluster's TLS files (certificates()), in the test's folder."""
    return certificates(tmp_path / "tls")


@pytest.fixture
def cluster(tmp_path, tls):
    cluster = Cluster(tmp_path, tls=tls)
    yield cluster
    cluster.close()


def test_the_cluster_gives_the_local_verdicts_over_tls(course, cluster):
    root, local = course
    assert cluster.address.startswith("tls://")
    remote = grade_class_on_cluster(cluster.address, root, ASSIGNMENT, CLASS, LIMITS, SEED, progress=False,
                                    security=cluster.security)
    assert [outcome(v) for v in remote] == [outcome(v) for v in local]


def refused(connect):
    """Whether connect() fails as a refused or failed TLS connection does."""
    try:
        connect()
    except (OSError, ssl.SSLError, TimeoutError, ValueError, TypeError):
        return True
    return False


def test_a_client_without_the_certificate_cannot_reach_the_cluster(cluster):
    """What a student's kernel that reaches the ports could try: plain tcp, TLS with no
    certificate, TLS with a certificate of its own making. None gets a dask connection."""
    assert cluster_security(cluster.address, cluster.security)          # a cluster grade accepts
    ports = [cluster.address] + list(cluster.client.scheduler_info(n_workers=-1)["workers"])
    ca = ssl.create_default_context(cafile=str(cluster.security.tls_ca_file))
    ca.check_hostname = False

    def handshake(address, context):            # TLS as far as a read: a refused client learns it here
        host, port = address.split("://")[1].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as raw, \
                context.wrap_socket(raw, server_hostname=host) as tls:
            tls.settimeout(10)
            tls.sendall(b"\0" * 8)
            if not tls.recv(1):
                raise ConnectionResetError("closed")

    for address in ports:
        plain = address.replace("tls://", "tcp://")
        assert refused(lambda: Client(plain, timeout=5).close()), plain
        assert refused(lambda: Client(address, timeout=5, security=Security.temporary()).close()), address
        assert refused(lambda: handshake(address, ca)), address        # no certificate of the cluster's
    with Client(cluster.address, timeout=30, security=cluster.security) as honest:   # the instructor's gets in
        assert honest.submit(sum, [1, 2]).result() == 3


def test_grade_reads_the_certificates_from_dask_config(tls):
    """No option given, grade's client holds the files dask's own config names, as `dask
    scheduler` and `dask worker` read theirs."""
    config = {"distributed.comm.tls.ca-file": str(tls["tls_ca_file"]),
              "distributed.comm.tls.client.cert": str(tls["tls_cert"]),
              "distributed.comm.tls.client.key": str(tls["tls_key"])}
    with dask.config.set(config):
        security = cluster_security("tls://127.0.0.1:9")
        assert (security.tls_ca_file, security.tls_client_cert, security.tls_client_key) == tuple(config.values())
        assert security.require_encryption
        tls["tls_key"].chmod(0o640)
        with pytest.raises(Unsecured, match="can be read by others"):
            cluster_security("tls://127.0.0.1:9")


def test_a_plain_cluster_is_refused_by_grade_and_by_its_workers(tmp_path, tls, capsys):
    address = "tcp://127.0.0.1:9"             # refused before anything is sent
    with pytest.raises(Unsecured, match="accept-unauthenticated-cluster"):
        grade_class_on_cluster(address, tmp_path, ASSIGNMENT, CLASS, LIMITS, SEED, progress=False)
    assert main(["grade", ASSIGNMENT, "--scheduler", address]) == 2
    assert "--accept-unauthenticated-cluster" in capsys.readouterr().err
    assert cluster_security(address, unauthenticated=True) is None            # the risk accepted by name
    with pytest.raises(Unsecured, match="certificate"):                        # TLS, but no certificate given
        cluster_security("tls://127.0.0.1:9", Security(require_encryption=True))
    tls["tls_key"].chmod(0o644)                                                # a key others can read
    with pytest.raises(Unsecured, match="chmod 600"):
        cluster_security("tls://127.0.0.1:9", instructor_security(tls))
    plain = Cluster(tmp_path, workers=1)
    try:
        with pytest.raises(Unsecured):
            grade_class_on_cluster(plain.client, tmp_path, ASSIGNMENT, CLASS, LIMITS, SEED, progress=False)
        task = {"assignment": ASSIGNMENT, "student": "s", "notebook_name": "n.ipynb", "source": "{}", "files": {},
                "limits": LIMITS, "seed": student_seed(SEED, "s"), "accept_risk": True}
        verdict = plain.client.submit(grade_task, task, pure=False).result()   # a client that skips grade's check
        assert verdict["status"] == "ungradable" and "listens on tcp://" in verdict["reason"]
    finally:
        plain.close()


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
    remote = grade_class_on_cluster(cluster.address, root, ASSIGNMENT, CLASS, LIMITS, SEED, progress=False,
                                    security=cluster.security)
    killer.join()
    assert killed and victim.wait(timeout=10) == -signal.SIGKILL
    assert [v.student for v in remote] == sorted(CLASS)
    assert [outcome(v) for v in remote] == [outcome(v) for v in local]
    rooms = rooms_of({worker.pid for worker in cluster.workers})
    assert len(rooms) == 2                                   # one per dask worker
    cluster.close()                      # the living worker removes its own room
    removed = remove_abandoned_rooms()   # the killed one could not: the next run does
    assert set(removed) <= rooms and not [item for item in leftovers() for room in rooms if room in item]


def left(rooms):
    """What is left of these rooms (by name): their folders and control groups that exist now."""
    return [item for item in leftovers() for room in rooms if room in item]


def running(pids):
    """Those of the processes that still run (a zombie is over)."""
    alive = []
    for pid in pids:
        try:
            if pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX":
                alive.append(pid)
        except (OSError, IndexError):
            continue
    return alive


def soon(condition, seconds=30):
    """Whether condition() holds within seconds (a bound on waiting for the workers' clean-up,
    which runs in their processes, never an assertion of speed)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_the_rooms_of_workers_their_nanny_restarts_are_removed(course, tmp_path, tls):
    """A worker restarted by its nanny while it grades, and the workers of a cluster closed,
    leave no room: not its folder, not its control groups, not its grading process. (Other
    runs may be on the machine: only the rooms this cluster's workers opened count.)"""
    root, _ = course
    cluster = Cluster(tmp_path, workers=1, tls=tls, nanny=True)
    try:
        first = cluster.worker_pids()
        graded, grading = [], []

        def grade():
            graded.extend(grade_class_on_cluster(cluster.address, root, ASSIGNMENT, ["model-solution"], LIMITS,
                                                 SEED, progress=False, security=cluster.security))
        thread = threading.Thread(target=grade)
        thread.start()
        deadline = time.monotonic() + START_SECONDS
        while not grading and time.monotonic() < deadline:
            grading = [pid for worker in first for pid in grading_workers(worker)]
            time.sleep(0.05)
        made = rooms_of(first)
        assert grading and made
        cluster.client.restart()           # the nanny stops the worker mid-grade and starts a new one
        thread.join()
        assert cluster.worker_pids().isdisjoint(first)
        assert soon(lambda: not left(made)), left(made)
        assert soon(lambda: not running(grading)), running(grading)
        remote = grade_class_on_cluster(cluster.address, root, ASSIGNMENT, ["untouched-release"], LIMITS, SEED,
                                        progress=False, security=cluster.security)
        assert [v.student for v in remote] == ["untouched-release"] and remote[0].graded
        made = rooms_of(cluster.worker_pids())
        assert made
    finally:
        cluster.close()                   # its nanny stops the worker
    assert not left(made)
