"""Prove the grader: play every answer of the bank, grade the hostile class, print the score.

    python -m autograder.proof [--only NAME ...] [--bank-only] [--verbose] [--seed N]

The bank (autograder/proof/bank) is played in this process, a notebook at a time
(answers.py, play.py); the hostile class (hostile.py) goes through the real runner:
sandboxed kernels, two workers.

Prints the mutation score (bugs caught with a hint naming their cause and no points lost
elsewhere, out of all bugs), the false rejections (correct answers below full marks), the
hostile submissions handled as expected and the sandbox leaks (files the hostile class
wrote outside the sandbox, course files it changed, run folders or control groups left
behind). Exit 0 only when all four are perfect.
"""
import argparse
import os
import signal
import sys
import time

from coursekit.data import DataError

from .answers import load
from .hostile import ASSIGNMENT, prove_hostile
from .play import ASSIGNMENT_OF, play


def prove_bank(only=(), verbose=False, seed=0):
    """Play the bank with the hidden cases of `seed`; print one line per answer that fails
    (every line with verbose).
    Answers of a notebook that needs the MNIST files are skipped, and said so, where the
    files are missing (on CI, CI=true, that is an error). Returns (bugs caught, bugs,
    false rejections, correct answers)."""
    answers = [a for a in load() if not only or a.name in only]
    caught = bugs = rejected = correct = 0
    skipped = {}
    for answer in answers:
        if answer.notebook in skipped:
            skipped[answer.notebook][1] += 1
            continue
        try:
            result = play(answer, seed)
        except DataError as error:
            if os.environ.get("CI"):
                raise
            skipped[answer.notebook] = [error, 1]
            continue
        ok = not result.problem
        if answer.correct:
            correct += 1
            rejected += not ok
        else:
            bugs += 1
            caught += ok
        if verbose or not ok:
            kind = "correct" if answer.correct else "bug"
            print(f"  {'ok  ' if ok else 'FAIL'} {answer.name:<22} {kind:<7} {answer.what}"
                  + (f"\n         {result.problem}" if not ok else ""))
    for notebook, (error, count) in skipped.items():
        print(f"  SKIPPED {count} answers of {ASSIGNMENT_OF[notebook]}: {error}")
    return caught, bugs, rejected, correct


def _reason(verdict):
    """The first thing the student is told: why it is ungradable, or the first note."""
    if not verdict.graded:
        return f"{verdict.status}: {verdict.reason}"
    return verdict.notes[0][:90] if verdict.notes else ""


def main(argv=None):
    # A stopped proof (kill) unwinds, so the hostile class's sandboxes are removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    parser = argparse.ArgumentParser(prog="python -m autograder.proof", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", default=(), metavar="NAME", help="graded functions to play")
    parser.add_argument("--bank-only", action="store_true", help="skip the hostile class")
    parser.add_argument("--verbose", action="store_true", help="a line for every answer")
    parser.add_argument("--seed", type=int, default=0, help="the seed of the bank's hidden cases (default 0)")
    args = parser.parse_args(argv)

    start = time.monotonic()
    print(f"Bank of answers (each played in its notebook, every exercise graded, seed {args.seed}):")
    caught, bugs, rejected, correct = prove_bank(set(args.only), args.verbose, args.seed)
    print(f"mutation score: {caught} / {bugs} bugs caught, each with a hint naming its cause "
          f"and no points lost elsewhere ({100 * caught / max(bugs, 1):.1f}%)")
    print(f"false rejections: {rejected} of {correct} correct answers below full marks")
    ok = caught == bugs and rejected == 0
    if not args.bank_only:
        print(f"\nHostile class ({ASSIGNMENT}, graded in the sandbox beside the model solution):")
        results, escapes = prove_hostile(progress=sys.stderr.isatty())
        for hostile, verdict, problem in results:
            if args.verbose or problem:
                print(f"  {'FAIL' if problem else 'ok  '} {hostile.student:<26} {verdict.score:g} / "
                      f"{verdict.max_score:g}  {_reason(verdict)}" + (f"\n         {problem}" if problem else ""))
        handled = sum(not problem for _, _, problem in results)
        print(f"hostile submissions: {handled} of {len(results)} handled as expected "
              f"(expected points and a reason that says why)")
        print(f"sandbox leaks: {', '.join(escapes) or 'none'} (files written outside the sandbox, course files changed, "
              f"run folders or control groups left behind)")
        ok = ok and handled == len(results) and not escapes
    print(f"({time.monotonic() - start:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
