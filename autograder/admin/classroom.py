"""A whole class: find the submissions and grade them in parallel.

Each submission is graded in a worker process of its own (with its own sandboxed
kernel), so a runaway submission, or a worker that dies, costs its own time and
grade, never another's. review.py records the grades in nbgrader's gradebook.
"""
import collections
import contextlib
import dataclasses
import json
import os
import pathlib
import secrets
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

from ..checks import NOTEBOOKS
from .course import (assignments as course_assignments, gradebook as open_gradebook, notebook_path,
                     release_assignment)
from ..limits import Limits
from ..cleanroom.kernel import USER
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


def start_worker(run):
    """A grading worker process (runner.worker_main) given its run: it starts warming a
    kernel at once, and waits for its submission (grade_in_worker)."""
    # two malloc arenas: glibc's one per thread would count against the worker's address space
    worker = subprocess.Popen([sys.executable, "-m", "autograder.cleanroom.runner"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "MALLOC_ARENA_MAX": "2"})
    with contextlib.suppress(BrokenPipeError):        # a worker that died at once: grade_in_worker says so
        worker.stdin.write(json.dumps(run) + "\n")
        worker.stdin.flush()
    return worker


def grade_in_worker(worker, job, timeout):
    """The Verdict of one submission (job: student, submission, seed) graded by `worker`, a
    process of its own (start_worker), or why not: whatever happens to that process costs
    this submission alone."""
    try:
        stdout, stderr = worker.communicate(json.dumps(job), timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.communicate()
        return f"the grading worker did not finish within {timeout:.0f} s"
    if worker.returncode < 0:
        killed = _signal_name(worker.returncode)
        return f"the grading worker was killed ({killed}{': out of memory?' if killed == 'SIGKILL' else ''})"
    if worker.returncode != 0:
        return f"the grading worker failed ({' '.join(stderr.split()[-30:]) or 'no message'})"
    try:
        return Verdict.from_dict(json.loads(stdout))
    except (ValueError, TypeError, KeyError) as error:
        return f"the grading worker's verdict could not be read ({type(error).__name__})"


def worker_timeout(limits):
    """How long a worker may take over one submission before it is killed."""
    return limits.submission_seconds * 2 + 120


class WarmWorkers:
    """The warm clean rooms of a run: grading workers started ahead of need, `spares` of them
    warming (each its own kernel, the course's imports done) while the others grade, no more
    than the submissions left to grade. take() hands out the oldest; each worker grades one
    submission and exits, so nothing of one submission reaches another. close() ends every
    worker still running (a run stopped, or done)."""

    def __init__(self, run, submissions, spares):
        self.run, self.left, self.spares = run, submissions, spares
        self.waiting, self.started, self.closed = collections.deque(), [], False
        self.lock = threading.Lock()
        with self.lock:
            self._fill()

    def _fill(self):
        while len(self.waiting) < min(self.spares, self.left):
            self.waiting.append(self._start())

    def _start(self):
        worker = start_worker(self.run)
        self.started.append(worker)
        return worker

    def take(self):
        with self.lock:
            if self.closed:
                raise RuntimeError("the run was stopped")
            worker = self.waiting.popleft() if self.waiting else self._start()
            self.left -= 1
            self._fill()
            return worker

    def close(self):
        with self.lock:
            self.closed = True
            for worker in self.started:
                if worker.poll() is None:
                    worker.kill()
            for worker in self.waiting:         # never handed out: reaped here, the others by their graders
                worker.communicate()


def grade_class(course_root, assignment, workers=None, limits=None, data_dir=None, progress=True,
                students=None, accept_risk=False, seed=None):
    """Verdicts of every submission of one assignment, graded `workers` at a time in one
    CleanRoom (Unprotected when the machine cannot confine student code, unless
    accept_risk), with as many warm workers ready (WarmWorkers; none where kernels run one at
    a time as the kernel's user); each kernel gets an equal share of the cores as BLAS
    threads. seed: the run's seed, from which each student's hidden inputs follow (random
    when None)."""
    from tqdm.auto import tqdm
    cores = default_workers()
    workers = workers or cores
    limits = dataclasses.replace(limits or Limits(), threads=max(1, cores // workers))
    students = students if students is not None else submissions(course_root, assignment)
    seed = secrets.randbelow(2**31) if seed is None else seed
    notebook = notebook_path(course_root, assignment).stem
    verdicts = []
    with CleanRoom(limits, accept_risk=accept_risk, course_root=course_root) as room:
        run = {"course_root": str(course_root), "assignment": assignment, "limits": dataclasses.asdict(limits),
               "data_dir": data_dir, "room": room.as_job()}
        warm = WarmWorkers(run, len(students), spares=0 if room.confinement == USER else workers)
        pool = ThreadPoolExecutor(workers)
        try:
            futures = {}
            for student in students:
                job = {"student": student, "submission": None, "seed": student_seed(seed, student)}
                futures[pool.submit(lambda job: grade_in_worker(warm.take(), job, worker_timeout(limits)),
                                    job)] = job
            bar = tqdm(as_completed(futures), total=len(futures), desc=f"grading {assignment}",
                       unit="student", disable=not progress)
            for future in bar:
                job = futures[future]
                result = future.result()
                verdicts.append(result if isinstance(result, Verdict) else
                                ungradable(job["student"], assignment, notebook, result, job["seed"]))
                bar.set_postfix(student=job["student"], refresh=False)
        finally:                  # stopped (Ctrl-C, a signal) or done: no worker outlives the run
            pool.shutdown(wait=False, cancel_futures=True)
            warm.close()
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
