"""Deadlines as nbgrader keeps them, and the course's late-penalty policy.

The due date is the gradebook's (`nbgrader db assignment add ID --duedate=...`, with any
extension nbgrader grants a student); the submission time is the `timestamp.txt` nbgrader's
exchange writes beside a submission (`collect`), parsed as nbgrader parses it. A submission
without one is on time. The penalty is nbgrader's: AssignLatePenalties.plugin_class, set in
nbgrader_config.py, here usually LatePenalty, which adds deductions per started hour or day
with a cap to nbgrader's "none" and "zero":

    c.AssignLatePenalties.plugin_class = "autograder.admin.late.LatePenalty"
    c.LatePenalty.penalty_method = "per_day"     # none | zero | per_hour | per_day
    c.LatePenalty.points_per_period = 1.0
    c.LatePenalty.max_penalty = 3.0              # points at most (None: up to the score)

Stock `nbgrader autograde` applies the same plugin with the same configuration.
"""
import math
import os
import pathlib

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float

from ..cleanroom.files import Refused, open_folder, read_file

TIMESTAMP = "timestamp.txt"          # nbgrader's name for it
TIMESTAMP_BYTES = 1000
PERIOD_SECONDS = {"per_hour": 3600, "per_day": 86400}


class LatePenalty(LateSubmissionPlugin):
    """nbgrader's late-submission plugin with deductions per started period and a cap."""

    penalty_method = Enum(("none", "zero", *PERIOD_SECONDS), default_value="none",
                          help="none: no penalty; zero: the score becomes 0; per_hour, per_day: "
                               "points_per_period for every started hour or day late, at most max_penalty"
                          ).tag(config=True)
    points_per_period = Float(0.0, help="points taken per started period late").tag(config=True)
    max_penalty = Float(None, allow_none=True, help="the most points taken (None: the whole score)"
                        ).tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        """Points taken from score for a submission total_seconds_late after its due date."""
        if self.penalty_method not in PERIOD_SECONDS:
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        periods = math.ceil(total_seconds_late / PERIOD_SECONDS[self.penalty_method])
        penalty = periods * self.points_per_period
        return penalty if self.max_penalty is None else min(penalty, self.max_penalty)


def penalty_plugin(config):
    """The late-penalty plugin the course's configuration names (nbgrader's AssignLatePenalties)."""
    from nbgrader.preprocessors import AssignLatePenalties
    preprocessor = AssignLatePenalties(config=config)
    preprocessor.init_plugin()
    return preprocessor.plugin_inst


def penalty(plugin, student, score, seconds_late):
    """The points a late submission loses, as nbgrader settles them: none when on time,
    never below 0 nor above the score."""
    if seconds_late <= 0:
        return 0.0
    taken = plugin.late_submission_penalty(student, score, seconds_late)
    return 0.0 if taken is None else min(max(float(taken), 0.0), score)


def submitted_at(course_root, student, assignment):
    """(UTC datetime or None, note): the time nbgrader recorded for a submission, read without
    following a link; None (on time) when there is none, with a note when it was unreadable."""
    from nbgrader.utils import parse_utc
    try:
        fd = open_folder(pathlib.Path(course_root) / "submitted", [student, assignment])
    except Refused:
        return None, ""
    try:
        os.stat(TIMESTAMP, dir_fd=fd, follow_symlinks=False)
        text = read_file(fd, TIMESTAMP, TIMESTAMP_BYTES).decode("utf-8", "replace").strip()
        return (parse_utc(text), "") if text else (None, "")
    except FileNotFoundError:
        return None, ""
    except (Refused, ValueError, OverflowError) as error:
        return None, f"{TIMESTAMP} could not be read ({error}): the submission counts as on time"
    finally:
        os.close(fd)
