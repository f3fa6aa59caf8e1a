"""Plots for the course: learning curves, filters, feature maps, confusion matrix, mistakes.

Every figure says what it shows. `show(fig, alt)` displays a figure with its text alternative,
written for a learner who cannot see it: what is plotted, what to notice, and the numbers that
matter, computed from the data plotted. In JupyterLab the text is printed right under the
figure; the PNG carries it as its Description, which the course's site makes the image's alt
text (book/conf.py). Each helper here builds its figure, describes it from its data and shows
it; it returns the Figure (with `fig.alt`), so tests and scripts can save it: in a notebook end
the line with `;` so that it does not show twice.

Colour is never the only carrier: signed values (weights, edge responses) use SIGNED, a
diverging palette that stays distinct under the common colour-vision deficiencies, with a
colour bar that names its sides; magnitudes (counts, activations) use MAGNITUDE, whose
lightness grows with the value; numbers written on a colour pick black or white text, whichever
contrasts more (WCAG AA: at least 4.5:1); two lines differ in style and marker too.
"""
import base64
import html
import io
import re

import numpy as np

SIGNED = "PuOr"           # diverging: orange below zero, purple above, white at zero
MAGNITUDE = "cividis"     # sequential: dark blue (low) to light yellow (high)
AA_CONTRAST = 4.5         # WCAG 2.1 AA, normal text


def description_problem(alt):
    """Why `alt` is not a text alternative (None when it is one): empty, a file name, a hash,
    or too short to say what a figure shows and what to notice."""
    text = (alt or "").strip()
    if not text:
        return "it is empty"
    if re.fullmatch(r"[\w./-]+\.(png|jpe?g|svg|gif|pdf)", text, re.I):
        return f"it is a file name ({text})"
    if re.search(r"\b[0-9a-f]{16,}\b", text):
        return f"it holds a hash ({text[:80]})"
    if len(text.split()) < 6:
        return f"it is too short to describe a figure ({text!r})"
    return None


def png(fig, alt=None):
    """The figure as PNG bytes, with `alt` (default fig.alt) as the PNG's Description."""
    alt = alt if alt is not None else getattr(fig, "alt", None)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Description": alt} if alt else None)
    return buffer.getvalue()


def _kernel():
    """The running IPython kernel's shell, or None (a script, a test)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "kernel") else None


def show(fig, alt):
    """Show `fig` with its text alternative `alt` (what is plotted, what to notice, the numbers).

    Raises ValueError when alt is not a description (description_problem). Sets fig.alt. In a
    Jupyter kernel it displays the PNG (alt as its Description and its text/plain) and then
    "Figure: alt" as visible text, and closes the figure so that it does not show again at the
    end of the cell; elsewhere it displays nothing. Returns None, so a cell that ends with it
    shows nothing more.
    """
    problem = description_problem(alt)
    if problem:
        raise ValueError(f"a figure's text alternative must say what it shows: {problem}")
    fig.alt = alt
    if _kernel() is None:
        return None
    import matplotlib.pyplot as plt
    from IPython.display import display
    display({"image/png": base64.b64encode(png(fig)).decode("ascii"), "text/plain": alt}, raw=True)
    display({"text/html": f'<p class="figure-text"><strong>Figure:</strong> {html.escape(alt)}</p>',
             "text/plain": f"Figure: {alt}"}, raw=True)
    plt.close(fig)
    return None


def text_colour(rgba):
    """"black" or "white": the text colour that contrasts more with a background colour (RGBA
    in [0, 1]), by WCAG's relative luminance; the better of the two always passes AA."""
    return "black" if contrast(rgba, (0, 0, 0)) >= contrast(rgba, (1, 1, 1)) else "white"


def contrast(rgb_a, rgb_b):
    """WCAG contrast ratio of two colours (RGB or RGBA in [0, 1]): 1 to 21."""
    def luminance(rgb):
        c = np.asarray(rgb[:3], dtype=float)
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ [0.2126, 0.7152, 0.0722])
    high, low = sorted([luminance(rgb_a), luminance(rgb_b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def write_values(ax, image, values, fmt="{:.2g}", fontsize=8):
    """Write each value of a 2-D array on its cell of `image` (an AxesImage), in black or white,
    whichever contrasts more with the cell's colour."""
    for (i, j), value in np.ndenumerate(np.asarray(values)):
        colour = text_colour(image.cmap(image.norm(value)))
        ax.text(j, i, fmt.format(value + 0), ha="center", va="center", fontsize=fontsize, color=colour)


def signed_image(ax, values, limit=None, colorbar=True, negative="negative", positive="positive"):
    """Show a 2-D array of signed values in SIGNED, symmetric about 0 (limit: the largest |value|
    by default), with a colour bar whose ends say which side is which. Returns the AxesImage."""
    values = np.asarray(values)
    limit = float(limit if limit is not None else np.abs(values).max()) or 1.0
    image = ax.imshow(values, cmap=SIGNED, vmin=-limit, vmax=limit)
    if colorbar:
        signed_colorbar(ax.figure, image, ax, negative, positive)
    return image


def signed_colorbar(fig, image, ax, negative="negative", positive="positive"):
    """A colour bar for a SIGNED image whose ticks name its sides: "-L negative", "0", "+L positive".
    ax: the axes (one or a list) it takes room from."""
    low, high = image.norm.vmin, image.norm.vmax
    bar = fig.colorbar(image, ax=ax, shrink=0.8, ticks=[low, 0, high])
    bar.ax.set_yticklabels([f"{low:.3g} {negative}", "0", f"+{high:.3g} {positive}"], fontsize=8)
    return bar


def _figure(rows, cols, cell=1.4, **kwargs):
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(rows, cols, figsize=(cols * cell, rows * cell), squeeze=False, **kwargs)
    return fig, axes


def _listing(items, most=12):
    """'a, b, c' of the first `most` items, and how many more."""
    items = [str(item) for item in items]
    more = f" and {len(items) - most} more" if len(items) > most else ""
    return ", ".join(items[:most]) + more


def image_grid(images, titles=None, cols=8, cmap="gray", cell=1.4, suptitle=None, alt=None):
    """Show images in a grid. images: (n, H, W), (n, H, W, 1) or (n, H, W, 3); titles: n strings.

    Each image is scaled on its own (imshow's default). alt: what the images are, for the text
    alternative; the grid's size, the images' shape and their titles are added to it.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    n = len(images)
    fig, _, _ = _grid(images, titles, cols, cmap, cell, suptitle)
    what = alt or suptitle or "images"
    named = f"; titled, in reading order: {_listing(titles, most=32)}" if titles is not None else ""
    show(fig, f"{what}: a grid of {n} image{'s' * (n != 1)} of {images.shape[1]}x{images.shape[2]} pixels{named}.")
    return fig


def _grid(images, titles, cols, cmap, cell, suptitle, **imshow):
    """(fig, axes, the last AxesImage) of images (n, H, W) or (n, H, W, 3) in a grid, each titled."""
    n = len(images)
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    fig, axes = _figure(rows, cols, cell)
    drawn = None
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < n:
            drawn = ax.imshow(images[k], cmap=None if images.ndim == 4 else cmap, **imshow)
            if titles is not None:
                ax.set_title(titles[k], fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig, axes, drawn


def history_description(history):
    """The text alternative of plot_history: the losses' start and end, the accuracies' end and
    the best validation accuracy, from the History itself."""
    parts = [f"Training curves over {history.epochs} epoch{'s' * (history.epochs != 1)}, three panels."]
    if history.batch_loss:
        parts.append(f"Left, the loss of each of {len(history.batch_loss)} batches (log scale) goes from "
                     f"{history.batch_loss[0]:.3g} to {history.batch_loss[-1]:.3g}.")
    parts.append(f"Middle, the loss per epoch: train from {history.train_loss[0]:.3g} to {history.train_loss[-1]:.3g}"
                 + (f", validation from {history.val_loss[0]:.3g} to {history.val_loss[-1]:.3g}" if history.val_loss else "")
                 + ".")
    text = f"Right, the accuracy per epoch: train ends at {history.train_acc[-1]:.2%}"
    if history.val_acc:
        best = int(np.argmax(history.val_acc))
        text += (f", validation at {history.val_acc[-1]:.2%} (its best, {history.val_acc[best]:.2%}, "
                 f"after epoch {best + 1})")
        gap = history.train_acc[-1] - history.val_acc[-1]
        text += f"; train is {abs(gap):.2%} {'above' if gap >= 0 else 'below'} validation at the end"
    parts.append(text + ".")
    if history.val_loss:
        parts.append("Train: solid line with circles; validation: dashed line with squares.")
    return " ".join(parts)


def plot_history(history):
    """Loss and accuracy per epoch (train, and validation when measured), and the loss per batch.

    Train and validation differ in colour (blue, orange), line style (solid, dashed) and marker
    (circle, square), and the legend names them."""
    import matplotlib.pyplot as plt
    fig, (ax_batch, ax_loss, ax_acc) = plt.subplots(1, 3, figsize=(13, 3.5))
    ax_batch.plot(history.batch_loss, lw=0.5, alpha=0.8)
    ax_batch.set(title="loss per batch", xlabel="batch", yscale="log")
    epochs = np.arange(1, history.epochs + 1)
    lines = [("train", history.train_loss, history.train_acc, "o-", "tab:blue")]
    if history.val_loss:
        lines.append(("validation", history.val_loss, history.val_acc, "s--", "tab:orange"))
    for name, loss, acc, style, colour in lines:
        for ax, values in ((ax_loss, loss), (ax_acc, acc)):
            ax.plot(epochs[:len(values)], values, style, color=colour, label=name)
    ax_loss.set(title="loss per epoch", xlabel="epoch")
    ax_acc.set(title="accuracy per epoch", xlabel="epoch")
    for ax in (ax_loss, ax_acc):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    show(fig, history_description(history))
    return fig


def show_filters(w, channel=None, cols=8):
    """Every filter of a conv layer. w: (F, F, C_in, C_out).

    With 3 input channels the filters show in colour (each scaled to [0, 1]); otherwise input
    channel `channel` (0 by default) of each filter is shown in SIGNED on one scale symmetric
    about 0, with a colour bar naming its negative and positive sides.
    """
    w = np.asarray(w)
    if w.ndim != 4:
        raise ValueError(f"w must be 4-D (F, F, C_in, C_out); got shape {w.shape}")
    filters = np.moveaxis(w, 3, 0)                              # (C_out, F, F, C_in)
    size = f"{w.shape[3]} filters of size {w.shape[0]}x{w.shape[1]}"
    strongest = np.abs(filters.reshape(len(filters), -1)).sum(axis=1)
    summary = (f"weights from {w.min():.3g} to {w.max():.3g}; filter {int(np.argmax(strongest))} has the "
               f"largest total |weight|, filter {int(np.argmin(strongest))} the smallest")
    titles = [str(k) for k in range(len(filters))]
    if w.shape[2] == 3 and channel is None:
        low, high = filters.min(), filters.max()
        fig, _, _ = _grid((filters - low) / (high - low + 1e-12), titles, cols, None, 1.4, size)
        show(fig, f"{size} over 3 colour channels, each shown as an RGB image scaled to [0, 1], "
                  f"numbered 0 to {len(filters) - 1}: {summary}.")
        return fig
    filters = filters[..., channel or 0]
    limit = float(np.abs(filters).max()) or 1.0
    fig, axes, image = _grid(filters, titles, cols, SIGNED, 1.4, size + f", input channel {channel or 0}",
                             vmin=-limit, vmax=limit)
    signed_colorbar(fig, image, axes.ravel().tolist())
    show(fig, f"{size}, input channel {channel or 0}, numbered 0 to {len(filters) - 1}, on one scale symmetric "
              f"about 0 (orange negative, white zero, purple positive, as the colour bar says): {summary}.")
    return fig


def show_feature_maps(maps, cols=8, title="feature maps"):
    """Every channel of one example's activations, on one MAGNITUDE scale with a colour bar.
    maps: (H, W, C) or (1, H, W, C)."""
    maps = np.asarray(maps)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"maps must be (H, W, C) or (1, H, W, C); got shape {maps.shape}")
    channels = np.moveaxis(maps, 2, 0)
    low, high = min(0.0, float(maps.min())), float(maps.max()) or 1.0
    heading = f"{title}: {maps.shape[2]} channels of {maps.shape[0]}x{maps.shape[1]}"
    fig, axes, image = _grid(channels, [str(c) for c in range(len(channels))], cols, MAGNITUDE, 1.4, heading,
                             vmin=low, vmax=high)
    bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8)
    bar.set_label("activation (dark: low, light: high)", fontsize=8)
    show(fig, feature_maps_description(maps, title))
    return fig


def feature_maps_description(maps, title="feature maps"):
    """The text alternative of show_feature_maps. maps: (H, W, C)."""
    peaks = maps.reshape(-1, maps.shape[2]).max(axis=0)
    silent = np.flatnonzero(peaks <= 0)
    order = np.argsort(-peaks)[:3]
    return (f"{title}: {maps.shape[2]} channels of {maps.shape[0]}x{maps.shape[1]}, numbered 0 to "
            f"{maps.shape[2] - 1}, on one scale from dark (low) to light (high). The largest activation is "
            f"{peaks.max():.3g}; the most active channels are {_listing(f'{c} (max {peaks[c]:.3g})' for c in order)}; "
            + (f"{len(silent)} channel{'s are' if len(silent) != 1 else ' is'} zero everywhere for this input "
               f"({_listing(silent)})." if len(silent) else "every channel responds somewhere."))


def confusion_matrix(y_true, y_pred, classes=10):
    """counts[i, j]: examples of class i predicted as class j. -> (classes, classes) int64."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts


def confusion_description(counts, names):
    """The text alternative of plot_confusion_matrix: accuracy, the commonest confusions and the
    class recognised worst. counts: (classes, classes)."""
    total = int(counts.sum())
    wrong = counts * (1 - np.eye(len(counts), dtype=np.int64))
    pairs = sorted(((int(wrong[i, j]), i, j) for i, j in zip(*np.nonzero(wrong))), reverse=True)[:3]
    per_class = np.diag(counts) / np.maximum(counts.sum(axis=1), 1)
    worst = int(np.argmin(per_class))
    confusions = _listing(f"true {names[i]} predicted as {names[j]} ({n} times)" for n, i, j in pairs)
    return (f"Confusion matrix of {total} examples over {len(counts)} classes: rows the true class, columns the "
            f"predicted one, each cell's count written in it, darker for fewer. Accuracy {np.trace(counts) / max(total, 1):.2%}, "
            f"{total - int(np.trace(counts))} mistakes. "
            + (f"The commonest confusions: {confusions}. " if pairs else "No off-diagonal cell is non-zero. ")
            + f"Worst recognised: {names[worst]} ({per_class[worst]:.1%} of its examples right).")


def plot_confusion_matrix(y_true, y_pred, class_names=None):
    """Heat map (MAGNITUDE) of the confusion matrix with every count written in its cell."""
    import matplotlib.pyplot as plt
    classes = len(class_names) if class_names is not None else int(max(np.max(y_true), np.max(y_pred))) + 1
    names = class_names if class_names is not None else [str(c) for c in range(classes)]
    counts = confusion_matrix(y_true, y_pred, classes)
    fig, ax = plt.subplots(figsize=(0.6 * classes + 2.5, 0.6 * classes + 2))
    image = ax.imshow(counts, cmap=MAGNITUDE)
    write_values(ax, image, counts, "{:d}", fontsize=7)
    ax.set(xticks=range(classes), yticks=range(classes), xlabel="predicted", ylabel="true",
           title=f"accuracy {np.trace(counts) / max(counts.sum(), 1):.2%}")
    ax.set_xticklabels(names, rotation=45, ha="right")
    ax.set_yticklabels(names)
    fig.colorbar(image, ax=ax).set_label("examples (dark: few, light: many)")
    fig.tight_layout()
    show(fig, confusion_description(counts, names))
    return fig


def show_misclassified(x, y_true, y_pred, class_names=None, n=16, cols=8):
    """The first n examples the model got wrong, titled "true -> predicted". x: (N, H, W, C)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)
    name = (lambda c: class_names[c]) if class_names is not None else str
    titles = [f"{name(y_true[i])} -> {name(y_pred[i])}" for i in wrong[:n]]
    if len(wrong) == 0:
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        show(fig, f"No mistakes: the model classified all {len(y_true)} examples right.")
        return fig
    images = np.asarray(x)[wrong[:n]]
    images = images[..., 0] if images.ndim == 4 and images.shape[-1] == 1 else images
    fig, _, _ = _grid(images, titles, cols, "gray", 1.4, f"{len(titles)} of {len(wrong)} mistakes")
    show(fig, f"The first {len(titles)} of the model's {len(wrong)} mistakes on {len(y_true)} examples, each "
              f"image titled true class -> predicted class: {_listing(titles, most=n)}.")
    return fig
