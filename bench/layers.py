"""Speed of the reference layers: naive loops, vectorized numpy, and torch CPU when installed.

    python bench/layers.py [--repeat 10] [--naive-batch 2] [--cases A B ...] [--torch-threads N]
                           [--dx-methods]

Prints one table: forward, backward and forward+backward times (milliseconds,
best of --repeat rounds) per shape and dtype, and the ratios the course cares about:
vectorized / torch (lower is better; 1.0 means level) and naive / vectorized.
All timings of a row are taken in the same run, interleaved, so machine noise
hits them alike. The ratio of the best times is one reading; the "per round"
column is another, steadier on a noisy machine: numpy/torch within each round
(the two timed one after the other), its median over the rounds and, in
brackets, the middle half of them (for the timed passes, forward and fwd+bwd).
The naive loops are timed on the first --naive-batch examples and scaled to
the full batch (their cost is exactly linear in N), marked "~". Every backward
is timed as in training, after a forward (torch's cannot run alone): its
column is the best forward+backward less the best forward.
--dx-methods prints instead the forward+backward time of the conv with each of its
three ways to dx, and the one it picks (solutions.conv._dx_method).
"""
import argparse
import time
from unittest import mock

import numpy as np

import solutions as S

try:
    import torch
    import torch.nn.functional as TF
except ImportError:  # torch is optional
    torch = None

CONV_CASES = {  # name: (x shape N,H,W,C; w shape F,F,C_in,C_out; pad)
    "A conv": ((64, 28, 28, 1), (5, 5, 1, 6), 2),
    "B conv": ((64, 14, 14, 6), (5, 5, 6, 16), 0),
    "C conv": ((64, 32, 32, 16), (3, 3, 16, 32), 1),
}
DX_CASES = {**CONV_CASES,  # and two shapes where one matrix multiply per offset wins
            "1x1 64->16": ((64, 16, 16, 64), (1, 1, 64, 16), 0),
            "3x3 1->32": ((64, 28, 28, 1), (3, 3, 1, 32), 1)}
CASE_KEYS = ["A", "B", "C", "pool"]  # --cases: the conv shapes by letter, and both pools
POOL_CASES = {  # name: x shape; 2x2 max pool, stride 2
    "max pool 1": (64, 28, 28, 6),
    "max pool 2": (64, 32, 32, 32),
}


# Seconds to wait before timing each candidate. After a call, OpenBLAS's worker threads
# spin for about 0.1 s, holding a core: torch timed right after numpy ran 2-6x slower
# (B in float64: 4.6-24 ms against 2.5-4.4 ms alone), and pauses of 0.1 s or more
# removed that. Each library is then timed as it runs on its own.
IDLE_PAUSE = 0.2


def round_times(candidates, rounds, calls=3):
    """Each callable's best wall time (ms) in each of `rounds` rounds of `calls` timed calls.

    Returns {name: array (rounds,)}. Every round times each candidate in turn, so a
    slow spell of the machine hits all of them alike. Each block starts with a pause
    (IDLE_PAUSE) and one untimed call, which wakes the library's threads and caches.
    """
    times = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            time.sleep(IDLE_PAUSE)
            fn()
            best = float("inf")
            for _ in range(calls):
                start = time.perf_counter()
                fn()
                best = min(best, time.perf_counter() - start)
            times[name].append(1e3 * best)
    return {name: np.array(t) for name, t in times.items()}


def numpy_passes(forward, backward):
    """forward and forward+backward callables of a numpy layer, as torch_passes: the
    backward of each call uses that call's fresh cache, as in training."""
    dout = np.ones_like(forward()[0])
    return {"forward": forward, "fwd+bwd": lambda: backward(dout, forward()[1])}


def torch_passes(forward, inputs):
    """forward (no autograd) and forward+backward callables of a torch function."""
    def forward_only():
        with torch.no_grad():
            forward(*inputs)

    def both():
        out = forward(*inputs)
        out.backward(torch.ones_like(out))
    return {"forward": forward_only, "fwd+bwd": both}


PASSES = ("forward", "backward", "fwd+bwd")


def by_pass(forward, both):
    """{pass: ms} from the best forward and the best forward+backward."""
    return {"forward": forward, "backward": max(both - forward, 0.0), "fwd+bwd": both}


def measure(fast, naive, naive_scale, ref, repeat):
    """Times of one case: {pass: ms} for the vectorized (best of rounds), naive (scaled) and
    torch versions (None without torch), and {pass: per-round numpy/torch ratios} for the
    two timed passes, forward and fwd+bwd (None without torch)."""
    candidates = {("fast", k): fn for k, fn in fast.items()}
    if ref is not None:
        candidates.update({("torch", k): fn for k, fn in ref.items()})
    rounds = round_times(candidates, repeat)
    fast_times = by_pass(rounds["fast", "forward"].min(), rounds["fast", "fwd+bwd"].min())
    naive_times = by_pass(*(naive_scale * round_times(naive, 1, 1)[k][0] for k in ("forward", "fwd+bwd")))
    if ref is None:
        return fast_times, naive_times, None, None
    ref_times = by_pass(rounds["torch", "forward"].min(), rounds["torch", "fwd+bwd"].min())
    ratios = {p: rounds["fast", p] / rounds["torch", p] for p in ("forward", "fwd+bwd")}
    return fast_times, naive_times, ref_times, ratios


def conv_rows(dtype, repeat, naive_batch, rng, cases):
    for name, (x_shape, w_shape, pad) in CONV_CASES.items():
        if name.split()[0] not in cases:
            continue
        x = rng.standard_normal(x_shape).astype(dtype)
        w = rng.standard_normal(w_shape).astype(dtype)
        b = rng.standard_normal(w_shape[3]).astype(dtype)
        fast = numpy_passes(lambda: S.conv_forward(x, w, b, 1, pad), S.conv_backward)
        xs = x[:naive_batch]
        naive = numpy_passes(lambda: S.conv_forward_naive(xs, w, b, 1, pad), S.conv_backward_naive)
        ref = None
        if torch is not None:
            tx = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).requires_grad_()
            tw = torch.from_numpy(w.transpose(3, 2, 0, 1).copy()).requires_grad_()
            tb = torch.from_numpy(b.copy()).requires_grad_()
            ref = torch_passes(lambda a, c, d: TF.conv2d(a, c, d, padding=pad), (tx, tw, tb))
        yield (name, *measure(fast, naive, x_shape[0] / naive_batch, ref, repeat))


def pool_rows(dtype, repeat, naive_batch, rng, cases):
    if "pool" not in cases:
        return
    for name, x_shape in POOL_CASES.items():
        x = rng.standard_normal(x_shape).astype(dtype)
        fast = numpy_passes(lambda: S.pool_forward(x, 2, 2, "max"), S.pool_backward)
        xs = x[:naive_batch]
        naive = numpy_passes(lambda: S.pool_forward_naive(xs, 2, 2, "max"), S.pool_backward_naive)
        ref = None
        if torch is not None:
            tx = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).requires_grad_()
            ref = torch_passes(lambda a: TF.max_pool2d(a, 2, 2), (tx,))
        yield (name, *measure(fast, naive, x_shape[0] / naive_batch, ref, repeat))


def dx_methods(repeat, rng):
    """Forward+backward ms of the conv with each way to dx forced, per case and dtype."""
    methods = [S.conv._dx_per_offset, S.conv._dx_by_products, S.conv._dx_by_row_windows]
    names = [m.__name__.removeprefix("_dx_") for m in methods]
    header = f"{'case':<11} {'dtype':<8} " + " ".join(f"{n:>14}" for n in names) + "  picked"
    print(header)
    print("-" * len(header))
    for dtype in (np.float32, np.float64):
        for name, (x_shape, w_shape, pad) in DX_CASES.items():
            x = rng.standard_normal(x_shape).astype(dtype)
            w = rng.standard_normal(w_shape).astype(dtype)
            b = np.zeros(w_shape[3], dtype)
            dout = rng.standard_normal(S.conv_forward(x, w, b, 1, pad)[0].shape).astype(dtype)

            def with_dx(method):
                def run():
                    with mock.patch.object(S.conv, "_dx_method", lambda f, c_in, c_out: method):
                        S.conv_backward(dout, S.conv_forward(x, w, b, 1, pad)[1])
                return run
            times = {m: t.min() for m, t in round_times({m: with_dx(m) for m in methods}, repeat).items()}
            picked = S.conv._dx_method(w_shape[0], w_shape[2], w_shape[3]).__name__.removeprefix("_dx_")
            print(f"{name:<11} {np.dtype(dtype).name:<8} "
                  + " ".join(f"{times[m]:14.2f}" for m in methods) + f"  {picked}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10, help="rounds of 3 timed calls per candidate (best is kept)")
    parser.add_argument("--naive-batch", type=int, default=2, help="examples the naive loops are timed on")
    parser.add_argument("--cases", nargs="+", default=CASE_KEYS, choices=CASE_KEYS,
                        help="which rows to time: conv shapes A, B, C and the max pools (default: all)")
    parser.add_argument("--torch-threads", type=int, help="threads torch may use (default: its own choice)")
    parser.add_argument("--dx-methods", action="store_true",
                        help="time the conv with each of its three ways to dx instead (ms, best of --repeat)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    if args.dx_methods:
        return dx_methods(args.repeat, rng)
    if torch is not None:
        if args.torch_threads:
            torch.set_num_threads(args.torch_threads)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__}")
    else:
        print(f"numpy {np.__version__}; torch not installed, its columns are empty")
    header = (f"{'case':<11} {'dtype':<8} {'pass':<8} {'naive~ms':>9} {'numpy ms':>9} {'torch ms':>9}"
              f" {'numpy/torch':>12} {'per round':>20} {'naive/numpy':>12}")
    print(header)
    print("-" * len(header))
    for dtype in (np.float32, np.float64):
        for rows in (conv_rows, pool_rows):
            for name, fast, naive, ref, ratios in rows(dtype, args.repeat, args.naive_batch, rng, args.cases):
                for p in PASSES:
                    report(name, dtype, p, naive[p], fast[p], ref and ref[p], ratios and ratios.get(p))


def report(name, dtype, label, naive, fast, ref, ratios):
    """One row of the table; ratios: the per-round numpy/torch ratios, or None."""
    ref_text = f"{ref:9.2f}" if ref is not None else f"{'-':>9}"
    ratio = f"{fast / ref:11.2f}x" if ref else f"{'-':>12}"
    if ratios is None:
        spread = f"{'-':>20}"
    else:
        low, median, high = np.percentile(ratios, [25, 50, 75])
        spread = f"{median:6.2f}x [{low:.2f}-{high:.2f}]".rjust(20)
    print(f"{name:<11} {np.dtype(dtype).name:<8} {label:<8} {naive:9.0f} {fast:9.2f} {ref_text}"
          f" {ratio} {spread} {naive / fast:11.0f}x")


if __name__ == "__main__":
    main()
