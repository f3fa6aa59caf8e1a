"""Plotting helpers draw real figures (Agg backend) from real shapes, say what they show (a text
alternative with the numbers of the data they plot) and never carry meaning by colour alone."""
import pathlib
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursekit import plots  # noqa: E402
from coursekit.train import History  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def drawn_images(fig):
    return sum(len(ax.images) for ax in fig.axes)


def test_history_plot_has_three_panels(tmp_path):
    history = History(train_loss=[1.0, 0.5], train_acc=[0.6, 0.8], val_loss=[1.1, 0.6],
                      val_acc=[0.5, 0.7], seconds=[1, 1], batch_loss=[2.0, 1.5, 1.0, 0.8])
    fig = plots.plot_history(history)
    assert len(fig.axes) == 3 and len(fig.axes[1].lines) == 2
    fig.savefig(tmp_path / "history.png")
    assert (tmp_path / "history.png").stat().st_size > 1000


def test_filters_feature_maps_and_grids(rng):
    assert drawn_images(plots.show_filters(rng.standard_normal((5, 5, 1, 6)))) == 6
    assert drawn_images(plots.show_filters(rng.standard_normal((3, 3, 3, 4)))) == 4
    assert drawn_images(plots.show_feature_maps(rng.random((1, 14, 14, 16)))) == 16
    with pytest.raises(ValueError, match="4-D"):
        plots.show_filters(np.zeros((5, 5, 6)))


def test_confusion_matrix_counts():
    counts = plots.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], classes=3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    fig = plots.plot_confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], ["a", "b", "c"])
    assert "accuracy 66.67%" in fig.axes[0].get_title()
    assert len(fig.axes[0].texts) == 9


def test_misclassified_examples(rng):
    x = rng.random((10, 28, 28, 1))
    y_true, y_pred = np.arange(10), np.array([0, 1, 9, 3, 4, 5, 0, 7, 8, 9])
    fig = plots.show_misclassified(x, y_true, y_pred, n=16)
    assert drawn_images(fig) == 2
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["2 -> 9", "6 -> 0"]
    assert plots.show_misclassified(x, y_true, y_true) is not None


# ---------------------------------------------------------------- every figure says what it shows

HASH_NAME = "3f8a" * 16 + ".png"          # what Sphinx writes as alt when a figure has none


@pytest.mark.parametrize("alt", ["", "   ", None, HASH_NAME, "figure.png", "_images/3f8a3f8a3f8a3f8a3f8a.png",
                                 f"figure {'ab12' * 8}", "training curves"])
def test_a_file_name_a_hash_or_nothing_is_no_description(alt):
    assert plots.description_problem(alt)
    with pytest.raises(ValueError, match="must say what it shows"):
        plots.show(plt.figure(), alt)


def test_show_keeps_the_description_on_the_figure_and_in_its_png():
    from PIL import Image
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    alt = "A line falling from 1 at x = 0 to 0 at x = 1, straight."
    assert plots.description_problem(alt) is None
    plots.show(fig, alt)
    assert fig.alt == alt
    with Image.open(__import__("io").BytesIO(plots.png(fig))) as image:
        assert image.text["Description"] == alt


def history_of(rng, epochs=4):
    loss = np.sort(rng.random(epochs) * 2)[::-1]
    return History(train_loss=list(loss), train_acc=list(np.sort(rng.random(epochs))),
                   val_loss=list(loss * 1.1), val_acc=list(rng.random(epochs)),
                   seconds=[1.0] * epochs, batch_loss=list(rng.random(3 * epochs) + 0.1))


def test_the_training_curves_say_where_they_end(rng):
    history = history_of(rng)
    fig = plots.plot_history(history)
    best = int(np.argmax(history.val_acc))
    for number in [f"{history.train_loss[0]:.3g}", f"{history.train_loss[-1]:.3g}", f"{history.val_loss[-1]:.3g}",
                   f"{history.train_acc[-1]:.2%}", f"{history.val_acc[-1]:.2%}", f"{history.val_acc[best]:.2%}",
                   f"after epoch {best + 1}", f"{history.batch_loss[-1]:.3g}", f"{history.epochs} epochs"]:
        assert number in fig.alt, (number, fig.alt)
    assert plots.description_problem(fig.alt) is None


def test_the_filters_say_their_range_and_strongest(rng):
    w = rng.standard_normal((5, 5, 1, 6))
    fig = plots.show_filters(w)
    strongest = int(np.argmax(np.abs(w).sum(axis=(0, 1, 2))))
    assert f"from {w.min():.3g} to {w.max():.3g}" in fig.alt and f"filter {strongest} has the largest" in fig.alt
    assert plots.show_filters(rng.standard_normal((3, 3, 3, 4))).alt.startswith("4 filters of size 3x3 over 3 colour")


def test_the_feature_maps_say_their_peak_and_their_silent_channels(rng):
    maps = np.maximum(rng.standard_normal((1, 6, 6, 5)), 0)
    maps[..., [1, 3]] = 0                                            # two channels silent for this input
    fig = plots.show_feature_maps(maps, title="after conv 1")
    assert f"largest activation is {maps.max():.3g}" in fig.alt
    assert "2 channels are zero everywhere for this input (1, 3)" in fig.alt
    assert fig.alt.startswith("after conv 1: 5 channels of 6x6")


def test_the_confusion_matrix_says_its_accuracy_and_commonest_confusion(rng):
    y_true = rng.integers(0, 4, 200)
    y_pred = np.where(rng.random(200) < 0.7, y_true, rng.integers(0, 4, 200))
    fig = plots.plot_confusion_matrix(y_true, y_pred, ["a", "b", "c", "d"])
    counts = np.zeros((4, 4), int)
    for t, p in zip(y_true, y_pred):
        counts[t, p] += 1
    off = counts - np.diag(np.diag(counts))
    i, j = np.unravel_index(np.argmax(off), off.shape)
    assert f"Accuracy {np.mean(y_true == y_pred):.2%}, {np.sum(y_true != y_pred)} mistakes" in fig.alt
    assert f"true {'abcd'[i]} predicted as {'abcd'[j]} ({off.max()} times)" in fig.alt


def test_the_misclassified_say_how_many_and_which(rng):
    x, y_true = rng.random((30, 8, 8, 1)), rng.integers(0, 3, 30)
    y_pred = np.where(rng.random(30) < 0.5, y_true, (y_true + 1) % 3)
    wrong = np.flatnonzero(y_true != y_pred)
    alt = plots.show_misclassified(x, y_true, y_pred, n=4).alt
    assert f"first 4 of the model's {len(wrong)} mistakes on 30 examples" in alt
    assert f"{y_true[wrong[0]]} -> {y_pred[wrong[0]]}" in alt


# ---------------------------------------------------------------- colour is never the only carrier

def test_signed_values_use_a_colour_blind_safe_diverging_map_with_named_sides(rng):
    fig = plots.show_filters(rng.standard_normal((5, 5, 1, 6)))
    images = [image for ax in fig.axes for image in ax.images]
    assert {image.get_cmap().name for image in images} == {plots.SIGNED} == {"PuOr"}
    assert all(image.norm.vmin == -image.norm.vmax for image in images)          # 0 is the middle colour
    bar = next(ax for ax in fig.axes if not ax.images and ax.get_yticklabels())  # the colour bar
    ticks = [label.get_text() for label in bar.get_yticklabels()]
    assert "negative" in ticks[0] and ticks[1] == "0" and "positive" in ticks[2]


def test_magnitudes_use_a_colour_blind_safe_map_with_a_worded_colour_bar(rng):
    fig = plots.show_feature_maps(rng.random((1, 6, 6, 4)))
    assert {image.get_cmap().name for ax in fig.axes for image in ax.images} == {plots.MAGNITUDE} == {"cividis"}
    assert any("dark: low" in ax.get_ylabel() for ax in fig.axes)


def test_numbers_on_colour_meet_aa_contrast(rng):
    y = rng.integers(0, 5, 300)
    fig = plots.plot_confusion_matrix(y, np.where(rng.random(300) < 0.8, y, 0))
    ax = fig.axes[0]
    image = ax.images[0]
    assert image.get_cmap().name == plots.MAGNITUDE and len(ax.texts) == 25
    for text in ax.texts:
        j, i = text.get_position()
        background = image.cmap(image.norm(image.get_array()[int(i), int(j)]))
        assert plots.contrast(background, matplotlib.colors.to_rgb(text.get_color())) >= plots.AA_CONTRAST


def test_the_two_training_curves_differ_in_style_and_marker_too(rng):
    fig = plots.plot_history(history_of(rng))
    for ax in fig.axes[1:]:
        train, validation = ax.get_lines()
        assert train.get_linestyle() != validation.get_linestyle() and train.get_marker() != validation.get_marker()
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]


NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "course" / "source").glob("*/*.ipynb"))
DRAWS = re.compile(r"plt\.(subplots|figure)\(|\bplt\.(plot|imshow|bar|loglog|semilogy)\(")
DESCRIBED = re.compile(r"plots\.(show|image_grid|plot_history|show_filters|show_feature_maps|plot_confusion_matrix|"
                       r"show_misclassified)\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.parent.name)
def test_every_figure_of_the_notebooks_is_shown_with_its_description(path):
    """A cell that makes a figure shows it through coursekit.plots (show or a helper), which
    gives it its text alternative; matplotlib's own display would leave it without one. The
    descriptions' numbers are checked where they are computed (above) and on the site
    (tests/test_book.py), whose build fails on any figure without one."""
    import nbformat
    cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    undescribed = [cell.id for cell in cells if DRAWS.search(cell.source) and not DESCRIBED.search(cell.source)]
    assert not undescribed, f"{path.name}: cells {undescribed} draw a figure without plots.show"
    assert "RdBu" not in "".join(cell.source for cell in cells)          # not colour-blind safe: plots.SIGNED
