"""Plotting helpers draw real figures (Agg backend) from real shapes."""
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
