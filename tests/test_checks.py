"""The checks behind the hidden tests, against the reference and against known bugs."""
import inspect
import math
import os
import re

import numpy as np
import pytest

import solutions as S
from autograder.checks.scoring import grade_in_process
from autograder.checks import CHECKS
from autograder.notebook import grade
from autograder.reports.text import exercise_text
from autograder.proof.answers import load as load_answers


def text(report):
    """A check's report as the student reads it."""
    return exercise_text(report.result())


def as_student(check, bug):
    """A known bug played as a student's function of the graded signature."""
    if getattr(check.bug_compare, "kind", None) == "out":    # a forward: the bug gives out; add a cache
        return lambda *args: (bug.output(*args), check.reference(*args)[1])
    return bug.output


WITH_REFERENCE = [name for name, check in CHECKS.items() if check.reference is not None]


@pytest.mark.parametrize("name", WITH_REFERENCE)
def test_reference_earns_full_marks(name):
    report = grade_in_process(CHECKS[name], getattr(S, name))
    assert type(report.points) is float and report.points == CHECKS[name].points, text(report)


BUGS = [(name, i) for name, check in CHECKS.items() for i in range(len(check.bugs))]


@pytest.mark.parametrize("name, index", BUGS, ids=[f"{n}-bug{i}" for n, i in BUGS])
def test_known_bug_loses_points_and_is_named(name, index, request):
    if name == "trained_model":
        request.getfixturevalue("data_root")      # its cases are the real test digits
    check = CHECKS[name]
    bug = check.bugs[index]
    report = grade_in_process(check, as_student(check, bug))
    assert report.points < check.points, f"{bug.hint!r} earned full marks"
    hints = [r.hint for r in report.results if not r.passed]
    assert bug.hint in hints, f"expected hint {bug.hint!r}; got {hints}\n{text(report)}"


@pytest.mark.parametrize("name", WITH_REFERENCE)
def test_stub_scores_zero_and_says_why(name):
    def stub(*args):
        raise NotImplementedError()
    report = grade_in_process(CHECKS[name], stub)
    assert report.points == 0.0
    assert all("not implemented" in r.message for r in report.results)


def test_crash_wrong_type_and_none_are_verdicts():
    check = CHECKS["zero_pad"]
    for student, words in [(lambda x, p: 1 / 0, "raised ZeroDivisionError"),
                           (lambda x, p: x.tolist(), "numpy array"),
                           (lambda x, p: None, "None"),
                           (lambda x, p: np.full(np.pad(x, ((0, 0), (p, p), (p, p), (0, 0))).shape, np.nan), "NaN")]:
        report = grade_in_process(check, student)
        assert report.points == 0.0
        assert any(words in r.message for r in report.results), text(report)


def test_partial_credit_is_proportional_to_case_weights():
    check = CHECKS["output_size"]
    report = grade_in_process(check, lambda n, f, s=1, p=0: 0 if n == 227 else S.output_size(n, f, s, p))
    cases = check.cases()
    assert report.points == pytest.approx(check.points * (len(cases) - 1) / len(cases), abs=1e-4)


def test_changing_an_input_in_place_fails_with_its_hint():
    def relu_in_place(x):
        x[x < 0] = 0
        return x, (x,)
    report = grade_in_process(CHECKS["relu_forward"], relu_in_place)
    assert report.points < 1
    assert any("in place" in r.message and "new array" in r.hint for r in report.results)

    def gradient_not_restored(f, x, dout=None, h=1e-5):
        grad = S.numerical_gradient(f, x, dout, h)
        x += 1e-3
        return grad
    report = grade_in_process(CHECKS["numerical_gradient"], gradient_not_restored)
    assert report.points == 0.0 and "put back x[i]" in report.results[0].hint


def test_a_cache_in_the_wrong_order_is_explained():
    def conv(x, w, b, stride=1, pad=0):
        out, _ = S.conv_forward_naive(x, w, b, stride, pad)
        return out, (w, x, b, stride, pad)
    report = grade_in_process(CHECKS["conv_forward_naive"], conv)
    assert report.points == 0.0 and "cache[0] should be x" in report.results[0].message


def test_grade_in_a_notebook_prints_and_returns_a_float(capsys):
    points = grade("conv_single_step", S.conv_single_step)
    captured = capsys.readouterr()
    assert type(points) is float and points == 1.0
    assert "conv_single_step: 1 / 1 points" in captured.out and captured.err == ""


UNDEFINED = "`relu_backward` is not defined: run the cell that defines it (and keep its name)"


def test_grade_of_an_undefined_function_is_zero_without_a_traceback(capsys):
    assert grade("relu_backward") == 0.0       # not defined in this test's __main__
    captured = capsys.readouterr()
    assert "is not defined" in captured.out and captured.err == ""
    assert captured.out == f"relu_backward: 0 / 1 points\n  FAIL  {UNDEFINED}\n"     # one line, not one per case


def test_a_missing_function_scores_zero_and_is_no_attempt():
    from autograder.checks.scoring import Report, settle
    report = grade_in_process(CHECKS["relu_backward"], None)     # as play() passes namespace.get(name)
    assert report.points == 0.0 and not report.attempted
    assert report.results and all(r.message == UNDEFINED and not r.passed for r in report.results)
    assert text(report).splitlines()[1:] == [f"  FAIL  {UNDEFINED}"]
    dense, model = CHECKS["dense_backward"], CHECKS["trained_model"]
    assert settle([grade_in_process(dense, None), Report(model, [])])[1].points == 0.0   # nothing to excuse


def test_only_a_case_that_ran_out_of_time_gets_the_endless_loop_hint(tmp_path, monkeypatch):
    import __main__

    from autograder.sandbox import harness, protocol
    from coursekit import wire
    from autograder.checks.scoring import score

    def endless(x):
        while True:
            pass
    check = CHECKS["relu_forward"]
    cases = check.cases()[:2]
    for i, case in enumerate(cases):
        (tmp_path / protocol.case_file(i)).write_bytes(wire.encode(case.args))
    monkeypatch.setattr(__main__, "relu_forward", endless, raising=False)
    read_end, write_end = os.pipe()
    monkeypatch.setitem(harness._PRISTINE, "results", write_end)
    harness.run_cases("relu_forward", str(tmp_path), len(cases), "00" * 16, seconds=0.1)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        frames = pipe.read()
    outcomes = []
    while frames:
        _, _, index, length = wire.FRAME.unpack(frames[:wire.FRAME.size])
        if index != wire.END:
            outcomes.append(wire.decode(frames[wire.FRAME.size:wire.FRAME.size + length]))
        frames = frames[wire.FRAME.size + length:]
    timed_out, skipped = outcomes
    assert timed_out["timeout"] and "took more than" in timed_out["error"]
    assert skipped["timeout"] and skipped["error"].startswith("not run: an earlier case")
    stopped = {"error": "not run: the kernel had stopped for good (see the notes)"}    # the runner's outcome
    results = score(check, [timed_out, skipped, stopped], cases + cases[:1]).results
    loop = "look for a loop that never ends"
    assert [r.hint for r in results[:2]] == [loop, loop]
    assert loop not in results[2].hint and results[2].message == stopped["error"] and not results[2].passed


def test_student_warnings_and_prints_do_not_reach_stderr(capsys):
    def noisy(x):
        import sys
        import warnings
        print("debugging", file=sys.stderr)
        warnings.warn("careful")
        return np.maximum(x, 0) / np.ones_like(x), (x,)
    points = grade("relu_forward", noisy)
    assert points == 1.0 and capsys.readouterr().err == ""


def test_a_float64_answer_to_float32_inputs_earns_full_marks():
    def conv_in_float64(x, w, b, stride=1, pad=0):
        out, cache = S.conv_forward_naive(x.astype(np.float64), w.astype(np.float64),
                                          b.astype(np.float64), stride, pad)
        return out, (x, w, b, stride, pad)
    assert grade_in_process(CHECKS["conv_forward_naive"], conv_in_float64).points == 3.0


def test_trained_model_is_graded_on_held_out_accuracy(data_root):
    from coursekit.data import load_mnist
    check = CHECKS["trained_model"]
    images, labels = load_mnist(limit=10_000).test        # every test digit: the cases draw from them
    lookup = {image.tobytes(): label for image, label in zip(images, labels)}

    def knows(x):
        return np.array([lookup[image.tobytes()] for image in x])

    def three_quarters_right(x):
        guess = knows(x)
        guess[::4] = (guess[::4] + 1) % 10
        return guess
    assert grade_in_process(check, knows).points == check.points
    assert grade_in_process(check, lambda x: np.eye(10)[knows(x)]).points == check.points       # scores work too
    assert grade_in_process(check, lambda x: np.zeros(len(x), int)).points == 0.0
    partial = grade_in_process(check, three_quarters_right)
    assert partial.points == check.points / 2, text(partial)                          # 50% and 70% steps
    assert "accuracy 75.0%, below 80%" in text(partial)
    wrong_shape = grade_in_process(check, lambda x: np.zeros((len(x), 3)))
    assert wrong_shape.points == 0.0 and "scores (N, 10) or labels (N,)" in text(wrong_shape)
    first, second = check.cases(0), check.cases(1)                                    # other digits, same cases
    assert [c.name for c in first] == [c.name for c in second]
    assert not np.array_equal(first[0].args[0], second[0].args[0])
    assert grade_in_process(check, knows, seed=1).points == check.points


def test_a_mistake_in_a_function_costs_points_on_its_own_exercise_only(monkeypatch):
    from autograder.proof.answers import Answer
    from autograder.proof.play import play
    pads_every_axis = Answer("zero_pad", "every axis padded", "pad only the height and width",
                             "def zero_pad(x, pad):\n    return np.pad(x, pad)\n", "convolution")

    def points():
        return {r.check.name: r.points for r in play(pads_every_axis).reports}
    assert points()["zero_pad"] < 1 and points()["conv_forward_naive"] == 3.0
    monkeypatch.setattr(CHECKS["conv_forward_naive"], "uses", None)     # without the stand-ins
    assert points()["conv_forward_naive"] < 3.0                          # the mistake would count twice


@pytest.mark.parametrize("body", ["return None", "return [float(np.sum(a_slice * W) + b)]", "raise IndexError()"],
                         ids=["None", "a list", "a crash"])
def test_a_helper_that_is_no_real_attempt_gets_no_stand_in(body):
    """conv_forward_naive raises in the student's own notebook when conv_single_step returns
    None: no stand-in may answer for the helper and pay for the caller."""
    from autograder.proof.answers import Answer
    from autograder.proof.play import play
    helper = Answer("conv_single_step", body, "", f"def conv_single_step(a_slice, W, b):\n    {body}\n",
                    "convolution")
    points = {r.check.name: r.points for r in play(helper).reports}
    assert points["conv_single_step"] == 0.0 and points["conv_forward_naive"] < 3.0


# settle: a mistake costs points once; doing nothing, crashing or timing out earns nothing -------

LABELS = np.arange(1000) % 10       # made-up test labels: the accuracy is what matters, not the digits


def trained_model_report(outcome):
    """trained_model's Report from one harness outcome given to every case."""
    from autograder.checks.scoring import score
    from coursekit.judging import Case
    from autograder.checks.training import THRESHOLDS
    cases = [Case(f"accuracy at least {t:.0%}", (None,), expected=(LABELS, t)) for t in THRESHOLDS]
    return score(CHECKS["trained_model"], [outcome] * len(cases), cases)


def at_accuracy(fraction):
    """The outcome of a trained_model whose labels are right on `fraction` of LABELS."""
    right = int(round(fraction * len(LABELS)))
    return {"output": np.concatenate([LABELS[:right], (LABELS[right:] + 1) % 10]), "mutated": []}


def settled_points(*reports):
    from autograder.checks.scoring import settle
    return {r.check.name: r.points for r in settle(list(reports))}


def partly_wrong_dense_backward():
    """db a mean over the batch: right on the batch of 1 only."""
    report = grade_in_process(CHECKS["dense_backward"], lambda dout, cache: (dout @ cache[1].T, cache[0].T @ dout,
                                                                      dout.mean(axis=0)))
    assert 0 < report.points < CHECKS["dense_backward"].points, text(report)
    return report


def test_an_honest_partly_wrong_upstream_does_not_cost_trained_model_twice():
    from autograder.checks.scoring import settle
    upstream, model = settle([partly_wrong_dense_backward(), trained_model_report(at_accuracy(0.6))])
    assert upstream.points < 2 and model.points == 3.0 and "built from dense_backward" in text(model)
    right = grade_in_process(CHECKS["dense_backward"], S.dense_backward)
    assert settled_points(right, trained_model_report(at_accuracy(0.6)))["trained_model"] == 0.75   # nothing to excuse


def test_an_excuse_pays_no_more_than_the_exercise_own_work_shows():
    """A model at chance (one that predicts 0 for every digit, or an untrained one) shows
    trained_model's own mistake: a partly right upstream excuses none of it."""
    constant = {"output": np.zeros(len(LABELS), int), "mutated": []}
    for model in (constant, at_accuracy(0.139)):
        assert settled_points(partly_wrong_dense_backward(), trained_model_report(model))["trained_model"] == 0.0


def test_an_upstream_that_earns_nothing_excuses_nothing():
    dense = CHECKS["dense_backward"]
    wrong_everywhere = grade_in_process(dense, lambda dout, cache: (0 * dout, 0 * cache[1], 0 * cache[2]))
    stub = grade_in_process(dense, lambda dout, cache: (_ for _ in ()).throw(NotImplementedError()))
    crash = grade_in_process(dense, lambda dout, cache: 1 / 0)
    for upstream in (wrong_everywhere, stub, crash, grade_in_process(dense, None)):
        assert upstream.points == 0.0
        assert settled_points(upstream, trained_model_report(at_accuracy(0.139)))["trained_model"] == 0.0


def test_sgd_momentum_that_never_updates_gets_no_free_points():
    """The model stays at chance (13.9%): sgd_momentum fails every case, and trained_model is not
    excused for it (it once scored 13 of 14)."""
    never = grade_in_process(CHECKS["sgd_momentum"], lambda w, dw, velocity, lr=0.01, momentum=0.9: (w, velocity))
    assert never.points == 0.0 and "come back unchanged" in text(never)
    assert settled_points(never, trained_model_report(at_accuracy(0.139)))["trained_model"] == 0.0


NO_ANSWER = {
    "None": {"output": None, "mutated": []},
    "a crash": {"error": "MemoryError: Unable to allocate 2.0 GiB"},
    "a timeout": {"error": "took more than 20 s (an endless loop?)", "timeout": True},
    "a kernel that died": {"error": "no result: the kernel died (out of memory?)"},
    "a kernel stopped for good": {"error": "not run: the kernel had stopped for good (see the notes)"},
    "a stub": {"error": "NotImplementedError: "},
    "the wrong form": {"output": (np.zeros((1000, 10)), []), "mutated": []},
}


@pytest.mark.parametrize("outcome", NO_ANSWER.values(), ids=NO_ANSWER.keys())
def test_trained_model_without_a_real_answer_is_not_excused(outcome):
    report = trained_model_report(outcome)
    assert not report.judged
    assert settled_points(partly_wrong_dense_backward(), report)["trained_model"] == 0.0


def test_a_notebook_whose_functions_all_return_none_earns_nothing():
    from autograder.checks import NOTEBOOKS
    reports = [grade_in_process(check, lambda *args, **kwargs: None) for check in NOTEBOOKS["05-mnist"]
               if check.name != "trained_model"]
    points = settled_points(*reports, trained_model_report(NO_ANSWER["None"]))
    assert set(points.values()) == {0.0}, points


# Stand-ins: a helper's wrong answer is replaced, not its absence ------------------------------

CALLS_ITS_HELPERS = next(a for a in load_answers() if a.name == "conv_forward_naive" and "earlier functions" in a.what)
STUBS = {name: f"def {name}{inspect.signature(getattr(S, name))}:\n    raise NotImplementedError()\n"
         for name in ("output_size", "zero_pad", "conv_single_step")}     # as the release has them


def test_a_caller_earns_nothing_on_helpers_that_are_stubs():
    from autograder.proof.play import grade_with
    reports = grade_with("01-convolution", [*STUBS.values(), CALLS_ITS_HELPERS.source])
    points = {r.check.name: r.points for r in reports}
    assert points["conv_forward_naive"] == 0.0, points
    one_stub = grade_with("01-convolution", [STUBS["zero_pad"], CALLS_ITS_HELPERS.source])
    assert {r.check.name: r.points for r in one_stub}["conv_forward_naive"] == 0.0


NETWORK = """
import numpy as np
import solutions as S

def dense_forward(x, w, b):
    {dense}

FORWARD = {{"conv": lambda x, p: S.conv_forward(x, p["w"], p["b"], p["stride"], p["pad"]),
           "relu": lambda x, p: S.relu_forward(x),
           "pool": lambda x, p: S.pool_forward(x, p["size"], p["stride"], p["mode"]),
           "flatten": lambda x, p: S.flatten_forward(x),
           "dense": lambda x, p: dense_forward(x, p["w"], p["b"])}}

def network_forward(x, layers):
    caches = []
    for kind, params in layers:
        x, cache = FORWARD[kind](x, params)
        caches.append((kind, cache))
    return x, caches
"""


@pytest.mark.parametrize("dense, network_points", [
    ("raise NotImplementedError()", 0.0),                      # a stub: no stand-in, nothing earned
    ("return x @ w, (x, w, b)", 2.0),                          # wrong (no bias): the stand-in answers
])
def test_network_forward_gets_stand_ins_for_a_wrong_dense_forward_not_a_missing_one(
        dense, network_points, monkeypatch):
    from autograder import notebook
    namespace = {}
    exec(NETWORK.format(dense=dense), namespace)
    monkeypatch.setattr(notebook, "_GRADED", {})
    assert notebook.grade("dense_forward", namespace["dense_forward"]) < 1.0
    assert notebook.grade("network_forward", namespace["network_forward"]) == network_points


# Seeds: the same cases for every student, other values --------------------------------------

@pytest.mark.parametrize("name", WITH_REFERENCE)
def test_a_seed_changes_the_values_of_the_cases_not_the_cases(name):
    check = CHECKS[name]
    first, second = check.cases(0), check.cases(1)
    assert [(c.name, c.weight) for c in first] == [(c.name, c.weight) for c in second]
    assert [(c.name, c.weight) for c in first] == [(c.name, c.weight) for c in check.cases(0)]
    assert any(repr(a.args) != repr(b.args) for a, b in zip(first, second)), "no input depends on the seed"
    assert grade_in_process(check, getattr(S, name), seed=1).points == check.points


def hard_coded_relu(seed):
    """A relu_forward that looks its answers up: right on the hidden inputs of `seed` only."""
    answers = {x.tobytes(): S.relu_forward(x)[0] for x, in (c.args for c in CHECKS["relu_forward"].cases(seed))}
    return lambda x: (answers.get(x.tobytes(), x), (x,))


def test_hard_coded_hidden_outputs_lose_points_under_another_seed(monkeypatch):
    from autograder import notebook
    monkeypatch.setattr(notebook, "_GRADED", {})
    check = CHECKS["relu_forward"]
    assert grade_in_process(check, hard_coded_relu(0), seed=0).points == check.points
    assert grade_in_process(check, hard_coded_relu(0), seed=1).points == 0.0
    monkeypatch.setenv("COURSE_GRADING_SEED", "7")          # stock nbgrader: the instructor's seed
    assert grade("relu_forward", hard_coded_relu(0)) == 0.0
    assert grade("relu_forward", hard_coded_relu(7)) == check.points


@pytest.mark.parametrize("notebook", ["convolution"])
def test_the_bank_holds_under_another_seed(notebook):
    from autograder.proof.play import play
    answers = [a for a in load_answers() if a.notebook == notebook]
    problems = [f"{a.name} ({a.what}): {result.problem}" for a in answers
                for result in [play(a, seed=1)] if result.problem]
    assert problems == []


FAIRNESS_SEEDS = range(8)


@pytest.mark.parametrize("notebook", ["convolution", "pooling", "backprop", "vectorization", "training"])
def test_a_known_bug_earns_the_same_points_whatever_the_seed(notebook):
    """Each student's hidden inputs come from their own seed: two students who make the same
    mistake must still get the same points (and stock nbgrader, one seed for the class, the
    runner's)."""
    from autograder.proof.play import ASSIGNMENT_OF, namespace_with
    unfair = []
    for answer in load_answers():
        if answer.notebook != notebook or answer.correct or answer.name == "trained_model":
            continue
        function = namespace_with(ASSIGNMENT_OF[notebook], [answer.source])[answer.name]
        points = {grade_in_process(CHECKS[answer.name], function, seed).points for seed in FAIRNESS_SEEDS}
        if len(points) > 1:
            unfair.append(f"{answer.name} ({answer.what}): {sorted(points)}")
    assert unfair == []


# Feedback says how an answer differs, never the hidden answer ----------------------------------

WRONG = [("conv_param_count", lambda f, c_in, c_out: -1), ("output_size", lambda n, f, s=1, p=0: (n - f) // s),
         ("conv_single_step", lambda a, w, b: float(np.sum(a * w) - b)),
         ("dense_forward", lambda x, w, b: (x @ w, (x, w, b))), ("relu_forward", lambda x: (np.abs(x), (x,)))]


def numbers_in(text):
    """The numbers written in text, but 0 and 1, which say little (an index, a count)."""
    return set(re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)) - {"0", "1", "0.0", "1.0"}


def written(value):
    """How a sentence would write the numbers of value (as explain_difference did, and as str does)."""
    return {f"{v:.6g}" for v in np.ravel(np.asarray(value, dtype=float))} | {str(v) for v in np.ravel(value)}


@pytest.mark.parametrize("name, student", WRONG, ids=[n for n, _ in WRONG])
def test_feedback_never_shows_the_expected_value_of_a_hidden_case(name, student):
    check = CHECKS[name]
    report = grade_in_process(check, student, seed=3)
    assert report.points < check.points
    for result in report.results:
        if not result.passed:
            expected = check.expected(result.case)
            out = expected[0] if isinstance(expected, tuple) else expected
            assert not numbers_in(result.message) & written(out), result.message


def test_a_hidden_case_names_what_was_raised_never_its_text():
    """A raised message, or an exception type made at run time, could carry the hidden input
    back to the student: the hidden line names a builtin type, and no more."""
    def tells_its_input(x):
        raise ValueError(f"the input was {x.tolist()}")

    def names_a_type_after_it(x):
        raise type("V" + "_".join(str(abs(int(v * 1e6))) for v in x.ravel()[:4]), (Exception,), {})()
    for student, said in [(tells_its_input, "raised ValueError"),
                          (names_a_type_after_it, "raised an exception of its own")]:
        report = grade_in_process(CHECKS["relu_forward"], student)
        for result in report.results:
            assert result.message == said, result.message


def test_complex_values_fail_even_when_their_real_part_is_right():
    report = grade_in_process(CHECKS["relu_forward"], lambda x: (np.maximum(x, 0).astype(complex), (x,)))
    assert report.points == 0.0 and all("returned complex values" in r.message for r in report.results)
    step = grade_in_process(CHECKS["conv_single_step"], lambda a, w, b: complex(np.sum(a * w) + b))
    assert step.points == 0.0 and "returned complex values" in step.results[0].message


ROUNDED = {"half down": lambda n, f, s=1, p=0: 1 + math.ceil((n + 2 * p - f) / s - 0.5),
           "half to even": lambda n, f, s=1, p=0: 1 + round((n + 2 * p - f) / s)}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("student", ROUNDED.values(), ids=ROUNDED.keys())
def test_an_output_size_rounded_to_the_nearest_integer_loses_points(student, seed):
    report = grade_in_process(CHECKS["output_size"], student, seed)
    assert report.points < 1 and any("not to the nearest" in r.hint for r in report.results), text(report)


UNKNOWN_MISTAKES = [
    ("relu_forward", lambda x: (2 * np.maximum(x, 0), (x,)), "2 times the right one"),
    ("dense_forward", lambda x, w, b: (-(x @ w + b), (x, w, b)), "sign is flipped"),
    ("dense_forward", lambda x, w, b: (x @ w + 3 * b, (x, w, b)), "off by its own constant"),
    ("conv_forward", lambda *args: (lambda out, cache: (out.transpose(0, 2, 1, 3), cache))(*S.conv_forward(*args)),
     "height and width are swapped"),
]


@pytest.mark.parametrize("name, student, words", UNKNOWN_MISTAKES, ids=[w for _, _, w in UNKNOWN_MISTAKES])
def test_a_mistake_no_known_bug_reproduces_still_gets_a_cause(name, student, words):
    report = grade_in_process(CHECKS[name], student)
    assert report.points < CHECKS[name].points
    assert any(words in r.hint for r in report.results if not r.passed), text(report)


# The lines of the model answers a hint would give away: a hint names the idea and the numpy
# tool and stops before the line (issue 29, item 3), in the visible tests as in the feedback.
ANSWER_LINES = {"zero_pad": ["(pad, pad), (pad, pad)", "((0, 0), (pad, pad)"],
                "sgd_momentum": ["momentum * velocity - lr * dw", "w + velocity", "velocity = "],
                "output_size": ["1 + (n + 2*pad - f) // stride"],
                "conv_single_step": ["np.sum(a_slice * w) + b", "np.sum(a_slice * w) is"],
                "relu_forward": ["np.maximum(x, 0))", "x * (x > 0)", "cache = (x,)"],
                "conv_forward_naive": ["sum(window * w[:, :, :, c]) + b[c]"],
                "numerical_gradient": ["grad[i] = "],
                "relu_backward": ["dx = dout where"],
                "max_mask": ["np.unravel_index(np.argmax(window), window.shape)"],
                "conv_forward": ["@ w.reshape(F*F*C_in, C_out) + b"],
                "conv_backward": ["dw = cols.T @ dout2d; db"],
                "dense_forward": ["out = x @ w + b"],
                "dense_backward": ["dx = dout @ w.T; dw = x.T @ dout; db"],
                "softmax_cross_entropy": ["loss = -mean(log p[n, y[n]])"],
                "network_forward": ["x, cache = FORWARD[kind](x, params)"],
                "network_backward": ["dout, *param_grads = BACKWARD[kind](dout, cache)"]}


@pytest.mark.parametrize("name", sorted(ANSWER_LINES))
def test_hints_stop_before_the_line_of_the_answer(name):
    check = CHECKS[name]
    for hint in [check.hint, check.mutation_hint] + [bug.hint for bug in check.bugs]:
        for line in ANSWER_LINES[name]:
            assert line not in hint, f"{name}'s hint gives the line away: {hint!r}"


def test_two_mistakes_at_once_name_no_wrong_cause_and_point_at_the_called_function():
    """The hidden tests stand in for zero_pad on the call they expect, not on one image at a
    time: the caller's answer mixes both mistakes, and its hint says zero_pad is wrong too."""
    from autograder.proof.play import grade_with
    from coursekit.judging import UNKNOWN
    from two_mistakes import TWO_MISTAKES
    reports = {r.check.name: r for r in grade_with("01-convolution", TWO_MISTAKES)}
    assert reports["zero_pad"].earned < 1
    failed = [r for r in reports["conv_forward_naive"].results if not r.passed]
    note = "`zero_pad`, which this function calls, is wrong too"
    hints = [r.hint for r in failed]
    # the bias where zero_pad had no say (no padding, or a batch of 1 the stand-in covers), else the note
    assert any(note in h for h in hints) and any("bias" in h for h in hints), hints
    assert all("bias" in h or (h.startswith(UNKNOWN) and note in h) for h in hints), hints
