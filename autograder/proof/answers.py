"""Students' answers that prove the grader: correct ones in other styles, and known bugs.

A bank module (autograder/proof/bank/<notebook>.py) writes each answer as the whole
function a student would put in the graded cell, under the graded name, marked with
what it should earn:

    @correct("einsum over the window")
    def conv_single_step(a_slice, w, b):
        return float(np.einsum("ijc,ijc->", a_slice, w) + b)

    @bug("true convolution: the filter is flipped", hint="flipped")
    def conv_single_step(a_slice, w, b):
        return float(np.sum(a_slice * w[::-1, ::-1]) + b)

A correct answer must earn full marks on every exercise of its notebook. A bug must
lose points on its own exercise, on no other, and earn a hint containing `hint`
(the name of its cause). The same name is redefined on purpose: every answer is
stored as its source text and played alone (autograder.proof.play).
"""
import inspect
import textwrap
from dataclasses import dataclass

ANSWERS = []


@dataclass(frozen=True)
class Answer:
    """name: the graded function; what: the style (correct) or the mistake (bug);
    hint: words the bug's hint must contain (None for a correct answer);
    source: the function's text as it would stand in the notebook."""
    name: str
    what: str
    hint: object
    source: str
    notebook: str

    @property
    def correct(self):
        return self.hint is None


def _source(fn):
    lines = textwrap.dedent(inspect.getsource(fn)).splitlines()
    while lines and not lines[0].startswith(("def ", "async def ")):
        lines.pop(0)                     # the decorator
    return "\n".join(lines) + "\n"


def _register(fn, what, hint):
    notebook = fn.__module__.rsplit(".", 1)[-1]
    ANSWERS.append(Answer(fn.__name__, what, hint, _source(fn), notebook))
    return fn


def correct(style):
    """Mark a correct answer written in `style`."""
    return lambda fn: _register(fn, style, None)


def bug(mistake, hint):
    """Mark a buggy answer: `mistake` says what is wrong, `hint` the words its hint must hold."""
    if not hint:
        raise ValueError("a bug needs the words its hint must contain")
    return lambda fn: _register(fn, mistake, hint)


def load():
    """Every answer of the bank, in notebook order."""
    from . import bank  # noqa: F401  (its modules register their answers on import)
    return list(ANSWERS)


def find(name, what):
    """The bank's answer for the graded function `name` whose `what` is `what`."""
    for answer in load():
        if (answer.name, answer.what) == (name, what):
            return answer
    raise LookupError(f"the bank has no answer {what!r} for {name}")
