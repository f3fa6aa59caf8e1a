"""Train the reference LeNet-style CNN on MNIST or Fashion-MNIST and write a JSON report.

    python -m solutions.train                      # MNIST -> reports/train_mnist.json
    python -m solutions.train --dataset fashion-mnist
    python -m solutions.train --limit 2000 --epochs 1 --out /tmp/quick.json

The network is built from this library's layers only; the data loading and the
fit loop are the ones students use (coursekit). Same seed, same result.
"""
import argparse
import json
import pathlib
import platform
import sys
import time

import numpy as np

from . import Adam, Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential, softmax_cross_entropy


def lenet(c1=16, c2=32, hidden=128, classes=10, seed=0):
    """CONV5-RELU-POOL, CONV5-RELU-POOL, FC-RELU, FC on (N, 28, 28, 1) images.

    28x28x1 -> conv(pad 2) 28x28xc1 -> pool 14x14xc1 -> conv 10x10xc2 -> pool 5x5xc2
    -> dense hidden -> dense classes. Width and height shrink while depth grows.
    """
    return Sequential(
        Conv2D(1, c1, 5, pad=2, seed=seed), ReLU(), MaxPool2D(2, 2),
        Conv2D(c1, c2, 5, seed=seed + 1), ReLU(), MaxPool2D(2, 2),
        Flatten(), Dense(5 * 5 * c2, hidden, seed=seed + 2), ReLU(),
        Dense(hidden, classes, seed=seed + 3))


def step_decay(lr, every, factor):
    """Learning rate lr, multiplied by factor every `every` epochs."""
    return lambda epoch: lr * factor ** (epoch // every)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m solutions.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=["mnist", "fashion-mnist"], default="mnist")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam's initial learning rate")
    parser.add_argument("--decay", type=float, default=0.6,
                        help="learning rate factor applied every --decay-every epochs")
    parser.add_argument("--decay-every", type=int, default=3)
    parser.add_argument("--width", type=int, nargs=3, default=(16, 32, 128),
                        metavar=("C1", "C2", "HIDDEN"), help="filters of the two convs, hidden units")
    parser.add_argument("--limit", type=int, default=None, help="use only the first LIMIT examples")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=pathlib.Path, default=None,
                        help="report path (default reports/train_<dataset>.json)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars (one line per epoch)")
    return parser.parse_args(argv)


def main(argv=None):
    from coursekit.data import load
    from coursekit.train import evaluate, fit

    args = parse_args(argv)
    out_path = args.out or pathlib.Path("reports") / f"train_{args.dataset.replace('-', '_')}.json"
    started = time.perf_counter()
    data = load(args.dataset, limit=args.limit, seed=args.seed)
    model = lenet(*args.width, seed=args.seed)
    optimizer = Adam(model.parameters(), lr=args.lr)
    print(f"{args.dataset}: {len(data.train[0])} training, {len(data.test[0])} test images; "
          f"{model.num_parameters():,} parameters\n{model}")
    history = fit(model, optimizer, softmax_cross_entropy, *data.train, epochs=args.epochs,
                  batch_size=args.batch_size, val=data.test, seed=args.seed,
                  lr_schedule=step_decay(args.lr, args.decay_every, args.decay),
                  progress=not args.quiet)
    test_loss, test_accuracy = evaluate(model, softmax_cross_entropy, *data.test)
    report = {
        "dataset": args.dataset,
        "test_accuracy": test_accuracy,
        "test_loss": test_loss,
        "train_seconds": round(sum(history.seconds), 1),
        "wall_seconds": round(time.perf_counter() - started, 1),  # with loading and evaluation
        "epochs": history.epochs,
        "epochs_requested": args.epochs,
        "train_examples": len(data.train[0]),
        "architecture": repr(model).splitlines()[1:-1],
        "parameters": model.num_parameters(),
        "optimizer": {"name": "Adam", "lr": args.lr, "decay": args.decay,
                      "decay_every": args.decay_every, "batch_size": args.batch_size},
        "seed": args.seed,
        "per_epoch": {"seconds": [round(s, 2) for s in history.seconds],
                      "train_loss": history.train_loss, "train_accuracy": history.train_acc,
                      "test_accuracy": history.val_acc},
        "machine": {"python": platform.python_version(), "numpy": np.__version__,
                    "processor": platform.machine(), "finished": time.strftime("%Y-%m-%d %H:%M:%S")},
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"test accuracy {test_accuracy:.4f} after {history.epochs} epochs, "
          f"{report['train_seconds']} s of training; report: {out_path}")
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
