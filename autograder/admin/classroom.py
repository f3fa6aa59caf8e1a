"""A whole class: find the submissions and grade them in parallel.

Each submission is graded in a worker process of its own (with its own sandboxed
kernel), so a runaway submission, or a worker that dies, costs its own time and
grade, never another's. review.py records the grades in nbgrader's gradebook.
"""
import dataclasses
import json
import os
import pathlib
import secrets
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed

from ..checks import NOTEBOOKS
from .course import (assignments as course_assignments, gradebook as open_gradebook, notebook_path,
                     release_assignment)
from ..limits import Limits
from ..cleanroom.runner import CleanRoom, student_seed, ungradable
from ..verdict import Verdict


def submissions(course_root, assignment):
    """Student ids with a folder submitted/<student>/<assignment>, sorted."""
    submitted = pathlib.Path(course_root) / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir())


def default_workers():
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def _signal_name(returncode):
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def grade_in_worker(job, running):
    """One submission graded by a worker process of its own (runner.worker_main): whatever
    happens to that process costs this submission alone. running: the set of worker
    processes under way (grade_class stops them if it is stopped)."""
    timeout = job["limits"]["submission_seconds"] * 2 + 120
    worker = subprocess.Popen([sys.executable, "-m", "autograder.cleanroom.runner"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    running.add(worker)
    try:
        stdout, stderr = worker.communicate(json.dumps(job), timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.communicate()
        return f"the grading worker did not finish within {timeout:.0f} s"
    finally:
        running.discard(worker)
    if worker.returncode < 0:
        killed = _signal_name(worker.returncode)
        return f"the grading worker was killed ({killed}{': out of memory?' if killed == 'SIGKILL' else ''})"
    if worker.returncode != 0:
        return f"the grading worker failed ({' '.join(stderr.split()[-30:]) or 'no message'})"
    try:
        return Verdict.from_dict(json.loads(stdout))
    except (ValueError, TypeError, KeyError) as error:
        return f"the grading worker's verdict could not be read ({type(error).__name__})"


def grade_class(course_root, assignment, workers=None, limits=None, data_dir=None, progress=True,
                students=None, accept_risk=False, seed=None):
    """Verdicts of every submission of one assignment, graded `workers` at a time in one
    CleanRoom (Unprotected when the machine cannot confine student code, unless
    accept_risk); each kernel gets an equal share of the cores as BLAS threads. seed: the
    run's seed, from which each student's hidden inputs follow (random when None)."""
    from tqdm.auto import tqdm
    cores = default_workers()
    workers = workers or cores
    limits = dataclasses.replace(limits or Limits(), threads=max(1, cores // workers))
    students = students if students is not None else submissions(course_root, assignment)
    seed = secrets.randbelow(2**31) if seed is None else seed
    notebook = notebook_path(course_root, assignment).stem
    verdicts, running = [], set()
    with CleanRoom(limits, accept_risk=accept_risk, course_root=course_root) as room:
        pool = ThreadPoolExecutor(workers)
        try:
            futures = {}
            for student in students:
                job = {"course_root": str(course_root), "assignment": assignment, "student": student,
                       "submission": None, "limits": dataclasses.asdict(limits), "data_dir": data_dir,
                       "room": room.as_job(), "seed": student_seed(seed, student)}
                futures[pool.submit(grade_in_worker, job, running)] = job
            bar = tqdm(as_completed(futures), total=len(futures), desc=f"grading {assignment}",
                       unit="student", disable=not progress)
            for future in bar:
                job = futures[future]
                result = future.result()
                verdicts.append(result if isinstance(result, Verdict) else
                                ungradable(job["student"], assignment, notebook, result, job["seed"]))
                bar.set_postfix(student=job["student"], refresh=False)
        finally:                  # stopped (Ctrl-C, a signal): no worker outlives the run
            pool.shutdown(wait=False, cancel_futures=True)
            for worker in list(running):
                worker.kill()
            pool.shutdown(wait=True)
    return sorted(verdicts, key=lambda v: v.student)


def ensure_released(course_root, assignment):
    """The assignment must be in nbgrader's gradebook (generate_assignment puts it there)."""
    from nbgrader.api import MissingEntry
    with open_gradebook(course_root) as gradebook:
        try:
            gradebook.find_assignment(assignment)
            return
        except MissingEntry:
            pass
    release_assignment(course_root, assignment)


def assignments_to_grade(course_root, requested):
    """The requested assignments (all of the course's when none), checked to exist."""
    known = course_assignments(course_root)
    unknown = [a for a in requested if a not in known]
    if unknown:
        raise ValueError(f"unknown assignment(s) {', '.join(unknown)}; the course has {', '.join(known)}")
    return list(requested) or [a for a in known if a in NOTEBOOKS]
