"""What grading one submission concludes, as data: a Verdict per student and assignment, an
ExerciseResult per graded exercise, a CaseOutcome per case.

Every submission ends with a Verdict, whatever happened to it: GRADED with a result for every
exercise, or UNGRADABLE with its reason and every exercise at 0, never a silent 0. The
reports (autograder.reports) render this data, one writer per format; none of it is text to
be parsed again.
"""
from dataclasses import asdict, dataclass, field

GRADED, UNGRADABLE = "graded", "ungradable"
NEEDS_MANUAL_GRADE = "needs manual grade"      # how every report names a flagged verdict
# What stopped an exercise's work (ExerciseResult.stopped), named as such in every report.
TIMED_OUT = "timed out (an endless loop?)"
KILLED = "the kernel died (a crash, a kill or out of memory)"
CRASHED = "crashed (raised an error)"


@dataclass
class CaseOutcome:
    """One case of a check as the student is told it (never its hidden inputs or answer).

    message: how the answer differs (a failed case); hint: its likely cause; mistake: the
    known mistake the answer matched (that mistake's hint), "" when none did.
    """
    name: str
    passed: bool
    message: str = ""
    hint: str = ""
    mistake: str = ""


@dataclass
class ExerciseResult:
    """One graded exercise (one graded cell): its points and its cases.

    name: the grade_id of the graded cell (the graded function's name); note: why points
    lost here are not taken (checks.scoring.settle), or ""; undefined: the notebook had no
    function of this name (every case says so); attempted: some case got an answer (not a
    stub's NotImplementedError, not a missing function); override: the instructor's score from the
    formgrader, which stands instead of the grader's points (None: not overridden);
    comment: the instructor's comment on the exercise's answer, or "";
    stopped: what kept it from being answered, TIMED_OUT, KILLED or CRASHED (a cell of the
    notebook, or the function on every case it failed), "" when nothing did.
    """
    name: str
    points: float
    max_points: float
    cases: list = field(default_factory=list)
    note: str = ""
    undefined: bool = False
    attempted: bool = True
    override: float = None
    comment: str = ""
    stopped: str = ""

    @property
    def passed(self):
        return self.points >= self.max_points


@dataclass
class Verdict:
    """The grade of one student's submission of one assignment.

    status: GRADED, or UNGRADABLE (the notebook could not be read or run) with the reason;
    notes: what the grader had to do or noticed (cells restored, matched by content, time
    limits hit, output truncated), shown in the feedback; flag: why the instructor must
    grade it by hand though its work was graded (its submission time could not be read),
    "" when nothing asks it (needs_manual_grade); stops: the cells (the notebook's, or a
    check's) that timed out or whose kernel died, each "label: what happened".
    """
    student: str
    assignment: str
    notebook: str
    status: str
    exercises: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seed: int = 0          # of the hidden inputs this submission was graded on (runner.student_seed)
    reason: str = ""       # why it is UNGRADABLE
    late_seconds: float = 0.0     # after the due date (nbgrader's timestamp and due date; 0: on time)
    late_penalty: float = 0.0     # points taken for it (the course's late-penalty policy)
    flag: str = ""                # why it needs a manual grade though it was graded ("": it does not)
    stops: list = field(default_factory=list)

    def as_dict(self):
        """The verdict as plain data (JSON-ready); from_dict turns it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        exercises = [ExerciseResult(**{**e, "cases": [CaseOutcome(**c) for c in e["cases"]]})
                     for e in data["exercises"]]
        return cls(**{**data, "exercises": exercises})

    @property
    def graded(self):
        return self.status == GRADED

    @property
    def needs_manual_grade(self):
        """The instructor must grade it by hand: it is ungradable, or flagged."""
        return not self.graded or bool(self.flag)

    def auto_points(self, exercise):
        """The grader's points for an exercise: 0 in an ungradable submission, whatever the
        exercise holds."""
        return float(exercise.points) if self.graded else 0.0

    def earned(self, exercise):
        """An exercise's points: the instructor's override when there is one, else the grader's."""
        return float(exercise.override) if exercise.override is not None else self.auto_points(exercise)

    def passed(self, exercise):
        """Full points on an exercise of a graded submission (or by the instructor's override)."""
        return (self.graded or exercise.override is not None) and self.earned(exercise) >= exercise.max_points

    @property
    def raw_score(self):
        """Points earned before any late penalty (0 for an ungradable submission not overridden)."""
        return round(sum((self.earned(e) for e in self.exercises), 0.0), 4)

    @property
    def score(self):
        """Points earned, less the late penalty."""
        return round(max(self.raw_score - self.late_penalty, 0.0), 4)

    @property
    def max_score(self):
        return round(sum(e.max_points for e in self.exercises), 4)
