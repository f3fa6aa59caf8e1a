"""Loaders on the real IDX files, checksums, atomic downloads, and the errors people meet."""
import functools
import gzip
import http.server
import os
import pathlib
import shutil
import socket
import threading

import numpy as np
import pytest

from coursekit import data
from coursekit.data import DataError

# Published class counts of the two datasets (reference values, not computed here).
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
FILES = list(data.DATASETS["mnist"]["sha256"])


@pytest.fixture(autouse=True)
def no_public_mirrors(monkeypatch):
    """Tests never reach the internet: the public mirrors become an unreachable address."""
    for spec in data.DATASETS.values():
        monkeypatch.setitem(spec, "mirrors", ["http://127.0.0.1:9/"])


@pytest.fixture(scope="module")
def mnist(data_root):
    return data.load_mnist()


def test_mnist_shapes_dtypes_and_ranges(mnist):
    (x, y), (xv, yv), (xt, yt) = mnist.train, mnist.val, mnist.test
    assert x.shape == (60000, 28, 28, 1) and xt.shape == (10000, 28, 28, 1)
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    assert xv.shape == (0, 28, 28, 1) and yv.shape == (0,)
    assert mnist.classes == [str(d) for d in range(10)]


def test_mnist_label_histograms_are_the_published_ones(mnist):
    assert np.bincount(mnist.train[1]).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(mnist.test[1]).tolist() == MNIST_TEST_COUNTS


def test_fashion_mnist_is_balanced(data_root):
    fashion = data.load_fashion_mnist()
    assert fashion.train[0].shape == (60000, 28, 28, 1)
    assert np.bincount(fashion.train[1]).tolist() == [6000] * 10
    assert np.bincount(fashion.test[1]).tolist() == [1000] * 10
    assert fashion.classes[9] == "Ankle boot"


def test_limit_and_seeded_validation_split(mnist):
    small = data.load_mnist(limit=1000, val_size=200, seed=3)
    (x, y), (xv, yv) = small.train, small.val
    assert len(x) == 800 and len(xv) == 200 and len(small.test[0]) == 1000
    # train and validation partition the first 1000 training images
    together = np.concatenate([x, xv]).reshape(1000, -1)
    first = mnist.train[0][:1000].reshape(1000, -1)
    assert sorted(map(bytes, together)) == sorted(map(bytes, first))
    again = data.load_mnist(limit=1000, val_size=200, seed=3)
    assert np.array_equal(again.val[1], yv)
    other = data.load_mnist(limit=1000, val_size=200, seed=4)
    assert not np.array_equal(other.val[0], xv)


def test_bad_split_arguments(data_root):
    with pytest.raises(ValueError, match="val_size"):
        data.load_mnist(limit=100, val_size=100)
    with pytest.raises(ValueError, match="limit"):
        data.load_mnist(limit=0)


def copy_dataset(root, tmp_path, name="mnist"):
    shutil.copytree(root / name, tmp_path / name)
    for f in (tmp_path / name).iterdir():
        f.chmod(0o644)
    return tmp_path


def test_corrupted_file_fails_its_checksum(data_root, tmp_path):
    root = copy_dataset(data_root, tmp_path)
    target = root / "mnist" / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(target.read_bytes())
    raw[100] ^= 0xFF
    target.write_bytes(bytes(raw))
    with pytest.raises(DataError) as info:
        data.load_mnist(root=root)
    assert "SHA-256" in str(info.value) and str(target) in str(info.value)
    assert "Delete it" in str(info.value)


def write_idx(path, magic, shape, payload):
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in shape)
    with gzip.open(path, "wb") as f:
        f.write(header + payload)


def test_idx_parser_checks_magic_and_size(tmp_path):
    good = tmp_path / "good.gz"
    write_idx(good, 0x0803, (2, 3, 4), bytes(range(24)))
    assert data.read_idx(good, "images").shape == (2, 3, 4)
    write_idx(tmp_path / "magic.gz", 0x0801, (2, 3, 4), bytes(24))
    with pytest.raises(DataError, match="magic number 0x801, expected 0x803"):
        data.read_idx(tmp_path / "magic.gz", "images")
    write_idx(tmp_path / "short.gz", 0x0803, (2, 3, 4), bytes(20))
    with pytest.raises(DataError, match="holds 20"):
        data.read_idx(tmp_path / "short.gz", "images")
    truncated = tmp_path / "truncated.gz"
    truncated.write_bytes(good.read_bytes()[:-12])
    with pytest.raises(DataError, match="not a readable gzip"):
        data.read_idx(truncated, "images")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; paths starting /broken/ send half a file and hang up."""

    def do_GET(self):
        if self.path.startswith("/broken/"):
            body = (pathlib.Path(self.directory) / self.path.rsplit("/", 1)[1]).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(data_root, tmp_path):
    """A local HTTP server on 127.0.0.1 serving the real MNIST files; yields its base URL."""
    served = tmp_path / "served"
    shutil.copytree(data_root / "mnist", served)
    (served / "wrong").mkdir()
    for f in FILES:  # right names, wrong contents
        (served / "wrong" / f).write_bytes(b"not the file")
    handler = functools.partial(_Handler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_verifies_and_lands_atomically(server, tmp_path):
    root = tmp_path / "fresh"
    path = data.fetch("mnist", "t10k-labels-idx1-ubyte.gz", root, mirrors=[server])
    assert path == root / "mnist" / "t10k-labels-idx1-ubyte.gz"
    assert data.sha256_of(path) == data.DATASETS["mnist"]["sha256"][path.name]
    assert leftovers(root / "mnist") == [path.name]


def test_bad_mirror_is_skipped_for_a_good_one(server, tmp_path):
    root = tmp_path / "fresh"
    path = data.fetch("mnist", "t10k-labels-idx1-ubyte.gz", root,
                      mirrors=[server + "wrong/", server + "broken/", server])
    assert leftovers(root / "mnist") == [path.name]


@pytest.mark.parametrize("sub", ["wrong/", "broken/"])
def test_failed_download_leaves_no_partial_file(server, tmp_path, sub):
    root = tmp_path / "fresh"
    with pytest.raises(DataError) as info:
        data.fetch("mnist", "t10k-labels-idx1-ubyte.gz", root, mirrors=[server + sub])
    assert leftovers(root / "mnist") == []
    assert "Put the original files" in str(info.value)


def test_offline_error_says_where_to_put_the_files(tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()                                   # nothing listens there now
    root = tmp_path / "empty"
    with pytest.raises(DataError) as info:
        data.load_mnist(root=root, limit=10)
    message = str(info.value)
    assert str(root / "mnist") in message and "COURSE_DATA_DIR" in message
    with pytest.raises(DataError, match="could not be downloaded"):
        data.fetch("mnist", FILES[0], root, mirrors=[f"http://127.0.0.1:{port}/"])


def test_file_urls_work_as_mirrors(data_root, tmp_path):
    source = data_root / "mnist"
    path = data.fetch("mnist", "t10k-labels-idx1-ubyte.gz", tmp_path,
                      mirrors=[source.as_uri() + "/"])
    assert path.read_bytes() == (source / path.name).read_bytes()


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert data.data_dir() == tmp_path.resolve()
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert data.data_dir() == pathlib.Path(data.__file__).resolve().parents[1] / "data"


def test_a_relative_data_dir_is_exported_absolute(monkeypatch, tmp_path):
    (tmp_path / "shared" / "data").mkdir(parents=True)
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.setenv("COURSE_DATA_DIR", "../shared/data")
    data.export_data_dir()
    assert os.environ["COURSE_DATA_DIR"] == str((tmp_path / "shared" / "data").resolve())
    monkeypatch.chdir(tmp_path)  # where a kernel would start: the path still holds
    assert data.data_dir() == (tmp_path / "shared" / "data").resolve()


def test_photo_is_a_real_image_in_gray_and_colour():
    gray, rgb = data.load_photo(), data.load_photo(color=True)
    assert gray.ndim == 2 and rgb.shape == gray.shape + (3,)
    assert gray.dtype == rgb.dtype == np.float32
    assert 0 <= gray.min() < 0.1 and 0.9 < gray.max() <= 1 and gray.std() > 0.1
    assert np.allclose(gray, rgb @ np.array([0.299, 0.587, 0.114]), atol=1e-5)


def test_a_held_out_test_split_comes_back_empty_without_a_download(held_out_data, capsys):
    before = leftovers(held_out_data / "mnist")
    split = data.load_mnist(limit=100, val_size=10, root=held_out_data)
    (x, y), (xv, yv), (xt, yt) = split.train, split.val, split.test
    assert x.shape == (90, 28, 28, 1) and xv.shape == (10, 28, 28, 1)
    assert xt.shape == (0, 28, 28, 1) and xt.dtype == np.float32 and yt.shape == (0,) and yt.dtype == np.int64
    assert capsys.readouterr().out.count("\n") == 1          # said once, on one line
    assert leftovers(held_out_data / "mnist") == before    # nothing fetched (the mirrors are unreachable)


def test_a_held_out_split_still_verifies_the_training_files(held_out_data):
    labels = held_out_data / "mnist" / "train-labels-idx1-ubyte.gz"
    raw = bytearray(labels.read_bytes())
    labels.unlink()
    raw[100] ^= 0xFF
    labels.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="SHA-256"):
        data.load_mnist(limit=10, root=held_out_data)


def test_the_test_split_is_read_when_not_held_out(held_out_data, monkeypatch):
    monkeypatch.delenv("COURSE_HELD_OUT")
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz is missing"):
        data.load_mnist(limit=10, root=held_out_data)
