"""What the class got wrong: per exercise, how many graded students made each known mistake
(mistakes.csv) and a chart of the most common ones (mistakes.png, which names mistakes.csv as
its text equivalent and carries its text alternative as its PNG Description)."""
import textwrap
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..verdict import CRASHED, KILLED, TIMED_OUT
from .common import write_csv

UNEXPLAINED = "unexplained failure (no known mistake matched)"
NOT_ATTEMPTED = "not attempted (a stub, or no such function)"
NOT_MISTAKES = (UNEXPLAINED, NOT_ATTEMPTED, TIMED_OUT, KILLED, CRASHED)     # no known mistake: listed after them
EXAMPLES = 3          # example students per row: enough to open a few notebooks, not a roll call
PER_EXERCISE = 3      # mistakes per exercise in the chart
KNOWN, OTHER = "#c44e52", "#d9d9d9"    # known mistakes stand out from failures no hint explains:
OTHER_HATCH = "///"                     # darker and solid against lighter and hatched, not by hue alone


@dataclass(frozen=True)
class MistakeRow:
    """One (exercise, mistake): how many graded students made it, their share of the graded
    students, and up to EXAMPLES of them (sorted)."""
    exercise: str
    mistake: str
    students: int
    share: float
    examples: tuple


def exercise_mistakes(exercise):
    """The set of mistakes one ExerciseResult shows: what stopped it, when something did
    (ExerciseResult.stopped: TIMED_OUT, KILLED, CRASHED, whether in its own cases or in the
    cell that was to define it), NOT_ATTEMPTED where no case got an answer
    (a stub, a function never defined), none where its lost points are excused (the mistake is
    upstream, counted there), else each failed case's known mistake, UNEXPLAINED for one that
    matched none."""
    if exercise.stopped:
        return {exercise.stopped}
    if exercise.undefined or not exercise.attempted:     # not a mistake of an answer
        return {NOT_ATTEMPTED}
    if exercise.note:
        return set()
    return {case.mistake or UNEXPLAINED for case in exercise.cases if not case.passed}


def mistake_rows(verdicts):
    """One MistakeRow per (exercise, mistake) made by a graded student, each student counted
    once per row; the known mistakes first (what the class misunderstood), then the failures
    no known mistake explains, the work stopped (timed out, killed, crashed) and the work not
    attempted; each part by students (most
    first), then exercise, then mistake. Ungradable verdicts are left out of the counts and
    of the shares' denominator."""
    graded = [v for v in verdicts if v.graded]
    made = {}                                       # (exercise, mistake) -> students
    for verdict in graded:
        for exercise in verdict.exercises:
            for mistake in exercise_mistakes(exercise):
                made.setdefault((exercise.name, mistake), set()).add(verdict.student)
    rows = [MistakeRow(exercise, mistake, len(students), len(students) / len(graded),
                       tuple(sorted(students)[:EXAMPLES]))
            for (exercise, mistake), students in made.items()]
    return sorted(rows, key=lambda r: (r.mistake in NOT_MISTAKES, -r.students, r.exercise, r.mistake))


def mistakes_csv_rows(rows):
    """mistake_rows as CSV rows: a header exercise, mistake, students, share (of graded
    students, 0 to 1), examples (up to EXAMPLES student ids joined by "; "), then the rows."""
    return [["exercise", "mistake", "students", "share", "examples"],
            *([r.exercise, r.mistake, r.students, f"{r.share:.4f}", "; ".join(r.examples)] for r in rows)]


def share_text(row, graded):
    """"38% (5 of 13)": a row's share of the graded students, and its count of them."""
    return f"{row.share:.0%} ({row.students} of {graded})"


def no_mistakes_text(graded):
    """What stands in for the rows when there are none, given the number of graded students."""
    return "none: every graded student passed every case" if graded else "n/a (nothing graded)"


def _label(text, width=46, lines=3):
    """A mistake's text as a tick label: wrapped, cut with an ellipsis past `lines` lines."""
    return textwrap.fill(text, width=width, max_lines=lines, placeholder=" …")


def _draw_exercise(ax, name, top, graded):
    """One exercise's panel: a bar per row of top (most common on top), labelled with its share."""
    other = [r.mistake in NOT_MISTAKES for r in top]
    bars = ax.barh(range(len(top)), [100 * r.share for r in top], height=0.6,
                   color=[OTHER if o else KNOWN for o in other], edgecolor="#555555", linewidth=0.5)
    for bar, o in zip(bars, other):
        bar.set_hatch(OTHER_HATCH if o else None)
    for y, row in enumerate(top):
        ax.text(100 * row.share + 1, y, share_text(row, graded), va="center", fontsize=8)
    ax.set_yticks(range(len(top)), [_label(r.mistake) for r in top], fontsize=8)
    ax.set_ylim(len(top) - 0.5, -0.5)                    # most common on top, no padding rows
    ax.set_xlim(0, 115)                                  # room for the count past a full bar
    ax.set_title(name, loc="left", fontsize=9, fontweight="bold")
    ax.grid(axis="x", color="#e5e5e5")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


def plot_mistakes(verdicts, exercise_names):
    """The PER_EXERCISE most common mistakes of each exercise (in exercise_names order, then any
    other), as horizontal bars of their share of graded students, one panel per exercise with
    a mistake; known mistakes solid red, the rest hatched grey. Returns the Figure (drawn by Agg,
    not via pyplot), with its text alternative as fig.alt (mistakes_description)."""
    rows = mistake_rows(verdicts)
    graded = sum(v.graded for v in verdicts)
    order = [*exercise_names, *sorted({r.exercise for r in rows} - set(exercise_names))]
    groups = [(name, [r for r in rows if r.exercise == name][:PER_EXERCISE]) for name in order]
    groups = [(name, top) for name, top in groups if top]

    bars = sum(len(top) for _, top in groups)
    fig = Figure(figsize=(10, max(2.5, 0.42 * bars + 0.55 * len(groups) + 1.2)), layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(f"most common mistakes of {graded} graded students "
                 f"({len(verdicts) - graded} ungradable, not counted)\nevery row as text: mistakes.csv", fontsize=11)
    fig.alt = mistakes_description(groups, graded, len(verdicts))
    if not groups:
        ax = fig.subplots()
        ax.axis("off")
        ax.text(0.5, 0.5, no_mistakes_text(graded), ha="center", va="center", transform=ax.transAxes)
        return fig
    axes = fig.subplots(len(groups), 1, sharex=True, squeeze=False,
                        height_ratios=[len(top) + 0.6 for _, top in groups])[:, 0]   # bars equally thick
    for ax, (name, top) in zip(axes, groups):
        _draw_exercise(ax, name, top, graded)
    axes[-1].set_xticks(range(0, 101, 20))
    axes[-1].set_xlabel("% of graded students")
    fig.legend([Patch(facecolor=KNOWN, edgecolor="#555555"),
                Patch(facecolor=OTHER, edgecolor="#555555", hatch=OTHER_HATCH)],
               ["a known mistake (solid)", "no known mistake matched, or not attempted (hatched)"],
               loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    return fig


def mistakes_description(groups, graded, submissions):
    """The text alternative of plot_mistakes: each exercise's rows as "share (k of n) mistake".
    groups: [(exercise, [MistakeRow, ...]), ...] as charted."""
    head = (f"Most common mistakes of {graded} graded students ({submissions - graded} ungradable, not counted), "
            f"a bar per mistake, its length the share of graded students who made it.")
    if not groups:
        return f"{head} {no_mistakes_text(graded).capitalize()}. The table: mistakes.csv."
    panels = "; ".join(f"{name}: " + ", ".join(f"{share_text(r, graded)} {r.mistake}" for r in top)
                       for name, top in groups)
    return f"{head} {panels}. Known mistakes are solid bars, the rest hatched. Every row as text: mistakes.csv."


def write_mistakes(verdicts, exercise_names, out_dir):
    """Write mistakes.csv (mistakes_csv_rows of mistake_rows, with common.write_csv) and
    mistakes.png (plot_mistakes) into out_dir; returns the rows."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = mistake_rows(verdicts)
    write_csv(out_dir / "mistakes.csv", mistakes_csv_rows(rows))
    fig = plot_mistakes(verdicts, exercise_names)
    fig.savefig(out_dir / "mistakes.png", format="png", dpi=100, metadata={"Description": fig.alt})
    return rows
