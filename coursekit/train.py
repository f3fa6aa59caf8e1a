"""Training tools: minibatches, a fit loop with a progress bar, evaluation, a history.

They work with any model that has forward(x) -> scores and backward(dscores), and
any optimizer with step(gradients) (given model.gradients()); the loss function is
passed in, e.g. the softmax_cross_entropy you wrote. Runs with the same seed
reproduce exactly.
"""
import os
import time
from dataclasses import dataclass, field

import numpy as np


def minibatches(x, y, batch_size, shuffle=True, rng=None):
    """Yield (x_batch, y_batch) covering every example once; the last batch may be smaller.

    x: (N, ...); y: (N,); shuffle: a new order every call, drawn from rng (a
    numpy Generator or a seed).
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length; got {len(x)} and {len(y)}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size}")
    order = np.random.default_rng(rng).permutation(len(x)) if shuffle else np.arange(len(x))
    for start in range(0, len(x), batch_size):
        index = order[start:start + batch_size]
        yield x[index], y[index]


def predict(model, x, batch_size=1000):
    """Scores of the model on every example, batch by batch. x: (N, ...) -> (N, classes)."""
    return np.concatenate([model.forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


def evaluate(model, loss_fn, x, y, batch_size=1000):
    """(mean loss, accuracy) of the model on (x, y); loss_fn(scores, y) -> (loss, dscores)."""
    scores = predict(model, x, batch_size)
    return float(loss_fn(scores, y)[0]), float(np.mean(scores.argmax(axis=1) == y))


@dataclass
class History:
    """What fit measured: one entry per epoch, and the loss of every batch."""
    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    batch_loss: list = field(default_factory=list)

    @property
    def epochs(self):
        return len(self.train_loss)


def fit(model, optimizer, loss_fn, x, y, epochs=1, batch_size=64, val=None, seed=0,
        lr_schedule=None, progress=True, verbose=True, history=None):
    """Train with minibatches; return the History (also kept when interrupted).

    model: forward(x) -> scores, backward(dscores), gradients();
    optimizer: step(gradients), with an `lr` attribute when lr_schedule is given;
    loss_fn(scores, y) -> (loss, dscores); x: (N, ...); y: (N,);
    val: optional (x_val, y_val) evaluated after every epoch;
    lr_schedule: optional epoch -> learning rate; progress: show a progress bar
    with the running loss and accuracy; verbose: print one line per epoch;
    history: a History to extend.
    Interrupting (Ctrl-C, or the stop button) ends training after the current
    batch and returns what was learned so far.
    """
    from tqdm.auto import tqdm
    if os.environ.get("COURSE_PROGRESS") == "none":   # the website (book/build.py): a static page would need a
        progress = False                              # widget's scripts from a CDN, or show every update of a
                                                      # text bar; the lines printed per epoch remain
    history = history if history is not None else History()
    rng = np.random.default_rng(seed)
    n_batches = -(-len(x) // batch_size)
    try:
        for epoch in range(epochs):
            if lr_schedule is not None:
                optimizer.lr = lr_schedule(epoch)
            start, total_loss, correct, seen = time.perf_counter(), 0.0, 0, 0
            bar = tqdm(minibatches(x, y, batch_size, rng=rng), total=n_batches,
                       desc=f"epoch {history.epochs + 1}", disable=not progress, leave=True)
            for xb, yb in bar:
                scores = model.forward(xb)
                loss, dscores = loss_fn(scores, yb)
                model.backward(dscores)
                optimizer.step(model.gradients())
                history.batch_loss.append(float(loss))
                total_loss += float(loss) * len(yb)
                correct += int(np.sum(scores.argmax(axis=1) == yb))
                seen += len(yb)
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.4f}",
                                refresh=False)
            history.train_loss.append(total_loss / seen)
            history.train_acc.append(correct / seen)
            history.seconds.append(time.perf_counter() - start)
            summary = (f"epoch {history.epochs}: loss {history.train_loss[-1]:.4f}, "
                       f"acc {history.train_acc[-1]:.4f}")
            if val is not None:
                val_loss, val_acc = evaluate(model, loss_fn, *val)
                history.val_loss.append(val_loss)
                history.val_acc.append(val_acc)
                summary += f"; val loss {val_loss:.4f}, val acc {val_acc:.4f}"
            if verbose:
                bar.write(f"{summary} ({history.seconds[-1]:.1f} s)")
    except KeyboardInterrupt:
        print(f"Interrupted: returning the history of {history.epochs} complete epochs.")
    return history
