"""Plots for the course: learning curves, filters, feature maps, confusion matrix, mistakes.

Every function returns its matplotlib Figure (so tests and scripts can save it)
and draws on a new figure; in a notebook it shows as the cell's output.
"""
import numpy as np


def _figure(rows, cols, cell=1.4, **kwargs):
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(rows, cols, figsize=(cols * cell, rows * cell), squeeze=False, **kwargs)
    return fig, axes


def image_grid(images, titles=None, cols=8, cmap="gray", cell=1.4, suptitle=None):
    """Show images in a grid. images: (n, H, W), (n, H, W, 1) or (n, H, W, 3); titles: n strings.

    Each image is scaled on its own (imshow's default), which suits filters and feature maps.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    n = len(images)
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    fig, axes = _figure(rows, cols, cell)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < n:
            ax.imshow(images[k], cmap=None if images.ndim == 4 else cmap)
            if titles is not None:
                ax.set_title(titles[k], fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_history(history):
    """Loss and accuracy per epoch (train, and validation when measured), and the loss per batch."""
    import matplotlib.pyplot as plt
    fig, (ax_batch, ax_loss, ax_acc) = plt.subplots(1, 3, figsize=(13, 3.5))
    ax_batch.plot(history.batch_loss, lw=0.5, alpha=0.8)
    ax_batch.set(title="loss per batch", xlabel="batch", yscale="log")
    epochs = np.arange(1, history.epochs + 1)
    ax_loss.plot(epochs, history.train_loss, "o-", label="train")
    ax_acc.plot(epochs, history.train_acc, "o-", label="train")
    if history.val_loss:
        ax_loss.plot(epochs[:len(history.val_loss)], history.val_loss, "s--", label="validation")
        ax_acc.plot(epochs[:len(history.val_acc)], history.val_acc, "s--", label="validation")
    ax_loss.set(title="loss per epoch", xlabel="epoch")
    ax_acc.set(title="accuracy per epoch", xlabel="epoch")
    for ax in (ax_loss, ax_acc):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def show_filters(w, channel=None, cols=8):
    """Every filter of a conv layer. w: (F, F, C_in, C_out).

    With 3 input channels the filters show in colour; otherwise input channel
    `channel` (0 by default) of each filter is shown in gray.
    """
    w = np.asarray(w)
    if w.ndim != 4:
        raise ValueError(f"w must be 4-D (F, F, C_in, C_out); got shape {w.shape}")
    filters = np.moveaxis(w, 3, 0)                              # (C_out, F, F, C_in)
    if w.shape[2] == 3 and channel is None:
        low, high = filters.min(), filters.max()
        filters = (filters - low) / (high - low + 1e-12)
    else:
        filters = filters[..., channel or 0]
    return image_grid(filters, [str(k) for k in range(len(filters))], cols,
                      suptitle=f"{w.shape[3]} filters of size {w.shape[0]}x{w.shape[1]}")


def show_feature_maps(maps, cols=8, title="feature maps"):
    """Every channel of one example's activations. maps: (H, W, C) or (1, H, W, C)."""
    maps = np.asarray(maps)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"maps must be (H, W, C) or (1, H, W, C); got shape {maps.shape}")
    channels = np.moveaxis(maps, 2, 0)
    return image_grid(channels, [str(c) for c in range(len(channels))], cols, cmap="viridis",
                      suptitle=f"{title}: {maps.shape[2]} channels of {maps.shape[0]}x{maps.shape[1]}")


def confusion_matrix(y_true, y_pred, classes=10):
    """counts[i, j]: examples of class i predicted as class j. -> (classes, classes) int64."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts


def plot_confusion_matrix(y_true, y_pred, class_names=None):
    """Heat map of the confusion matrix with every count written in its cell."""
    import matplotlib.pyplot as plt
    classes = len(class_names) if class_names is not None else int(max(np.max(y_true), np.max(y_pred))) + 1
    names = class_names if class_names is not None else [str(c) for c in range(classes)]
    counts = confusion_matrix(y_true, y_pred, classes)
    fig, ax = plt.subplots(figsize=(0.6 * classes + 2.5, 0.6 * classes + 2))
    image = ax.imshow(counts, cmap="Blues")
    for (i, j), count in np.ndenumerate(counts):
        ax.text(j, i, count, ha="center", va="center", fontsize=7,
                color="white" if count > counts.max() / 2 else "black")
    ax.set(xticks=range(classes), yticks=range(classes), xlabel="predicted", ylabel="true",
           title=f"accuracy {np.trace(counts) / max(counts.sum(), 1):.2%}")
    ax.set_xticklabels(names, rotation=45, ha="right")
    ax.set_yticklabels(names)
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    return fig


def show_misclassified(x, y_true, y_pred, class_names=None, n=16, cols=8):
    """The first n examples the model got wrong, titled "true -> predicted". x: (N, H, W, C)."""
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))[:n]
    name = (lambda c: class_names[c]) if class_names is not None else str
    titles = [f"{name(y_true[i])} -> {name(y_pred[i])}" for i in wrong]
    if len(wrong) == 0:
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        return fig
    return image_grid(np.asarray(x)[wrong], titles, cols,
                      suptitle=f"{len(wrong)} of {int(np.sum(np.asarray(y_true) != np.asarray(y_pred)))} mistakes")
