"""How the grader and the harness inside a sandbox talk: the one owner of the names both use.

The grader writes into the kernel's read-only shared folder this package (as
SANDBOX_PACKAGE) and a font cache before the kernel starts, the submission's other files
before any student code runs, and for each check its cases' arguments and stand-in tables
(case_file, uses_file) in the check's folder. It runs warm_code when the kernel is up,
setup_code just before the student's cells, then one check_code per check; the outcomes
come back as frames on the results pipe (coursekit.wire), never as files the kernel wrote.
"""
import posixpath

SANDBOX_PACKAGE = "_grader_sandbox"   # this package, as the kernel imports it from the shared folder
HARNESS = "_grader_harness_"          # the kernel's name for the harness, bound before student code runs
SUBMISSION = "submission"             # the submission's other files (copied into the working folder)
FONT_CACHE = "mplcache"               # matplotlib's font cache (copied into the kernel's MPLCONFIGDIR)


def cases_folder(check_name):
    """A check's folder, relative to the shared folder."""
    return posixpath.join("cases", check_name)


def case_file(index):
    """The name of case `index`'s arguments in a check's folder."""
    return f"case-{index}.bin"


def uses_file(index):
    """The name of case `index`'s stand-in tables, when it has any."""
    return f"uses-{index}.bin"


def warm_code(shared, modules):
    """The kernel's first cell, run before the submission is known: bind the harness to
    HARNESS, take the package off the path (student code cannot import it by name), copy the
    font cache and import the course's modules (harness.warm)."""
    return (f"import sys\nsys.path.insert(0, {shared!r})\n"
            f"import {SANDBOX_PACKAGE}.harness as {HARNESS}\n"
            f"sys.path.remove({shared!r})\n"
            f"{HARNESS}.warm({posixpath.join(shared, FONT_CACHE)!r}, {list(modules)!r})")


def setup_code(shared):
    """The cell just before the student's code: the submission's files, and grading's
    safeguards (harness.setup)."""
    return f"{HARNESS}.setup({posixpath.join(shared, SUBMISSION)!r})"


def check_code(shared, check_name, count, token, adapter, seconds):
    """The cell that runs one check's `count` cases (harness.run_cases), each within
    `seconds`, its outcomes tagged with token (bytes)."""
    folder = posixpath.join(shared, cases_folder(check_name))
    return (f"{HARNESS}.run_cases({check_name!r}, {folder!r}, {count}, {token.hex()!r}, {adapter!r}, "
            f"{seconds})")
