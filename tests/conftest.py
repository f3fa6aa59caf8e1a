"""Shared test settings and fixtures."""
import contextlib
import os
import signal

import numpy as np
import pytest
from hypothesis import settings

from coursekit.data import export_data_dir

export_data_dir()  # the notebooks' kernels run in other folders

# hypothesis runs are reproducible (derandomized) and unhurried
settings.register_profile("course", derandomize=True, deadline=None, max_examples=60,
                          print_blob=True)
settings.load_profile("course")


@pytest.fixture
def rng():
    """A fresh seeded generator per test, so every test is reproducible on its own."""
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def data_root():
    """The folder holding the real mnist/ and fashion-mnist/ files ($COURSE_DATA_DIR).

    Skips where they are missing, except on CI (CI=true), where that is a failure.
    """
    from coursekit import data
    root = data.data_dir()
    missing = [f"{name}/{f}" for name, spec in data.DATASETS.items() for f in spec["sha256"]
               if not (root / name / f).exists()]
    if missing:
        message = f"real data files missing from {root} (set COURSE_DATA_DIR): {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return root


@pytest.fixture
def held_out_data(data_root, tmp_path, monkeypatch):
    """A data dir as a graded kernel sees it in the grading sandbox: mnist's training files only
    (links to the real ones), and COURSE_HELD_OUT=hidden."""
    (tmp_path / "mnist").mkdir()
    for f in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        (tmp_path / "mnist" / f).symlink_to(data_root / "mnist" / f)
    monkeypatch.setenv("COURSE_HELD_OUT", "hidden")
    return tmp_path


@pytest.fixture(scope="session")
def sandbox():
    """Whether student kernels run in the bubblewrap sandbox (else they run unsandboxed).

    Missing bubblewrap is a failure on CI (CI=true); elsewhere tests that need the
    sandbox itself skip.
    """
    from autograder.cleanroom.kernel import sandbox_available
    if sandbox_available():
        return True
    if os.environ.get("CI"):
        pytest.fail("bubblewrap is missing: `make sandbox` installs it")
    return False



@contextlib.contextmanager
def deadline(seconds):
    """Fails what blocks (a FIFO opened for reading waits for a writer) after `seconds` with a
    TimeoutError, instead of hanging the suite."""
    def stuck(*_):
        raise TimeoutError(f"blocked for {seconds} s")
    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def no_hang():
    """A test that blocks for 60 s fails (deadline)."""
    with deadline(60):
        yield
