"""python -m autograder: release, grade a class, export the grades, or check one notebook.

    python -m autograder release ASSIGNMENT ... [--before-deadlines] | --self-study
    python -m autograder grade [ASSIGNMENT ...] [--workers N]
    python -m autograder export --format canvas|roster [--out FILE] [--assignment A ...]
    python -m autograder check NOTEBOOK
    python -m autograder gradescope ASSIGNMENT [--out autograder-ASSIGNMENT.zip]

Exit status: 0 when every submission got a verdict (check: full marks), 1 when any
could not be graded (check: points missing), 2 for a usage error or a machine that
cannot confine student code (see --accept-risk).
"""
import argparse
import os
import pathlib
import secrets
import signal
import sys

from .limits import Limits

from .admin.course import (DEFAULT_ROOT, answers_given, assignment_of, assignments, kernel_data_dir, nbgrader_api,
                           notebook_path, open_answers, release_assignment)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course", type=pathlib.Path, default=DEFAULT_ROOT,
                        help="the nbgrader course folder (default: the project's course/)")
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="build the student release with nbgrader, and a kit per assignment")
    release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="(default: every assignment)")
    release.add_argument("--before-deadlines", action="store_true",
                         help="release even a notebook that shows the answers of assignments whose due dates "
                              "(the gradebook's, with extensions) have not passed")
    release.add_argument("--self-study", action="store_true",
                         help="for a learner on their own: release every notebook, whatever the due dates, and "
                              "write self-study-kit.zip (which shows earlier answers) instead of a kit per assignment")

    grade = commands.add_parser("grade", help="grade every submission in submitted/<student>/<assignment>/")
    grade.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    grade.add_argument("--workers", type=int, default=None, help="submissions graded at once (default: cores)")
    grade.add_argument("--reports", type=pathlib.Path, default=None,
                       help="where reports/<assignment>/ go (default: <course>/reports)")
    grade.add_argument("--student", action="append", default=None, help="grade only this student (repeatable)")
    grade.add_argument("--cell-timeout", type=float, default=Limits.cell_seconds,
                       help=f"CPU seconds a cell may use before it is interrupted (default {Limits.cell_seconds:g}; "
                            f"{Limits.wall_factor:g} times that of wall clock)")
    grade.add_argument("--seed", type=int, default=None, metavar="N",
                       help="the run's seed of the hidden inputs (default: random; grades.csv records each "
                            "student's): the same seed grades the same inputs again")
    grade.add_argument("--accept-risk", action="store_true",
                       help="grade even where this machine cannot confine student code (no bubblewrap, no "
                            "cgroups, not root): student code may then read answers or harm the host")
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="grade on the dask.distributed cluster whose scheduler is at ADDRESS "
                            "(tls://host:8786, secured with the cluster's certificates); --workers is then the "
                            "cluster's")
    grade.add_argument("--tls-ca-file", default=None, metavar="FILE",
                       help="with --scheduler: the cluster's CA certificate (default: dask's config, "
                            "distributed.comm.tls.ca-file)")
    grade.add_argument("--tls-cert", default=None, metavar="FILE",
                       help="with --scheduler: this client's certificate (default: distributed.comm.tls.client.cert)")
    grade.add_argument("--tls-key", default=None, metavar="FILE",
                       help="with --scheduler: this client's private key, its owner's alone (default: "
                            "distributed.comm.tls.client.key, or the key appended to the certificate)")
    grade.add_argument("--accept-unauthenticated-cluster", action="store_true",
                       help="grade on a scheduler without TLS (tcp://): anyone who reaches it or its workers, a "
                            "student's kernel included, can then run code on the workers as their user")
    grade.add_argument("--quiet", action="store_true", help="no progress bars")

    export = commands.add_parser("export", help="write the gradebook's scores for Canvas's import, or a roster CSV")
    export.add_argument("--format", choices=("canvas", "roster"), required=True)
    export.add_argument("--out", type=pathlib.Path, default=None,
                        help="the CSV written (default: <course>/reports/<format>.csv)")
    export.add_argument("--assignment", action="append", default=[], help="only this assignment (repeatable)")
    export.add_argument("--student", action="append", default=[], help="only this student (repeatable)")

    zip_ = commands.add_parser("gradescope", help="write one assignment's Gradescope autograder zip")
    zip_.add_argument("assignment", metavar="ASSIGNMENT")
    zip_.add_argument("--out", type=pathlib.Path, default=None, help="(default: autograder-ASSIGNMENT.zip, here)")

    inside = commands.add_parser("gradescope-run", help="(inside Gradescope) grade one submission")
    inside.add_argument("submission", type=pathlib.Path)
    inside.add_argument("results", type=pathlib.Path)
    inside.add_argument("--accept-risk", action="store_true", help="grade even without a working sandbox")
    inside.add_argument("--assignment", default=None, help="(default: the bundle's one assignment)")

    check = commands.add_parser("check", help="grade one notebook against the hidden tests")
    check.add_argument("notebook", type=pathlib.Path)
    check.add_argument("--assignment", default=None, help="(default: found from the notebook's name)")
    return parser.parse_args(argv)


def cmd_release(args):
    from .admin.kit import write_kit
    known = assignments(args.course)
    chosen = args.assignments or known
    unknown = [a for a in chosen if a not in known]
    if unknown:
        print(f"no such assignment: {', '.join(unknown)} (the course has {', '.join(known)})", file=sys.stderr)
        return 2
    if not (args.self_study or args.before_deadlines):
        refused = {a: early for a in chosen if (early := open_answers(args.course, a))}
        for assignment, early in refused.items():
            given = answers_given(args.course, assignment)
            print(f"refusing to release {assignment}: it shows the answers of " + "; ".join(
                f"{other} ({', '.join(given[other])}), " + (f"due {due:%Y-%m-%d %H:%M:%S} UTC" if due else
                                                            "which has no due date in the gradebook")
                for other, due in early.items()) + ". Release it once those due dates have passed "
                "(nbgrader db assignment add NAME --duedate=...), or pass --before-deadlines", file=sys.stderr)
        if refused:
            return 1
    api = nbgrader_api(args.course)
    for assignment in chosen:
        try:
            release_assignment(args.course, assignment, api)
        except RuntimeError as error:         # nbgrader's log says why
            print(error, file=sys.stderr)
            return 1
        print(f"{assignment}: released to {args.course / 'release' / assignment}")
        if not args.self_study:
            shown = answers_given(args.course, assignment)
            print(f"{assignment}: kit for the class {write_kit(args.course, assignment)}" + (
                f" (shows the answers of {', '.join(shown)}: --before-deadlines)" if shown else ""))
    if args.self_study:
        print(f"self-study kit (every notebook; later ones show earlier answers): {write_kit(args.course)}")
    return 0


def cmd_grade(args):
    from .admin.classroom import assignments_to_grade, ensure_released, grade_class, submissions
    from .admin import review
    from .admin.handback import copy_exchange_files
    from .admin.similarity import compare_class, review_flags, write_similarity
    from .checks import NOTEBOOKS
    from .reports import write_reports
    from .reports.verdicts import merge_verdicts
    from .cleanroom.runner import Unprotected
    if (args.workers is not None and args.workers < 1) or args.cell_timeout <= 0:
        print("--workers must be at least 1 and --cell-timeout positive", file=sys.stderr)
        return 2
    try:
        chosen = assignments_to_grade(args.course, args.assignments)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    security = None
    if args.scheduler:
        from .admin.cluster import Unsecured, cluster_security, client_security
        try:
            security = cluster_security(args.scheduler, client_security(args.tls_ca_file, args.tls_cert, args.tls_key),
                                        args.accept_unauthenticated_cluster)
        except Unsecured as error:
            print(error, file=sys.stderr)
            return 2
    reports_root = args.reports or args.course / "reports"
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    failed = []
    for assignment in chosen:
        students = args.student or submissions(args.course, assignment)
        if not students:
            print(f"{assignment}: no submissions in {args.course / 'submitted'}")
            continue
        ensure_released(args.course, assignment)
        limits = Limits(cell_seconds=args.cell_timeout)
        try:
            if args.scheduler:
                from .admin.cluster import grade_class_on_cluster
                verdicts = grade_class_on_cluster(args.scheduler, args.course, assignment, students, limits, seed,
                                                  args.accept_risk, progress=not args.quiet, security=security,
                                                  unauthenticated=args.accept_unauthenticated_cluster)
            else:
                verdicts = grade_class(args.course, assignment, args.workers, limits, kernel_data_dir(),
                                       progress=not args.quiet, students=students, accept_risk=args.accept_risk,
                                       seed=seed)
        except Unprotected as error:
            print(error, file=sys.stderr)
            return 2
        # every view is of the whole class as last graded: these verdicts replace their
        # students' earlier ones, and a student whose submission is gone is dropped
        graded = verdicts
        verdicts = merge_verdicts(reports_root / assignment, graded, submissions(args.course, assignment))
        similar = compare_class(args.course, assignment, limits=limits)     # a copy takes two
        flags = review_flags(similar)
        verdicts = review.record(args.course, verdicts, flags)
        review.write_autograded(args.course, assignment, verdicts, limits, flags)
        names = [check.name for check in NOTEBOOKS[assignment]]
        table = write_reports(assignment, verdicts, names, args.course, reports_root)
        for verdict in graded:          # so that nbgrader's release_feedback can hand the pages back
            copy_exchange_files(args.course, verdict.student, assignment)
        table += "\n" + write_similarity(similar, reports_root)
        print(f"\n{assignment}: {len(graded)} submissions graded, {len(verdicts)} in the class; reports in "
              f"{reports_root / assignment}\n{table}")
        print(f"hidden inputs drawn from --seed {seed} (the same seed grades the same inputs again)")
        failed += [v for v in graded if not v.graded]
    for verdict in failed:
        print(f"could not grade {verdict.student}/{verdict.assignment}: {verdict.reason}", file=sys.stderr)
    return 1 if failed else 0


def cmd_check(args):
    from .reports.text import exercise_lines, points_text
    from .limits import SELF_CHECK
    from .cleanroom.runner import grade_submission
    notebook = args.notebook
    if not notebook.is_file():
        print(f"{notebook}: no such notebook", file=sys.stderr)
        return 2
    assignment = args.assignment or assignment_of(args.course, notebook.name)
    if assignment is None:
        names = ", ".join(notebook_path(args.course, a).name for a in assignments(args.course))
        print(f"{notebook.name} is not one of the course's notebooks ({names}); "
              f"name it, or pass --assignment", file=sys.stderr)
        return 2
    print(f"Checking {notebook} against the hidden tests of {assignment}: running its cells, then each "
          f"exercise ...", flush=True)

    def show(exercise, reason=""):
        mark = "full marks" if exercise.passed else "points missing"
        print(f"\n{exercise.name}: {points_text(exercise.points)} / {points_text(exercise.max_points)} ({mark})")
        print("\n".join(exercise_lines(exercise, reason)), flush=True)
    verdict = grade_submission(args.course, assignment, os.environ.get("USER", "me"), notebook, SELF_CHECK,
                               kernel_data_dir(), progress=show)
    if not verdict.graded:
        for exercise in verdict.exercises:
            show(exercise, verdict.reason)
    if verdict.notes:
        print("\nnotes (cells are counted from the top of the notebook, text cells included):")
    for note in verdict.notes:
        print(f"  {note}")
    print(f"\n{verdict.status}: {points_text(verdict.score)} / {points_text(verdict.max_score)} points"
          + (f" ({verdict.reason})" if verdict.reason else ""))
    return 0 if verdict.graded and verdict.score == verdict.max_score else 1


def cmd_export(args):
    from .admin.export import export
    try:
        path = export(args.course, args.format, args.out, args.assignment, args.student)
    except ValueError as error:          # an assignment or student the gradebook lacks
        print(error, file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


def cmd_gradescope(args):
    from .admin.gradescope import bundle_name, make_zip
    try:
        path = make_zip(args.out or pathlib.Path(bundle_name(args.assignment)), args.assignment, args.course)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"wrote {path}: upload it as the autograder of the Gradescope assignment {args.assignment}")
    return 0


def cmd_gradescope_run(args):
    from .admin.gradescope import grade_in_container
    from .cleanroom.runner import Unprotected
    try:
        verdict = grade_in_container(args.submission, args.results, args.course, args.accept_risk, args.assignment)
    except Unprotected as error:      # the student's results.json says only that grading could not run
        print(f"autograder error: {error}", file=sys.stderr)
        return 1
    print(f"{verdict.status}: {verdict.score:g} / {verdict.max_score:g}")
    return 0


def main(argv=None):
    # A stopped run (kill, a scheduler's time limit) unwinds, so its sandboxes are removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else 2
    if not args.course.is_dir() or not (args.course / "source").is_dir():
        print(f"{args.course} is not an nbgrader course folder (no source/ inside)", file=sys.stderr)
        return 2
    args.course = args.course.resolve()
    commands = {"release": cmd_release, "grade": cmd_grade, "export": cmd_export, "check": cmd_check,
                "gradescope": cmd_gradescope, "gradescope-run": cmd_gradescope_run}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
