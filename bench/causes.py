"""How often the hidden tests name the right cause of a mistake that is not in the proof's bank.

    .venv/bin/python bench/causes.py [--verbose]

HELD_OUT holds mistakes typed as a student would, each a whole function in another form than
the bank's answers (autograder/proof/bank/), with the words its cause must hold, or None for
a mistake no family models (its honest verdict is "no known mistake gives this answer"). Each
is graded as the proof grades a bank answer (autograder.proof.play.grade_with, seed 0), and
its failed cases are read (with --visible, the visible tests' verdict on the public cases,
as a student in JupyterLab reads it):

- right: some failed case names a cause, and every named cause holds the words;
- wrong: a named cause lacks them (for a mistake of no known family: any cause named);
- none:  no failed case names a cause (the hint says no known mistake gives the answer).

The cause of an answer without the expected form (a list for a number) is its message.

A cause is named when the hint does not start with coursekit.judging.UNKNOWN. Prints the
shares and, with --verbose, each mistake's verdict and hints. Exit 1 when any cause is wrong.
"""
import argparse
import contextlib
import io
import sys
import textwrap

from autograder.admin.public import public_records
from autograder.proof.play import grade_with, namespace_with
from coursekit.judging import UNKNOWN, Case, CaseResult
from coursekit.visible import public_results

ASSIGNMENT = {"output_size": "01-convolution", "zero_pad": "01-convolution", "conv_single_step": "01-convolution",
              "conv_forward_naive": "01-convolution", "pool_forward_naive": "02-pooling",
              "relu_forward": "02-pooling", "conv_backward_naive": "03-backprop",
              "max_mask": "03-backprop", "conv_forward": "04-vectorization",
              "conv_backward": "04-vectorization"}


def held_out(name, words, source):
    return name, words, textwrap.dedent(source)


HELD_OUT = [
    # conv_single_step -------------------------------------------------------------------------
    held_out("conv_single_step", "one number (a float); got list", """
        def conv_single_step(a_slice, w, b):
            return [float(np.sum(a_slice * w) + b)]
        """),
    held_out("conv_single_step", "one number (a float); got tuple", """
        def conv_single_step(a_slice, w, b):
            z = np.sum(a_slice * w)
            return z, b
        """),
    held_out("conv_single_step", "read in the wrong order", """
        def conv_single_step(a_slice, w, b):
            total = 0.0
            F = a_slice.shape[0]
            for p in range(F):
                for q in range(F):
                    total += np.dot(a_slice[p, q], w[q, p])
            return total + b
        """),
    held_out("conv_single_step", "bias", """
        def conv_single_step(a_slice, w, b):
            return float(np.einsum('ijk,ijk->', a_slice, w))
        """),
    # zero_pad -----------------------------------------------------------------------------------
    held_out("zero_pad", "a wrong constant where zeros belong", """
        def zero_pad(x, pad):
            N, H, W, C = x.shape
            out = np.ones((N, H + 2 * pad, W + 2 * pad, C))
            out[:, pad:pad + H, pad:pad + W, :] = x
            return out
        """),
    held_out("zero_pad", "a wrong constant where zeros belong", """
        def zero_pad(x, pad):
            return np.pad(x, [(0, 0), (pad, pad), (pad, pad), (0, 0)], 'constant', constant_values=-1)
        """),
    held_out("zero_pad", "a wrong constant where zeros belong", """
        def zero_pad(x, pad):
            N, H, W, C = x.shape
            out = np.full((N, H + 2 * pad, W + 2 * pad, C), 0.5)
            out[:, pad:pad + H, pad:pad + W] = x
            return out
        """),
    # conv_forward_naive ---------------------------------------------------------------------------
    held_out("conv_forward_naive", "the output array holds integers", """
        def conv_forward_naive(x, w, b, stride=1, pad=0):
            N, H, W, C = x.shape
            F, _, _, K = w.shape
            Ho, Wo = (H + 2 * pad - F) // stride + 1, (W + 2 * pad - F) // stride + 1
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
            out = np.zeros((N, Ho, Wo, K), dtype=x.dtype)
            for n in range(N):
                for i in range(Ho):
                    for j in range(Wo):
                        win = xp[n, i * stride:i * stride + F, j * stride:j * stride + F]
                        for k in range(K):
                            out[n, i, j, k] = np.sum(win * w[..., k]) + b[k]
            return out, (x, w, b, stride, pad)
        """),
    held_out("conv_forward_naive", "read in the wrong order", """
        def conv_forward_naive(x, w, b, stride=1, pad=0):
            N, H, W, C = x.shape
            F, _, _, K = w.shape
            Ho, Wo = (H + 2 * pad - F) // stride + 1, (W + 2 * pad - F) // stride + 1
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
            out = np.zeros((N, Ho, Wo, K))
            wt = np.transpose(w, (1, 0, 2, 3))
            for n in range(N):
                for i in range(Ho):
                    for j in range(Wo):
                        win = xp[n, i * stride:i * stride + F, j * stride:j * stride + F]
                        out[n, i, j] = np.tensordot(win, wt, axes=3) + b
            return out, (x, w, b, stride, pad)
        """),
    held_out("conv_forward_naive", "the bias is missing", """
        def conv_forward_naive(x, w, b, stride=1, pad=0):
            from numpy.lib.stride_tricks import sliding_window_view
            F = w.shape[0]
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
            win = sliding_window_view(xp, (F, F), axis=(1, 2))[:, ::stride, ::stride]
            return np.einsum('nhwcpq,pqck->nhwk', win, w), (x, w, b, stride, pad)
        """),
    held_out("conv_forward_naive", "stride", """
        def conv_forward_naive(x, w, b, stride=1, pad=0):
            from numpy.lib.stride_tricks import sliding_window_view
            F = w.shape[0]
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
            win = sliding_window_view(xp, (F, F), axis=(1, 2))
            return np.einsum('nhwcpq,pqck->nhwk', win, w) + b, (x, w, b, stride, pad)
        """),
    held_out("conv_forward_naive", None, """
        def conv_forward_naive(x, w, b, stride=1, pad=0):
            from numpy.lib.stride_tricks import sliding_window_view
            F = w.shape[0]
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
            win = sliding_window_view(xp, (F, F), axis=(1, 2))[:, ::stride, ::stride]
            return np.tanh(np.einsum('nhwcpq,pqck->nhwk', win, w) + b), (x, w, b, stride, pad)
        """),
    # pool_forward_naive ---------------------------------------------------------------------------
    held_out("pool_forward_naive", "the output array holds integers", """
        def pool_forward_naive(x, size=2, stride=2, mode="max"):
            N, H, W, C = x.shape
            Ho, Wo = 1 + (H - size) // stride, 1 + (W - size) // stride
            out = np.zeros_like(x, shape=(N, Ho, Wo, C))
            for i in range(Ho):
                for j in range(Wo):
                    win = x[:, i * stride:i * stride + size, j * stride:j * stride + size, :]
                    out[:, i, j, :] = win.max(axis=(1, 2)) if mode == "max" else win.mean(axis=(1, 2))
            return out, (x, size, stride, mode)
        """),
    held_out("pool_forward_naive", "the output array holds integers", """
        def pool_forward_naive(x, size=2, stride=2, mode="max"):
            N, H, W, C = x.shape
            Ho, Wo = 1 + (H - size) // stride, 1 + (W - size) // stride
            out = np.empty((N, Ho, Wo, C), dtype=x.dtype)
            for n in range(N):
                for c in range(C):
                    for i in range(Ho):
                        for j in range(Wo):
                            win = x[n, i * stride:i * stride + size, j * stride:j * stride + size, c]
                            out[n, i, j, c] = np.max(win) if mode == "max" else np.sum(win) / win.size
            return out, (x, size, stride, mode)
        """),
    held_out("pool_forward_naive", "pool each image on its own", """
        def pool_forward_naive(x, size=2, stride=2, mode="max"):
            N, H, W, C = x.shape
            Ho, Wo = 1 + (H - size) // stride, 1 + (W - size) // stride
            out = np.zeros((N, Ho, Wo, C))
            for i in range(Ho):
                for j in range(Wo):
                    for c in range(C):
                        win = x[:, i * stride:i * stride + size, j * stride:j * stride + size, c]
                        out[:, i, j, c] = win.max() if mode == "max" else win.mean()
            return out, (x, size, stride, mode)
        """),
    held_out("pool_forward_naive", None, """
        def pool_forward_naive(x, size=2, stride=2, mode="max"):
            N, H, W, C = x.shape
            Ho, Wo = 1 + (H - size) // stride, 1 + (W - size) // stride
            out = np.zeros((N, Ho, Wo, C))
            for i in range(Ho):
                for j in range(Wo):
                    win = x[:, i * stride:i * stride + size, j * stride:j * stride + size, :]
                    out[:, i, j, :] = win.max(axis=(1, 2)) if mode == "max" else np.median(win, axis=(1, 2))
            return out, (x, size, stride, mode)
        """),
    # relu_forward ---------------------------------------------------------------------------------
    held_out("relu_forward", "a wrong constant where zeros belong", """
        def relu_forward(x):
            return np.where(x > 0, x, 1e-3), (x,)
        """),
    held_out("relu_forward", "leaky", """
        def relu_forward(x):
            return np.where(x > 0, x, 0.01 * x), (x,)
        """),
    # conv_backward_naive ----------------------------------------------------------------------------
    held_out("conv_backward_naive", "dw holds part of the batch only", """
        def conv_backward_naive(dout, cache):
            x, w, b, stride, pad = cache
            N, Ho, Wo, K = dout.shape
            F = w.shape[0]
            H, W = x.shape[1:3]
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
            dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
            for n in range(N):
                for i in range(Ho):
                    for j in range(Wo):
                        r, s = i * stride, j * stride
                        dxp[n, r:r + F, s:s + F] += w @ dout[n, i, j]
                        if n == 0:
                            dw += xp[n, r:r + F, s:s + F, :, None] * dout[n, i, j]
            return dxp[:, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 1, 2))
        """),
    held_out("conv_backward_naive", "db holds part of the batch only", """
        def conv_backward_naive(dout, cache):
            x, w, b, stride, pad = cache
            N, Ho, Wo, K = dout.shape
            F = w.shape[0]
            H, W = x.shape[1:3]
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
            dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
            for n in range(N):
                for i in range(Ho):
                    for j in range(Wo):
                        r, s = i * stride, j * stride
                        dxp[n, r:r + F, s:s + F] += w @ dout[n, i, j]
                        dw += xp[n, r:r + F, s:s + F, :, None] * dout[n, i, j]
            return dxp[:, pad:pad + H, pad:pad + W], dw, dout[0].sum(axis=(0, 1))
        """),
    held_out("conv_backward_naive", "db is a sum over the batch and positions, not a mean", """
        def conv_backward_naive(dout, cache):
            x, w, b, stride, pad = cache
            N, Ho, Wo, K = dout.shape
            F = w.shape[0]
            H, W = x.shape[1:3]
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
            dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
            for n in range(N):
                for i in range(Ho):
                    for j in range(Wo):
                        r, s = i * stride, j * stride
                        dxp[n, r:r + F, s:s + F] += w @ dout[n, i, j]
                        dw += xp[n, r:r + F, s:s + F, :, None] * dout[n, i, j]
            return dxp[:, pad:pad + H, pad:pad + W], dw, np.mean(dout, axis=(0, 1, 2))
        """),
    # max_mask -------------------------------------------------------------------------------------
    held_out("max_mask", None, """
        def max_mask(window):
            return window >= window.mean()
        """),
    # conv_forward (im2col) --------------------------------------------------------------------------
    held_out("conv_forward", "the bias is missing", """
        def conv_forward(x, w, b, stride=1, pad=0):
            N, H, W, C = x.shape
            F, _, _, K = w.shape
            Ho, Wo = (H + 2 * pad - F) // stride + 1, (W + 2 * pad - F) // stride + 1
            cols = im2col(x, F, stride, pad)
            out = (cols @ w.reshape(-1, K)).reshape(N, Ho, Wo, K)
            return out, (x, w, b, stride, pad, cols)
        """),
    held_out("conv_forward", "read in the wrong order", """
        def conv_forward(x, w, b, stride=1, pad=0):
            N, H, W, C = x.shape
            F, _, _, K = w.shape
            Ho, Wo = (H + 2 * pad - F) // stride + 1, (W + 2 * pad - F) // stride + 1
            cols = im2col(x, F, stride, pad)
            out = (cols @ w.swapaxes(0, 1).reshape(-1, K) + b).reshape(N, Ho, Wo, K)
            return out, (x, w, b, stride, pad, cols)
        """),
    # conv_backward (im2col) ------------------------------------------------------------------------
    held_out("conv_backward", "db holds part of the batch only", """
        def conv_backward(dout, cache):
            x, w, b, stride, pad = cache[:5]
            F, _, _, K = w.shape
            cols = im2col(x, F, stride, pad)
            d = dout.reshape(-1, K)
            dw = (cols.T @ d).reshape(w.shape)
            dx = col2im(d @ w.reshape(-1, K).T, x.shape, F, stride, pad)
            return dx, dw, dout[:-1].sum(axis=(0, 1, 2))
        """),
    # more of the families above, other forms ------------------------------------------------------
    held_out("output_size", "padding goes on both sides", """
        def output_size(n, f, stride=1, pad=0):
            return (n - f + pad) // stride + 1
        """),
    held_out("conv_single_step", "should have shape ()", """
        def conv_single_step(a_slice, w, b):
            return np.array([np.sum(a_slice * w) + b])
        """),
    held_out("zero_pad", None, """
        def zero_pad(x, pad):
            return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="reflect")
        """),
    held_out("pool_forward_naive", "the output array holds integers", """
        def pool_forward_naive(x, size=2, stride=2, mode="max"):
            N, H, W, C = x.shape
            Ho, Wo = 1 + (H - size) // stride, 1 + (W - size) // stride
            out = np.zeros((N, Ho, Wo, C), dtype=int)
            for i in range(Ho):
                for j in range(Wo):
                    win = x[:, i * stride:i * stride + size, j * stride:j * stride + size, :]
                    out[:, i, j, :] = win.max(axis=(1, 2)) if mode == "max" else win.mean(axis=(1, 2))
            return out, (x, size, stride, mode)
        """),
    held_out("pool_forward_naive", "one row and column short", """
        def pool_forward_naive(x, size=2, stride=2, mode="max"):
            N, H, W, C = x.shape
            Ho, Wo = 1 + (H - size) // stride, 1 + (W - size) // stride
            out = np.zeros((N, Ho, Wo, C))
            for i in range(Ho):
                for j in range(Wo):
                    r, s = i * stride, j * stride
                    win = x[:, r:r + size - 1, s:s + size - 1, :]
                    out[:, i, j, :] = win.max(axis=(1, 2)) if mode == "max" else win.mean(axis=(1, 2))
            return out, (x, size, stride, mode)
        """),
    held_out("conv_forward", "stride", """
        def conv_forward(x, w, b, stride=1, pad=0):
            N, H, W, C = x.shape
            F, _, _, K = w.shape
            Ho, Wo = H + 2 * pad - F + 1, W + 2 * pad - F + 1
            cols = im2col(x, F, 1, pad)
            out = (cols @ w.reshape(-1, K) + b).reshape(N, Ho, Wo, K)
            return out, (x, w, b, stride, pad, cols)
        """),
    held_out("conv_forward", "the padding is not zeros", """
        def conv_forward(x, w, b, stride=1, pad=0):
            N, H, W, C = x.shape
            F, _, _, K = w.shape
            xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="edge")
            Ho, Wo = (H + 2 * pad - F) // stride + 1, (W + 2 * pad - F) // stride + 1
            cols = im2col(xp, F, stride, 0)
            out = (cols @ w.reshape(-1, K) + b).reshape(N, Ho, Wo, K)
            return out, (x, w, b, stride, pad, cols)
        """),
    held_out("conv_forward_naive", "the padding is not zeros", """
        def conv_forward_naive(x, w, b, stride=1, pad=0):
            N, H, W, C = x.shape
            F, _, _, K = w.shape
            xp = -np.ones((N, H + 2 * pad, W + 2 * pad, C))
            xp[:, pad:pad + H, pad:pad + W] = x
            Ho, Wo = (H + 2 * pad - F) // stride + 1, (W + 2 * pad - F) // stride + 1
            out = np.zeros((N, Ho, Wo, K))
            for i in range(Ho):
                for j in range(Wo):
                    win = xp[:, i * stride:i * stride + F, j * stride:j * stride + F]
                    out[:, i, j] = np.tensordot(win, w, axes=3) + b
            return out, (x, w, b, stride, pad)
        """),
]


def failed_cases(name, source, visible):
    """The failed CaseResults of the mistake: of the hidden tests (seed 0), or of the visible
    tests (the public cases, no stand-ins for the functions it calls; a crash fails them all)."""
    if not visible:
        reports = grade_with(ASSIGNMENT[name], [source], label="held-out")
        (own,) = [r for r in reports if r.check.name == name]
        return [r for r in own.results if not r.passed]
    fn = namespace_with(ASSIGNMENT[name], [source], label="held-out")[name]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            results = public_results(name, fn, public_records(ASSIGNMENT[name])[name])
    except Exception as error:      # noqa: BLE001 (the student sees their own traceback)
        return [CaseResult(Case("all", ()), False, f"raised {type(error).__name__}", UNKNOWN, judged=False)]
    return [r for r in results if not r.passed]


def verdict(name, words, source, visible=False):
    """("right" | "wrong" | "none" | "passed", the distinct messages and hints of the failed
    cases) of one mistake."""
    failed = failed_cases(name, source, visible)
    if not failed:
        return "passed", []
    # the cause a case names: its hint, or, for an answer without the expected form, its message
    named = list(dict.fromkeys(r.hint if r.judged or r.mistake else r.message for r in failed
                               if not r.hint.startswith(UNKNOWN)))
    hints = list(dict.fromkeys(f"{r.message} | {r.hint}" for r in failed))
    if not named:
        return "none", hints
    if words is None or not all(words in " ".join(h.split()) for h in named):
        return "wrong", hints
    return "right", hints


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--visible", action="store_true", help="judge with the visible tests (the public cases)")
    args = parser.parse_args(argv)
    counts = {"right": 0, "wrong": 0, "none": 0, "passed": 0}
    known = sum(words is not None for _, words, _ in HELD_OUT)
    unknown_honest = 0
    for name, words, source in HELD_OUT:
        outcome, hints = verdict(name, words, source, args.visible)
        if words is None and outcome == "none":
            unknown_honest += 1
        else:
            counts[outcome] += 1
        if args.verbose or outcome in ("wrong", "passed") or (words is not None and outcome == "none"):
            print(f"{outcome:6} {name}: {words!r}\n       " + "\n       ".join(hints))
    print("visible tests (public cases):" if args.visible else "hidden tests (seed 0):")
    print(f"held-out mistakes: {len(HELD_OUT)} ({known} of a known family, {len(HELD_OUT) - known} of none)")
    print(f"named right: {counts['right']} of {known} ({counts['right'] / known:.0%}); "
          f"named wrongly: {counts['wrong']}; no cause named: {counts['none']}; not caught: {counts['passed']}")
    print(f"mistakes of no known family told honestly that no known mistake explains them: "
          f"{unknown_honest} of {len(HELD_OUT) - known}")
    return 1 if counts["wrong"] or counts["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
