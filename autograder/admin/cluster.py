"""A class graded on a dask.distributed cluster: `grade --scheduler ADDRESS`.

Each submission is one task. The dask worker that runs it grades it as a local run does: in
a worker process of its own (classroom.grade_in_worker), in a clean room of that dask
worker's own, and returns the verdict as data; the instructor's process collects the
verdicts and writes the reports and the gradebook. A task carries what it grades as data
(the submission's files as the local grader reads them: no link followed, within the
limits; and the source notebook), so the cluster needs no shared file system: the worker image is the
grading environment (the course's pins, bubblewrap), on SLURM or PBS through dask-jobqueue or
on Kubernetes through dask's operator (README: "Grading on a cluster"). A dask worker that
dies loses its tasks to the others (dask retries them), so every submission still gets
exactly one verdict.

Whoever reaches a dask scheduler or worker runs code on the workers, as their user (root, to
grade), so the cluster must be one dask secures with TLS: every scheduler, worker and client
holds a certificate signed by the cluster's CA, and a connection without one is refused (a
student's kernel that reaches the scheduler's port included). A plain tcp:// scheduler is
refused unless the instructor accepts that risk by name (unauthenticated), and a worker
refuses to grade when it listens unauthenticated, or can be read the key it proves itself
with. The certificates are dask's own: the options of `dask scheduler`/`dask worker`
(--tls-ca-file, --tls-cert, --tls-key) and its config (distributed.comm.tls.*), which
`grade` reads too (README: "Grading on a cluster").

A dask worker closes its clean room when it closes (a WorkerPlugin's teardown: the run ends,
or its nanny restarts or stops it), first ending the grading processes it started. A room
whose worker was killed outright (by its nanny, when it was slow to close) is removed by the
worker its nanny starts next, by the nanny as its process ends (a NannyPlugin), or by the
next room opened on that machine.
"""
import atexit
import dataclasses
import os
import pathlib
import secrets
import stat
import tempfile
import threading

from distributed.diagnostics.plugin import NannyPlugin, WorkerPlugin

from ..cleanroom.files import Refused
from ..cleanroom.runner import (CleanRoom, Unprotected, read_submission, remove_abandoned_rooms, student_seed,
                                ungradable)
from ..cleanroom.submission import Unreadable
from ..verdict import Verdict
from .classroom import grade_in_worker, start_worker, worker_timeout
from .course import kernel_data_dir, notebook_path

RETRIES = 3          # a task whose dask worker died is run again, by another worker, this often
SECURED = ("tls", "wss")       # dask's schemes that authenticate both ends with the cluster's certificates
PLUGIN = "autograder-clean-rooms"


class Unsecured(Exception):
    """The cluster is not secured as grading needs; the message says what is missing and how."""


_ROOMS = {}           # this dask worker's clean room, by its limits and risk (opened once)
_GRADING = set()      # the grading processes this dask worker started that may still run
_LOCK = threading.Lock()


def _room(limits, accept_risk):
    """This dask worker's clean room for these limits and risk: opened on first use (which
    removes the rooms of killed workers), closed by close_rooms."""
    key = (limits, accept_risk)
    with _LOCK:
        if key not in _ROOMS:
            if not _ROOMS:
                atexit.register(close_rooms)
            _ROOMS[key] = CleanRoom(limits, accept_risk=accept_risk, quiet=True).__enter__()
        return _ROOMS[key]


class WorkerClosing(Exception):
    """This dask worker closed its clean room while a task used it: the task fails, and dask
    runs it again on another worker (RETRIES), rather than give a verdict of a grading
    process the closing ended."""


def _still_open(room):
    """Raise WorkerClosing unless `room` is still one of this worker's open rooms (hold _LOCK)."""
    if not any(open_room is room for open_room in _ROOMS.values()):
        raise WorkerClosing("the dask worker closed while it graded this submission")


def close_rooms():
    """End the grading processes this dask worker started and close its clean rooms (their
    folders and control groups). Returns nothing; safe to call again."""
    with _LOCK:
        rooms, processes = list(_ROOMS.values()), list(_GRADING)
        _ROOMS.clear()
    for process in processes:
        if process.poll() is None:
            process.kill()
    for room in rooms:
        room.__exit__(None, None, None)


class CleanRooms(WorkerPlugin):
    """A dask WorkerPlugin (registered by grade_class_on_cluster, so a worker its nanny
    restarts gets it too): setup removes the rooms of workers killed before they could;
    teardown, when the worker closes (the cluster closes, its nanny restarts or stops it),
    closes this worker's rooms."""
    name = PLUGIN
    idempotent = True         # a second run's registration keeps the first's (a teardown would end its rooms)

    def setup(self, worker):
        """worker: the dask Worker starting. Removes abandoned rooms; returns None."""
        remove_abandoned_rooms()

    def teardown(self, worker):
        """worker: the dask Worker closing. Closes this process's rooms; returns None."""
        close_rooms()


class AbandonedRooms(NannyPlugin):
    """A dask NannyPlugin: when the nanny's process ends (the cluster closes), after it has
    stopped its worker, it removes the rooms whose worker is dead. A worker its nanny had to
    kill before it closed its room (a slow close, on a loaded machine) leaves nothing."""
    name = PLUGIN + "-abandoned"
    idempotent = True

    def setup(self, nanny):
        """nanny: the dask Nanny starting. Returns None."""
        atexit.register(remove_abandoned_rooms)


def key_problem(path):
    """Why the private key file at `path` (or a PEM held in memory, or None) could be read
    by a student's kernel: "" when it is the owner's alone, else what is wrong."""
    if not path or "\n" in str(path):
        return ""
    try:
        info = os.stat(path)
    except OSError as error:
        return f"its private key {path} cannot be read ({error.strerror})"
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (f"its private key {path} can be read by others (mode {stat.S_IMODE(info.st_mode):o}): "
                f"a student's kernel could use it; make it its owner's alone (chmod 600)")
    return ""


def _scheme(address):
    """The scheme dask connects to `address` with (an address without one: dask's
    distributed.comm.default-scheme)."""
    from distributed.comm.addressing import parse_address
    return parse_address(address)[0]


def client_security(ca_file=None, cert=None, key=None):
    """The distributed.Security of grade's client: the files given (paths, or None), the
    others from dask's config (distributed.comm.tls.*), as `dask scheduler` and `dask worker`
    read theirs."""
    from distributed import Security
    given = {"tls_ca_file": ca_file, "tls_client_cert": cert, "tls_client_key": key}
    return Security(require_encryption=True, **{name: value for name, value in given.items() if value})


def cluster_security(address, security=None, unauthenticated=False):
    """The distributed.Security a client of the scheduler at `address` connects with: the
    given one, else dask's config (distributed.comm.tls.ca-file, .client.cert, .client.key).
    Raises Unsecured unless the address is TLS and the client has the cluster's CA, a
    certificate and a key that is its owner's alone; with unauthenticated, a plain
    scheduler is accepted (and None returned for it)."""
    scheme = _scheme(address)
    if scheme not in SECURED:
        if unauthenticated:
            return None
        raise Unsecured(
            f"refusing to grade on {address}: a {scheme}:// scheduler lets anyone who reaches it (a student's kernel "
            f"too) run code on the workers, as their user. Secure the cluster with TLS (tls://, certificates: "
            f"README \"Grading on a cluster\"), or pass --accept-unauthenticated-cluster to run it anyway.")
    security = security if security is not None else client_security()
    missing = [name for name, value in (("a CA certificate (--tls-ca-file, distributed.comm.tls.ca-file)",
                                         security.tls_ca_file),
                                        ("a client certificate (--tls-cert, distributed.comm.tls.client.cert)",
                                         security.tls_client_cert)) if not value]
    if missing:
        raise Unsecured(f"refusing to grade on {address}: the TLS scheduler needs " + " and ".join(missing))
    problem = key_problem(security.tls_client_key or security.tls_client_cert)
    if problem:
        raise Unsecured(f"refusing to grade on {address}: {problem}")
    security.require_encryption = True
    return security


def _worker_problem(unauthenticated):
    """Why this dask worker must not grade (it listens, or reaches its scheduler, without
    authentication; its key can be read by others), or ""."""
    from distributed import get_worker
    try:
        worker = get_worker()
    except ValueError:               # not on a dask worker (called directly)
        return ""
    if not unauthenticated:
        for role, address in (("listens on", worker.address), ("reaches its scheduler at", worker.scheduler.address)):
            if _scheme(address) not in SECURED:
                return (f"it {role} {address}, where anyone who reaches it can run code on it; "
                        f"start it with TLS (dask worker tls://... --tls-ca-file --tls-cert --tls-key)")
    problem = key_problem(worker.security.tls_worker_key or worker.security.tls_worker_cert)
    return problem and f"{problem} (dask worker --tls-key)"


def grade_task(task):
    """Runs on a dask worker: the verdict (as a dict) of one submission, graded in this
    worker's clean room by a grading process of its own."""
    limits = task["limits"]
    with tempfile.TemporaryDirectory(prefix="cluster-task-") as tmp:
        course = pathlib.Path(tmp) / "course"
        source = course / "source" / task["assignment"] / task["notebook_name"]
        source.parent.mkdir(parents=True)
        source.write_text(task["source"])
        submitted = course / "submitted" / task["student"] / task["assignment"]
        for relative, data in task["files"].items():
            (submitted / relative).parent.mkdir(parents=True, exist_ok=True)
            (submitted / relative).write_bytes(data)
        try:
            problem = _worker_problem(task.get("unauthenticated", False))
            if problem:
                raise Unprotected(problem)
            room = _room(limits, task["accept_risk"])
        except Unprotected as error:
            return ungradable(task["student"], task["assignment"], source.stem,
                              f"the cluster's worker cannot grade safely: {error}", task["seed"]).as_dict()
        with _LOCK:
            _still_open(room)
            worker = start_worker({"course_root": str(course), "assignment": task["assignment"],
                                   "limits": dataclasses.asdict(limits), "data_dir": kernel_data_dir(),
                                   "room": room.as_job()})
            _GRADING.add(worker)
        try:
            result = grade_in_worker(worker, {"student": task["student"], "submission": None, "seed": task["seed"]},
                                     worker_timeout(limits))
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
            _GRADING.discard(worker)
        with _LOCK:
            _still_open(room)              # else its grading process was ended by the worker's closing, not the work
        if isinstance(result, Verdict):
            return result.as_dict()
        return ungradable(task["student"], task["assignment"], source.stem, result, task["seed"]).as_dict()


def grade_class_on_cluster(scheduler, course_root, assignment, students, limits, seed, accept_risk=False,
                           progress=True, security=None, unauthenticated=False):
    """Verdicts (a list sorted by student) of the students' submissions of one assignment,
    graded on the dask cluster whose scheduler is at `scheduler` (a tls:// address, or a
    distributed Client connected to one). security: the distributed.Security to connect
    with (default: dask's config). Raises Unsecured for a cluster not secured with TLS,
    unless unauthenticated (the instructor accepts that anyone reaching it runs code there)."""
    from distributed import Client, as_completed
    from tqdm.auto import tqdm
    given = isinstance(scheduler, Client)
    if given:
        cluster_security(scheduler.scheduler.address, scheduler.security, unauthenticated)
    else:
        security = cluster_security(scheduler, security, unauthenticated)
    source = notebook_path(course_root, assignment)
    client = scheduler if given else Client(scheduler, security=security)
    run = secrets.token_hex(4)
    verdicts, futures = [], {}
    try:
        client.register_plugin(CleanRooms(), name=PLUGIN)
        client.register_plugin(AbandonedRooms(), name=AbandonedRooms.name)
        for student in students:
            student_seed_ = student_seed(seed, student)
            try:      # what the grader would read locally: the notebook to grade and the other files
                name, raw, others, _ = read_submission(course_root, student, assignment, None, source.name, limits)
                files = {name: raw, **others}
            except (Refused, Unreadable) as error:
                verdicts.append(ungradable(student, assignment, source.stem, str(error), student_seed_))
                continue
            task = {"assignment": assignment, "student": student, "notebook_name": source.name,
                    "source": source.read_text(), "files": files, "limits": limits, "seed": student_seed_,
                    "accept_risk": accept_risk, "unauthenticated": unauthenticated}
            future = client.submit(grade_task, task, key=f"grade-{assignment}-{student}-{run}", retries=RETRIES,
                                   pure=False)
            futures[future] = student
        bar = tqdm(as_completed(futures), total=len(futures), unit="student", disable=not progress,
                   desc=f"grading {assignment} on {client.scheduler.address}")
        for future in bar:
            student = futures[future]
            try:
                verdicts.append(Verdict.from_dict(future.result()))
            except Exception as error:            # the task failed on every worker it was given to
                verdicts.append(ungradable(student, assignment, source.stem,
                                           f"the cluster could not grade it ({type(error).__name__}: {error})",
                                           student_seed(seed, student)))
    finally:
        for future in futures:
            future.cancel()
        if not given:
            client.close()
    return sorted(verdicts, key=lambda v: v.student)
