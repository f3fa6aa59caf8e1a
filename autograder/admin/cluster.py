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
"""
import atexit
import dataclasses
import pathlib
import secrets
import tempfile

from ..cleanroom.files import Refused
from ..cleanroom.runner import CleanRoom, Unprotected, read_submission, student_seed, ungradable
from ..cleanroom.submission import Unreadable
from ..verdict import Verdict
from .classroom import grade_in_worker, start_worker, worker_timeout
from .course import kernel_data_dir, notebook_path

RETRIES = 3          # a task whose dask worker died is run again, by another worker, this often


_ROOMS = {}           # this dask worker's clean room, by its limits and risk (opened once)


def _room(limits, accept_risk):
    key = (limits, accept_risk)
    if key not in _ROOMS:
        room = _ROOMS[key] = CleanRoom(limits, accept_risk=accept_risk, quiet=True).__enter__()
        atexit.register(room.__exit__)
    return _ROOMS[key]


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
            room = _room(limits, task["accept_risk"])
        except Unprotected as error:
            return ungradable(task["student"], task["assignment"], source.stem,
                              f"the cluster's worker cannot grade safely: {error}", task["seed"]).as_dict()
        worker = start_worker({"course_root": str(course), "assignment": task["assignment"],
                               "limits": dataclasses.asdict(limits), "data_dir": kernel_data_dir(),
                               "room": room.as_job()})
        try:
            result = grade_in_worker(worker, {"student": task["student"], "submission": None, "seed": task["seed"]},
                                     worker_timeout(limits))
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
        if isinstance(result, Verdict):
            return result.as_dict()
        return ungradable(task["student"], task["assignment"], source.stem, result, task["seed"]).as_dict()


def grade_class_on_cluster(scheduler, course_root, assignment, students, limits, seed, accept_risk=False,
                           progress=True):
    """Verdicts of the students' submissions of one assignment, graded on the dask cluster
    whose scheduler is at `scheduler` (an address, or a distributed Client)."""
    from distributed import Client, as_completed
    from tqdm.auto import tqdm
    source = notebook_path(course_root, assignment)
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    run = secrets.token_hex(4)
    verdicts, futures = [], {}
    try:
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
                    "accept_risk": accept_risk}
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
        if client is not scheduler:
            client.close()
    return sorted(verdicts, key=lambda v: v.student)
