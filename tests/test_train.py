"""Training tools and the training command, on small data so they run in seconds."""
import json

import numpy as np
import pytest

import solutions as S
from coursekit.train import History, evaluate, fit, minibatches, predict
from solutions.train import lenet, main


def toy_problem(n=256, seed=0):
    """Images whose class is the quadrant holding a bright blob: learnable in a few epochs."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 12, 12, 1)).astype(np.float32) * 0.2
    y = rng.integers(0, 4, n)
    for i, quadrant in enumerate(y):
        r, c = divmod(quadrant, 2)
        x[i, r * 6 + 1:r * 6 + 5, c * 6 + 1:c * 6 + 5, 0] += 0.8
    return x, y


def toy_net(seed=0):
    return S.Sequential(S.Conv2D(1, 4, 3, pad=1, seed=seed), S.ReLU(), S.MaxPool2D(2, 2),
                        S.Flatten(), S.Dense(6 * 6 * 4, 4, seed=seed + 1))


def test_minibatches_cover_every_example_once():
    x, y = np.arange(10)[:, None], np.arange(10)
    batches = list(minibatches(x, y, 4, rng=0))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in batches])) == list(range(10))
    assert all(np.array_equal(bx[:, 0], by) for bx, by in batches)   # pairs stay together
    again = [b[1] for b in minibatches(x, y, 4, rng=0)]
    assert all(np.array_equal(a, b[1]) for a, b in zip(again, batches))
    ordered = np.concatenate([b[1] for b in minibatches(x, y, 3, shuffle=False)])
    assert ordered.tolist() == list(range(10))
    with pytest.raises(ValueError, match="same length"):
        list(minibatches(x, y[:5], 2))


def test_fit_drives_the_loss_down_and_records_history():
    x, y = toy_problem()
    net = toy_net()
    history = fit(net, S.Adam(net.parameters(), lr=0.01), S.softmax_cross_entropy, x, y,
                  epochs=4, batch_size=32, val=toy_problem(64, seed=1), progress=False, verbose=False)
    assert history.epochs == 4 and len(history.val_acc) == 4 and len(history.batch_loss) == 4 * 8
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.val_acc[-1] > 0.9
    loss, accuracy = evaluate(net, S.softmax_cross_entropy, x, y)
    assert accuracy == np.mean(predict(net, x, batch_size=50).argmax(axis=1) == y)


def test_seeded_training_reproduces_exactly():
    x, y = toy_problem()
    runs = []
    for _ in range(2):
        net = toy_net(seed=5)
        history = fit(net, S.SGD(net.parameters(), lr=0.05), S.softmax_cross_entropy, x, y,
                      epochs=2, batch_size=16, seed=9, progress=False, verbose=False)
        runs.append((history.batch_loss, net.parameters()))
    assert runs[0][0] == runs[1][0]
    for name, value in runs[0][1].items():
        assert np.array_equal(value, runs[1][1][name])


def test_lr_schedule_sets_the_rate_each_epoch():
    x, y = toy_problem(64)
    net = toy_net()
    opt = S.SGD(net.parameters(), lr=1.0)
    seen = []
    fit(net, opt, S.softmax_cross_entropy, x, y, epochs=3, batch_size=64, progress=False,
        verbose=False, lr_schedule=lambda epoch: seen.append(epoch) or 0.1 / (epoch + 1))
    assert seen == [0, 1, 2] and opt.lr == pytest.approx(0.1 / 3)


def test_interrupted_training_keeps_what_it_learned():
    x, y = toy_problem(64)
    net = toy_net()
    calls = {"n": 0}
    forward = net.forward

    def interrupt_on_sixth_batch(batch):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt
        return forward(batch)
    net.forward = interrupt_on_sixth_batch
    history = fit(net, S.SGD(net.parameters(), lr=0.05), S.softmax_cross_entropy, x, y,
                  epochs=5, batch_size=32, progress=False, verbose=False)
    assert isinstance(history, History) and history.epochs == 2 and len(history.batch_loss) == 5


def test_training_command_writes_its_report(data_root, tmp_path, capsys):
    out = tmp_path / "report.json"
    report = main(["--limit", "600", "--epochs", "3", "--lr", "0.005", "--width", "4", "8", "16",
                   "--quiet", "--out", str(out)])
    written = json.loads(out.read_text())
    assert written == json.loads(json.dumps(report))
    for key in ("test_accuracy", "train_seconds", "epochs", "architecture"):
        assert key in written
    assert written["epochs"] == 3 and written["train_examples"] == 600
    assert 0.5 < written["test_accuracy"] <= 1.0      # 600 digits, 3 short epochs: far above chance
    assert "Conv2D(1, 4, size=5" in written["architecture"][0]
    assert "test accuracy" in capsys.readouterr().out


def test_lenet_shapes():
    net = lenet(6, 16, 120)
    assert net.forward(np.zeros((2, 28, 28, 1), np.float32)).shape == (2, 10)
    assert net.num_parameters() == (25 * 6 + 6) + (25 * 6 * 16 + 16) + (400 * 120 + 120) + (1210)
