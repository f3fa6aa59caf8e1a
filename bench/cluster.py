"""Grading on a dask cluster against grading locally, side by side in one run.

    python bench/cluster.py [--students 12] [--assignment 02-pooling]

Builds one class (the model solution and the demo's buggy students, in turn) and grades it
three times with one seed: locally with 1 and with 2 workers (`grade --workers N`), and on a
dask cluster of 2 worker processes on 127.0.0.1 (dask's LocalCluster: a real scheduler and
worker processes, secured with TLS as `grade --scheduler` requires, by a certificate of
distributed.Security.temporary()). Prints the wall times, their ratio to one local
worker, and whether all three gave every student the same points.
"""
import argparse
import pathlib
import tempfile
import time

from distributed import LocalCluster, Security

from autograder.admin.classroom import grade_class
from autograder.admin.cluster import grade_class_on_cluster
from autograder.admin.course import kernel_data_dir
from autograder.limits import Limits
from grading import build

SEED = 11


def timed(grade):
    start = time.perf_counter()
    verdicts = grade()
    return time.perf_counter() - start, {v.student: (v.status, v.score) for v in verdicts}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--assignment", default="02-pooling")
    args = parser.parse_args()
    limits = Limits()
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp) / "course"
        build(root, [args.assignment], args.students)
        students = sorted(p.name for p in (root / "submitted").iterdir())
        runs = {}
        for workers in (1, 2):
            runs[f"local, {workers} worker{'s' * (workers > 1)}"] = timed(lambda: grade_class(
                root, args.assignment, workers, limits, kernel_data_dir(), progress=False, seed=SEED))
        security = Security.temporary()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", protocol="tls://",
                          security=security, dashboard_address=None) as cluster:
            runs["dask cluster, 2 workers"] = timed(lambda: grade_class_on_cluster(
                cluster.scheduler_address, root, args.assignment, students, limits, SEED, progress=False,
                security=security))
    base = runs["local, 1 worker"][0]
    print(f"{args.students} students of {args.assignment}, one seed\n")
    print(f"{'grading':<26} {'wall s':>8} {'s/student':>10} {'vs 1 local':>11}")
    for name, (seconds, _) in runs.items():
        print(f"{name:<26} {seconds:>8.1f} {seconds / args.students:>10.2f} {base / seconds:>10.2f}x")
    same = len({tuple(sorted(points.items())) for _, points in runs.values()}) == 1
    print(f"\nevery student's points the same in all three: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
