"""Who copied: the pairs of students of one assignment ranked by how alike their answers
are, in reports/<assignment>/similarity.csv, the flagged pairs at the end of summary.txt.

A student's answers are the cells that stand for the source notebook's solution cells,
matched as grading matches them (cleanroom.submission.answers), read as grading reads
a submission: no link followed, sizes bounded (cleanroom.runner.read_submission). A
submission that cannot be read is skipped and listed.

The comparison is copydetect's (CodeFingerprint, compare_files): the code is tokenized with
names, strings and comments abstracted away (renamed variables and reworded comments do not
hide a copy), then fingerprinted by hashed k-grams of those tokens. The release's code and
the model answer's solution cells are its boilerplate: their k-grams count for no one, so
the given code everyone has, and lines written as the model answer writes them, match
nobody. What is left of an answer is the student's own code; a student with less than
MIN_OWN tokens of it (the untouched release, the model answer itself, the model answer with
one small change) is not compared, since a handful of shared tokens would read as 100 %.
Such a student whose answers are the model answer's (FLAGGED or more of each found in the
other, the release's code left out) is listed as handing in the model answer.

review_flags() says, per student, why the formgrader should flag them for a look: alike with
whom, or the model answer.
"""
import io
import json
import textwrap
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from copydetect import CodeFingerprint, compare_files

from .classbuilder import released_notebook
from .classroom import submissions
from .course import notebook_path
from ..cleanroom.files import Refused
from ..cleanroom.runner import read_answers
from ..cleanroom.submission import Unreadable
from ..limits import Limits
from ..reports.common import safe_part, write_csv

# copydetect's tokens are characters of the filtered code (a name is one, `for` three), so a
# line of a numpy answer is 10-20 of them. k = 20 asks a match to span more than one short
# statement, so shared idioms (`for V in range(V):`) do not match alone, yet stays below the
# few lines an answer of these notebooks has. Window 1 keeps every k-gram: answers are
# small, so winnowing would save no time and could only miss short copied passages.
K = 20
WINDOW = 1
# Tokens of a student's own code (after boilerplate) to be compared at all: a small change
# to the model answer (a term left out, a call swapped) leaves about 2 * K, the k-grams
# across the change.
MIN_OWN = 60
# A pair at or above this similarity is flagged. The proof bank's correct answers, written
# apart in other styles, are at most about 0.5 alike; a copy with its names changed is 1.
FLAGGED = 0.6


@dataclass
class Pair:
    """Two students' answers compared: similarity is the larger of copydetect's two
    directions (the share of one student's own code found in the other's), so a student who
    copied part of another's answers is caught too; matched: copydetect's token overlap, the
    tokens of student_a's own code found in student_b's."""
    student_a: str
    student_b: str
    similarity: float
    matched: int

    @property
    def flagged(self):
        return self.similarity >= FLAGGED


@dataclass
class Similarity:
    """One assignment's comparison: the pairs, most alike first; the students not compared
    (too little code of their own); the submissions skipped, with why; model_answers:
    {student: similarity} of those not compared whose answers are the model answer's."""
    assignment: str
    pairs: list = field(default_factory=list)
    not_compared: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)
    model_answers: dict = field(default_factory=dict)


def compare_class(course_root, assignment, students=None, limits=Limits()):
    """Every pair of the students (default: every submission of the assignment) compared."""
    course_root = Path(course_root)
    release, model = _release_hashes(course_root, assignment), _model_cells(course_root, assignment)
    boilerplate = release | _hashes(model)
    model_print = _fingerprint_cells(model, release)
    result = Similarity(assignment)
    fingerprints = {}
    for student in students if students is not None else submissions(course_root, assignment):
        try:
            cells = _answers(course_root, assignment, student, limits)
        except (Refused, Unreadable, OSError) as error:
            result.skipped[student] = str(error)
            continue
        fingerprint = _fingerprint_cells(cells, boilerplate)
        if fingerprint.token_coverage < MIN_OWN:
            result.not_compared.append(student)
            _, shares, _ = compare_files(_fingerprint_cells(cells, release), model_print)
            if min(shares) >= FLAGGED:
                result.model_answers[student] = float(min(shares))
        else:
            fingerprints[student] = fingerprint
    for a, b in combinations(sorted(fingerprints), 2):
        matched, (share_a, share_b), _ = compare_files(fingerprints[a], fingerprints[b])
        result.pairs.append(Pair(a, b, float(max(share_a, share_b)), int(matched)))
    result.pairs.sort(key=lambda pair: (-pair.similarity, pair.student_a, pair.student_b))
    return result


def _answers(course_root, assignment, student, limits):
    """The code of a student's answer cells in the source's order (a cell standing for two
    answers once), read without trusting the submission."""
    found = read_answers(course_root, assignment, student, limits)
    return list(dict.fromkeys(code for code in found.values() if code is not None))


def _model_cells(course_root, assignment):
    """The code of the model answer's solution cells (the source notebook's)."""
    return ["".join(cell["source"]) for cell in _code_cells(notebook_path(course_root, assignment))
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution")]


def _release_hashes(course_root, assignment):
    """The k-gram hashes of the release's code cells (none when not released), cell by cell
    (no k-gram spans two cells). With the model answer's, the boilerplate no one is credited with."""
    release = released_notebook(course_root, assignment)
    return _hashes("".join(cell["source"]) for cell in _code_cells(release)) if release.is_file() else set()


def _code_cells(path):
    return [cell for cell in json.loads(Path(path).read_text())["cells"] if cell["cell_type"] == "code"]


def _fingerprint_cells(cells, boilerplate):
    """The fingerprint of a student's answer cells, one after the other. The k-grams that
    span two cells are boilerplate too: they are nobody's code, and would make two students
    who answered nothing of their own alike."""
    whole = "\n\n".join(cells)
    spanning = _fingerprint(whole, window=1).hashes - _hashes(cells)
    return _fingerprint(whole, list(boilerplate | spanning))


def _hashes(codes):
    """Every k-gram hash of the codes, each fingerprinted alone."""
    return set().union(*(_fingerprint(code, window=1).hashes for code in codes))


def _fingerprint(code, boilerplate=None, window=WINDOW):
    """copydetect's fingerprint of Python code given as text."""
    return CodeFingerprint("answer.py", K, window, boilerplate=boilerplate, language="python", fp=io.StringIO(code))


# The report ----------------------------------------------------------------------------

def write_similarity(result, reports_root):
    """Write <reports_root>/<assignment>/similarity.csv (student_a, student_b, similarity,
    matched_tokens, flagged; most alike first; common.write_csv: no cell a spreadsheet runs)
    and append summary_lines to summary.txt there (when it exists). Returns those lines as text."""
    out_dir = Path(reports_root) / safe_part(result.assignment, "assignment")
    write_csv(out_dir / "similarity.csv",
              [["student_a", "student_b", "similarity", "matched_tokens", "flagged"],
               *([pair.student_a, pair.student_b, f"{pair.similarity:.3f}", pair.matched,
                  "yes" if pair.flagged else "no"] for pair in result.pairs)])
    text = "\n".join(summary_lines(result)) + "\n"
    summary = out_dir / "summary.txt"
    if summary.is_file():
        with summary.open("a", encoding="utf-8") as f:
            f.write("\n" + text)
    return text


def summary_lines(result):
    """The flagged pairs, and who was not compared or skipped, for people to read."""
    flagged = [pair for pair in result.pairs if pair.flagged]
    lines = [f"similar answers (similarity.csv): {len(flagged)} of {len(result.pairs)} pairs at "
             f"{FLAGGED:.2f} or more, a prompt to look, not proof"]
    width = max([0, *(len(pair.student_a) for pair in flagged)])
    lines += [f"  {pair.student_a:<{width}}  {pair.student_b}  {pair.similarity:.2f} "
              f"({pair.matched} matching tokens)" for pair in flagged]
    if result.not_compared:
        lines += textwrap.wrap("not compared, too little code of their own beside the release and the model "
                               "answer: " + ", ".join(sorted(result.not_compared)), 100, subsequent_indent="  ",
                               break_on_hyphens=False, break_long_words=False)
    lines += [f"the model answer handed in by {student} ({share:.2f} alike)"
              for student, share in sorted(result.model_answers.items())]
    lines += [f"skipped {student}: {reason}" for student, reason in sorted(result.skipped.items())]
    return lines


def review_flags(result):
    """{student: why the formgrader flags them for a look} from a Similarity: the flagged
    pairs they are in (alike with whom, how much; similarity.csv) and the model answer
    handed in. For the instructor only: it names other students."""
    flags = {}
    for pair in result.pairs:
        if pair.flagged:
            for student, other in ((pair.student_a, pair.student_b), (pair.student_b, pair.student_a)):
                flags.setdefault(student, []).append(f"answers {pair.similarity:.2f} alike with {other}'s")
    for student, share in result.model_answers.items():
        flags.setdefault(student, []).append(f"answers {share:.2f} alike with the model answer")
    return {student: "similarity: " + "; ".join(texts) + " (similarity.csv; a prompt to look, not proof)"
            for student, texts in flags.items()}
