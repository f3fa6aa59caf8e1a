"""Grading throughput: stock `nbgrader autograde` against `python -m autograder grade`, in one run.

    python bench/grading.py [--students 20] [--workers 2] [--assignments 01-convolution ...]

Builds one class (the model solution and the demo's buggy students, in turn) in two
copies of the course, grades one copy with nbgrader's own command (serial) and the
other with the course's runner (parallel, clean-room), and prints the wall times,
seconds per student for the whole course, the ratio, and whether both graders gave
every student the same points.
"""
import argparse
import csv
import os
import pathlib
import subprocess
import sys
import tempfile
import time

from autograder.admin.classbuilder import build_class
from autograder.admin.course import assignments as course_assignments, gradebook, notebook_path
from autograder.admin.demo import buggy

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
        return {row["student_id"]: round(float(row["score"]), 4) for row in csv.DictReader(f)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--assignments", nargs="*", default=None)
    args = parser.parse_args()
    chosen = args.assignments or course_assignments()
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    with tempfile.TemporaryDirectory() as tmp:
        stock_root, our_root = pathlib.Path(tmp) / "stock" / "course", pathlib.Path(tmp) / "ours" / "course"
        for root in (stock_root, our_root):
            build(root, chosen, args.students)
        print(f"{args.students} students x {len(chosen)} assignments; {args.workers} workers for ours\n")
        print(f"{'assignment':<18} {'nbgrader s':>10} {'ours s':>8} {'ratio':>6}  scores agree")
        totals = [0.0, 0.0]
        for assignment in chosen:
            start = time.perf_counter()
            subprocess.run([str(BIN / "nbgrader"), "autograde", assignment], cwd=stock_root, env=env,
                           check=True, capture_output=True)
            stock = time.perf_counter() - start
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "autograder", "--course", str(our_root), "grade", assignment,
                            "--workers", str(args.workers), "--quiet"], env=env, capture_output=True)
            ours = time.perf_counter() - start
            totals[0] += stock
            totals[1] += ours
            a, b = stock_scores(stock_root, assignment), our_scores(our_root, assignment)
            agree = sum(a.get(s) == b.get(s) for s in b)
            print(f"{assignment:<18} {stock:10.1f} {ours:8.1f} {stock / ours:5.1f}x  {agree} of {len(b)}")
        per_stock, per_ours = totals[0] / args.students, totals[1] / args.students
        print(f"\nwhole course: nbgrader {totals[0]:.0f} s ({per_stock:.1f} s per student), "
              f"ours {totals[1]:.0f} s ({per_ours:.1f} s per student): {totals[0] / totals[1]:.1f}x")


if __name__ == "__main__":
    main()
