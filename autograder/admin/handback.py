"""What nbgrader's `release_feedback` needs beside each feedback page the grader wrote.

`grade` writes feedback/<student>/<assignment>/<notebook>.html; nbgrader's release_feedback
puts each page in the exchange under a name made from the submission's secret
(`submission_secret.txt`, which nbgrader's submit writes and collect brings into
submitted/), and logs its `timestamp.txt`: it fails without both beside the page. nbgrader's
own generate_feedback copies them from autograded/; here they come from the submission,
read as every file a student controls is read (cleanroom/files.py: no link followed, a FIFO
never waited for, bounded, strict UTF-8). A submission without them (not from the exchange)
gets none, and nbgrader's release_feedback skips nothing else for it.
"""
import os
import pathlib

from ..cleanroom.files import Missing, Refused, open_folder, read_submitted

HANDED_BACK = {"timestamp.txt": 1000, "submission_secret.txt": 1000}     # name: at most so many bytes


def copy_exchange_files(course_root, student, assignment):
    """Copy each of HANDED_BACK from submitted/<student>/<assignment>/ to
    feedback/<student>/<assignment>/; the names copied ([] when there is no such feedback)."""
    feedback = pathlib.Path(course_root) / "feedback" / student / assignment
    if not feedback.is_dir():
        return []
    try:
        fd = open_folder(pathlib.Path(course_root) / "submitted", [student, assignment])
    except (Refused, OSError):
        return []
    copied = []
    try:
        for name, limit in HANDED_BACK.items():
            try:
                text = read_submitted(fd, name, limit, text=True, nonempty=True)
            except (Missing, Refused):
                continue            # nbgrader will say it is missing, if it is asked to release it
            (feedback / name).write_text(text, encoding="utf-8")
            copied.append(name)
    finally:
        os.close(fd)
    return copied
