"""Deadlines as nbgrader keeps them, and the course's late-penalty policy.

The due date is the gradebook's (`nbgrader db assignment add ID --duedate=...`, with any
extension nbgrader grants a student); the submission time is the `timestamp.txt` nbgrader's
exchange writes beside a submission (`collect`), read as nbgrader reads it. A submission
without one is on time; one whose timestamp.txt cannot be read as a time nbgrader writes (a
folder, a link, a FIFO, empty, huge, not UTF-8, not such a date, later than the grading) is
never read as on time: grading flags it "needs manual grade" with the reason. The penalty
is nbgrader's: AssignLatePenalties.plugin_class, set in nbgrader_config.py, here usually
LatePenalty, which adds deductions per started hour or day with a cap to nbgrader's "none"
and "zero":

    c.AssignLatePenalties.plugin_class = "autograder.admin.late.LatePenalty"
    c.LatePenalty.penalty_method = "per_day"     # none | zero | per_hour | per_day
    c.LatePenalty.points_per_period = 1.0
    c.LatePenalty.max_penalty = 3.0              # points at most (None: up to the score)

Stock `nbgrader autograde` applies the same plugin with the same configuration.
"""
import datetime
import math
import os
import pathlib
import re

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float

from ..cleanroom.files import Missing, Refused, open_folder, read_submitted

TIMESTAMP = "timestamp.txt"          # nbgrader's name for it
TIMESTAMP_BYTES = 1000
PERIOD_SECONDS = {"per_hour": 3600, "per_day": 86400}
FUTURE_SLACK = datetime.timedelta(hours=1)        # clocks that disagree; beyond it a time is forged
# nbgrader's "%Y-%m-%d %H:%M:%S.%f %Z" and the ISO 8601 forms of it (T, no fraction, an offset)
_NBGRADER_TIME = re.compile(r"(?P<time>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)"
                            r"(?: ?(?P<zone>Z|[+-]\d{2}:?\d{2}|[A-Za-z][A-Za-z0-9_+/-]{0,40}))?")


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


def submitted_at(course_root, student, assignment, now=None):
    """(UTC datetime or None, problem) of a submission, read with files.read_submitted (no
    link followed, a FIFO never waited for, bounded, strict UTF-8): the time nbgrader
    recorded in its timestamp.txt and "", or None and "" when there is none (on time), or
    None and why it could not be read as nbgrader's time (a folder, a link, a FIFO, empty,
    too large, not UTF-8, not a date nbgrader writes, later than `now`, the grading time):
    that submission needs a manual grade, it is never read as on time."""
    try:
        fd = open_folder(pathlib.Path(course_root) / "submitted", [student, assignment])
    except (Refused, OSError):       # no submission folder to read: grading says so
        return None, ""
    try:
        text = read_submitted(fd, TIMESTAMP, TIMESTAMP_BYTES, text=True, nonempty=True)
        return parse_timestamp(text.strip(), now), ""
    except Missing:
        return None, ""
    except Refused as error:
        return None, f"its submission time is unknown: {error}"
    finally:
        os.close(fd)


def parse_timestamp(text, now=None):
    """The UTC datetime (naive, as nbgrader keeps it) of a time as nbgrader's exchange writes
    one: date and time in ISO 8601 order, seconds' fraction optional, then a time zone known
    to dateutil, as a name or an offset (none: UTC, as nbgrader reads it). Refused when text
    is anything else, or later than now (naive UTC; the present when None) by more than
    FUTURE_SLACK."""
    from dateutil.tz import gettz
    shown = text if len(text) <= 40 else text[:40] + "..."
    match = _NBGRADER_TIME.fullmatch(text)
    if not match:
        raise Refused(f"{TIMESTAMP} holds {shown!r}, not a date and time as nbgrader writes one")
    zone = match["zone"] or "Z"
    if zone[0] in "+-":
        hours, minutes = int(zone[1:3]), int(zone[-2:])
        tz = datetime.timezone((-1 if zone[0] == "-" else 1) * datetime.timedelta(hours=hours, minutes=minutes))
    else:
        tz = datetime.timezone.utc if zone == "Z" else gettz(zone)
    if tz is None:
        raise Refused(f"{TIMESTAMP} holds {shown!r}, whose time zone {zone!r} is unknown")
    try:
        local = datetime.datetime.fromisoformat(match["time"].replace(" ", "T")).replace(tzinfo=tz)
        when = (local - local.utcoffset()).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise Refused(f"{TIMESTAMP} holds {shown!r}, which is no date") from None
    now = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    if when > now + FUTURE_SLACK:
        raise Refused(f"{TIMESTAMP} holds {shown!r}, later than the time of grading")
    return when
