"""nbgrader configuration of the course. Run stock nbgrader commands from this folder:

    cd course && nbgrader generate_assignment 01-convolution
    cd course && nbgrader autograde 01-convolution
"""
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from autograder.admin.public import EmbedPublicCases

from autograder.admin.late import LatePenalty
from autograder.admin.review import ClearReviewCells
from autograder.limits import Limits
from coursekit.data import export_data_dir

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "cnn-from-scratch"

# The notebooks run in their own folders: a relative $COURSE_DATA_DIR is made absolute here.
export_data_dir()

# The release embeds the visible tests' public cases in each released notebook, so the
# notebook runs its visible tests and validates wherever it goes (autograder/admin/public.py).
c.GenerateAssignment.preprocessors = [*GenerateAssignment.class_traits()["preprocessors"].make_dynamic_default(),
                                      EmbedPublicCases]

# A cell may run this long before it is interrupted (a solved notebook needs seconds).
c.Execute.timeout = Limits.cell_seconds
c.Execute.interrupt_on_timeout = True

# A test cell a student deleted is put back from the source, so it is graded, not silently 0.
c.OverwriteCells.add_missing_cells = True

# Feedback shows every case's message and hint, never the hidden tests' source.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ClearReviewCells, CSSHTMLHeaderPreprocessor]

# Late work (due dates: `nbgrader db assignment add ID --duedate="2027-01-15 17:00:00 UTC"`;
# submission times: the timestamp.txt nbgrader's collect writes). One point per started day
# late, never more than the submission's score. `grade` and `nbgrader autograde` both apply it.
c.AssignLatePenalties.plugin_class = LatePenalty
c.LatePenalty.penalty_method = "per_day"       # none | zero | per_hour | per_day
c.LatePenalty.points_per_period = 1.0
c.LatePenalty.max_penalty = None               # points at most (None: up to the score)
