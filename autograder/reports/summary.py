"""The class summary: a plain-text table (summary.txt) and a figure (summary.png); each names
the other, and the PNG carries its text alternative as its Description."""
import statistics
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .common import by_student, exact_points, exercise_max_points, max_score, points_by_exercise, status
from .mistakes import mistake_rows, no_mistakes_text, share_text

TOP_MISTAKES = 5      # rows of the "most common mistakes" section; mistakes.csv has them all


def exercise_stats(verdicts, exercise_names):
    """Per exercise over graded students: (name, mean points, max points, pass rate or None)."""
    graded = [v for v in verdicts if v.graded]
    max_points = exercise_max_points(verdicts, exercise_names)
    stats = []
    for name in exercise_names:
        earned = [points_by_exercise(v).get(name, 0.0) for v in graded]
        passed = [bool(max_points[name]) and p >= max_points[name] for p in earned]
        mean = statistics.fmean(earned) if graded else None
        rate = sum(passed) / len(graded) if graded else None
        stats.append((name, mean, max_points[name], rate))
    return stats


def _student_lines(verdicts, assignment_max):
    width = max([len("student"), *(len(v.student) for v in verdicts)])
    shown = {v.student: status(v).upper() if v.needs_manual_grade else status(v) for v in verdicts}
    status_width = max([10, *map(len, shown.values())])
    lines = [f"{'student':<{width}}  {'status':<{status_width}}  {'score':>13}"]
    for v in by_student(verdicts):
        score = f"{exact_points(v.score)} / {exact_points(max_score(v, assignment_max))}"
        lines.append(f"{v.student:<{width}}  {shown[v.student]:<{status_width}}  {score:>13}")
    return lines


def _exercise_lines(verdicts, exercise_names):
    stats = exercise_stats(verdicts, exercise_names)
    width = max([len("exercise"), *(len(name) for name in exercise_names)])
    lines = [f"{'exercise':<{width}}  {'mean':>7}  {'max':>7}  {'pass rate':>9}"]
    for name, mean, max_points, rate in stats:
        mean_text = "n/a" if mean is None else f"{mean:.2f}"
        rate_text = "n/a" if rate is None else f"{rate:.0%}"
        lines.append(f"{name:<{width}}  {mean_text:>7}  {max_points:>7.2f}  {rate_text:>9}")
    return lines


def _class_lines(verdicts, assignment_max):
    scores = [v.score for v in verdicts if v.graded]
    ungradable = sum(not v.graded for v in verdicts)
    if scores:
        spread = (f"class mean {statistics.fmean(scores):.2f}, median "
                  f"{statistics.median(scores):.2f} of {exact_points(assignment_max)} "
                  f"(over {len(scores)} graded)")
    else:
        spread = "class mean n/a, median n/a (nothing graded)"
    return [spread, f"ungradable submissions: {ungradable} of {len(verdicts)}",
            "summary.png charts these scores (a histogram) and the pass rates above"]


def _mistake_lines(verdicts):
    graded = sum(v.graded for v in verdicts)
    rows = mistake_rows(verdicts)[:TOP_MISTAKES]
    lines = [f"what the class got wrong (of {graded} graded students; known mistakes first; all in mistakes.csv, "
             f"charted in mistakes.png):"]
    if not rows:
        return lines + [f"  {no_mistakes_text(graded)}"]
    width = max(len(share_text(r, graded)) for r in rows)
    return lines + [f"  {share_text(r, graded):>{width}}  {r.exercise}: {r.mistake}" for r in rows]


def summary_table(verdicts, exercise_names):
    """A plain-text class table with fixed-width columns: one line per student (status, in
    capitals when it needs a manual grade: UNGRADABLE, NEEDS MANUAL GRADE; score / max),
    then per exercise the mean points, max points and pass rate (share of graded students
    with full points), then the class mean and median score over graded
    students and the count of ungradable submissions, then the TOP_MISTAKES most common
    rows of what the class got wrong ("38% (5 of 13)  exercise: mistake", mistakes.mistake_rows)."""
    assignment_max = sum(exercise_max_points(verdicts, exercise_names).values())
    blocks = [_student_lines(verdicts, assignment_max),
              _exercise_lines(verdicts, exercise_names),
              _class_lines(verdicts, assignment_max),
              _mistake_lines(verdicts)]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def plot_summary(verdicts, exercise_names):
    """Two panels: a histogram of graded students' scores (% of max) and a horizontal bar
    chart of each exercise's pass rate, each bar labelled with it. Returns the Figure (drawn by
    Agg, not via pyplot), with its text alternative as fig.alt; it names summary.txt, the same
    numbers as text."""
    fig = Figure(figsize=(11, max(3.5, 0.4 * len(exercise_names) + 1.5)), layout="constrained")
    FigureCanvasAgg(fig)
    ax_hist, ax_rate = fig.subplots(1, 2)

    graded = [v for v in verdicts if v.graded]
    percents = [100 * v.score / v.max_score for v in graded if v.max_score]
    ax_hist.hist(percents, bins=range(0, 101, 10), color="#4c72b0", edgecolor="white")
    ax_hist.set(title=f"scores of {len(graded)} graded students "
                      f"({len(verdicts) - len(graded)} ungradable)",
                xlabel="score (% of max)", ylabel="students", xlim=(0, 100))
    ax_hist.yaxis.set_major_locator(MaxNLocator(integer=True))    # whole students

    stats = exercise_stats(verdicts, exercise_names)
    rates = [100 * (rate or 0.0) for _, _, _, rate in stats]
    ax_rate.barh(range(len(stats)), rates, color="#55a868")
    for y, rate in enumerate(rates):
        ax_rate.text(min(rate + 1, 88), y, f"{rate:.0f}%", va="center", fontsize=8)
    ax_rate.set_yticks(range(len(stats)), [name for name, *_ in stats], fontsize=8)
    ax_rate.invert_yaxis()                              # first exercise on top
    ax_rate.set(title="pass rate (full points)", xlabel="% of graded students", xlim=(0, 100))
    fig.supxlabel("the same numbers as text: summary.txt (and every score in grades.csv)", fontsize=8)
    counts = [sum(low <= p < low + 10 or (low == 90 and p == 100) for p in percents) for low in range(0, 100, 10)]
    fig.alt = (f"Class summary of {len(graded)} graded students ({len(verdicts) - len(graded)} ungradable). Left, a "
               f"histogram of their scores in % of the maximum, in bins of 10 points: "
               + (", ".join(f"{n} at {low}-{low + 10}%" for low, n in zip(range(0, 100, 10), counts) if n)
                  if percents else "none")
               + ". Right, each exercise's pass rate (share of graded students with full points): "
               + ", ".join(f"{name} {rate:.0f}%" for (name, *_), rate in zip(stats, rates))
               + ". The same numbers as text: summary.txt.")
    return fig


def write_summary(verdicts, exercise_names, out_dir):
    """Write summary.png (plot_summary) and summary.txt (summary_table) into out_dir;
    returns the table."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = summary_table(verdicts, exercise_names)
    (out_dir / "summary.txt").write_text(table, encoding="utf-8")
    fig = plot_summary(verdicts, exercise_names)
    fig.savefig(out_dir / "summary.png", format="png", dpi=100, metadata={"Description": fig.alt})
    return table
