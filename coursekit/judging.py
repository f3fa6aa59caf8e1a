"""How an answer is judged: compared with the expected one, and matched with known mistakes.

Shared by the hidden checks (autograder.checks, in the grader's process) and the visible
tests (coursekit.visible, in the student's kernel), so both give the same verdict and the
same hint for the same answer. Nothing here holds an answer: the expected output and the
outputs of known mistakes come in as data.

A judgement follows `rules`, an object with:
    name            the graded function's name
    compare         a Comparison: compare(got, expected, case) -> None or a sentence
    bug_compare     how got is matched with a known mistake's output (compare when None)
    hint            said when a case fails and no known mistake explains it
    mutation_hint   said when the function changes its inputs in place
    mistakes(case, expected) -> iterable of (hint, output): the known mistakes that give
                    another answer than expected on this case, in order
"""
from dataclasses import dataclass

import numpy as np

from .compare import explain_difference, form_difference, number_problem, quote


@dataclass(frozen=True)
class Case:
    """One input to the graded function: a short name saying what it covers, the arguments,
    and, where no reference function gives it, the expected answer itself."""
    name: str
    args: tuple
    weight: float = 1.0
    expected: object = None


class Malformed(str):
    """A comparison's sentence for an answer without the expected form (None, another type,
    length or shape, values that are not real numbers): nothing in it could be judged."""


@dataclass
class CaseResult:
    """answered: False when nothing was attempted (a stub, or no such function);
    judged: False when there was no answer to judge on its values: not attempted, an error,
    a timeout, a kernel that stopped, or an answer without the expected form (Malformed)."""
    case: Case
    passed: bool
    message: str = ""
    hint: str = ""
    answered: bool = True
    judged: bool = True
    mistake: str = ""       # the known mistake the answer matched (its hint), "" when none did
    matched: tuple = ()     # the hints of every known mistake the answer matched (see consistent)
    applied: tuple = ()     # ... of every known mistake that gives another answer than expected here
    fallback: str = ""      # the hint when none of the matched mistakes holds (see consistent)

    def line(self):
        mark = "PASS" if self.passed else "FAIL"
        return f"  {mark}  {self.case.name}" + ("" if self.passed else f": {self.message}")


NOT_IMPLEMENTED = "replace `raise NotImplementedError()` with your code (here, or in a function this one calls)"


def undefined_message(name):
    """What a case says when the notebook has no function `name` to call."""
    return f"`{name}` is not defined: run the cell that defines it (and keep its name)"


def judge(rules, case, outcome, expected):
    """CaseResult of one case from the outcome of calling the student's function on it:
    {"output": value, "mutated": [argument indices]} or {"error": "Type: message"} (with
    "undefined" or "timeout" set when that is why), as autograder.sandbox.harness.call_case gives."""
    if "error" in outcome:
        error = quote(outcome["error"])     # the student's text: it may quote the hidden input
        if error.startswith("NotImplementedError"):
            return CaseResult(case, False, "not implemented yet", NOT_IMPLEMENTED, answered=False, judged=False)
        if outcome.get("undefined"):
            return CaseResult(case, False, undefined_message(rules.name), answered=False, judged=False)
        if outcome.get("timeout"):          # this case, or an earlier one it waited behind
            return CaseResult(case, False, error, "look for a loop that never ends", judged=False)
        if error.startswith(("not run", "no result")):     # the runner's: the kernel had stopped
            return CaseResult(case, False, error, judged=False)
        return CaseResult(case, False, f"raised {error}", rules.hint, judged=False)
    if outcome.get("mutated"):  # always wrong, and the likely cause of any other difference
        names = ", ".join(f"argument {i + 1}" for i in outcome["mutated"])
        return CaseResult(case, False, f"changed its input in place ({names})", rules.mutation_hint)
    got = outcome["output"]
    message = rules.compare(got, expected, case)
    if message is not None:
        malformed = isinstance(message, Malformed)
        hint, mistake, matched, applied, fallback = diagnose(rules, case, got, expected, malformed)
        return CaseResult(case, False, message, hint, judged=not malformed, mistake=mistake,
                          matched=matched, applied=applied, fallback=fallback)
    return CaseResult(case, True)


def consistent(results):
    """results with each named mistake checked against the other cases: a known mistake that
    gives another answer than expected on a failed case (it applies there) but not the
    student's answer is not the cause, even where it matches by chance (a small window where
    two mistakes agree). Only answers of the expected form refute (a mistake's model may not
    reach an answer of another shape, a loop that ran past the border). A case naming such a mistake names the next one it matched that
    holds, else the cause read from how the answer differs, else none (UNKNOWN)."""
    import dataclasses
    refuted = {hint for r in results if not r.passed and r.judged for hint in r.applied if hint not in r.matched}
    settled = []
    for r in results:
        if r.passed or r.mistake not in refuted or not r.mistake:
            settled.append(r)
            continue
        held = [hint for hint in r.matched if hint not in refuted]
        hint = held[0] if held else r.fallback
        settled.append(dataclasses.replace(r, hint=hint, mistake=held[0] if held else ""))
    return settled


UNKNOWN = "no known mistake gives this answer"


def diagnose(rules, case, got, expected, malformed=False):
    """(hint, mistake, matched, applied, fallback) of a wrong answer: the hint said and the
    known mistake it names ("" for none); the hints of the known mistakes got matches (twice)
    and of those that apply here (give another answer than expected); the hint when no known
    mistake holds. First a family every exercise shares (an integer output array,
    _integer_output), then the first known mistake got matches; else a cause read from how got
    differs (_pattern), else an honest UNKNOWN with the rules' own hint (the rules' hint alone
    when the answer has not the expected form: the message names what is wrong)."""
    family = _integer_output(got, expected)
    if family:
        return family, family, (family,), (), family
    matches = rules.bug_compare or rules.compare
    matched, applied = [], []
    for hint, buggy in rules.mistakes(case, expected):
        if malformed and _same_values(buggy, expected):
            continue        # right values in another form: it tells no form mistake from another
        applied.append(hint)
        try:
            with np.errstate(all="ignore"):
                if matches(got, buggy, case) is None:
                    matched.append(hint)
        except Exception:  # got of another form than this mistake's output
            continue
    if malformed:
        fallback = rules.hint
    else:
        fallback = _pattern(got, expected) or (f"{UNKNOWN}; {rules.hint}" if rules.hint else UNKNOWN)
    first = matched[0] if matched else ""
    return first or fallback, first, tuple(matched), tuple(dict.fromkeys(applied)), fallback


def _same_values(a, b):
    """Whether a and b hold the same numbers in the same order, whatever their shapes."""
    try:
        a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-8))
    except (TypeError, ValueError):
        return False


def _array_pairs(got, expected):
    """(got, expected) array pairs of the same shape, looking inside tuples and lists."""
    if isinstance(expected, (tuple, list)):
        if isinstance(got, (tuple, list)):
            for g, e in zip(got, expected):
                yield from _array_pairs(g, e)
        return
    if isinstance(got, (np.ndarray, np.generic)) and isinstance(expected, (np.ndarray, np.generic)) \
            and np.shape(got) == np.shape(expected):
        yield np.asarray(got), np.asarray(expected)


def _integer_output(got, expected):
    """The output-dtype family: an array of integers where the answer has fractions. Whatever
    else is wrong, such an array cannot hold the answer: every value written into it was cut
    to an integer (an output made like an integer input, np.zeros_like(x) or dtype=x.dtype, or
    with dtype=int)."""
    for g, e in _array_pairs(got, expected):
        if g.dtype.kind in "iu" and e.dtype.kind == "f":
            with np.errstate(all="ignore"):
                fractions = np.isfinite(e) & (e != np.trunc(e))
            if fractions.any() and not np.array_equal(g[fractions], e[fractions]):
                return (f"the output array holds integers (dtype {g.dtype}) where the answer has "
                        f"fractions: every value written into it is cut to an integer. Make it with a "
                        f"float dtype (np.result_type of the inputs: an integer image with float weights "
                        f"gives float64), not like the input (np.zeros_like(x), dtype=x.dtype) or dtype=int")
    return None


def _first_difference(got, expected):
    """The first pair of arrays of real numbers that differ, looking inside tuples (out, cache),
    (dx, dw, db)."""
    if isinstance(expected, (tuple, list)) and isinstance(got, (tuple, list)):
        for g, e in zip(got, expected):
            pair = _first_difference(g, e)
            if pair is not None:
                return pair
        return None
    try:
        got, expected = np.asarray(got), np.asarray(expected)
    except ValueError:           # ragged lists
        return None
    if number_problem(got) or number_problem(expected):
        return None
    got, expected = got.astype(float), expected.astype(float)
    return None if _roughly(got, expected) else (got, expected)


def _roughly(a, b):
    """Same shape and equal up to float32 rounding: what a pattern needs to hold."""
    return explain_difference(a, b, rtol=1e-4, atol=1e-6) is None


def _pattern(got, expected):
    """A cause read from how the answer differs, for mistakes no known bug reproduces:
    swapped height and width, a wrong constant where zeros belong, a flipped sign, a constant
    factor, a constant per channel."""
    pair = _first_difference(got, expected)
    if pair is None:
        return None
    got, expected = pair
    with np.errstate(all="ignore"):
        if not np.all(np.isfinite(got)):
            return None
        if got.ndim == 4 and _roughly(got.transpose(0, 2, 1, 3), expected):
            return "height and width are swapped: arrays are (N, H, W, C), rows first"
        if got.shape != expected.shape or not np.any(expected):
            return None
        zeros = expected == 0
        if zeros.any() and np.ptp(got[zeros]) == 0 and got[zeros][0] != 0 and _roughly(got[~zeros], expected[~zeros]):
            return (f"every value that should be 0 is {got[zeros][0]:.4g}, and the others are right: a wrong "
                    f"constant where zeros belong (padding adds zeros: np.pad's constant_values=0, or np.zeros)")
        if _roughly(got, -expected):
            return "the sign is flipped"
        factor = float(np.sum(got * expected) / np.sum(expected * expected))
        if got.size > 1 and abs(factor - 1) > 1e-3 and abs(factor) > 1e-3 and _roughly(got, factor * expected):
            return (f"every value is {factor:.4g} times the right one: a sum where a mean belongs (or the "
                    f"reverse), or a division by the wrong count")
        offset = (got - expected).reshape(-1, got.shape[-1]) if got.ndim > 1 else None
        if offset is not None and _roughly(offset, np.broadcast_to(offset[0], offset.shape)):
            return ("each channel (last axis) is off by its own constant: is the bias missing, doubled, "
                    "or added to the wrong channel?")
    return None


# Comparisons ---------------------------------------------------------------------------------
# Each takes (got, expected, case, *params) and returns None when got matches expected, else a
# sentence. A Comparison names one with its parameters, so it can travel as data.

def _float32(case):
    return any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in case.args)


def type_name(value):
    """The name of value's type, as a report may quote it."""
    return quote(type(value).__name__)


def compare_value(got, expected, case, name="the result"):
    """A single array or number, said in words that do not give the hidden expected away.
    Values are judged, not dtypes: a correct answer computed in float64 from float32 inputs
    earns its points (with float32's tolerance)."""
    form = form_difference(got, expected, name)
    if form is not None:
        return Malformed(form)
    rtol, atol = (1e-4, 1e-5) if _float32(case) else (1e-6, 1e-8)
    return explain_difference(got, expected, name, rtol=rtol, atol=atol, reveal=False)


def compare_tuple(got, expected, case, names):
    """A tuple of arrays, e.g. names ("dx", "dw", "db"), compared entry by entry."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        return Malformed(f"should return a tuple ({', '.join(names)}); got {type_name(got)}"
                         + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""))
    for name, g, e in zip(names, got, expected):
        message = compare_value(g, e, case, name)
        if message is not None:
            return message
    return None


def compare_given(got, buggy, case, names):
    """Match a student's tuple with a mistake's on the entries the mistake gives (the others
    are None): a mistake in db is named whatever dx and dw are."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        return "not a tuple of the expected length"
    for name, g, b in zip(names, got, buggy):
        message = None if b is None else compare_value(g, b, case, name)
        if message is not None:
            return message
    return None


def same_entry(got, expected):
    """A cache entry equals the forward's input: arrays by value, others by ==."""
    if isinstance(expected, np.ndarray):
        return explain_difference(got, expected) is None
    try:
        return bool(got == expected)
    except Exception:
        return False


def compare_out(got, buggy_out, case):
    """Match the out of a student's (out, cache) with a known mistake's out."""
    return compare_value(got[0], buggy_out, case, "out")


def compare_forward(got, expected, case, input_names):
    """(out, cache): out compared as a value; the cache must start with the inputs, in order."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return Malformed(f"should return (out, cache); got {type_name(got)}")
    message = compare_value(got[0], expected[0], case, "out")
    if message is not None:
        return message
    cache = got[1]
    if not isinstance(cache, (tuple, list)) or len(cache) < len(input_names):
        return f"cache should be a tuple starting with ({', '.join(input_names)})"
    for i, name in enumerate(input_names):
        if not same_entry(cache[i], expected[1][i]):
            return (f"cache[{i}] should be {name}: a cache starts with the forward's inputs "
                    f"({', '.join(input_names)}), in order, for the backward pass")
    return None


def compare_relative(got, buggy, case, name):
    """Match a mistake's output at its own scale (a gradient divided by `2 * h` the wrong way
    gives numbers near 1e-10)."""
    scale = float(np.max(np.abs(buggy))) if np.size(buggy) else 0.0
    return explain_difference(got, buggy, name, rtol=1e-6, atol=1e-8 * scale)


def compare_loss(got, expected, case):
    """(loss, dscores) of a softmax cross-entropy."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return Malformed(f"should return (loss, dscores); got {type_name(got)}")
    message = compare_value(got[0], expected[0], case, "loss")
    return message or compare_value(got[1], expected[1], case, "dscores")


def _overflowed(value):
    try:
        return not np.all(np.isfinite(np.asarray(value, dtype=np.float64)))
    except (TypeError, ValueError):
        return False


def match_loss(got, buggy, case):
    """Match (loss, dscores) with a mistake's. An entry the mistake leaves None is not compared.
    What overflows comes out differently however it is written: a loss that overflowed (inf or
    NaN) matches any loss that did, and dscores are compared where the mistake's are finite."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return "not (loss, dscores)"
    if buggy[0] is not None:
        if _overflowed(buggy[0]):
            if not _overflowed(got[0]):
                return "the loss is finite"
        elif compare_value(got[0], buggy[0], case, "loss") is not None:
            return "another loss"
    if buggy[1] is None:
        return None
    dscores = got[1]
    if _overflowed(buggy[1]) and isinstance(dscores, np.ndarray) and dscores.shape == buggy[1].shape:
        dscores = np.where(np.isfinite(buggy[1]), dscores, buggy[1])
    return compare_value(dscores, buggy[1], case, "dscores")


def compare_scores(got, expected, case):
    """(scores, caches) of a network's forward pass over case.args[1], its (kind, params) layers."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return Malformed(f"should return (scores, caches); got {type_name(got)}")
    message = compare_value(got[0], expected[0], case, "scores")
    if message is not None:
        return message
    caches, layers = got[1], case.args[1]
    if not isinstance(caches, (list, tuple)) or len(caches) != len(layers):
        return f"caches should hold one entry per layer ({len(layers)})"
    for i, (entry, (kind, _), (_, reference)) in enumerate(zip(caches, layers, expected[1])):
        if not (isinstance(entry, (tuple, list)) and len(entry) == 2 and entry[0] == kind):
            return f"caches[{i}] should be the pair ({kind!r}, cache)"
        cache = entry[1]
        if not (isinstance(cache, (tuple, list)) and cache and same_entry(cache[0], reference[0])):
            return (f"caches[{i}] should be ({kind!r}, cache) with the cache the layer's forward "
                    f"returned (it starts with the layer's input)")
    return None


def compare_network_grads(got, expected, case):
    """(dx, grads) of a network's backward pass: grads, one dict per layer of the forward's
    case (case.args[1] is its caches, as (kind, cache) pairs)."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return Malformed(f"should return (dx, grads); got {type_name(got)}")
    message = compare_value(got[0], expected[0], case, "dx")
    if message:
        return message
    grads, reference = got[1], expected[1]
    if not isinstance(grads, (list, tuple)) or len(grads) != len(reference):
        return f"grads should hold one dict per layer ({len(reference)}), in the order of the layers"
    for i, (g, r) in enumerate(zip(grads, reference)):
        if not isinstance(g, dict) or set(g) != set(r):
            return f"grads[{i}] should be a dict with keys {sorted(r) or '{}'} (layer {case.args[1][i][0]!r})"
        for name in r:
            message = compare_value(g[name], r[name], case, f"grads[{i}][{name!r}]")
            if message:
                return message
    return None


# A trained model: accuracy on labelled digits; its mistakes are known by what the result shows
# (no reference gives that result), named in SIGNS: a known mistake's output is its sign's name.

def _form(got, labels):
    """What got is when it is neither scores (N, 10) nor labels (N,) of real numbers for
    the N labels (its type, the kind of its values, or its shape), else None."""
    try:
        array = np.asarray(got)
    except ValueError:                   # batches of unequal sizes, (scores, caches)
        return type_name(got)
    if array.dtype == object:
        return type_name(got)
    if number_problem(array):
        return number_problem(array)
    return None if array.shape in ((len(labels),), (len(labels), 10)) else f"shape {array.shape}"


def compare_accuracy(got, expected, case):
    """Scores (N, 10) or labels (N,) at least as accurate as the threshold: expected is
    (labels, threshold)."""
    labels, threshold = expected
    form = _form(got, labels)
    if form is not None:
        return Malformed(f"should return scores (N, 10) or labels (N,) for N = {len(labels)}; got {form}")
    array = np.asarray(got)
    predicted = array.argmax(axis=1) if array.ndim == 2 else array
    accuracy = float(np.mean(predicted == labels))
    if accuracy < threshold:
        return f"accuracy {accuracy:.1%}, below {threshold:.0%}"
    return None


def _accuracy(got, labels):
    return float(np.mean((got.argmax(axis=1) if got.ndim == 2 else got) == labels))


def _batches(got, labels):
    """A list of per-batch scores, or the scores of one batch only."""
    parts = list(got) if isinstance(got, list) or np.ndim(got) == 3 else [got]
    return all(np.ndim(part) == 2 and np.shape(part)[1] == 10 for part in parts) and _form(got, labels) is not None


SIGNS = {   # name: seen(got, labels), whether got shows the mistake
    "nothing": lambda got, labels: got is None,
    "scores and caches": lambda got, labels: (isinstance(got, tuple) and len(got) == 2
                                              and isinstance(got[1], list)),     # network_forward's result
    "labels per class": lambda got, labels: np.shape(got) == (10,),             # argmax(axis=0)
    "not one row each": _batches,
    "other form": lambda got, labels: _form(got, labels) is not None,
    "chance": lambda got, labels: (np.shape(got) in ((len(labels),), (len(labels), 10))
                                   and _accuracy(np.asarray(got), labels) < 0.2),  # untrained, rescaled images
}


def shows(got, sign, case):
    """Match got with a known mistake of a trained model, `sign` (a name in SIGNS): None when
    got shows it. case.expected is (labels, threshold)."""
    if got is case.expected:              # the expected labels show no mistake
        return "no mistake"
    if isinstance(got, str):              # a sign's name played as a student (tests/test_checks.py)
        return None if got == sign else "another mistake"
    try:
        return None if SIGNS[sign](got, case.expected[0]) else "another result"
    except Exception:
        return "another result"


COMPARISONS = {"value": compare_value, "tuple": compare_tuple, "given": compare_given, "out": compare_out,
               "forward": compare_forward, "relative": compare_relative, "loss": compare_loss,
               "match_loss": match_loss, "scores": compare_scores, "network_grads": compare_network_grads,
               "accuracy": compare_accuracy, "shows": shows}


class Comparison:
    """One of COMPARISONS with its parameters, e.g. Comparison("tuple", ("dx", "dw", "db")),
    called as compare(got, expected, case). `spec` is the same as data: Comparison(*spec)."""

    def __init__(self, kind, *params):
        if kind not in COMPARISONS:
            raise ValueError(f"no comparison {kind!r}: one of {', '.join(COMPARISONS)}")
        self.kind, self.params = kind, params

    def __call__(self, got, expected, case):
        return COMPARISONS[self.kind](got, expected, case, *self.params)

    @property
    def spec(self):
        return (self.kind, *self.params)

    def __repr__(self):
        return f"Comparison{self.spec!r}"
