"""verdicts.json: the last verdict of each student of one assignment, as data, so every report
describes the whole class as last graded, however few students a run graded."""
import json
from pathlib import Path

from ..verdict import Verdict

VERDICTS = "verdicts.json"


def read_verdicts(out_dir):
    """{student: Verdict} kept in <out_dir>/verdicts.json ({} when there is none, or it cannot
    be read as verdicts: the next run then starts the class afresh)."""
    path = Path(out_dir) / VERDICTS
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {student: Verdict.from_dict(verdict) for student, verdict in data.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def merge_verdicts(out_dir, verdicts, students):
    """The class as last graded: the verdicts kept in <out_dir>/verdicts.json, each replaced by
    the new one of its student (verdicts: a list of Verdict), less the students not in
    `students` (those whose submission folder is gone). Writes them back there (parents made)
    and returns them as a list sorted by student."""
    kept = read_verdicts(out_dir)
    kept.update({verdict.student: verdict for verdict in verdicts})
    present = set(students)
    merged = [kept[student] for student in sorted(kept) if student in present]
    path = Path(out_dir) / VERDICTS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({v.student: v.as_dict() for v in merged}, indent=1) + "\n", encoding="utf-8")
    return merged
