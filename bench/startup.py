"""What every graded submission pays besides its own cells: the CPU of a fresh grading worker
and of a fresh kernel with the course's imports, which no warm pool can save on busy cores,
and the grader's references for the student's cases.

    python bench/startup.py [--repeat 5]

Each interpreter line is a fresh interpreter (`python -c "import ..."`, the kernel's
environment: matplotlib's font cache built beforehand, as the runner gives it) measured by
its own CPU time (user + system), the median of `repeat` runs. The floor of
bench/grading.py has these imports done before its clock starts; the runner pays them once
per submission. The references are each notebook's cases drawn from one seed, the
reference's answers and the stand-ins' tables, computed here as the grader does for each
student (their inputs are their own).
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from autograder.admin.course import DEFAULT_ROOT, assignments, notebook_path
from autograder.checks import NOTEBOOKS
from autograder.cleanroom.submission import course_imports

WORKER = ["autograder.cleanroom.runner", "jupyter_client"]         # a grading worker, before its kernel
KERNEL = ["ipykernel.kernelapp"]                                  # the kernel itself, before any cell


def cpu_seconds(modules, env):
    """CPU seconds of a fresh interpreter that imports modules."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "import " + ", ".join(modules)], env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def references_seconds(checks, seed=12345):
    """CPU seconds to draw a notebook's cases from one seed, with the reference's answers and
    the stand-ins' tables: what a fresh worker computes for its one student."""
    start = time.process_time()
    for check in checks:
        for case in check.cases(seed):
            check.expected(case)
            check.stand_ins(case)
    return time.process_time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    course = sorted({m for a in assignments() for m in course_imports(json.loads(
        notebook_path(DEFAULT_ROOT, a).read_text()))})
    with tempfile.TemporaryDirectory() as fonts:
        env = dict(os.environ, MPLBACKEND="Agg", MPLCONFIGDIR=fonts, OPENBLAS_NUM_THREADS="1")
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True)
        rows = [("python alone", []), ("grading worker", WORKER), ("kernel", KERNEL),
                ("kernel + the course's imports", KERNEL + course)]
        seconds = {name: statistics.median(cpu_seconds(modules or ["sys"], env) for _ in range(args.repeat))
                   for name, modules in rows}
    print(f"course imports: {', '.join(course)}\n")
    print(f"{'fresh interpreter':<32} {'CPU s':>6}")
    for name, value in seconds.items():
        print(f"{name:<32} {value:6.2f}")
    total = seconds["grading worker"] + seconds["kernel + the course's imports"]
    print(f"\nper submission, before its first cell: {total:.2f} s of CPU "
          f"({total / len(os.sched_getaffinity(0)):.2f} s of wall clock on {len(os.sched_getaffinity(0))} busy cores)")
    print(f"\n{'references of one student':<32} {'CPU s':>6}")
    for assignment, checks in NOTEBOOKS.items():
        print(f"{assignment:<32} {references_seconds(checks):6.3f}")


if __name__ == "__main__":
    main()
