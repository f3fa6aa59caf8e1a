"""MNIST and Fashion-MNIST from their original IDX gzip files, and a photo for the demos.

    from coursekit.data import load_mnist
    data = load_mnist(val_size=5000)
    x_train, y_train = data.train        # (55000, 28, 28, 1) float32 in [0, 1], (55000,) int64

Files are looked for in <data dir>/mnist/ and <data dir>/fashion-mnist/, where the
data dir is $COURSE_DATA_DIR when set and the project's data/ folder otherwise.
A missing file is downloaded from the public mirrors (with a progress bar) into a
temporary file that replaces the target only once its SHA-256 has been verified;
every file is verified again before it is read.

While a notebook is graded, the test split is the grader's: the grading sandbox holds only
the training files and sets COURSE_HELD_OUT=hidden, and load() then returns an empty test
split (and says so) without looking for the test files.
"""
import gzip
import hashlib
import os
import pathlib
import tempfile
import urllib.request
from collections import namedtuple

import numpy as np

Splits = namedtuple("Splits", "train val test classes")
Splits.__doc__ = """train, val, test: (images, labels) pairs; classes: the label names."""

DATASETS = {
    "mnist": {
        "mirrors": ["https://ossci-datasets.s3.amazonaws.com/mnist/",
                    "https://storage.googleapis.com/cvdf-datasets/mnist/",
                    "http://yann.lecun.com/exdb/mnist/"],
        "sha256": {
            "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        },
        "classes": [str(digit) for digit in range(10)],
    },
    "fashion-mnist": {
        "mirrors": ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/"],
        "sha256": {
            "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        },
        "classes": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                    "Sneaker", "Bag", "Ankle boot"],
    },
}

IDX_MAGIC = {"images": (0x0803, 3), "labels": (0x0801, 1)}  # unsigned bytes; number of dimensions
HELD_OUT = "COURSE_HELD_OUT"    # "hidden": the test split is held out (a graded notebook's kernel)


class DataError(RuntimeError):
    """A data file is missing and cannot be fetched, or is corrupt."""


def data_dir():
    """$COURSE_DATA_DIR when set, else the project's data/ folder."""
    configured = os.environ.get("COURSE_DATA_DIR")
    if configured:
        return pathlib.Path(configured).expanduser().resolve()
    return pathlib.Path(__file__).resolve().parents[1] / "data"


def export_data_dir():
    """Make a relative $COURSE_DATA_DIR absolute, for the processes this one starts.

    Notebook kernels start in the notebook's folder, where COURSE_DATA_DIR=../shared/data
    would name another place. Called where kernels are started from: nbgrader's
    configuration and the test session.
    """
    if os.environ.get("COURSE_DATA_DIR"):
        os.environ["COURSE_DATA_DIR"] = str(data_dir())


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _where_to_put(folder, name):
    return (f"Put the original files ({', '.join(DATASETS[name]['sha256'])}) in {folder}/, or set "
            f"COURSE_DATA_DIR to a folder that holds {name}/.")


def _download(url, target, expected_sha256):
    """Fetch url into target atomically: a temporary file, verified, then renamed."""
    from tqdm.auto import tqdm
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=target.name, leave=False) as bar:
                for block in iter(lambda: response.read(1 << 16), b""):
                    out.write(block)
                    digest.update(block)
                    bar.update(len(block))
        if digest.hexdigest() != expected_sha256:
            raise DataError(f"{url} sent a file whose SHA-256 is {digest.hexdigest()}, "
                            f"not {expected_sha256}")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def fetch(name, filename, root=None, mirrors=None):
    """Path of one verified file of a dataset, downloading it first when it is missing.

    name: "mnist" or "fashion-mnist"; filename: one of its four .gz files;
    root: the data dir (data_dir() when None); mirrors: base URLs to try in turn.
    Raises DataError when the file cannot be had or does not match its SHA-256.
    """
    if name not in DATASETS:
        raise ValueError(f"name must be one of {sorted(DATASETS)}; got {name!r}")
    expected = DATASETS[name]["sha256"][filename]
    folder = pathlib.Path(root) / name if root is not None else data_dir() / name
    path = folder / filename
    if not path.exists():
        failures = []
        for base in mirrors if mirrors is not None else DATASETS[name]["mirrors"]:
            try:
                _download(base + filename, path, expected)
                break
            except Exception as error:  # try the next mirror; report all if none works
                failures.append(f"{base}: {error}")
        else:
            raise DataError(f"{path} is missing and could not be downloaded "
                            f"({'; '.join(failures) or 'no mirrors'}). {_where_to_put(folder, name)}")
    actual = sha256_of(path)
    if actual != expected:
        raise DataError(f"{path} is corrupt or not the original file: its SHA-256 is {actual}, "
                        f"expected {expected}. Delete it to download it again. "
                        f"{_where_to_put(folder, name)}")
    return path


def read_idx(path, kind):
    """The array stored in an IDX gzip file. kind: "images" (N, rows, cols) or "labels" (N,).

    Checks the magic number and that the data holds exactly the size the header states.
    """
    magic, ndim = IDX_MAGIC[kind]
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as error:
        raise DataError(f"{path} is not a readable gzip file: {error}") from error
    header = 4 + 4 * ndim
    if len(raw) < header or int.from_bytes(raw[:4], "big") != magic:
        found = hex(int.from_bytes(raw[:4], "big")) if len(raw) >= 4 else "nothing"
        raise DataError(f"{path} is not an IDX {kind} file: magic number {found}, "
                        f"expected {hex(magic)}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    if len(raw) - header != int(np.prod(shape)):
        raise DataError(f"{path} should hold {shape} bytes after its header "
                        f"({int(np.prod(shape))}) but holds {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def load(name, limit=None, val_size=0, seed=0, root=None):
    """One of the two datasets, as float32 images in [0, 1] and int64 labels.

    name: "mnist" or "fashion-mnist"; limit: keep only the first `limit` training
    and the first `limit` test examples; val_size: examples moved from the
    training set into a validation set, chosen by a permutation seeded with `seed`.
    Returns Splits(train=(x, y), val=(x, y), test=(x, y), classes): x (n, 28, 28, 1), y (n,).
    With $COURSE_HELD_OUT=hidden (while graded) the test split is empty: (0, 28, 28, 1), (0,).
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive number of examples or None; got {limit}")
    x, y = read_split(name, "train", root, limit)
    if os.environ.get(HELD_OUT) == "hidden":
        print(f"{name}: the test split is held out for grading ({HELD_OUT}=hidden), so it is empty here")
        test = (x[:0], y[:0])
    else:
        test = read_split(name, "t10k", root, limit)
    if not 0 <= val_size < len(x):
        raise ValueError(f"val_size must be in [0, {len(x)}) for {len(x)} training examples; "
                         f"got {val_size}")
    order = np.random.default_rng(seed).permutation(len(x))
    val, train = order[:val_size], np.sort(order[val_size:])
    return Splits((x[train], y[train]), (x[val], y[val]), test, DATASETS[name]["classes"])


def read_split(name, prefix, root=None, limit=None):
    """The first `limit` (images, labels) of one split of a dataset, prefix "train" or "t10k",
    verified: images (n, 28, 28, 1) float32 in [0, 1], labels (n,) int64."""
    images = read_idx(fetch(name, f"{prefix}-images-idx3-ubyte.gz", root), "images")
    labels = read_idx(fetch(name, f"{prefix}-labels-idx1-ubyte.gz", root), "labels")
    if len(images) != len(labels):
        raise DataError(f"{name} {prefix}: {len(images)} images but {len(labels)} labels")
    images, labels = images[:limit], labels[:limit]
    return (images[..., None] / np.float32(255)).astype(np.float32), labels.astype(np.int64)


def load_mnist(limit=None, val_size=0, seed=0, root=None):
    """Handwritten digits 0-9: 60,000 training and 10,000 test images. See load()."""
    return load("mnist", limit, val_size, seed, root)


def load_fashion_mnist(limit=None, val_size=0, seed=0, root=None):
    """Zalando's clothing images, 10 classes, MNIST's format and sizes. See load()."""
    return load("fashion-mnist", limit, val_size, seed, root)


def load_photo(color=False):
    """A real photograph (Grace Hopper, shipped with matplotlib) for the convolution demos.

    Returns float32 in [0, 1]: (H, W) grayscale (ITU-R 601 luma), or (H, W, 3) RGB when color.
    """
    import matplotlib.cbook
    import matplotlib.image
    with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = matplotlib.image.imread(f, format="jpg").astype(np.float32) / np.float32(255)
    return rgb if color else rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
