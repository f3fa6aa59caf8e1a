"""Grading throughput: stock `nbgrader autograde`, `python -m autograder grade` and the floor, in one run.

    python bench/grading.py [--students 20] [--workers 2] [--assignments 01-convolution ...]

Builds one class (the model solution and the demo's buggy students, in turn) in two
copies of the course, grades one copy with nbgrader's own command (serial) and the
other with the course's runner (parallel, clean-room), and prints the wall times,
seconds per student for the whole course, the ratios, and whether both graders gave
every student the same points.

The floor is what the students' own code costs: each submission's cells, as the runner
would run them (cleanroom.submission.build_program), executed in a kernel started and
warmed beforehand (the course's imports done, as in the runner's warm kernels), timed
cell by cell, with no grading; `workers` kernels at a time, as the runner grades. Then `check` of each notebook's model
answer (the self-check, end to end) is timed against that notebook's floor.
"""
import argparse
import contextlib
import csv
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from autograder.admin.classbuilder import build_class
from autograder.admin.classroom import submissions
from autograder.admin.course import assignments as course_assignments, gradebook, notebook_path
from autograder.admin.demo import buggy
from autograder.cleanroom.runner import read_submission
from autograder.cleanroom.submission import build_program, course_imports, parse_notebook
from autograder.limits import Limits
from coursekit.data import HELD_OUT, export_data_dir

BIN = pathlib.Path(sys.executable).parent


def build(root, assignments, students):
    def submissions(root):
        for assignment in assignments:
            variants = [notebook_path(root, assignment).read_text(), *buggy(assignment).values()]
            for i in range(students):
                yield f"student-{i:02d}", assignment, variants[i % len(variants)]
    build_class(root, assignments, submissions)


def stock_scores(root, assignment):
    with gradebook(root) as book:
        return {(s.student.id): round(s.score, 4) for s in book.assignment_submissions(assignment)}


def our_scores(root, assignment):
    with open(root / "reports" / assignment / "grades.csv") as f:
        return {row["student_id"]: round(float(row["score_after_penalty"]), 4) for row in csv.DictReader(f)}


def imports_of(course_root, assignment):
    """The modules a warm kernel has imported for this assignment (submission.course_imports)."""
    return course_imports(json.loads(notebook_path(course_root, assignment).read_text()))


@contextlib.contextmanager
def warm_kernel(imports, threads):
    """A local kernel's client, the kernel started with the imports done (nothing bound in the
    student's namespace), in the environment the runner's kernels have: graded (the notebooks'
    smaller images), the held-out digits hidden, its share of BLAS threads."""
    from jupyter_client import KernelManager
    env = dict(os.environ, MPLBACKEND="Agg", NBGRADER_EXECUTION="autograde", OPENBLAS_NUM_THREADS=str(threads),
               OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), **{HELD_OUT: "hidden"})
    with tempfile.TemporaryDirectory(prefix="floor-kernel-") as sockets:
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel"))
        manager.start_kernel(env=env)
        client = manager.client()
        try:
            client.start_channels()
            client.wait_for_ready(timeout=60)
            client.execute_interactive(f"import importlib as _i\nfor _m in {imports!r}:\n    _i.import_module(_m)\n"
                                       "del _i, _m", timeout=120)
            yield client
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)


def cells_seconds(course_root, assignment, student, imports, threads):
    """Seconds the student's cells take in a warmed kernel, summed cell by cell."""
    limits = Limits()
    source = notebook_path(course_root, assignment)
    name, raw, _, _ = read_submission(course_root, student, assignment, None, source.name, limits, others=False)
    program = build_program(json.loads(source.read_text()), parse_notebook(raw, name, limits), limits)
    with warm_kernel(imports, threads) as client:
        total = 0.0
        for _, code in program.cells:
            start = time.perf_counter()
            client.execute_interactive(code, timeout=limits.cell_wall_seconds, store_history=False,
                                       output_hook=lambda msg: None)
            total += time.perf_counter() - start
        return total


def floor(course_root, assignment, students, workers, threads):
    """The floor of grading an assignment's class: its submissions' cells in warmed kernels,
    `workers` at a time. (seconds: the cells' time spread evenly over the workers,
    {student: seconds of its cells})."""
    imports = imports_of(course_root, assignment)
    with ThreadPoolExecutor(workers) as pool:
        seconds = dict(zip(students, pool.map(
            lambda student: cells_seconds(course_root, assignment, student, imports, threads), students)))
    # the kernels' start and warm-up are not the floor: the cells alone, spread over the workers
    return sum(seconds.values()) / workers, seconds


def cpu_times():
    """(all, idle) jiffies of this machine's cores since boot (/proc/stat)."""
    fields = list(map(int, pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]))
    return sum(fields), fields[3] + fields[4]


def timed(argv, **options):
    """(wall seconds, share of the machine's cores busy meanwhile) of a command that must
    succeed. (The kernels' CPU is not the command's own: their sandboxes reap them.)"""
    (total, idle), start = cpu_times(), time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, **options)
    wall, (total_after, idle_after) = time.perf_counter() - start, cpu_times()
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, 1 - (idle_after - idle) / max(total_after - total, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--assignments", nargs="*", default=None)
    args = parser.parse_args()
    chosen = args.assignments or course_assignments()
    cores = len(os.sched_getaffinity(0))
    export_data_dir()              # stock nbgrader runs in the course's folder, where ../shared/data is elsewhere
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    with tempfile.TemporaryDirectory() as tmp:
        stock_root, our_root = pathlib.Path(tmp) / "stock" / "course", pathlib.Path(tmp) / "ours" / "course"
        for root in (stock_root, our_root):
            build(root, chosen, args.students)
        print(f"{args.students} students x {len(chosen)} assignments; {args.workers} workers for ours and the "
              f"floor\n")
        print(f"{'assignment':<18} {'nbgrader s':>10} {'ours s':>8} {'floor s':>8} {'nbgrader/ours':>13} "
              f"{'ours/floor':>10} {'cores busy':>10}  scores agree")
        totals = [0.0, 0.0, 0.0]
        checks = []
        for assignment in chosen:
            stock, _ = timed([str(BIN / "nbgrader"), "autograde", assignment], cwd=stock_root, env=env)
            ours, busy = timed([sys.executable, "-m", "autograder", "--course", str(our_root), "grade", assignment,
                               "--workers", str(args.workers), "--quiet"], env=env)
            students = submissions(our_root, assignment)
            least, seconds = floor(our_root, assignment, students, args.workers, max(1, cores // args.workers))
            for total, value in zip(range(3), (stock, ours, least)):
                totals[total] += value
            a, b = stock_scores(stock_root, assignment), our_scores(our_root, assignment)
            differ = sorted(s for s in b if a.get(s) != b.get(s))
            print(f"{assignment:<18} {stock:10.1f} {ours:8.1f} {least:8.1f} {stock / ours:12.1f}x "
                  f"{ours / least:9.1f}x {busy:9.0%}  {len(b) - len(differ)} of {len(b)}"
                  + "".join(f"\n    {s}: nbgrader {a.get(s)}, ours {b[s]}" for s in differ), flush=True)
            checks.append(self_check(our_root, assignment, students[0], cores, env))
        per = [total / args.students for total in totals]
        print(f"\nwhole course: nbgrader {totals[0]:.0f} s ({per[0]:.1f} s per student), ours {totals[1]:.0f} s "
              f"({per[1]:.1f} s per student), floor {totals[2]:.0f} s ({per[2]:.1f} s per student): nbgrader/ours "
              f"{totals[0] / totals[1]:.1f}x, ours/floor {totals[1] / totals[2]:.1f}x")
        print(f"\n{'check (model answer)':<22} {'check s':>8} {'floor s':>8} {'check/floor':>11}")
        for assignment, seconds, least in checks:
            print(f"{assignment:<22} {seconds:8.1f} {least:8.1f} {seconds / least:10.1f}x")


def self_check(course_root, assignment, student, cores, env):
    """(assignment, seconds of `check` on the student's notebook end to end, its floor)."""
    notebook = course_root / "submitted" / student / assignment / notebook_path(course_root, assignment).name
    seconds, _ = timed([sys.executable, "-m", "autograder", "--course", str(course_root), "check", str(notebook)],
                       env=env)
    return assignment, seconds, cells_seconds(course_root, assignment, student, imports_of(course_root, assignment),
                                              cores)


if __name__ == "__main__":
    main()
