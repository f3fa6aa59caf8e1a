"""What grading one submission concludes: a verdict per student and assignment.

Every submission ends with a Verdict, whatever happened to it: "graded" with a
result for every exercise, or "ungradable: <reason>" with every exercise at 0
and the reason said, never a silent 0.
"""
from dataclasses import asdict, dataclass, field


@dataclass
class ExerciseResult:
    """One graded exercise (one graded cell): its points and the report students read.

    name: the grade_id of the graded cell (the graded function's name);
    lines: the check's report, one line per case with its hint (never hidden-test source).
    """
    name: str
    points: float
    max_points: float
    lines: list = field(default_factory=list)

    @property
    def passed(self):
        return self.points >= self.max_points


@dataclass
class Verdict:
    """The grade of one student's submission of one assignment.

    status: "graded", or "ungradable: <reason>" (the notebook could not be read or run);
    notes: what the grader had to do or noticed (cells restored, matched by content,
    time limits hit, output truncated), shown in the feedback.
    """
    student: str
    assignment: str
    notebook: str
    status: str
    exercises: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seed: int = 0          # of the hidden inputs this submission was graded on (runner.student_seed)

    def as_dict(self):
        """The verdict as plain data (JSON-ready); from_dict turns it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        return cls(**{**data, "exercises": [ExerciseResult(**e) for e in data["exercises"]]})

    @property
    def graded(self):
        return self.status == "graded"

    def earned(self, exercise):
        """An exercise's points: 0 in an ungradable submission, whatever the exercise holds."""
        return float(exercise.points) if self.graded else 0.0

    def passed(self, exercise):
        """Full points on an exercise of a graded submission."""
        return self.graded and exercise.passed

    @property
    def score(self):
        """Points earned: 0 for an ungradable submission, whatever its exercises hold."""
        return round(sum((self.earned(e) for e in self.exercises), 0.0), 4)

    @property
    def max_score(self):
        return round(sum(e.max_points for e in self.exercises), 4)
